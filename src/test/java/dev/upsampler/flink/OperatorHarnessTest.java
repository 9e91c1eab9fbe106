package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import java.nio.file.Files;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;
import org.apache.flink.api.common.typeinfo.Types;
import org.apache.flink.streaming.runtime.streamrecord.StreamRecord;
import org.apache.flink.streaming.util.KeyedOneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.OneInputStreamOperatorTestHarness;
import org.apache.flink.streaming.util.ProcessFunctionTestHarnesses;
import org.junit.jupiter.api.Test;

/** The job's functions in Flink's operator test harness: no cluster, milliseconds. */
class OperatorHarnessTest {

  static FrameRecord record(String name, byte[] data, long seq) {
    FrameRecord r = new FrameRecord();
    r.streamId = "s";
    r.sourceName = name;
    r.outputName = name;
    r.data = data;
    r.sequence = seq;
    return r;
  }

  @Test
  void upscalesGoodFramesAndSendsBadOnesToTheRejects() throws Exception {
    JobDefinition def = JobDefinition.of(Map.of("input", ".", "output", "/tmp/unused-out",
        "kernel", "bilinear", "scale", "3", "format", "png"));
    OneInputStreamOperatorTestHarness<FrameRecord, FrameRecord> h =
        ProcessFunctionTestHarnesses.forProcessFunction(new UpscaleFunction(def));
    byte[] photo = Files.readAllBytes(Resources.path("photos/coffee.png"));
    h.processElement(record("coffee.png", photo, -1), 0);
    h.processElement(record("bad.png", new byte[] {1, 2, 3}, -1), 0);
    FrameRecord unreadable = record("gone.png", null, -1);
    unreadable.error = "gone.png: cannot be read (no such file)";
    h.processElement(unreadable, 0);

    List<FrameRecord> out = h.extractOutputValues();
    assertEquals(1, out.size());
    Frame up = ImageCodecs.decode(out.get(0).data, java.nio.file.Path.of("x.png"),
        Long.MAX_VALUE);
    assertEquals(3 * 72, up.width());
    assertEquals(3 * 48, up.height());
    List<String> rejects = h.getSideOutput(UpscaleFunction.REJECTS).stream()
        .map(StreamRecord::getValue).map(r -> r.sourceName + ": " + r.reason)
        .collect(Collectors.toList());
    assertEquals(2, rejects.size(), rejects.toString());
    assertTrue(rejects.get(0).startsWith("bad.png: bad.png: not a recognised image"), rejects
        .toString());
    assertTrue(rejects.get(1).contains("cannot be read"), rejects.toString());
    h.close();
  }

  @Test
  void aFailureDownstreamFailsTheTaskInsteadOfRejectingTheFrame() throws Exception {
    JobDefinition def = JobDefinition.of(Map.of("input", ".", "output", "/tmp/unused-out",
        "kernel", "bilinear", "scale", "2"));
    UpscaleFunction fn = new UpscaleFunction(def);
    OneInputStreamOperatorTestHarness<FrameRecord, FrameRecord> h =
        ProcessFunctionTestHarnesses.forProcessFunction(fn); // opens fn with metrics
    List<Reject> rejects = new java.util.ArrayList<>();
    var ctx = fn.new Context() {
      @Override
      public Long timestamp() {
        return null;
      }

      @Override
      public org.apache.flink.streaming.api.TimerService timerService() {
        throw new UnsupportedOperationException();
      }

      @Override
      public <X> void output(org.apache.flink.util.OutputTag<X> tag, X value) {
        rejects.add((Reject) value);
      }
    };
    var cancelled = new org.apache.flink.util.Collector<FrameRecord>() {
      @Override
      public void collect(FrameRecord r) {
        throw new IllegalStateException("Buffer pool has already been destroyed.");
      }

      @Override
      public void close() {}
    };
    byte[] photo = Files.readAllBytes(Resources.path("photos/coffee.png"));
    IllegalStateException e = org.junit.jupiter.api.Assertions.assertThrows(
        IllegalStateException.class,
        () -> fn.processElement(record("coffee.png", photo, -1), ctx, cancelled));
    assertTrue(e.getMessage().contains("Buffer pool"));
    assertEquals(List.of(), rejects, "a good frame is never reported as bad");
    h.close();
  }

  @Test
  void reorderStepsOverAGapAfterTheStall() throws Exception {
    KeyedOneInputStreamOperatorTestHarness<String, FrameRecord, FrameRecord> h =
        ProcessFunctionTestHarnesses.forKeyedProcessFunction(new ReorderFunction(100, 500, 0),
            r -> r.streamId, Types.STRING);
    h.setProcessingTime(0);
    h.processElement(record("f1", new byte[0], 1), 0);
    h.processElement(record("f0", new byte[0], 0), 0);
    h.processElement(record("f3", new byte[0], 3), 0); // 2 is missing
    assertEquals(List.of(0L, 1L), sequences(h));
    h.setProcessingTime(499);
    assertEquals(List.of(0L, 1L), sequences(h), "still waiting for 2");
    h.setProcessingTime(1000);
    assertEquals(List.of(0L, 1L, 3L), sequences(h), "2 skipped after the stall");
    h.processElement(record("f2", new byte[0], 2), 0);
    assertEquals(List.of(0L, 1L, 3L, 2L), sequences(h), "a late frame still comes out");
    h.close();
  }

  static List<Long> sequences(
      KeyedOneInputStreamOperatorTestHarness<String, FrameRecord, FrameRecord> h) {
    return h.extractOutputValues().stream().map(r -> r.sequence).collect(Collectors.toList());
  }
}

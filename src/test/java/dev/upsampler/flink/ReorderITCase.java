package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;
import org.apache.flink.api.common.eventtime.WatermarkStrategy;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Frames of two streams, shuffled, come out of the reorder step in sequence order. */
class ReorderITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  static final List<String> SEEN = new CopyOnWriteArrayList<>();

  /** Records "stream:sequence" in arrival order. */
  static final class Collect implements Sink<FrameRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<FrameRecord> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(FrameRecord r, Context c) {
          SEEN.add(r.streamId + ":" + r.sequence);
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  static FrameRecord frame(String stream, long seq) {
    FrameRecord r = new FrameRecord();
    r.streamId = stream;
    r.sequence = seq;
    r.sourceName = stream + seq;
    r.outputName = r.sourceName;
    r.data = new byte[0];
    return r;
  }

  @Test
  void aBoundedBufferNeverLosesAFrame() throws Exception {
    List<FrameRecord> in = new ArrayList<>();
    for (int i = 0; i < 200; i++) {
      in.add(frame("c", i));
    }
    Collections.shuffle(in, new Random(4));
    SEEN.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.fromData(FrameRecord.class, in.toArray(FrameRecord[]::new))
        .keyBy(r -> r.streamId)
        .process(new ReorderFunction(8, 60_000, 0))
        .sinkTo(new Collect());
    env.execute("bounded reorder");
    assertEquals(200, SEEN.size(), "every frame, once");
    assertEquals(200, SEEN.stream().distinct().count());
  }

  @Test
  void frameNumbersComeFromFileNames() {
    assertEquals(42, ImageFileFormat.sequenceOf("frame_00042.png"));
    assertEquals(7, ImageFileFormat.sequenceOf("shot7.jpg"));
    assertEquals(-1, ImageFileFormat.sequenceOf("coffee.png"));
    assertEquals(-1, ImageFileFormat.sequenceOf("frame_000_astronaut.png"));
  }

  @Test
  void restoresOrderPerStreamAndSkipsAGapAtTheEnd() throws Exception {
    List<FrameRecord> in = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      in.add(frame("a", i));
      if (i != 17) { // stream b loses frame 17 upstream
        in.add(frame("b", 100 + i));
      }
    }
    Collections.shuffle(in, new Random(3));
    SEEN.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment();
    env.setParallelism(2);
    env.fromData(FrameRecord.class, in.toArray(FrameRecord[]::new))
        .assignTimestampsAndWatermarks(WatermarkStrategy.noWatermarks())
        .rebalance()
        .keyBy(r -> r.streamId)
        .process(new ReorderFunction(1000, 60_000, -1))
        .sinkTo(new Collect());
    env.execute("reorder");
    List<String> a = SEEN.stream().filter(s -> s.startsWith("a:")).toList();
    List<String> b = SEEN.stream().filter(s -> s.startsWith("b:")).toList();
    List<String> expectedA = new ArrayList<>();
    List<String> expectedB = new ArrayList<>();
    for (int i = 0; i < 60; i++) {
      expectedA.add("a:" + i);
      if (i != 17) {
        expectedB.add("b:" + (100 + i));
      }
    }
    assertEquals(expectedA, a, "stream a in order");
    assertEquals(expectedB, b, "stream b in order, its gap skipped at the end of input");
  }
}

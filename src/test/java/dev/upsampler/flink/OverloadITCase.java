package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.TestVideos;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentLinkedQueue;
import org.apache.flink.api.common.JobExecutionResult;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * A sink slower than the source: a clip replayed in real time at 25 frames/s into a sink that
 * takes 80 ms a frame (12.5 frames/s). With {@code overload: backpressure} every frame arrives,
 * late; with {@code overload: drop} frames older than {@code max-latency-ms} are dropped and
 * counted, so that written plus dropped is every frame and the latency stays bounded.
 */
class OverloadITCase {
  static final int FRAMES = 75;
  static final long SINK_MILLIS = 80;

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  /** Frames the slow sink received (static: the sink is serialised into the job). */
  static final ConcurrentLinkedQueue<Long> RECEIVED = new ConcurrentLinkedQueue<>();

  /** A sink that takes {@link #SINK_MILLIS} per frame, as a slow store would. */
  static final class SlowSink implements Sink<FrameRecord> {
    private static final long serialVersionUID = 1L;

    @Override
    public SinkWriter<FrameRecord> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(FrameRecord r, Context c) throws InterruptedException {
          if (!r.isMarker()) {
            Thread.sleep(SINK_MILLIS);
            assertEquals(192, r.width, "upscaled x2");
            RECEIVED.add(r.sequence);
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  JobExecutionResult run(String overload) throws Exception {
    Path in = dir.resolve("clip.mkv");
    TestVideos.write(in, "matroska", "ffv1", "bgr0", FRAMES, 96, 64, 25, false);
    JobDefinition def = VideoJobITCase.job(in, dir.resolve("out.mkv"), "parallelism", "1",
        "realtime", "true", "overload", overload, "max-latency-ms", "300");
    RECEIVED.clear();
    StreamExecutionEnvironment env = StreamExecutionEnvironment.getExecutionEnvironment(
        UpscaleJob.configuration(def));
    UpscaleJob.build(env, def, new SlowSink(), new RejectsSink(def.reportDirectory()));
    return env.execute("overload " + overload);
  }

  @Test
  void underBackpressureEveryFrameArrivesLate() throws Exception {
    JobExecutionResult result = run("backpressure");
    List<Long> got = new ArrayList<>(RECEIVED);
    assertEquals(FRAMES, got.size(), "every frame reached the slow sink");
    assertEquals(FRAMES, got.stream().distinct().count(), "none twice");
    assertEquals(0L, count(result, UpscaleFunction.DROPPED));
    long p99 = percentile(result, 0.99);
    System.out.printf("overload: backpressure: %d of %d frames through a sink at %.1f frames/s;"
        + " latency p50 %d ms, p99 %d ms%n", got.size(), FRAMES, 1000.0 / SINK_MILLIS,
        percentile(result, 0.5), p99);
    // The replay falls behind the clip's clock: the last frames wait for those before them.
    assertTrue(p99 > 1000, "late frames are measured from their due time: p99 " + p99 + " ms");
  }

  @Test
  void underDropLateFramesAreDroppedAndCounted() throws Exception {
    JobExecutionResult result = run("drop");
    List<Long> got = new ArrayList<>(RECEIVED);
    long dropped = count(result, UpscaleFunction.DROPPED);
    System.out.printf("overload: drop: %d of %d frames through a sink at %.1f frames/s, %d"
        + " dropped; latency p50 %d ms, p99 %d ms%n", got.size(), FRAMES,
        1000.0 / SINK_MILLIS, dropped, percentile(result, 0.5), percentile(result, 0.99));
    assertTrue(dropped > 0, "the sink cannot keep up: some frames are dropped");
    assertEquals(FRAMES, got.size() + dropped, "every frame written or counted as dropped");
    assertEquals(got.size(), got.stream().distinct().count(), "none twice");
    // A frame is dropped when it is over 300 ms late on arrival; one that is kept can still
    // wait behind the frame in the sink (80 ms) and the reordering.
    assertTrue(percentile(result, 0.99) < 300 + 4 * SINK_MILLIS,
        "latency stays bounded: p99 " + percentile(result, 0.99) + " ms");
  }

  static long count(JobExecutionResult r, String name) {
    Object v = r.getAllAccumulatorResults().get(name);
    return v == null ? 0 : ((Number) v).longValue();
  }

  /** A percentile of the source-to-sink latency (ms). */
  static long percentile(JobExecutionResult r, double q) {
    return LatencyRecorder.percentile((Map<?, ?>) r.getAllAccumulatorResults()
        .get(ReorderFunction.LATENCY), q);
  }
}

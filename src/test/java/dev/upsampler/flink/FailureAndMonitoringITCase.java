package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.execution.JobClient;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Failures with restart from a checkpoint, and directory monitoring, on a MiniCluster. */
class FailureAndMonitoringITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  /** The real frame sink, except that the writers throw once, after the job's third frame. */
  static final class FailingOnceSink implements Sink<FrameRecord> {
    private static final long serialVersionUID = 1L;
    static final AtomicBoolean FAILED = new AtomicBoolean();
    static final AtomicInteger WRITTEN = new AtomicInteger();
    private final FrameFileSink real;

    FailingOnceSink(String output) {
      this.real = new FrameFileSink(output);
    }

    @Override
    public SinkWriter<FrameRecord> createWriter(WriterInitContext context) throws IOException {
      SinkWriter<FrameRecord> w = real.createWriter(context);
      return new SinkWriter<>() {
        @Override
        public void write(FrameRecord r, Context c) throws IOException, InterruptedException {
          w.write(r, c);
          if (WRITTEN.incrementAndGet() == 3 && FAILED.compareAndSet(false, true)) {
            throw new IOException("injected failure after the third frame");
          }
        }

        @Override
        public void flush(boolean endOfInput) throws IOException, InterruptedException {
          w.flush(endOfInput);
        }

        @Override
        public void close() throws Exception {
          w.close();
        }
      };
    }
  }

  List<String> frames(Path in, int copies) throws IOException {
    Files.createDirectories(in);
    List<String> names = new ArrayList<>();
    for (int i = 0; i < copies; i++) {
      for (String p : List.of("astronaut.png", "camera.png", "chelsea.png", "coffee.png")) {
        String name = String.format("frame_%03d_%s", i, p);
        Files.copy(Resources.path("photos/" + p), in.resolve(name));
        names.add(name);
      }
    }
    return names.stream().sorted().toList();
  }

  static List<String> list(Path p) throws IOException {
    if (!Files.isDirectory(p)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.map(f -> f.getFileName().toString()).sorted().toList();
    }
  }

  @Test
  void aFailureMidJobEndsWithEveryFrameExactlyOnce() throws Exception {
    Path in = dir.resolve("frames");
    List<String> expected = frames(in, 6);
    Path out = dir.resolve("out");
    Map<String, String> settings = new HashMap<>(Map.of("input", in.toString(), "output",
        out.toString(), "kernel", "bilinear", "scale", "2", "parallelism", "2",
        "restart-attempts", "3"));
    JobDefinition def = JobDefinition.of(settings);
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(UpscaleJob.configuration(def));
    env.enableCheckpointing(100);
    UpscaleJob.build(env, def, new FailingOnceSink(def.output()), new RejectsSink(def.output()));
    env.execute("failure");
    assertTrue(FailingOnceSink.FAILED.get(), "the failure was injected");
    assertEquals(expected, list(out),
        "every frame exactly once, no temporary or partial files");
  }

  @Test
  void monitoringPicksUpFilesAddedWhileTheJobRuns() throws Exception {
    Path in = dir.resolve("watched");
    frames(in, 1);
    Path out = dir.resolve("out");
    JobDefinition def = JobDefinition.of(Map.of("input", in.toString(), "output",
        out.toString(), "kernel", "nearest", "scale", "2", "parallelism", "2",
        "monitor-interval", "1", "checkpoint-interval", "0"));
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    JobClient job = env.executeAsync("monitoring");
    try {
      waitFor(out, 4, Duration.ofSeconds(60));
      // A new file appears by rename, as a producer should publish it.
      Path tmp = dir.resolve("late.png.part");
      Files.copy(Resources.path("photos/coffee.png"), tmp);
      Files.move(tmp, in.resolve("late.png"));
      waitFor(out, 5, Duration.ofSeconds(60));
      assertTrue(list(out).contains("late.png"));
    } finally {
      job.cancel().get();
    }
  }

  static void waitFor(Path dir, int files, Duration limit) throws Exception {
    long end = System.nanoTime() + limit.toNanos();
    while (list(dir).stream().filter(n -> !n.startsWith(".")).count() < files) {
      if (System.nanoTime() > end) {
        throw new AssertionError("expected " + files + " files in " + dir + " within " + limit
            + ", found " + list(dir));
      }
      Thread.sleep(200);
    }
  }
}

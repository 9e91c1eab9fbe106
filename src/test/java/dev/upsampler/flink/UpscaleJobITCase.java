package dev.upsampler.flink;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.api.java.typeutils.PojoTypeInfo;
import org.apache.flink.runtime.testutils.MiniClusterResourceConfiguration;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.flink.test.junit5.MiniClusterExtension;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** The image job on a MiniCluster at parallelism 2. */
class UpscaleJobITCase {

  @RegisterExtension
  static final MiniClusterExtension FLINK = new MiniClusterExtension(
      new MiniClusterResourceConfiguration.Builder()
          .setNumberTaskManagers(1).setNumberSlotsPerTaskManager(2).build());

  @TempDir Path dir;

  static final List<String> GOOD = List.of("astronaut.png", "camera.png", "chelsea.png",
      "coffee.png");
  static final List<String> BAD = List.of("broken.jpg", "empty.png", "notes.png");

  Path input() throws IOException {
    Path in = dir.resolve("frames");
    Files.createDirectories(in);
    for (String p : GOOD) {
      Files.copy(Resources.path("photos/" + p), in.resolve(p));
    }
    Files.copy(Resources.path("codecs/truncated.jpg"), in.resolve("broken.jpg"));
    Files.copy(Resources.path("codecs/empty.png"), in.resolve("empty.png"));
    Files.copy(Resources.path("codecs/not_an_image.png"), in.resolve("notes.png"));
    return in;
  }

  static void runJob(JobDefinition def) throws Exception {
    StreamExecutionEnvironment env =
        StreamExecutionEnvironment.getExecutionEnvironment(UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    env.execute(def.name());
  }

  /** The cluster entry point, with a job file and overrides, as a submission runs it. */
  @Test
  void jobMainRunsADefinitionWithOverrides() throws Exception {
    Path in = input();
    Path out = dir.resolve("main-out");
    JobMain.main(new String[] {"jobs/images.yaml", "--input", in.toString(), "--output",
        out.toString(), "--scale", "3", "--parallelism", "2"});
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(GOOD, s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(RejectsSink.FILE)).sorted().toList());
    }
    Frame f = ImageCodecs.read(out.resolve("coffee.png"), Long.MAX_VALUE);
    assertEquals(3 * 72, f.width());
  }

  @Test
  void recordsAreFlinkPojos() {
    assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(FrameRecord.class));
    assertInstanceOf(PojoTypeInfo.class, TypeInformation.of(Reject.class));
  }

  @Test
  void upscalesEveryGoodFrameLikeTheCommandAndReportsEachBadOne() throws Exception {
    Path in = input();
    Path out = dir.resolve("out");
    JobDefinition def = JobDefinition.of(Map.of("name", "it", "input", in.toString(),
        "output", out.toString(), "kernel", "bicubic", "scale", "2", "parallelism", "2",
        "checkpoint-interval", "0"));
    runJob(def);

    try (Stream<Path> s = Files.list(out)) {
      assertEquals(GOOD, s.map(p -> p.getFileName().toString())
          .filter(n -> !n.equals(RejectsSink.FILE)).sorted().toList(),
          "one output per good frame beside the rejects report, nothing else (no temporary"
              + " files)");
    }
    assertTrue(Files.readString(out.resolve(RejectsSink.FILE)).contains("broken"));
    Path cmd = dir.resolve("cmd");
    assertEquals(1, run("upscale", "--input", in.toString(), "--output", cmd.toString(),
        "--scale", "2", "--kernel", "bicubic").status());
    for (String p : GOOD) {
      Frame job = ImageCodecs.read(out.resolve(p), Long.MAX_VALUE);
      Frame command = ImageCodecs.read(cmd.resolve(p), Long.MAX_VALUE);
      assertArrayEquals(command.bytes(), job.bytes(), p + ": the job equals the command");
    }
    List<String> rejects = Files.readAllLines(out.resolve(RejectsSink.FILE));
    assertEquals(BAD.size(), rejects.size(), String.join("\n", rejects));
    for (String bad : BAD) {
      assertTrue(rejects.stream().anyMatch(l -> l.contains("\"source\":\"" + bad + "\"")),
          bad + " in " + rejects);
    }

    byte[] before = Files.readAllBytes(out.resolve("coffee.png"));
    runJob(def);
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(GOOD.size() + 1, s.count(), "running again adds nothing (beside the report)");
    }
    assertArrayEquals(before, Files.readAllBytes(out.resolve("coffee.png")));
  }
}

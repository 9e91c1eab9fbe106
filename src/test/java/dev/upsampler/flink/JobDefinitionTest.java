package dev.upsampler.flink;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.io.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Job definitions: the shipped ones load, flags override, bad settings are named. */
class JobDefinitionTest {
  @TempDir Path dir;

  @Test
  void shippedDefinitionsLoad() throws IOException {
    JobDefinition demo = JobDefinition.load(Path.of("jobs/demo.yaml"), Map.of());
    assertEquals("jobs/samples", demo.input());
    assertEquals(2, demo.parallelism());
    JobDefinition images = JobDefinition.load(Path.of("jobs/images.yaml"),
        Map.of("scale", "3", "kernel", "lanczos3", "parallelism", "1"));
    assertEquals("3", images.scale());
    assertEquals("lanczos3", images.kernel());
    assertEquals(1, images.parallelism());
    JobDefinition ensemble = JobDefinition.load(Path.of("jobs/demo.yaml"),
        Map.of("kernel", "sr-x2-fast", "self-ensemble", "true"));
    assertTrue(ensemble.upscaleKernel().selfEnsemble());
    assertTrue(!demo.upscaleKernel().selfEnsemble());
  }

  @Test
  void shippedVideoDefinitionsLoadAndSayWhatTheyRead() throws IOException {
    JobDefinition video = JobDefinition.load(Path.of("jobs/video.yaml"), Map.of());
    assertEquals(VideoOptions.Source.VIDEO, video.source());
    assertTrue(video.videoOutput());
    assertTrue(video.yuvFrames(), "mpeg4 is 4:2:0 and bicubic is per channel");
    JobDefinition frames = JobDefinition.load(Path.of("jobs/video-frames.yaml"), Map.of());
    assertEquals(VideoOptions.Source.VIDEO, frames.source());
    assertTrue(!frames.videoOutput() && !frames.yuvFrames());
    JobDefinition live = JobDefinition.load(Path.of("jobs/live.yaml"), Map.of());
    assertEquals(VideoOptions.Source.LIVE, live.source());
    assertTrue(live.video().dropWhenLate());
    JobDefinition lossless = JobDefinition.load(Path.of("jobs/video.yaml"),
        Map.of("output", dir.resolve("x.mkv").toString(), "video-codec", "ffv1"));
    assertTrue(!lossless.yuvFrames(), "ffv1 keeps RGB exactly");
  }

  @Test
  void refusesAnUnknownEncoderBeforeAnyFrameIsRead() throws IOException {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobDefinition.load(Path.of("jobs/video.yaml"),
            Map.of("output", dir.resolve("x.mp4").toString(), "video-codec", "libx264")));
    assertTrue(e.getMessage().contains("unknown video encoder 'libx264'"), e.getMessage());
  }

  @Test
  void flinkSettingsComeFromTheFilesMapAndTheCommandLine() throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "input: " + in + "\noutput: " + dir.resolve("out") + "\n"
        + "flink:\n  s3.endpoint: http://127.0.0.1:9000\n  s3.path.style.access: true\n");
    JobDefinition def = JobDefinition.load(job, Map.of("flink.s3.endpoint",
        "http://127.0.0.1:9100", "quality", "0.8"));
    assertEquals(Map.of("s3.endpoint", "http://127.0.0.1:9100", "s3.path.style.access", "true"),
        def.flink(), "the command line wins over the file");
    org.apache.flink.configuration.Configuration c = UpscaleJob.configuration(def);
    assertEquals("http://127.0.0.1:9100", c.toMap().get("s3.endpoint"));
    assertEquals(0.8f, def.quality());

    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobDefinition.load(job, Map.of("colour", "y")));
    assertTrue(e.getMessage().contains("unknown setting 'colour' given on the command line"),
        e.getMessage());
    Files.writeString(job, "input: " + in + "\noutput: " + dir.resolve("out") + "\n"
        + "flink:\n  s3:\n    endpoint: x\n");
    e = assertThrows(InvalidInputException.class, () -> JobDefinition.load(job, Map.of()));
    assertTrue(e.getMessage().contains("flink: s3 must be a single value"), e.getMessage());
  }

  @Test
  void jobMainTakesSettingsAsRunDoes() {
    assertEquals(Map.of("input", "/in", "quality", "0.5", "flink.a.b", "c=d", "flink.x", "1"),
        JobMain.overrides(new String[] {"job.yaml", "--input", "/in", "--set", "quality=0.5",
            "-D", "a.b=c=d", "-Dx=1"}));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> JobMain.overrides(new String[] {"job.yaml", "-D", "novalue"}));
    assertTrue(e.getMessage().contains("-D expects KEY=VALUE"), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "kernel: sharpest          | unknown kernel 'sharpest'",
      "scale: 12                 | scale must be 1..8",
      "scale: two                | two comma-separated integers SX,SY",
      "input: /no/such/dir       | input /no/such/dir does not exist",
      "parallelism: 0            | parallelism and threads must be >= 1",
      "colour: rgb               | unknown setting 'colour'",
      "format: gif               | unknown output format 'gif'",
      "overload: sometimes       | overload must be backpressure or drop",
      "bitrate: fast             | bitrate must be bits/s like 8M or 2500k",
      "realtime: often           | realtime must be true or false",
      "self-ensemble: often      | self-ensemble must be true or false",
      "self-ensemble: true       | bicubic: self-ensemble is for learned networks",
      "source: camera            | source must be auto, images, video or live",
      "gop: -1                   | gop >= 0",
      "output: clip.gif          | .gif is not a video container this job writes (avi, mkv,",
  })
  void refusesBadSettingsNamingThem(String line, String cause) throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    String base = "input: " + in + "\noutput: " + dir.resolve("out") + "\n";
    String key = line.substring(0, line.indexOf(':'));
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, key.equals("input") ? line + "\noutput: " + dir.resolve("out") + "\n"
        : key.equals("output") ? "input: " + in + "\n" + line + "\n" : base + line + "\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobDefinition.load(job, Map.of()));
    assertTrue(e.getMessage().startsWith(job.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(cause), e.getMessage());
  }

  @Test
  void refusesAnOutputInsideTheInput() throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "input: " + in + "\noutput: " + in.resolve("x2") + "\n");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> JobDefinition.load(job, Map.of()));
    assertTrue(e.getMessage().contains("is inside the input"), e.getMessage());

    // The same on an object store; a sibling prefix that merely starts alike is fine.
    Files.writeString(job, "input: s3://b/in/\noutput: s3://b/in/x2\n");
    e = assertThrows(InvalidInputException.class, () -> JobDefinition.load(job, Map.of()));
    assertTrue(e.getMessage().contains("is inside the input"), e.getMessage());
    Files.writeString(job, "input: s3://b/in\noutput: s3://b/in-x2\n");
    assertEquals("s3://b/in-x2", JobDefinition.load(job, Map.of()).output());
  }

  @Test
  void kafkaTopicsAndSettings() throws IOException {
    Path job = dir.resolve("kafka.yaml");
    Files.writeString(job, String.join("\n", "input: kafka://127.0.0.1:9092,h2:9093/cams",
        "output: kafka://127.0.0.1:9092/cams.x2", "bounded: true", "max-record-bytes: 1048576",
        "kafka:", "  security.protocol: SSL", ""));
    JobDefinition d = JobDefinition.load(job, Map.of());
    assertEquals(VideoOptions.Source.KAFKA, d.source());
    assertTrue(d.kafkaOutput() && !d.videoOutput());
    assertTrue(d.kafka().bounded());
    assertEquals(1 << 20, d.kafka().maxRecordBytes());
    assertEquals("SSL", d.kafka().consumer().getProperty("security.protocol"));
    assertEquals("read_committed", d.kafka().consumer().getProperty("isolation.level"));
    assertEquals("kafka://127.0.0.1:9092/cams.x2-rejects", d.rejectsLocation());
    assertEquals("upsampler-upsampler", d.kafka().groupId());

    for (String[] bad : new String[][] {
        {"input: kafka://host/cams\noutput: kafka://h:1/o\n", "is not a Kafka topic"},
        {"input: " + dir + "\noutput: " + dir.resolve("o") + "\nbounded: true\n",
            "bounded is for Kafka input"},
        {"input: kafka://h:1/i\noutput: kafka://h:1/o\nmax-record-bytes: 10\n",
            "'max-record-bytes' must be at least 1024"},
        {"input: kafka://h:1/i\noutput: kafka://h:1/o\nbounded: maybe\n",
            "'bounded' must be true or false"}}) {
      Files.writeString(job, bad[0]);
      InvalidInputException e = assertThrows(InvalidInputException.class,
          () -> JobDefinition.load(job, Map.of()));
      assertTrue(e.getMessage().contains(bad[1]), e.getMessage());
    }
  }
}

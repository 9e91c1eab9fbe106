package dev.upsampler.cluster;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.testing.TestVideos;
import dev.upsampler.testing.KafkaBroker;
import dev.upsampler.testing.KafkaTestFrames;
import dev.upsampler.testing.S3Server;
import java.io.IOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.Timeout;

/**
 * A real Flink cluster on 127.0.0.1 started by {@code jobs/cluster.sh start --ha} from the
 * packaged build (runs in {@code verify}, after {@code package}): a ZooKeeper server, a
 * JobManager and a TaskManager, each its own JVM, HA data on a real S3 server (its own JVM,
 * reached through the cluster's S3 plugin). Submission over REST and through Flink's CLI; chaos
 * during checkpointed jobs (an image sequence, frames from and to Kafka, one video in chunks):
 * the TaskManager SIGKILLed twice and the JobManager once, each started again by the script, and
 * every frame comes out exactly once; a TaskManager killed while frames and checkpoints are on
 * S3; application mode; nothing left running afterwards.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
@Timeout(value = 4, unit = TimeUnit.MINUTES)
class LocalClusterIT {
  static final Path ROOT = Path.of("").toAbsolutePath();
  static final Path WORK = ROOT.resolve("target/cluster-it");
  static final Path HOME = WORK.resolve("home");
  static final int FRAMES = 300;
  static final int W = 400;
  static final int H = 300;
  static int restPort;
  static int rpcPort;
  static int zkPort;
  static S3Server s3;
  static KafkaBroker broker;

  @BeforeAll
  static void freshDirectoriesAndPorts() throws Exception {
    deleteTree(WORK);
    Files.createDirectories(WORK);
    restPort = freePort();
    rpcPort = freePortRange(22);
    zkPort = freePort();
    s3 = S3Server.start(Files.createDirectories(WORK.resolve("s3")));
    s3.createBucket("frames");
    s3.createBucket("checkpoints");
    broker = KafkaBroker.start(WORK.resolve("kafka"));
  }

  @AfterAll
  static void nothingLeftRunning() throws Exception {
    if (s3 != null) {
      s3.close();
    }
    if (broker != null) {
      broker.close();
    }
    script("stop");
    List<ProcessHandle> left = clusterProcesses();
    left.forEach(ProcessHandle::destroyForcibly); // only if stop failed: never leak JVMs
    assertEquals(List.of(), left.stream().map(ProcessHandle::pid).collect(Collectors.toList()),
        "cluster processes still running after stop");
  }

  /** A test that failed mid-job must not leave its job holding the slots of the next one. */
  @org.junit.jupiter.api.AfterEach
  void cancelWhatIsStillRunning() throws Exception {
    if (!Files.exists(HOME.resolve("pid/jobmanager.pid"))) {
      return;
    }
    FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    try {
      for (var job : rest.get("/jobs/overview").path("jobs")) {
        if (!Set.of("FINISHED", "FAILED", "CANCELED").contains(job.path("state").asText())) {
          System.out.println("cancelling job " + job.path("jid").asText() + " left running");
          rest.cancel(job.path("jid").asText());
        }
      }
    } catch (IOException e) {
      // no cluster answering: nothing to cancel
    }
  }

  @Test
  @Order(1)
  void startsItsJvmsOnLoopbackWithHighAvailabilityAndIsIdempotent() throws Exception {
    // -D settings land in the cluster's config.yaml, a generated key replaced, not repeated.
    // The S3 settings are cluster-wide: every JVM's S3 plugin reads them at start; the HA data
    // (submitted jobs, checkpoint handles) goes to S3 too.
    List<String> start = new ArrayList<>(List.of("start", "--ha", "-D", "heartbeat.timeout=10000",
        "-Dmetrics.latency.interval=0", "-D", "high-availability.storageDir=s3://checkpoints/ha"));
    start.addAll(List.of(s3.flags()));
    Result first = script(start.toArray(String[]::new));
    assertEquals(0, first.status, first.text);
    assertTrue(first.text.contains("session cluster up"), first.text);
    assertTrue(first.text.contains("HA through ZooKeeper on 127.0.0.1:" + zkPort), first.text);
    List<String> conf = Files.readAllLines(HOME.resolve("conf/config.yaml"));
    assertEquals(1, conf.stream().filter(l -> l.startsWith("heartbeat.timeout:")).count(), "" + conf);
    assertTrue(conf.contains("heartbeat.timeout: '10000'"), "" + conf);
    assertTrue(conf.contains("metrics.latency.interval: '0'"), "" + conf);
    assertTrue(conf.contains("high-availability.type: zookeeper"), "" + conf);
    assertTrue(conf.contains("high-availability.storageDir: 's3://checkpoints/ha'"), "" + conf);
    Result late = script("start", "-D", "a.b=c");
    assertEquals(1, late.status, late.text);
    assertTrue(late.text.contains("-D settings apply when it starts"), late.text);
    assertEquals(3, clusterProcesses().size(), "ZooKeeper, a JobManager and a TaskManager JVM");
    Result again = script("start", "--ha");
    assertEquals(0, again.status, again.text);
    assertTrue(again.text.contains("jobmanager already running"), again.text);
    assertEquals(3, clusterProcesses().size(), "start twice starts nothing new");
    Result status = script("status");
    assertTrue(status.text.contains("1 task manager(s), 2/2 slots free"), status.text);
  }

  @Test
  @Order(2)
  void aSecondClusterOnTheSamePortsIsRefusedClearly() throws Exception {
    Result r = run(Map.of("UPSAMPLER_CLUSTER_HOME", WORK.resolve("other").toString()), "start");
    assertEquals(1, r.status, r.text);
    assertTrue(r.text.contains("port " + restPort + " on 127.0.0.1 is taken"), r.text);
  }

  @Test
  @Order(3)
  void runsAJobDefinitionThroughFlinksCli() throws Exception {
    Path out = WORK.resolve("cli-out");
    Result r = script("submit", "jobs/demo.yaml", "--output", out.toString(), "--via", "cli",
        "--set", "quality=0.9", "-D", "pipeline.auto-watermark-interval=200ms");
    assertEquals(0, r.status, r.text);
    assertTrue(r.text.contains("frames-upscaled (java.lang.Long): 4"), r.text);
    assertEquals(Set.of("astronaut.png", "chelsea.png", "coffee.jpg", "rocket.jpg"),
        names(out));
  }

  @Test
  @Order(4)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void survivesTwoTaskManagerKillsAndAJobManagerKillWithEveryFrameExactlyOnce()
      throws Exception {
    Path in = WORK.resolve("in/frames");
    Files.createDirectories(in);
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < FRAMES; i++) {
      String name = String.format("frame_%04d.png", i);
      ImageCodecs.write(frame(i), in.resolve(name), "png", 0.92f);
      expected.add(name);
    }
    Path out = WORK.resolve("out");
    Path job = WORK.resolve("failover.yaml");
    Files.writeString(job, String.join("\n", "name: failover", "input: " + in.getParent(),
        "output: " + out, "kernel: lanczos3", "scale: 2", "parallelism: 2",
        "checkpoint-interval: 1", "restart-attempts: 10", ""));

    Result submitted = script("submit", job.toString(), "--detach");
    assertEquals(0, submitted.status, submitted.text);
    String jobId = submitted.text.replaceAll("(?s).*submitted ([0-9a-f]{32}).*", "$1");

    Path frames = out.resolve("frames");
    chaosDuring(jobId, () -> count(frames), FRAMES, "frames");

    // Exactly the expected set: no missing frame, no duplicate, no temporary leftovers.
    assertEquals(Set.of("frames"), names(out), "nothing beside the stream (no rejects)");
    assertEquals(expected, names(frames));
    assertUpscaledByTheEngine(frames, FRAMES);
  }

  /**
   * The same with the frames and the checkpoints on S3: the input listed and read, every frame
   * published and the checkpoints written through the cluster's S3 plugin.
   */
  @Test
  @Order(5)
  void survivesAKilledTaskManagerWithFramesAndCheckpointsOnS3() throws Exception {
    int frames = FRAMES / 2;
    Path bucket = WORK.resolve("s3/s3-data/frames");
    Path in = Files.createDirectories(bucket.resolve("in/frames"));
    Set<String> expected = new TreeSet<>();
    for (int i = 0; i < frames; i++) {
      String name = String.format("frame_%04d.png", i);
      ImageCodecs.write(frame(i), in.resolve(name), "png", 0.92f); // this store: object = file
      expected.add(name);
    }
    Path job = WORK.resolve("failover-s3.yaml");
    Files.writeString(job, String.join("\n", "name: failover-s3", "input: s3://frames/in",
        "output: s3://frames/out", "kernel: lanczos3", "scale: 2", "parallelism: 2",
        "checkpoint-interval: 1", "restart-attempts: 10", "flink:",
        "  execution.checkpointing.dir: s3://checkpoints/failover", ""));
    Result submitted = script("submit", job.toString(), "--detach");
    assertEquals(0, submitted.status, submitted.text);
    String jobId = submitted.text.replaceAll("(?s).*submitted ([0-9a-f]{32}).*", "$1");

    Path written = bucket.resolve("out/frames");
    killTaskManagerDuring(jobId, () -> count(written), frames);

    // Through the S3 API, as any client sees the bucket: every frame once, nothing else.
    dev.upsampler.storage.Storage.initialize(s3.flinkSettings());
    try {
      assertEquals(Set.of("frames"), s3Names("s3://frames/out"), "no rejects, no temporaries");
      assertEquals(expected, s3Names("s3://frames/out/frames"));
    } finally {
      dev.upsampler.storage.Storage.initialize(Map.of());
    }
    assertUpscaledByTheEngine(written, frames);
    // The restart restored from a checkpoint on S3 (a finished job's checkpoints are deleted).
    String restored = new FlinkRestClient("http://127.0.0.1:" + restPort)
        .get("/jobs/" + jobId + "/checkpoints").path("latest").path("restored")
        .path("external_path").asText();
    assertTrue(restored.startsWith("s3://checkpoints/failover/" + jobId + "/chk-"), restored);
  }

  /**
   * Frames from a topic to a topic through the chaos: read with read_committed, every good frame
   * once, in seq order per stream, a frame over 1 MiB among them, the bad record in the rejects
   * topic. The job runs unbounded, as Kafka jobs do, and is cancelled once every frame is out:
   * a bounded Kafka source never ends after a JobManager failover (FLINK-31006, not fixed in
   * flink-connector-kafka 5.0.0-2.2: the restored enumerator never signals "no more splits").
   */
  @Test
  @Order(6)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void survivesTwoTaskManagerKillsAndAJobManagerKillWithFramesFromAndToKafka()
      throws Exception {
    int frames = 160;
    List<KafkaTestFrames.Sent> sent = new ArrayList<>();
    for (int i = 0; i < frames; i++) {
      sent.add(KafkaTestFrames.image("cam" + (i % 2), i / 2, frame(i)));
    }
    sent.add(KafkaTestFrames.image("cam0", 1000, KafkaTestFrames.noise(720, 540, 9)));
    sent.add(new KafkaTestFrames.Sent("cam1", 1000L, "junk.png", "junk".getBytes(), null));
    KafkaTestFrames.produce(broker, "frames", sent);
    Result submitted = script("submit", "jobs/kafka.yaml", "--input", broker.topic("frames"),
        "--output", broker.topic("frames-x2"), "--kernel", "nearest",
        "--set", "checkpoint-interval=1", "--set", "restart-attempts=10", "--detach");
    assertEquals(0, submitted.status, submitted.text);
    String jobId = submitted.text.replaceAll("(?s).*submitted ([0-9a-f]{32}).*", "$1");
    // Progress: frames committed to the output topic (read_committed), which no restart undoes.
    chaosDuring(jobId, () -> KafkaTestFrames.consume(broker, "frames-x2").size(), frames,
        "frames", () -> {
      // Every good frame committed (read_committed), then the job is cancelled.
      long deadline = System.nanoTime() + TimeUnit.MINUTES.toNanos(3);
      while (KafkaTestFrames.consume(broker, "frames-x2").size() < frames + 1
          && System.nanoTime() < deadline) {
        Thread.sleep(500);
      }
      Result cancelled = script("cancel", jobId);
      assertEquals(0, cancelled.status, cancelled.text);
    });
    KafkaTestFrames.assertExactlyTheGoodFrames(broker, sent, "frames-x2");
    List<String> rejects = KafkaTestFrames.consume(broker, "frames-x2-rejects").stream()
        .map(r -> new String(r.value(), StandardCharsets.UTF_8)).toList();
    assertEquals(1, rejects.size(), rejects.toString());
    assertTrue(rejects.get(0).contains("junk.png"), rejects.get(0));
  }

  static Set<String> s3Names(String uri) throws IOException {
    org.apache.flink.core.fs.Path p = new org.apache.flink.core.fs.Path(uri);
    return Arrays.stream(p.getFileSystem().listStatus(p)).map(st -> st.getPath().getName())
        .collect(Collectors.toCollection(TreeSet::new));
  }

  /** Output counter for the kill: frames visible so far. */
  interface Progress {
    long written() throws IOException;
  }

  /**
   * SIGKILLs the TaskManager once a fifth of the frames are written, starts another and follows
   * the job to its end: it must finish after at least one restart.
   */
  static JobOutcome killTaskManagerDuring(String jobId, Progress progress, int frames)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
    while (progress.written() < frames / 5 && System.nanoTime() < deadline) {
      Thread.sleep(20);
    }
    long pid = Long.parseLong(Files.readString(HOME.resolve("pid/taskmanager-1.pid")).trim());
    ProcessHandle tm = ProcessHandle.of(pid).orElseThrow();
    tm.destroyForcibly(); // SIGKILL: no shutdown hooks, files mid-write
    tm.onExit().get(10, TimeUnit.SECONDS);
    long atKill = progress.written();
    assertTrue(atKill < frames, "killed before the job ended (" + atKill + " written)");

    Result restarted = script("start"); // sees the dead TaskManager, starts a new one
    assertEquals(0, restarted.status, restarted.text);
    assertTrue(restarted.text.contains("taskmanager-1 (pid " + pid + ") is gone"),
        restarted.text);

    FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    JobOutcome o = new JobWatcher(rest, Duration.ofMillis(500))
        .follow(jobId, Duration.ofMinutes(3), line -> { });
    assertEquals("FINISHED", o.state(), o.toString());
    assertTrue(o.restarts() >= 1, "the job restarted after the kill: " + o);
    System.out.printf("killed the TaskManager after %d of %d frames; the job restarted %d"
        + " time(s) and finished in %.1f s%n", atKill, frames, o.restarts(),
        o.seconds());
    return o;
  }

  /**
   * Chaos while the job runs, each step once the answering JobManager has the job's tasks
   * deployed and the job has then made a sixth of its progress: SIGKILL the TaskManager and
   * start another, SIGKILL the JobManager (once the watcher has seen the restart) and start
   * another ({@code start --ha}, which takes the job over from ZooKeeper and the HA storage),
   * SIGKILL the TaskManager again. A watcher follows the job from submission to its end across
   * all of it, as {@code jobs/cluster.sh wait} does: it must finish after one failover and at
   * least two restarts.
   */
  static JobOutcome chaosDuring(String jobId, Progress progress, int total, String units)
      throws Exception {
    return chaosDuring(jobId, progress, total, units, null);
  }

  /** What ends an unbounded job once its output is complete. */
  interface Ending {
    void end() throws Exception;
  }

  /** The same for an unbounded job, which {@code ending} cancels: it must end CANCELED. */
  static JobOutcome chaosDuring(String jobId, Progress progress, int total, String units,
      Ending ending) throws Exception {
    FlinkRestClient rest = new FlinkRestClient("http://127.0.0.1:" + restPort);
    List<String> seen = java.util.Collections.synchronizedList(new ArrayList<>());
    java.util.concurrent.CompletableFuture<JobOutcome> followed =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> {
          try {
            return new JobWatcher(rest, Duration.ofMillis(500))
                .follow(jobId, Duration.ofMinutes(5), seen::add);
          } catch (Exception e) {
            throw new java.util.concurrent.CompletionException(e);
          }
        });
    List<String> log = new ArrayList<>();
    int taskManagerKills = 0;
    for (String victim : List.of("taskmanager-1", "jobmanager", "taskmanager-1")) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      awaitDeployed(rest, jobId, deadline);
      if (victim.equals("jobmanager")) {
        // A restart the dying JobManager never reported cannot be counted by anyone after it.
        awaitRestartsSeen(seen, taskManagerKills, deadline);
      } else {
        taskManagerKills++;
      }
      long base = progress.written();
      while (progress.written() < base + Math.max(1, total / 6)
          && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      long pid = Long.parseLong(Files.readString(HOME.resolve("pid/" + victim + ".pid")).trim());
      ProcessHandle p = ProcessHandle.of(pid).orElseThrow();
      p.destroyForcibly(); // SIGKILL: no shutdown hooks, files mid-write
      p.onExit().get(10, TimeUnit.SECONDS);
      long at = progress.written();
      assertTrue(!followed.isDone(), "killed " + victim + " before the job ended");
      log.add(victim + " killed at " + at + " " + units);
      Result restarted = script("start", "--ha");
      assertEquals(0, restarted.status, restarted.text);
      if (victim.equals("jobmanager")) {
        assertTrue(restarted.text.contains("restarting the jobmanager with the cluster's"
            + " settings"), restarted.text);
      } else {
        assertTrue(restarted.text.contains(victim + " (pid " + pid + ") is gone"),
            restarted.text);
      }
    }
    if (ending != null) {
      // An unbounded job is cancelled as soon as its output is complete, which may be before
      // the last kill's restart reached the REST metric store: wait for the watcher to see it.
      awaitRestartsSeen(seen, taskManagerKills,
          System.nanoTime() + TimeUnit.SECONDS.toNanos(90));
      ending.end();
    }
    JobOutcome o = followed.get(5, TimeUnit.MINUTES);
    assertEquals(ending == null ? "FINISHED" : "CANCELED", o.state(),
        o + "\n" + String.join("\n", seen));
    assertEquals(1, o.failovers(), "the watcher followed the job to the new JobManager: " + o
        + "\n" + String.join("\n", seen));
    assertTrue(o.restarts() >= 2, "restarted after each TaskManager kill: " + o + "\n"
        + String.join("\n", seen));
    System.out.printf("chaos: %s (of %d %s); the job restarted %d time(s), failed over once and"
        + " ended %s%n", String.join(", ", log), total, units, o.restarts(), o.state());
    return o;
  }

  /**
   * Waits until the JobManager that answers runs the job with every task deployed. Progress alone
   * does not say who made it: after a JobManager is killed, the TaskManager's old tasks go on
   * for seconds (a chunk's segment is published without any checkpoint), and a TaskManager killed
   * before the new JobManager has deployed anything on it costs the job no restart.
   */
  static void awaitDeployed(FlinkRestClient rest, String jobId, long deadline)
      throws InterruptedException {
    while (System.nanoTime() < deadline) {
      try {
        JsonNode job = rest.job(jobId);
        JsonNode tasks = job.path("status-counts");
        if (job.path("state").asText().equals("RUNNING") && tasks.path("RUNNING").asInt() > 0
            && Stream.of("CREATED", "SCHEDULED", "DEPLOYING", "INITIALIZING")
                .allMatch(s -> tasks.path(s).asInt() == 0)) {
          return;
        }
      } catch (IOException e) {
        // no JobManager answering yet, or not one that knows the job: wait for it
      }
      Thread.sleep(100);
    }
  }

  /** Waits until the watcher's progress lines report at least {@code restarts} restarts. */
  static void awaitRestartsSeen(List<String> seen, int restarts, long deadline)
      throws InterruptedException {
    Pattern counted = Pattern.compile(", (\\d+) restart\\(s\\)");
    while (System.nanoTime() < deadline) {
      synchronized (seen) {
        for (String line : seen) {
          Matcher m = counted.matcher(line);
          if (m.find() && Integer.parseInt(m.group(1)) >= restarts) {
            return;
          }
        }
      }
      Thread.sleep(100);
    }
  }

  /** A sample of the frames equals the engine's own upscaling of the inputs. */
  static void assertUpscaledByTheEngine(Path frames, int count) throws IOException {
    Upscaler up = new Upscaler(KernelFiles.resolve("lanczos3", new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    Random pick = new Random(7);
    for (int k = 0; k < 12; k++) {
      int i = pick.nextInt(count);
      Path f = frames.resolve(String.format("frame_%04d.png", i));
      Frame got = ImageCodecs.decode(Files.readAllBytes(f), f, Long.MAX_VALUE);
      Frame want = up.apply(frame(i));
      assertEquals(2 * W, got.width());
      assertEquals(2 * H, got.height());
      assertTrue(Arrays.equals(want.bytes(), got.bytes()), f + " differs from the engine's");
    }
  }

  /**
   * One video cut into chunks over both TaskManagers, one of them killed while chunks are in
   * flight: the video comes out once, every frame the engine's upscaling of the source's, at the
   * source's timestamps, with its audio, and no segment is left behind.
   */
  @Test
  @Order(7)
  @Timeout(value = 6, unit = TimeUnit.MINUTES)
  void survivesTwoTaskManagerKillsAndAJobManagerKillWhileChunksOfOneVideoAreInFlight()
      throws Exception {
    Path in = Files.createDirectories(WORK.resolve("in-video")).resolve("clip.mkv");
    // 21 chunks of 36 frames: the old tasks go on during a JobManager's failover and may finish
    // a few, and the last kill must still find chunks in flight.
    TestVideos.write(in, "matroska", "ffv1", "bgr0", 750, 320, 240, 25, true);
    Path out = Files.createDirectories(WORK.resolve("out-video")).resolve("clip-x2.mkv");
    Path job = WORK.resolve("chunks.yaml");
    Files.writeString(job, String.join("\n", "name: chunks", "input: " + in,
        "output: " + out, "kernel: lanczos3", "scale: 2", "parallelism: 2", "threads: 1",
        "video-codec: ffv1", "chunk-seconds: 1", "checkpoint-interval: 1",
        "restart-attempts: 10", ""));
    Result submitted = script("submit", job.toString(), "--detach");
    assertEquals(0, submitted.status, submitted.text);
    String jobId = submitted.text.replaceAll("(?s).*submitted ([0-9a-f]{32}).*", "$1");

    Path segments = out.resolveSibling(".clip-x2.mkv.segments");
    chaosDuring(jobId, () -> {
      if (!Files.isDirectory(segments)) {
        return Files.exists(out) ? Long.MAX_VALUE : 0;
      }
      try (Stream<Path> s = Files.list(segments)) {
        return s.filter(p -> p.getFileName().toString().endsWith(".nut")).count();
      }
    }, 21, "video segments");

    assertEquals(Set.of("clip-x2.mkv"), names(out.getParent()), "no segment, no rejects");
    List<VideoFrame> source = TestVideos.readAll(in);
    List<VideoFrame> got = TestVideos.readAll(out);
    assertEquals(source.size(), got.size(), "every frame once");
    Upscaler up = new Upscaler(KernelFiles.resolve("lanczos3", new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    for (int i = 0; i < source.size(); i++) {
      assertEquals(source.get(i).timestampMicros(), got.get(i).timestampMicros(),
          "timestamp of frame " + i);
      // Lossless segments: an undisturbed run gives exactly the engine's upscaling.
      assertTrue(Arrays.equals(up.apply(source.get(i).frame()).bytes(),
          got.get(i).frame().bytes()), "frame " + i + " is the engine's upscaling");
    }
    try (VideoReader r = VideoReader.open(out)) {
      assertTrue(r.info().hasAudio(), r.info().toString());
    }
  }

  @Test
  @Order(8)
  void stopsWhatItStartedThenRunsApplicationMode() throws Exception {
    Result stop = script("stop");
    assertEquals(0, stop.status, stop.text);
    assertEquals(List.of(), clusterProcesses());
    assertTrue(script("stop").text.contains("no cluster processes"), "stop is idempotent");

    // The application's -D settings reach its cluster's S3 plugin: the output goes to S3.
    List<String> app = new ArrayList<>(List.of("application", "jobs/demo.yaml", "--output",
        "s3://frames/app-out"));
    app.addAll(List.of(s3.flags()));
    Result done = script(app.toArray(String[]::new));
    assertEquals(0, done.status, done.text);
    assertTrue(done.text.contains("application finished: the job ended"), done.text);
    assertEquals(Set.of("astronaut.png", "chelsea.png", "coffee.jpg", "rocket.jpg"),
        names(WORK.resolve("s3/s3-data/frames/app-out")));
    assertEquals(List.of(), clusterProcesses(), "application mode leaves nothing running");
    try (Stream<Path> logs = Files.walk(HOME.resolve("log"))) {
      for (Path log : logs.filter(Files::isRegularFile).toList()) {
        assertTrue(!Files.readString(log).contains(S3Server.SECRET_KEY), log + " shows the secret");
      }
    }
  }

  /** A frame with smooth structure and a little noise, different for every index. */
  static Frame frame(int i) {
    byte[] px = new byte[W * H * 3];
    Random r = new Random(i);
    for (int y = 0; y < H; y++) {
      for (int x = 0; x < W; x++) {
        int o = 3 * (y * W + x);
        px[o] = (byte) ((x + 3 * i) & 255);
        px[o + 1] = (byte) ((y * 255 / H + r.nextInt(16)) & 255);
        px[o + 2] = (byte) (((x ^ y) + i) & 255);
      }
    }
    return Frame.of8(PixelLayout.RGB24, W, H, px, FrameInfo.NONE);
  }

  record Result(int status, String text) {}

  static Result script(String... args) throws Exception {
    return run(Map.of(), args);
  }

  static Result run(Map<String, String> env, String... args) throws Exception {
    List<String> cmd = new ArrayList<>(List.of("bash", ROOT.resolve("jobs/cluster.sh")
        .toString()));
    cmd.addAll(List.of(args));
    ProcessBuilder pb = new ProcessBuilder(cmd).directory(ROOT.toFile())
        .redirectErrorStream(true).redirectOutput(WORK.resolve("script.out").toFile());
    pb.environment().put("UPSAMPLER_CLUSTER_HOME", HOME.toString());
    pb.environment().put("UPSAMPLER_REST_PORT", Integer.toString(restPort));
    pb.environment().put("UPSAMPLER_RPC_PORT", Integer.toString(rpcPort));
    pb.environment().put("UPSAMPLER_ZK_PORT", Integer.toString(zkPort));
    pb.environment().putAll(env);
    Process p = pb.start();
    if (!p.waitFor(150, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("cluster.sh " + String.join(" ", args) + " took over 150 s:\n"
          + Files.readString(WORK.resolve("script.out")));
    }
    String text = Files.readString(WORK.resolve("script.out"), StandardCharsets.UTF_8);
    System.out.print(text);
    return new Result(p.exitValue(), text);
  }

  /**
   * JVMs started for this test's cluster (their command line names its conf folder, or
   * ZooKeeper's configuration in it).
   */
  static List<ProcessHandle> clusterProcesses() {
    String conf = HOME.resolve("conf").toString();
    String zoo = HOME.resolve("conf/zoo.cfg").toString();
    return ProcessHandle.allProcesses().filter(ProcessHandle::isAlive)
        .filter(p -> p.info().arguments().map(a -> Arrays.asList(a).contains(conf)
            || Arrays.asList(a).contains(zoo)).orElse(false))
        .collect(Collectors.toList());
  }

  static Set<String> names(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).collect(Collectors.toCollection(TreeSet::new));
    }
  }

  static long count(Path dir) throws IOException {
    if (!Files.isDirectory(dir)) {
      return 0;
    }
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(p -> !p.getFileName().toString().startsWith(".")).count();
    }
  }

  static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** The first of n consecutive free ports, from a random start (other builds may run). */
  static int freePortRange(int n) throws IOException {
    Random r = new Random();
    for (int attempt = 0; attempt < 50; attempt++) {
      int base = 20000 + r.nextInt(20000);
      boolean free = true;
      for (int p = base; p < base + n && free; p++) {
        try (ServerSocket s = new ServerSocket(p, 1, java.net.InetAddress.getLoopbackAddress())) {
          free = true;
        } catch (IOException e) {
          free = false;
        }
      }
      if (free) {
        return base;
      }
    }
    throw new IOException("no " + n + " consecutive free ports");
  }

  static void deleteTree(Path dir) throws IOException {
    if (!Files.exists(dir)) {
      return;
    }
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.sorted((a, b) -> b.compareTo(a)).collect(Collectors.toList())) {
        Files.delete(p);
      }
    }
  }
}

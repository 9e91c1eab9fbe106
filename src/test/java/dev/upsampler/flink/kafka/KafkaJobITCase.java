package dev.upsampler.flink.kafka;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.flink.FrameRecord;
import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.Reject;
import dev.upsampler.flink.UpscaleJob;
import dev.upsampler.flink.Upsampling;
import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.KafkaBroker;
import dev.upsampler.testing.Resources;
import dev.upsampler.testing.KafkaTestFrames;
import dev.upsampler.testing.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The job with Kafka in and out, against a real broker (jobs/kafka.sh), written to and read by
 * plain Kafka clients as other services would: every good frame exactly once under
 * read_committed, in seq order per stream, equal to the engine's upscaling, a frame over 1 MiB
 * included; bad records in the rejects topic; a failure mid-job; an unreachable broker.
 * Embedded Flink throughout (no MiniClusterExtension: {@code run} makes its own).
 */
class KafkaJobITCase {
  @TempDir static Path brokerDir;
  static KafkaBroker broker;

  @TempDir Path dir;

  @BeforeAll
  static void startBroker() throws Exception {
    broker = KafkaBroker.start(brokerDir.resolve("kafka"));
  }

  @AfterAll
  static void stopBroker() throws Exception {
    if (broker != null) {
      broker.close();
    }
  }

  @Test
  void framesThroughKafkaExactlyOnceInOrderWithBadRecordsReported() throws Exception {
    List<KafkaTestFrames.Sent> sent = new ArrayList<>();
    for (long i = 0; i < 12; i++) {
      sent.add(KafkaTestFrames.image("camA", i, TestVideos.pattern((int) i, 64, 48)));
    }
    Frame big = KafkaTestFrames.noise(720, 540, 3); // its PNG is above Kafka's default 1 MiB limit
    sent.add(KafkaTestFrames.image("camB", 0, KafkaTestFrames.noise(32, 24, 1)));
    sent.add(KafkaTestFrames.image("camB", 1, big));
    assertTrue(sent.get(sent.size() - 1).value().length > (1 << 20));
    sent.add(new KafkaTestFrames.Sent("camB", 2L, "text.png", "not an image".getBytes(), null));
    sent.add(new KafkaTestFrames.Sent("camB", 3L, "empty.png", new byte[0], null));
    byte[] png = ImageCodecs.encode(KafkaTestFrames.noise(40, 30, 2), "png", 0.92f);
    sent.add(new KafkaTestFrames.Sent("camB", 4L, "cut.png", java.util.Arrays.copyOf(png, png.length / 2), null));
    sent.add(KafkaTestFrames.image("camB", 5, KafkaTestFrames.noise(32, 24, 5)));
    KafkaTestFrames.produce(broker, "in", sent);

    CliRun r = run("run", "jobs/kafka.yaml", "--input", broker.topic("in"), "--output",
        broker.topic("out"), "--kernel", "nearest", "--set", "bounded=true",
        "--set", "checkpoint-interval=1");
    assertEquals(1, r.status(), "three rejects: " + r.out() + r.err());
    assertTrue(r.out().contains("15 frames written to " + broker.topic("out") + ", 3 rejected"
        + " (see " + broker.topic("out-rejects") + ")"), r.out());
    KafkaTestFrames.assertExactlyTheGoodFrames(broker, sent, "out");

    List<String> rejects = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> j : KafkaTestFrames.consume(broker, "out-rejects")) {
      assertEquals("camB", new String(j.key(), StandardCharsets.UTF_8));
      rejects.add(KafkaTestFrames.header(j, "seq") + " " + new String(j.value(), StandardCharsets.UTF_8));
    }
    rejects.sort(null);
    assertEquals(3, rejects.size(), rejects.toString());
    assertTrue(rejects.get(0).startsWith("2 ") && rejects.get(0).contains("text.png"), rejects.get(0));
    assertTrue(rejects.get(1).startsWith("3 ") && rejects.get(1).contains("empty record"),
        rejects.get(1));
    assertTrue(rejects.get(2).startsWith("4 ") && rejects.get(2).contains("cut.png"), rejects.get(2));
  }

  /** Fails the job once, at its first reject, after the output has had time to commit. */
  static final class FailingOnceRejects implements Sink<Reject> {
    static final AtomicBoolean FAILED = new AtomicBoolean();

    @Override
    public SinkWriter<Reject> createWriter(WriterInitContext context) {
      return new SinkWriter<>() {
        @Override
        public void write(Reject r, Context c) throws java.io.IOException {
          if (FAILED.compareAndSet(false, true)) {
            try {
              Thread.sleep(2500); // a checkpoint or two complete meanwhile
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
            throw new java.io.IOException("injected failure at the first reject");
          }
        }

        @Override
        public void flush(boolean endOfInput) {}

        @Override
        public void close() {}
      };
    }
  }

  /**
   * The library's Kafka source and sink ({@link dev.upsampler.flink.kafka.KafkaFrames}) around
   * {@link Upsampling}: frames written by one pipeline, read back, upscaled and compared.
   */
  @Test
  void librarySourceAndSinkCarryFramesThroughATopic() throws Exception {
    String topic = broker.topic("library-frames");
    List<FrameRecord> frames = new ArrayList<>();
    for (String p : List.of("camera.png", "coffee.png")) {
      frames.add(FrameRecord.encoded("lib", frames.size(), p,
          java.nio.file.Files.readAllBytes(Resources.path("photos/" + p))));
    }
    StreamExecutionEnvironment out = StreamExecutionEnvironment.getExecutionEnvironment();
    out.fromData(frames).sinkTo(dev.upsampler.flink.kafka.KafkaFrames.sink(topic).atLeastOnce()
        .jobName("library-test").build());
    out.execute("library to kafka");

    StreamExecutionEnvironment in = StreamExecutionEnvironment.getExecutionEnvironment();
    List<FrameRecord> got = new ArrayList<>();
    try (var it = Upsampling.upscale(in.fromSource(dev.upsampler.flink.kafka.KafkaFrames
            .source(topic).groupId("library-test").bounded(true).build(),
        org.apache.flink.api.common.eventtime.WatermarkStrategy.noWatermarks(), "kafka"),
        "nearest", 2).executeAndCollect()) {
      it.forEachRemaining(got::add);
    }
    got.sort(java.util.Comparator.comparingLong(r -> r.sequence));
    assertEquals(List.of("camera.png", "coffee.png"), got.stream().map(r -> r.outputName)
        .toList());
    for (int i = 0; i < got.size(); i++) {
      assertEquals("lib", got.get(i).streamId);
      Frame src = ImageCodecs.decode(frames.get(i).data, Path.of("x.png"), Long.MAX_VALUE);
      Frame up = ImageCodecs.decode(got.get(i).data, Path.of("x.png"), Long.MAX_VALUE);
      assertEquals(2 * src.width(), up.width());
      assertEquals(2 * src.height(), up.height());
    }
  }

  @Test
  void aFailureMidJobLeavesEveryFrameExactlyOnce() throws Exception {
    List<KafkaTestFrames.Sent> sent = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      sent.add(KafkaTestFrames.image("cam" + (i % 2), i / 2, TestVideos.pattern((int) i, 96, 64)));
      if (i == 20) {
        sent.add(new KafkaTestFrames.Sent("cam0", 1000L, "bad.png", "junk".getBytes(), null));
      }
    }
    KafkaTestFrames.produce(broker, "fail-in", sent);
    Map<String, String> v = new HashMap<>(Map.of("name", "failover",
        "input", broker.topic("fail-in"), "output", broker.topic("fail-out"),
        "kernel", "nearest", "scale", "2", "parallelism", "2", "bounded", "true",
        "checkpoint-interval", "1", "restart-attempts", "3"));
    JobDefinition def = JobDefinition.of(v);
    UpscaleJob.checkStorage(def);
    // A local environment of its own (a MiniCluster, as run uses): the other tests here drive run.
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2,
        UpscaleJob.configuration(def));
    KafkaTopic out = KafkaTopic.parse(def.output());
    UpscaleJob.build(env, def, KafkaConnectors.frames(out, def.kafka(), true, def.name()),
        new FailingOnceRejects());
    env.execute("kafka failover");
    assertTrue(FailingOnceRejects.FAILED.get(), "the failure was injected");
    KafkaTestFrames.assertExactlyTheGoodFrames(broker, sent, "fail-out");
  }

  @Test
  void aBrokerRestartedMidJobIsSurvived() throws Exception {
    List<KafkaTestFrames.Sent> sent = new ArrayList<>();
    for (long i = 0; i < 240; i++) {
      sent.add(KafkaTestFrames.image("cam" + (i % 2), i / 2, TestVideos.pattern((int) i, 640, 480)));
    }
    KafkaTestFrames.produce(broker, "restart-in", sent);
    java.util.concurrent.CompletableFuture<CliRun> job =
        java.util.concurrent.CompletableFuture.supplyAsync(() -> run("run", "jobs/kafka.yaml",
            "--input", broker.topic("restart-in"), "--output", broker.topic("restart-out"),
            "--kernel", "nearest", "--set", "bounded=true", "--set", "checkpoint-interval=1",
            "--set", "restart-attempts=60"));
    awaitFirstRecord("restart-out"); // the job is writing (in a transaction not committed yet)
    assertTrue(!job.isDone(), "the job still runs when the broker stops");
    broker.stop();
    Thread.sleep(3000);
    broker.restart();
    CliRun r = job.get(4, java.util.concurrent.TimeUnit.MINUTES);
    assertEquals(0, r.status(), r.out() + r.err());
    KafkaTestFrames.assertExactlyTheGoodFrames(broker, sent, "restart-out");
  }

  /** Waits until a topic holds a record, committed or not (end offsets, read_uncommitted). */
  static void awaitFirstRecord(String topic) throws Exception {
    java.util.Properties p = new java.util.Properties();
    p.setProperty("bootstrap.servers", broker.bootstrap());
    try (org.apache.kafka.clients.consumer.KafkaConsumer<byte[], byte[]> c =
        new org.apache.kafka.clients.consumer.KafkaConsumer<>(p,
            new org.apache.kafka.common.serialization.ByteArrayDeserializer(),
            new org.apache.kafka.common.serialization.ByteArrayDeserializer())) {
      long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(60);
      while (true) {
        // Listed again each time: the job creates the topic when it starts.
        List<org.apache.kafka.common.TopicPartition> parts = c.partitionsFor(topic).stream()
            .map(i -> new org.apache.kafka.common.TopicPartition(topic, i.partition())).toList();
        if (c.endOffsets(parts).values().stream().mapToLong(Long::longValue).sum() > 0) {
          return;
        }
        assertTrue(System.nanoTime() < deadline, topic + " got no record within 60 s");
        Thread.sleep(50);
      }
    }
  }

  @Test
  void publishAndConsumeRoundTripADirectory() throws Exception {
    Path in = java.nio.file.Files.createDirectories(dir.resolve("in"));
    for (int i = 1; i <= 3; i++) {
      java.nio.file.Files.write(in.resolve(String.format("frame_%04d.png", i)),
          dev.upsampler.io.ImageCodecs.encode(TestVideos.pattern(i, 40 * i, 30), "png", 0.9f));
    }
    CliRun p = run("publish", "--input", in.toString(), "--topic", broker.topic("pub"),
        "--stream", "cam9");
    assertEquals(0, p.status(), p.err());
    assertTrue(p.out().contains("published 3 frame(s) of stream cam9 to " + broker.topic("pub")),
        p.out());
    Path out = dir.resolve("out");
    CliRun c = run("consume", "--topic", broker.topic("pub"), "--output", out.toString());
    assertEquals(0, c.status(), c.err());
    for (int i = 1; i <= 3; i++) {
      String name = String.format("frame_%04d.png", i);
      assertArrayEquals(java.nio.file.Files.readAllBytes(in.resolve(name)),
          java.nio.file.Files.readAllBytes(out.resolve("cam9").resolve(name)), name);
    }
    CliRun limited = run("publish", "--input", in.toString(), "--topic", broker.topic("pub2"),
        "--max-record-bytes", "1024");
    assertEquals(1, limited.status(), limited.out() + limited.err());
    assertTrue(limited.err().contains("is above --max-record-bytes 1024; skipped"),
        limited.err());
  }

  @Test
  void anUnreachableBrokerOrAMissingTopicIsOneLine() {
    CliRun r = run("run", "jobs/kafka.yaml", "--input", "kafka://127.0.0.1:1/in",
        "--output", broker.topic("x"));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("kafka://127.0.0.1:1/in: no Kafka broker answered at"
        + " 127.0.0.1:1 within"), r.err());
    r = run("run", "jobs/kafka.yaml", "--input", broker.topic("no-such-topic"),
        "--output", broker.topic("x"));
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains(broker.topic("no-such-topic") + ": the topic does not exist"),
        r.err());
    r = run("run", "jobs/kafka.yaml", "--input", "kafka://nohost/in", "--output", "x");
    assertEquals(1, r.status(), r.err());
    assertTrue(r.err().contains("is not a Kafka topic: expected kafka://HOST:PORT/TOPIC"),
        r.err());
  }
}

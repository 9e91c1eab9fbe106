package dev.upsampler.flink.kafka;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.Reject;
import dev.upsampler.flink.UpscaleJob;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.KafkaBroker;
import dev.upsampler.testing.TestVideos;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;
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

  /** What the producer sent: key, seq, name, the frame (null for a bad record). */
  record Sent(String key, Long seq, String name, byte[] value, Frame frame) {}

  static Frame noise(int w, int h, long seed) {
    byte[] px = new byte[w * h * 3];
    new Random(seed).nextBytes(px);
    return Frame.of8(PixelLayout.RGB24, w, h, px, FrameInfo.NONE);
  }

  static Sent image(String key, long seq, Frame f) throws Exception {
    return new Sent(key, seq, String.format("frame_%04d.png", seq),
        ImageCodecs.encode(f, "png", 0.92f), f);
  }

  static void produce(String topic, List<Sent> records) throws Exception {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrap());
    p.setProperty("max.request.size", Integer.toString(8 << 20));
    try (KafkaProducer<byte[], byte[]> producer = new KafkaProducer<>(p,
        new ByteArraySerializer(), new ByteArraySerializer())) {
      for (Sent s : records) {
        ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic, null,
            s.key().getBytes(StandardCharsets.UTF_8), s.value());
        if (s.seq() != null) {
          r.headers().add("seq", Long.toString(s.seq()).getBytes(StandardCharsets.UTF_8));
        }
        if (s.name() != null) {
          r.headers().add("name", s.name().getBytes(StandardCharsets.UTF_8));
        }
        producer.send(r).get();
      }
    }
  }

  /** Every committed record of a topic, read as any consumer must (read_committed). */
  static List<ConsumerRecord<byte[], byte[]>> consume(String topic) {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", broker.bootstrap());
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("max.partition.fetch.bytes", Integer.toString(32 << 20));
    List<ConsumerRecord<byte[], byte[]>> out = new ArrayList<>();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic).stream()
          .map(i -> new TopicPartition(topic, i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))
          && System.nanoTime() < deadline) {
        c.poll(Duration.ofMillis(200)).forEach(out::add);
      }
    }
    return out;
  }

  static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Output: exactly the good frames, once each, in seq order per key, names kept, pixels equal to
   * the engine's nearest x2.
   */
  static void assertExactlyTheGoodFrames(List<Sent> sent, String outTopic) throws Exception {
    Upscaler up = new Upscaler(KernelFiles.resolve("nearest", new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    Map<String, List<Sent>> want = new LinkedHashMap<>();
    for (Sent s : sent) {
      if (s.frame() != null) {
        want.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
      }
    }
    Map<String, List<ConsumerRecord<byte[], byte[]>>> got = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(outTopic)) {
      got.computeIfAbsent(new String(r.key(), StandardCharsets.UTF_8), k -> new ArrayList<>())
          .add(r);
    }
    assertEquals(want.keySet(), got.keySet());
    for (String key : want.keySet()) {
      List<Sent> w = want.get(key);
      List<ConsumerRecord<byte[], byte[]>> g = got.get(key);
      assertEquals(w.size(), g.size(), key + ": every good frame once");
      for (int i = 0; i < w.size(); i++) {
        assertEquals(Long.toString(w.get(i).seq()), header(g.get(i), "seq"), key + " in order");
        assertEquals(w.get(i).name(), header(g.get(i), "name"));
        Frame out = ImageCodecs.decode(g.get(i).value(), Path.of("x.png"), Long.MAX_VALUE);
        assertArrayEquals(up.apply(w.get(i).frame()).bytes(), out.bytes(), key + " #" + i);
      }
    }
  }

  @Test
  void framesThroughKafkaExactlyOnceInOrderWithBadRecordsReported() throws Exception {
    List<Sent> sent = new ArrayList<>();
    for (long i = 0; i < 12; i++) {
      sent.add(image("camA", i, TestVideos.pattern((int) i, 64, 48)));
    }
    Frame big = noise(720, 540, 3); // its PNG is above Kafka's default 1 MiB limit
    sent.add(image("camB", 0, noise(32, 24, 1)));
    sent.add(image("camB", 1, big));
    assertTrue(sent.get(sent.size() - 1).value().length > (1 << 20));
    sent.add(new Sent("camB", 2L, "text.png", "not an image".getBytes(), null));
    sent.add(new Sent("camB", 3L, "empty.png", new byte[0], null));
    byte[] png = ImageCodecs.encode(noise(40, 30, 2), "png", 0.92f);
    sent.add(new Sent("camB", 4L, "cut.png", java.util.Arrays.copyOf(png, png.length / 2), null));
    sent.add(image("camB", 5, noise(32, 24, 5)));
    produce("in", sent);

    CliRun r = run("run", "jobs/kafka.yaml", "--input", broker.topic("in"), "--output",
        broker.topic("out"), "--kernel", "nearest", "--set", "bounded=true",
        "--set", "checkpoint-interval=1");
    assertEquals(1, r.status(), "three rejects: " + r.out() + r.err());
    assertTrue(r.out().contains("15 frames written to " + broker.topic("out") + ", 3 rejected"
        + " (see " + broker.topic("out-rejects") + ")"), r.out());
    assertExactlyTheGoodFrames(sent, "out");

    List<String> rejects = new ArrayList<>();
    for (ConsumerRecord<byte[], byte[]> j : consume("out-rejects")) {
      assertEquals("camB", new String(j.key(), StandardCharsets.UTF_8));
      rejects.add(header(j, "seq") + " " + new String(j.value(), StandardCharsets.UTF_8));
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

  @Test
  void aFailureMidJobLeavesEveryFrameExactlyOnce() throws Exception {
    List<Sent> sent = new ArrayList<>();
    for (long i = 0; i < 40; i++) {
      sent.add(image("cam" + (i % 2), i / 2, TestVideos.pattern((int) i, 96, 64)));
      if (i == 20) {
        sent.add(new Sent("cam0", 1000L, "bad.png", "junk".getBytes(), null));
      }
    }
    produce("fail-in", sent);
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
    assertExactlyTheGoodFrames(sent, "fail-out");
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

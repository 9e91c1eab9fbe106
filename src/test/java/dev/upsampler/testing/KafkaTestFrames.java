package dev.upsampler.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
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
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Frames through Kafka as other services see them: written by a plain producer with the job's
 * record format, read back by a plain read_committed consumer, checked against the engine.
 */
public final class KafkaTestFrames {
  private KafkaTestFrames() {}

  /** What the producer sent: key, seq, name, the frame (null for a bad record). */
  public record Sent(String key, Long seq, String name, byte[] value, Frame frame) {}

  public static Frame noise(int w, int h, long seed) {
    byte[] px = new byte[w * h * 3];
    new Random(seed).nextBytes(px);
    return Frame.of8(PixelLayout.RGB24, w, h, px, FrameInfo.NONE);
  }

  public static Sent image(String key, long seq, Frame f) throws Exception {
    return new Sent(key, seq, String.format("frame_%04d.png", seq),
        ImageCodecs.encode(f, "png", 0.92f), f);
  }

  public static void produce(KafkaBroker broker, String topic, List<Sent> records) throws Exception {
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
  public static List<ConsumerRecord<byte[], byte[]>> consume(KafkaBroker broker, String topic) {
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

  public static String header(ConsumerRecord<byte[], byte[]> r, String key) {
    var h = r.headers().lastHeader(key);
    return h == null ? null : new String(h.value(), StandardCharsets.UTF_8);
  }

  /**
   * Output: exactly the good frames, once each, in seq order per key, names kept, pixels equal to
   * the engine's nearest x2.
   */
  public static void assertExactlyTheGoodFrames(KafkaBroker broker, List<Sent> sent,
      String outTopic) throws Exception {
    Upscaler up = new Upscaler(KernelFiles.resolve("nearest", new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    Map<String, List<Sent>> want = new LinkedHashMap<>();
    for (Sent s : sent) {
      if (s.frame() != null) {
        want.computeIfAbsent(s.key(), k -> new ArrayList<>()).add(s);
      }
    }
    Map<String, List<ConsumerRecord<byte[], byte[]>>> got = new HashMap<>();
    for (ConsumerRecord<byte[], byte[]> r : consume(broker, outTopic)) {
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

}

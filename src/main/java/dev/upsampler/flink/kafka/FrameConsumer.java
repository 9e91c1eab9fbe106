package dev.upsampler.flink.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import org.apache.kafka.clients.consumer.ConsumerRecord;
import org.apache.kafka.clients.consumer.KafkaConsumer;
import org.apache.kafka.common.TopicPartition;
import org.apache.kafka.common.serialization.ByteArrayDeserializer;

/**
 * Reads a topic's frames from the beginning up to its end when reading starts, committed
 * records only ({@code isolation.level=read_committed}, as consumers of the job's exactly-once
 * output must), without a consumer group.
 */
public final class FrameConsumer {
  private FrameConsumer() {}

  /** A frame as it arrived: stream (key), seq and name (headers; null when absent), image. */
  public record Received(String stream, Long seq, String name, byte[] value, int partition,
      long offset) {}

  /** What to do with each frame. */
  @FunctionalInterface
  public interface Handler {
    void accept(Received r) throws IOException;
  }

  /** Reads every committed record up to the current end; returns how many. */
  public static long readAll(KafkaTopic topic, int maxRecordBytes, Map<String, String> props,
      Duration timeout, Handler handler) throws IOException {
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", topic.bootstrapServers());
    p.setProperty("isolation.level", "read_committed");
    p.setProperty("enable.auto.commit", "false");
    p.setProperty("max.partition.fetch.bytes", Integer.toString(maxRecordBytes));
    p.setProperty("fetch.max.bytes", Integer.toString(Math.max(maxRecordBytes, 50 << 20)));
    p.setProperty("default.api.timeout.ms", "15000");
    p.putAll(props);
    long n = 0;
    long deadline = System.nanoTime() + timeout.toNanos();
    try (KafkaConsumer<byte[], byte[]> c = new KafkaConsumer<>(p, new ByteArrayDeserializer(),
        new ByteArrayDeserializer())) {
      List<TopicPartition> parts = c.partitionsFor(topic.topic()).stream()
          .map(i -> new TopicPartition(i.topic(), i.partition())).toList();
      c.assign(parts);
      c.seekToBeginning(parts);
      Map<TopicPartition, Long> end = c.endOffsets(parts);
      while (parts.stream().anyMatch(tp -> c.position(tp) < end.get(tp))) {
        if (System.nanoTime() > deadline) {
          throw new IOException(topic + ": not read to its end within " + timeout.toSeconds()
              + " s (" + n + " records read)");
        }
        for (ConsumerRecord<byte[], byte[]> r : c.poll(Duration.ofMillis(500))) {
          String seq = FrameHeaders.text(r.headers(), FrameHeaders.SEQ);
          handler.accept(new Received(
              r.key() == null ? "" : new String(r.key(), StandardCharsets.UTF_8),
              seq == null ? null : Long.valueOf(seq), FrameHeaders.text(r.headers(),
                  FrameHeaders.NAME), r.value(), r.partition(), r.offset()));
          n++;
        }
      }
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IOException(topic + ": " + e.getMessage(), e);
    }
    return n;
  }
}

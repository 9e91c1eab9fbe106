package dev.upsampler.flink.kafka;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import org.apache.kafka.clients.producer.KafkaProducer;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.clients.producer.RecordMetadata;
import org.apache.kafka.common.serialization.ByteArraySerializer;

/**
 * Sends frames to a topic in the job's record format, as a camera or an ingest service would:
 * an idempotent producer ({@code acks=all}), at most 16 records in flight, a failed send
 * reported with the frame's name.
 */
public final class FramePublisher implements AutoCloseable {
  private final KafkaProducer<byte[], byte[]> producer;
  private final KafkaTopic topic;
  private final int maxRecordBytes;
  private final ArrayDeque<Future<RecordMetadata>> inFlight = new ArrayDeque<>();
  private final ArrayDeque<String> names = new ArrayDeque<>();

  public FramePublisher(KafkaTopic topic, int maxRecordBytes, Map<String, String> properties) {
    this.topic = topic;
    this.maxRecordBytes = maxRecordBytes;
    Properties p = new Properties();
    p.setProperty("bootstrap.servers", topic.bootstrapServers());
    p.setProperty("acks", "all");
    p.setProperty("enable.idempotence", "true");
    p.setProperty("max.request.size", Integer.toString(maxRecordBytes + (64 << 10)));
    p.setProperty("compression.type", "none");
    p.setProperty("max.block.ms", "15000");
    p.setProperty("delivery.timeout.ms", "60000");
    p.putAll(properties);
    producer = new KafkaProducer<>(p, new ByteArraySerializer(), new ByteArraySerializer());
  }

  /** Sends one frame; false (nothing sent) when it is above the record limit. */
  public boolean send(String stream, long seq, String name, byte[] image) throws IOException {
    if (image.length > maxRecordBytes) {
      return false;
    }
    ProducerRecord<byte[], byte[]> r = new ProducerRecord<>(topic.topic(), null,
        stream.getBytes(StandardCharsets.UTF_8), image);
    FrameHeaders.put(r.headers(), FrameHeaders.SEQ, Long.toString(seq));
    FrameHeaders.put(r.headers(), FrameHeaders.NAME, name);
    try {
      inFlight.add(producer.send(r));
    } catch (org.apache.kafka.common.KafkaException e) {
      throw new IOException(topic + ": " + name + " could not be sent (" + e.getMessage() + ")",
          e);
    }
    names.add(name);
    while (inFlight.size() > 16) {
      awaitOldest();
    }
    return true;
  }

  private void awaitOldest() throws IOException {
    String name = names.poll();
    try {
      inFlight.poll().get();
    } catch (ExecutionException e) {
      throw new IOException(topic + ": " + name + " could not be sent ("
          + e.getCause().getMessage() + ")", e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  /** Waits until every frame sent so far is acknowledged. */
  public void flush() throws IOException {
    producer.flush();
    while (!inFlight.isEmpty()) {
      awaitOldest();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      flush();
    } finally {
      producer.close(java.time.Duration.ofSeconds(10));
    }
  }
}

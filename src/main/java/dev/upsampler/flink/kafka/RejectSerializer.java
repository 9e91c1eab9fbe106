package dev.upsampler.flink.kafka;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.flink.Reject;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * A reject into the rejects topic: key = its stream, value = JSON {@code {"source", "seq",
 * "reason", "time"}} (as a line of the files' {@code _rejects.jsonl}), headers {@code seq} and
 * {@code name} as on the frames.
 */
final class RejectSerializer implements KafkaRecordSerializationSchema<Reject> {
  private static final long serialVersionUID = 1L;
  private static final ObjectMapper JSON = new ObjectMapper();
  private final String topic;

  public RejectSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(Reject r, KafkaSinkContext context,
      Long timestamp) {
    Map<String, Object> v = new LinkedHashMap<>();
    v.put("source", r.sourceName);
    v.put("seq", r.sequence);
    v.put("reason", r.reason);
    v.put("time", java.time.Instant.ofEpochMilli(r.timeMillis).toString());
    byte[] value;
    try {
      value = JSON.writeValueAsBytes(v);
    } catch (com.fasterxml.jackson.core.JsonProcessingException e) {
      throw new IllegalStateException(e); // a map of strings and numbers always serialises
    }
    ProducerRecord<byte[], byte[]> p = new ProducerRecord<>(topic, null,
        r.streamId == null ? null : r.streamId.getBytes(StandardCharsets.UTF_8), value);
    if (r.sequence >= 0) {
      FrameHeaders.put(p.headers(), FrameHeaders.SEQ, Long.toString(r.sequence));
    }
    FrameHeaders.put(p.headers(), FrameHeaders.NAME, r.sourceName);
    return p;
  }
}

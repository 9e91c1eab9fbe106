package dev.upsampler.flink.kafka;

import dev.upsampler.flink.FrameRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * An upscaled frame into a Kafka record of the same format as the input's: key = stream id,
 * value = the encoded image, headers {@code seq} (when the frame has a number) and {@code name}.
 * Keys decide the partition, so one stream stays in one partition, in order.
 */
final class FrameSerializer implements KafkaRecordSerializationSchema<FrameRecord> {
  private static final long serialVersionUID = 1L;
  private final String topic;

  public FrameSerializer(String topic) {
    this.topic = topic;
  }

  @Override
  public ProducerRecord<byte[], byte[]> serialize(FrameRecord r, KafkaSinkContext context,
      Long timestamp) {
    ProducerRecord<byte[], byte[]> p = new ProducerRecord<>(topic, null,
        r.streamId == null ? null : r.streamId.getBytes(StandardCharsets.UTF_8), r.data);
    if (r.sequence >= 0) {
      FrameHeaders.put(p.headers(), FrameHeaders.SEQ, Long.toString(r.sequence));
    }
    FrameHeaders.put(p.headers(), FrameHeaders.NAME, r.outputName);
    return p;
  }
}

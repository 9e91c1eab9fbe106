package dev.upsampler.flink.kafka;

import dev.upsampler.flink.FrameRecord;
import java.nio.charset.StandardCharsets;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.connector.kafka.source.reader.deserializer.KafkaRecordDeserializationSchema;
import org.apache.flink.util.Collector;
import org.apache.kafka.clients.consumer.ConsumerRecord;

/**
 * A Kafka record into a {@link FrameRecord}: key = stream id (UTF-8; none: the empty stream),
 * value = the encoded image, header {@code seq} = its number within the stream (none: the
 * record's offset), header {@code name} = the file name it came from (none: {@code
 * frame_SEQ.png}). A record that cannot be a frame (empty, above the size limit, a {@code seq}
 * that is no number) becomes a record carrying the error, which the job reports as a reject
 * and steps over.
 */
final class FrameDeserializer implements KafkaRecordDeserializationSchema<FrameRecord> {
  private static final long serialVersionUID = 1L;
  private final int maxRecordBytes;

  public FrameDeserializer(int maxRecordBytes) {
    this.maxRecordBytes = maxRecordBytes;
  }

  @Override
  public void deserialize(ConsumerRecord<byte[], byte[]> record, Collector<FrameRecord> out) {
    FrameRecord r = new FrameRecord();
    r.streamId = record.key() == null ? "" : new String(record.key(), StandardCharsets.UTF_8);
    String where = record.topic() + "/" + record.partition() + "@" + record.offset();
    r.origin = where;
    r.ingestMillis = System.currentTimeMillis();
    String seq = FrameHeaders.text(record.headers(), FrameHeaders.SEQ);
    String name = FrameHeaders.text(record.headers(), FrameHeaders.NAME);
    try {
      r.sequence = seq == null ? record.offset() : Long.parseLong(seq.trim());
    } catch (NumberFormatException e) {
      r.sequence = -1;
      r.error = where + ": header seq='" + seq + "' is not a frame number";
    }
    r.sourceName = name != null && !name.isBlank() ? name
        : String.format(java.util.Locale.ROOT, "frame_%08d.png", Math.max(r.sequence, 0));
    r.outputName = r.sourceName;
    byte[] value = record.value();
    if (r.error != null) {
      // reported as is
    } else if (value == null || value.length == 0) {
      r.error = where + " (" + r.sourceName + "): empty record, no image";
    } else if (value.length > maxRecordBytes) {
      r.error = where + " (" + r.sourceName + "): " + value.length + " bytes, above"
          + " max-record-bytes " + maxRecordBytes;
    } else {
      r.data = value;
    }
    out.collect(r);
  }

  @Override
  public TypeInformation<FrameRecord> getProducedType() {
    return TypeInformation.of(FrameRecord.class);
  }
}

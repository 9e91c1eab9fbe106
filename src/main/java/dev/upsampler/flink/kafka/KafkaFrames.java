package dev.upsampler.flink.kafka;

import dev.upsampler.flink.FrameRecord;
import java.util.LinkedHashMap;
import java.util.Map;
import org.apache.flink.annotation.PublicEvolving;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;

/**
 * Frames in Kafka topics for pipelines of your own, in the record format the job uses (README,
 * "Kafka": the encoded image as the value, headers for stream, sequence and name), so any
 * Kafka client can produce and consume them:
 *
 * <pre>{@code
 * KafkaSource<FrameRecord> in = KafkaFrames.source("kafka://127.0.0.1:9092/frames")
 *     .groupId("my-app").build();
 * KafkaSink<FrameRecord> out = KafkaFrames.sink("kafka://127.0.0.1:9092/frames-x2").build();
 * }</pre>
 */
@PublicEvolving
public final class KafkaFrames {
  private KafkaFrames() {}

  /** A source of the frames in {@code topic} ({@code kafka://HOST:PORT[,HOST:PORT]/TOPIC}). */
  public static SourceBuilder source(String topic) {
    return new SourceBuilder(topic);
  }

  /** A sink of frames into {@code topic}, exactly once when the job checkpoints. */
  public static SinkBuilder sink(String topic) {
    return new SinkBuilder(topic);
  }

  /** What sources and sinks share: the topic and client settings (see {@link KafkaOptions}). */
  abstract static class Settings<B extends Settings<B>> {
    final KafkaTopic topic;
    final Map<String, String> settings = new LinkedHashMap<>();

    Settings(String topic) {
      this.topic = KafkaTopic.parse(topic);
    }

    abstract B self();

    /** The largest record (default 32 MiB); larger ones are refused, not sent or read. */
    public B maxRecordBytes(int bytes) {
      settings.put("max-record-bytes", Integer.toString(bytes));
      return self();
    }

    /** Any Kafka client property ({@code security.protocol}, ...). */
    public B property(String key, String value) {
      settings.put(KafkaOptions.PREFIX + key, value);
      return self();
    }

    KafkaOptions options(String name) {
      return KafkaOptions.of(settings, name);
    }
  }

  /** A Kafka source of frames. */
  @PublicEvolving
  public static final class SourceBuilder extends Settings<SourceBuilder> {
    private SourceBuilder(String topic) {
      super(topic);
    }

    @Override
    SourceBuilder self() {
      return this;
    }

    /** The consumer group (default {@code upsampler-upsampler}). */
    public SourceBuilder groupId(String group) {
      settings.put("group-id", group);
      return this;
    }

    /** Stop at the offsets that are latest when the job starts (default: run on). */
    public SourceBuilder bounded(boolean bounded) {
      settings.put("bounded", Boolean.toString(bounded));
      return this;
    }

    /** The source: from the group's committed offsets, the earliest for a new group. */
    public KafkaSource<FrameRecord> build() {
      return KafkaConnectors.source(topic, options("upsampler"));
    }
  }

  /** A Kafka sink of frames (markers are not written). */
  @PublicEvolving
  public static final class SinkBuilder extends Settings<SinkBuilder> {
    private boolean exactlyOnce = true;
    private String name = "upsampler";

    private SinkBuilder(String topic) {
      super(topic);
    }

    @Override
    SinkBuilder self() {
      return this;
    }

    /** At least once instead of exactly once (no transactions). */
    public SinkBuilder atLeastOnce() {
      exactlyOnce = false;
      return this;
    }

    /** The job's name: keeps the transactional ids of two jobs apart (default upsampler). */
    public SinkBuilder jobName(String jobName) {
      this.name = jobName;
      return this;
    }

    /** The sink: exactly once (transactions committed at checkpoints) unless told otherwise. */
    public KafkaSink<FrameRecord> build() {
      return KafkaConnectors.frames(topic, options(name), exactlyOnce, name);
    }
  }
}

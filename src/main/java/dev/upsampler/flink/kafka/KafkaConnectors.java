package dev.upsampler.flink.kafka;

import dev.upsampler.flink.FrameRecord;
import dev.upsampler.flink.Reject;
import org.apache.flink.connector.base.DeliveryGuarantee;
import org.apache.flink.connector.kafka.sink.KafkaRecordSerializationSchema;
import org.apache.flink.connector.kafka.sink.KafkaSink;
import org.apache.flink.connector.kafka.source.KafkaSource;
import org.apache.flink.connector.kafka.source.KafkaSourceBuilder;
import org.apache.flink.connector.kafka.source.enumerator.initializer.OffsetsInitializer;
import org.apache.flink.streaming.api.functions.ProcessFunction;
import org.apache.flink.util.Collector;
import org.apache.flink.util.OutputTag;
import org.apache.kafka.clients.consumer.OffsetResetStrategy;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** The job's Kafka source and sinks, built from its topics and options. */
public final class KafkaConnectors {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaConnectors.class);

  private KafkaConnectors() {}

  /**
   * Frames from a topic: from the consumer group's committed offsets (the earliest for a new
   * group); with {@code bounded}, up to the offsets that are latest when the job starts.
   */
  public static KafkaSource<FrameRecord> source(KafkaTopic t, KafkaOptions o) {
    KafkaSourceBuilder<FrameRecord> b = KafkaSource.<FrameRecord>builder()
        .setBootstrapServers(t.bootstrapServers())
        .setTopics(t.topic())
        .setGroupId(o.groupId())
        .setStartingOffsets(OffsetsInitializer.committedOffsets(OffsetResetStrategy.EARLIEST))
        .setDeserializer(new FrameDeserializer(o.maxRecordBytes()))
        .setProperties(o.consumer());
    if (o.bounded()) {
      b.setBounded(OffsetsInitializer.latest());
    }
    return b.build();
  }

  /** Upscaled frames into a topic. */
  public static KafkaSink<FrameRecord> frames(KafkaTopic t, KafkaOptions o, boolean exactlyOnce,
      String jobName) {
    return sink(t, o, exactlyOnce, jobName, new FrameSerializer(t.topic()));
  }

  /** Rejects into the rejects topic of an output topic. */
  public static KafkaSink<Reject> rejects(KafkaTopic output, KafkaOptions o, boolean exactlyOnce,
      String jobName) {
    KafkaTopic r = o.rejectsFor(output);
    return sink(r, o, exactlyOnce, jobName, new RejectSerializer(r.topic()));
  }

  /**
   * Exactly once with checkpoints (transactions committed at each checkpoint; the transactional
   * id prefix is stable per job name and topic so a restart aborts the transactions its previous
   * run left open), at least once without.
   */
  private static <T> KafkaSink<T> sink(KafkaTopic t, KafkaOptions o, boolean exactlyOnce,
      String jobName, KafkaRecordSerializationSchema<T> serializer) {
    if (!exactlyOnce) {
      LOG.warn("{}: checkpointing is off, so records are written at least once, not exactly"
          + " once (set checkpoint-interval above 0)", t);
    }
    return KafkaSink.<T>builder()
        .setBootstrapServers(t.bootstrapServers())
        .setKafkaProducerConfig(o.producer())
        .setRecordSerializer(serializer)
        .setDeliveryGuarantee(exactlyOnce ? DeliveryGuarantee.EXACTLY_ONCE
            : DeliveryGuarantee.AT_LEAST_ONCE)
        .setTransactionalIdPrefix(("upsampler-" + jobName + "-" + t.topic())
            .replaceAll("[^A-Za-z0-9._-]", "_"))
        .build();
  }

  /**
   * Before a Kafka sink: markers carry no picture and are dropped; a frame whose record would be
   * above {@code max-record-bytes} becomes a reject naming its size instead of failing the
   * producer (and with it the job).
   */
  public static final class RecordLimit extends ProcessFunction<FrameRecord, FrameRecord> {
    private static final long serialVersionUID = 1L;
    public static final OutputTag<Reject> REJECTS = new OutputTag<>("oversized") {};
    private final int maxRecordBytes;
    private transient org.apache.flink.api.common.accumulators.LongCounter notWritten;

    public RecordLimit(int maxRecordBytes) {
      this.maxRecordBytes = maxRecordBytes;
    }

    @Override
    public void open(org.apache.flink.api.common.functions.OpenContext context) {
      notWritten = new org.apache.flink.api.common.accumulators.LongCounter();
      // Counted with the frames the reordering refuses: upscaled, yet not written.
      getRuntimeContext().addAccumulator(dev.upsampler.flink.ReorderFunction.NOT_WRITTEN,
          notWritten);
    }

    @Override
    public void processElement(FrameRecord r, Context ctx, Collector<FrameRecord> out) {
      if (r.isMarker()) {
        return;
      }
      if (r.data != null && r.data.length > maxRecordBytes) {
        ctx.output(REJECTS, Reject.of(r, r.sourceName, "the upscaled frame is "
            + r.data.length + " bytes, above max-record-bytes " + maxRecordBytes));
        notWritten.add(1);
        return;
      }
      out.collect(r);
    }
  }
}

package dev.upsampler.flink.kafka;

import java.io.Serializable;
import java.util.Map;
import java.util.Properties;
import java.util.Set;
import java.util.TreeMap;

/**
 * The job's Kafka settings:
 *
 * <pre>
 * bounded: false             # true: stop at the offsets that are latest when the job starts
 * max-record-bytes: 33554432 # largest frame record, in and out (producer, consumer and topics)
 * rejects-topic: TOPIC-rejects   # where bad records go when the output is Kafka
 * group-id: upsampler-NAME   # the source's consumer group
 * kafka:                     # any other Kafka client property, for the source and the sinks
 *   security.protocol: SASL_SSL
 * </pre>
 */
public record KafkaOptions(boolean bounded, int maxRecordBytes, String rejectsTopic,
    String groupId, Map<String, String> clientProperties) implements Serializable {

  /** Client properties (the {@code kafka:} map) travel among the settings under this prefix. */
  public static final String PREFIX = "kafka.";
  public static final int DEFAULT_MAX_RECORD_BYTES = 32 << 20;
  public static final Set<String> KEYS = Set.of("bounded", "max-record-bytes", "rejects-topic",
      "group-id");

  /** The options from a job's settings (its name names the consumer group by default). */
  public static KafkaOptions of(Map<String, String> v, String jobName) {
    String bounded = v.getOrDefault("bounded", "false").trim();
    if (!bounded.equals("true") && !bounded.equals("false")) {
      throw new IllegalArgumentException("'bounded' must be true or false, got '" + bounded + "'");
    }
    int max;
    try {
      max = Integer.parseInt(v.getOrDefault("max-record-bytes",
          Integer.toString(DEFAULT_MAX_RECORD_BYTES)).trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'max-record-bytes' must be a number of bytes, got '"
          + v.get("max-record-bytes") + "'");
    }
    if (max < 1024) {
      throw new IllegalArgumentException("'max-record-bytes' must be at least 1024, got " + max);
    }
    Map<String, String> props = new TreeMap<>();
    v.forEach((k, value) -> {
      if (k.startsWith(PREFIX) && k.length() > PREFIX.length()) {
        props.put(k.substring(PREFIX.length()), value);
      }
    });
    return new KafkaOptions(bounded.equals("true"), max, v.get("rejects-topic"),
        v.getOrDefault("group-id", "upsampler-" + jobName), Map.copyOf(props));
  }

  /** The consumer's properties: fetch limits from {@code max-record-bytes}, committed reads. */
  public Properties consumer() {
    Properties p = new Properties();
    p.setProperty("max.partition.fetch.bytes", Integer.toString(maxRecordBytes));
    p.setProperty("fetch.max.bytes", Integer.toString(Math.max(maxRecordBytes, 50 << 20)));
    // Frames from transactional producers (another upsampler, say) only once committed.
    p.setProperty("isolation.level", "read_committed");
    p.putAll(clientProperties);
    return p;
  }

  /**
   * The producer's properties: request size from {@code max-record-bytes}; a transaction timeout
   * under the broker default maximum (15 min) so the exactly-once sink starts on any broker.
   */
  public Properties producer() {
    Properties p = new Properties();
    p.setProperty("max.request.size", Integer.toString(maxRecordBytes + (64 << 10)));
    p.setProperty("transaction.timeout.ms", Integer.toString(10 * 60 * 1000));
    p.setProperty("compression.type", "none"); // encoded images do not compress
    p.putAll(clientProperties);
    return p;
  }

  /** Client properties for an admin or plain client (security settings, say). */
  public Properties admin(String bootstrapServers) {
    Properties p = new Properties();
    p.putAll(clientProperties);
    p.setProperty("bootstrap.servers", bootstrapServers);
    return p;
  }

  /** The rejects topic for an output topic. */
  public KafkaTopic rejectsFor(KafkaTopic output) {
    return output.withTopic(rejectsTopic != null ? rejectsTopic : output.topic() + "-rejects");
  }
}

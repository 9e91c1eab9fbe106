package dev.upsampler.flink.kafka;

import java.io.Serializable;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** A topic as a job names it: {@code kafka://HOST:PORT[,HOST:PORT...]/TOPIC}. */
public record KafkaTopic(String bootstrapServers, String topic) implements Serializable {
  public static final String SCHEME = "kafka://";
  private static final Pattern FORM = Pattern.compile(
      "kafka://([^/,\\s]+:\\d{1,5}(?:,[^/,\\s]+:\\d{1,5})*)/([A-Za-z0-9._-]{1,249})");

  /** True when {@code location} is a Kafka topic rather than a path. */
  public static boolean isKafka(String location) {
    return location != null && location.startsWith(SCHEME);
  }

  /** Parses a topic location; the message says what a valid one looks like. */
  public static KafkaTopic parse(String location) {
    Matcher m = FORM.matcher(location);
    if (!m.matches()) {
      throw new IllegalArgumentException("'" + location + "' is not a Kafka topic: expected"
          + " kafka://HOST:PORT/TOPIC (topic names: letters, digits, '.', '_', '-')");
    }
    return new KafkaTopic(m.group(1), m.group(2));
  }

  /** The same broker, another topic. */
  public KafkaTopic withTopic(String other) {
    return parse(SCHEME + bootstrapServers + "/" + other);
  }

  @Override
  public String toString() {
    return SCHEME + bootstrapServers + "/" + topic;
  }
}

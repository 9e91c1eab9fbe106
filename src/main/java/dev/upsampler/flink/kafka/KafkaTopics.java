package dev.upsampler.flink.kafka;

import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.Properties;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.apache.kafka.clients.admin.Admin;
import org.apache.kafka.clients.admin.AlterConfigOp;
import org.apache.kafka.clients.admin.ConfigEntry;
import org.apache.kafka.clients.admin.NewTopic;
import org.apache.kafka.common.config.ConfigResource;
import org.apache.kafka.common.errors.TopicExistsException;
import org.apache.kafka.common.errors.UnknownTopicOrPartitionException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Checks and prepares topics before a job starts, so that a wrong address or a missing topic is
 * one line naming it rather than a job that retries forever: the input topic must exist; output
 * topics (frames and rejects) are created when missing, and their {@code max.message.bytes} is
 * raised to {@code max-record-bytes} when lower, so producer, consumer and topic limits move
 * together.
 */
public final class KafkaTopics {
  private static final Logger LOG = LoggerFactory.getLogger(KafkaTopics.class);
  static final int TIMEOUT_SECONDS = 15;

  private KafkaTopics() {}

  private static Admin admin(KafkaTopic t, KafkaOptions o) {
    Properties p = o.admin(t.bootstrapServers());
    p.setProperty("request.timeout.ms", Integer.toString(TIMEOUT_SECONDS * 1000));
    p.setProperty("default.api.timeout.ms", Integer.toString(TIMEOUT_SECONDS * 1000));
    return Admin.create(p);
  }

  /** The input topic exists and its broker answers. */
  public static void requireInput(KafkaTopic t, KafkaOptions o) throws IOException {
    try (Admin a = admin(t, o)) {
      a.describeTopics(List.of(t.topic())).allTopicNames().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failure(t, e);
    }
  }

  /** Creates or adjusts the output topics (frames and rejects). */
  public static void prepareOutput(KafkaTopic t, KafkaOptions o) throws IOException {
    String max = Integer.toString(o.maxRecordBytes());
    try (Admin a = admin(t, o)) {
      for (KafkaTopic topic : List.of(t, o.rejectsFor(t))) {
        try {
          a.createTopics(List.of(new NewTopic(topic.topic(), java.util.Optional.empty(),
              java.util.Optional.empty()).configs(Map.of("max.message.bytes", max))))
              .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
          LOG.info("created {} (max.message.bytes {})", topic, max);
        } catch (ExecutionException e) {
          if (!(e.getCause() instanceof TopicExistsException)) {
            throw e;
          }
          raiseLimit(a, topic, o.maxRecordBytes());
        }
      }
    } catch (ExecutionException | TimeoutException | InterruptedException e) {
      throw failure(t, e);
    }
  }

  private static void raiseLimit(Admin a, KafkaTopic topic, int max)
      throws ExecutionException, InterruptedException, TimeoutException {
    ConfigResource r = new ConfigResource(ConfigResource.Type.TOPIC, topic.topic());
    ConfigEntry e = a.describeConfigs(List.of(r)).all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS)
        .get(r).get("max.message.bytes");
    if (e != null && e.value() != null && Long.parseLong(e.value()) < max) {
      a.incrementalAlterConfigs(Map.of(r, List.of(new AlterConfigOp(
          new ConfigEntry("max.message.bytes", Integer.toString(max)), AlterConfigOp.OpType.SET))))
          .all().get(TIMEOUT_SECONDS, TimeUnit.SECONDS);
      LOG.info("{}: max.message.bytes raised from {} to {} (max-record-bytes)", topic, e.value(),
          max);
    }
  }

  static IOException failure(KafkaTopic t, Exception e) {
    if (e instanceof InterruptedException) {
      Thread.currentThread().interrupt();
    }
    Throwable cause = e instanceof ExecutionException && e.getCause() != null ? e.getCause() : e;
    String why;
    if (cause instanceof UnknownTopicOrPartitionException) {
      why = "the topic does not exist";
    } else if (cause instanceof TimeoutException
        || cause instanceof org.apache.kafka.common.errors.TimeoutException) {
      why = "no Kafka broker answered at " + t.bootstrapServers() + " within " + TIMEOUT_SECONDS
          + " s";
    } else {
      why = cause.getClass().getSimpleName() + ": " + cause.getMessage();
    }
    return new IOException(t + ": " + why, e);
  }
}

package dev.upsampler.cli;

import dev.upsampler.flink.kafka.FrameConsumer;
import dev.upsampler.flink.kafka.KafkaTopic;
import dev.upsampler.io.AtomicFiles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code consume}: a topic's committed frames into files. */
@Command(
    name = "consume",
    description = {
      "Writes a Kafka topic's frames (committed records only, read_committed) to"
          + " OUTPUT/<stream>/<name>, from the beginning up to the topic's end when it starts;"
          + " records without a name header are named <partition>-<offset>.",
      ""
    },
    footer = {"", "Example: consume --topic kafka://127.0.0.1:9092/frames-x2 --output x2/"})
final class ConsumeCommand extends BaseCommand {

  @Option(names = "--topic", required = true, paramLabel = "kafka://HOST:PORT/TOPIC")
  String topic;

  @Option(names = "--output", required = true, paramLabel = "DIR")
  Path output;

  @Option(names = "--timeout", paramLabel = "SECONDS", defaultValue = "120",
      description = "Give up when the topic is not read to its end by then (default"
          + " ${DEFAULT-VALUE}).")
  int timeoutSeconds;

  @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "33554432")
  int maxRecordBytes;

  @Option(names = "--kafka", paramLabel = "PROPERTY=VALUE",
      description = "A Kafka consumer property (repeatable).")
  Map<String, String> properties = Map.of();

  @Override
  public Integer call() throws Exception {
    KafkaTopic t = PublishCommand.parseTopic(topic);
    long n = FrameConsumer.readAll(t, maxRecordBytes, properties,
        Duration.ofSeconds(timeoutSeconds), r -> {
          String name = r.name() != null && !r.name().isBlank() && !r.name().contains("..")
              ? r.name() : r.partition() + "-" + r.offset();
          Path dir = r.stream().isEmpty() || r.stream().contains("..") ? output
              : output.resolve(r.stream());
          Files.createDirectories(dir);
          AtomicFiles.write(dir.resolve(name), o -> o.write(r.value()));
        });
    out().printf(Locale.ROOT, "consumed %d record(s) from %s into %s%n", n, t, output);
    return 0;
  }
}

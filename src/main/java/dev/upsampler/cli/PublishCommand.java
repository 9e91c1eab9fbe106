package dev.upsampler.cli;

import dev.upsampler.flink.ImageFileFormat;
import dev.upsampler.flink.kafka.FramePublisher;
import dev.upsampler.flink.kafka.KafkaTopic;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.io.VideoSettings;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code publish}: images or a video's frames into a Kafka topic, in the job's record format. */
@Command(
    name = "publish",
    description = {
      "Sends images (a directory's PNG/JPEG/BMP files, as they are) or a video's frames"
          + " (encoded as PNG or JPEG) to a Kafka topic, one record per frame: key = the stream,"
          + " headers seq (frame number) and name (file name), as a camera or ingest service"
          + " would for the job's kafka:// input.",
      ""
    },
    footer = {"", "Example: publish --input jobs/samples/video/pan.mp4 --topic"
        + " kafka://127.0.0.1:9092/frames --stream cam1"})
final class PublishCommand extends BaseCommand {

  @Option(names = "--input", required = true, paramLabel = "DIR|VIDEO",
      description = "A directory of images (sorted by name) or a video file.")
  Path input;

  @Option(names = "--topic", required = true, paramLabel = "kafka://HOST:PORT/TOPIC")
  String topic;

  @Option(names = "--stream", paramLabel = "ID",
      description = "The record key (default: the directory's or the video's name).")
  String stream;

  @Option(names = "--format", paramLabel = "png|jpg", defaultValue = "png",
      description = "How video frames are encoded (default ${DEFAULT-VALUE}).")
  String format;

  @Option(names = "--max-record-bytes", paramLabel = "N", defaultValue = "33554432",
      description = "Largest record sent; larger frames are skipped and named (default"
          + " ${DEFAULT-VALUE}).")
  int maxRecordBytes;

  @Option(names = "--kafka", paramLabel = "PROPERTY=VALUE",
      description = "A Kafka producer property (repeatable), e.g. security.protocol=SSL.")
  Map<String, String> properties = Map.of();

  @Override
  public Integer call() throws Exception {
    KafkaTopic t = parseTopic(topic);
    if (!format.equals("png") && !format.equals("jpg")) {
      throw usage("--format must be png or jpg, got " + format);
    }
    boolean video = VideoSettings.isVideoPath(input.toString()) && Files.isRegularFile(input);
    if (!video && !Files.isDirectory(input)) {
      throw new java.io.FileNotFoundException(input + ": no such directory or video file");
    }
    String name = input.toAbsolutePath().normalize().getFileName().toString();
    String key = stream != null ? stream : video ? name.replaceFirst("\\.[^.]+$", "") : name;
    long sent = 0;
    long skipped = 0;
    long start = System.nanoTime();
    try (FramePublisher p = new FramePublisher(t, maxRecordBytes, properties)) {
      if (video) {
        try (VideoReader r = VideoReader.open(input)) {
          for (VideoFrame f; (f = r.next()) != null; ) {
            String n = String.format(Locale.ROOT, "frame_%08d.%s", f.index(), format);
            boolean ok = p.send(key, f.index(), n, ImageCodecs.encode(f.frame(), format, 0.92f));
            sent += ok ? 1 : 0;
            skipped += ok ? 0 : report(n);
            progress(sent, start);
          }
        }
      } else {
        long index = 0;
        for (Path f : images(input)) {
          byte[] bytes = Files.readAllBytes(f);
          String n = f.getFileName().toString();
          long seq = ImageFileFormat.sequenceOf(n); // as the job numbers image files
          seq = seq >= 0 ? seq : index;
          index++;
          boolean ok = p.send(key, seq, n, bytes);
          sent += ok ? 1 : 0;
          skipped += ok ? 0 : report(n + " (" + bytes.length + " bytes)");
          progress(sent, start);
        }
      }
    }
    out().printf(Locale.ROOT, "published %d frame(s) of stream %s to %s%s%n", sent, key, t,
        skipped > 0 ? ", " + skipped + " above --max-record-bytes skipped" : "");
    return skipped > 0 ? Errors.BAD_INPUT : 0;
  }

  private long report(String what) {
    err().println("publish: " + what + " is above --max-record-bytes " + maxRecordBytes
        + "; skipped");
    return 1;
  }

  private long lastProgress;

  private void progress(long sent, long start) {
    long now = System.nanoTime();
    if (now - lastProgress > 1_000_000_000L) {
      lastProgress = now;
      err().printf(Locale.ROOT, "  %d sent, %.1f frames/s%n", sent, sent / ((now - start) / 1e9));
    }
  }

  static KafkaTopic parseTopic(String topic) {
    try {
      return KafkaTopic.parse(topic);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("--topic: " + e.getMessage());
    }
  }

  /** The images of a directory (not below it), sorted by name, hidden files left out. */
  static List<Path> images(Path dir) throws java.io.IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> !p.getFileName().toString().startsWith("."))
          .filter(p -> p.getFileName().toString().toLowerCase(Locale.ROOT)
              .matches(".*\\.(png|jpe?g|bmp)$")).sorted().toList();
    }
  }
}

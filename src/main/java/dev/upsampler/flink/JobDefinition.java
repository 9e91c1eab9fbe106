package dev.upsampler.flink;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import dev.upsampler.engine.Size2;
import dev.upsampler.flink.kafka.KafkaOptions;
import dev.upsampler.flink.kafka.KafkaTopic;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.KernelFiles;
import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Files;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Set;

/**
 * A job definition (YAML under {@code jobs/}), every field validated before the job is built:
 *
 * <pre>
 * name: images
 * input: jobs/samples          # a directory of images (any Flink file system URI)
 * output: target/images-x2     # a directory; frames land in output/&lt;stream&gt;/&lt;name&gt;
 * kernel: bicubic              # nearest, bilinear, bicubic, lanczos3, fcn, identity, or a .npy
 * scale: 2                     # or "SX,SY"
 * color: auto                  # y for learned models, rgb otherwise; or rgb, y
 * self-ensemble: false         # learned models: the mean over the 8 flips/transposes (8x time)
 * format: png                  # jpg or bmp (default: keep the input's)
 * quality: 0.92                # JPEG
 * parallelism: 2
 * threads: 1                   # engine threads per subtask
 * max-pixels: 268435456
 * monitor-interval: 0          # seconds; above 0 the job keeps watching the input for new files
 * checkpoint-interval: 10      # seconds; 0 turns checkpointing off
 * restart-attempts: 3
 * </pre>
 *
 * plus the video settings of {@link VideoOptions} and the Kafka settings of {@link KafkaOptions}
 * (with a {@code kafka:} map of client properties), and a {@code flink:} map of Flink settings.
 * A video file or live URL as input, and an output path ending in a video extension ({@code
 * .mp4}, {@code .mkv}, ...) for a video out; {@code kafka://HOST:PORT/TOPIC} for a topic.
 */
public record JobDefinition(
    String name, String input, String output, String kernel, String scale, String color,
    boolean selfEnsemble, String format, float quality, int parallelism, int threads,
    long maxPixels, int monitorIntervalSeconds, int checkpointIntervalSeconds, int restartAttempts,
    VideoOptions video, Map<String, String> flink, KafkaOptions kafka) implements Serializable {

  /**
   * Flink settings for the job (its {@code flink:} map, and {@code -D KEY=VALUE} on the command
   * line) travel among the other settings under this prefix.
   */
  public static final String FLINK_PREFIX = "flink.";

  static final Set<String> KEYS = keys();

  private static Set<String> keys() {
    Set<String> k = new java.util.HashSet<>(Set.of("name", "input", "output", "kernel", "scale",
        "color", "self-ensemble", "format", "quality", "parallelism", "threads", "max-pixels",
        "monitor-interval", "checkpoint-interval", "restart-attempts"));
    k.addAll(VideoOptions.KEYS);
    k.addAll(KafkaOptions.KEYS);
    return Set.copyOf(k);
  }

  /** Reads a YAML definition; {@code overrides} (same keys) win over the file. */
  public static JobDefinition load(java.nio.file.Path file, Map<String, String> overrides)
      throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(file, "no such job definition");
    }
    JsonNode y;
    try {
      y = new ObjectMapper(new YAMLFactory()).readTree(file.toFile());
    } catch (IOException e) {
      throw new InvalidInputException(file, "not valid YAML (" + e.getMessage().lines()
          .findFirst().orElse("") + ")");
    }
    if (y == null || !y.isObject()) {
      throw new InvalidInputException(file, "expected a YAML mapping of job settings");
    }
    Map<String, String> v = new LinkedHashMap<>();
    for (Iterator<String> it = y.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (k.equals("flink")) {
        flinkMap(file, y.get(k), v, FLINK_PREFIX);
        continue;
      }
      if (k.equals("kafka")) {
        flinkMap(file, y.get(k), v, KafkaOptions.PREFIX);
        continue;
      }
      if (!KEYS.contains(k)) {
        throw new InvalidInputException(file, "unknown setting '" + k + "'; expected one of "
            + KEYS + " or a flink: map");
      }
      v.put(k, y.get(k).asText());
    }
    for (String k : overrides.keySet()) {
      if (!KEYS.contains(k) && !(k.startsWith(FLINK_PREFIX) && k.length() > FLINK_PREFIX.length())
          && !(k.startsWith(KafkaOptions.PREFIX) && k.length() > KafkaOptions.PREFIX.length())) {
        throw new InvalidInputException(file, "unknown setting '" + k + "' given on the command"
            + " line; expected one of " + KEYS + ", or -D KEY=VALUE for a Flink setting");
      }
    }
    v.putAll(overrides);
    try {
      return of(v);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(file, e.getMessage());
    }
  }

  /**
   * {@code flink:} holds Flink's config.yaml keys, {@code kafka:} Kafka client properties, both
   * with scalar values, flattened under their prefix.
   */
  private static void flinkMap(java.nio.file.Path file, JsonNode m, Map<String, String> into,
      String prefix) throws InvalidInputException {
    String map = prefix.substring(0, prefix.length() - 1) + ":";
    if (!m.isObject()) {
      throw new InvalidInputException(file, map + " expected a mapping of settings, got "
          + m.getNodeType().toString().toLowerCase());
    }
    for (Iterator<String> it = m.fieldNames(); it.hasNext(); ) {
      String k = it.next();
      if (!m.get(k).isValueNode()) {
        throw new InvalidInputException(file, map + " " + k + " must be a single value");
      }
      into.put(prefix + k, m.get(k).asText());
    }
  }

  /** A definition from settings (missing ones take their defaults), validated. */
  public static JobDefinition of(Map<String, String> v) throws IOException {
    JobDefinition d = create(v, required(v, "input"), required(v, "output"));
    d.validate();
    return d;
  }

  /**
   * The upscaling settings alone, for the operator inside someone else's pipeline ({@link
   * Upsampling}): no input or output to check, frames come and go as records.
   */
  static JobDefinition forOperator(Map<String, String> v) throws IOException {
    JobDefinition d = create(v, OPERATOR_ONLY, OPERATOR_ONLY);
    d.validateUpscaling();
    return d;
  }

  private static JobDefinition create(Map<String, String> v, String input, String output) {
    return new JobDefinition(
        v.getOrDefault("name", "upsampler"), input, output,
        v.getOrDefault("kernel", "bicubic"), v.getOrDefault("scale", "2"),
        v.getOrDefault("color", "auto"), VideoOptions.flag(v, "self-ensemble"),
        v.get("format"),
        number(v, "quality", "0.92", Float::parseFloat),
        number(v, "parallelism", "2", Integer::parseInt),
        number(v, "threads", "1", Integer::parseInt),
        number(v, "max-pixels", Long.toString(ImageCodecs.DEFAULT_MAX_PIXELS), Long::parseLong),
        number(v, "monitor-interval", "0", Integer::parseInt),
        number(v, "checkpoint-interval", "10", Integer::parseInt),
        number(v, "restart-attempts", "3", Integer::parseInt),
        VideoOptions.of(v), flinkSettings(v),
        KafkaOptions.of(v, v.getOrDefault("name", "upsampler")));
  }

  /** Input and output of a definition made by {@link #forOperator}: records, not locations. */
  static final String OPERATOR_ONLY = "(records)";

  private static Map<String, String> flinkSettings(Map<String, String> v) {
    Map<String, String> f = new java.util.TreeMap<>();
    v.forEach((k, value) -> {
      if (k.startsWith(FLINK_PREFIX)) {
        f.put(k.substring(FLINK_PREFIX.length()), value);
      }
    });
    return java.util.Collections.unmodifiableMap(f);
  }

  private static String required(Map<String, String> v, String key) {
    String s = v.get(key);
    if (s == null || s.isBlank()) {
      throw new IllegalArgumentException("'" + key + "' is required");
    }
    return s;
  }

  static <T> T number(Map<String, String> v, String key, String dflt,
      java.util.function.Function<String, T> parse) {
    String s = v.getOrDefault(key, dflt);
    try {
      return parse.apply(s.trim());
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("'" + key + "' must be a number, got '" + s + "'");
    }
  }

  private void validate() throws IOException {
    validateUpscaling();
    VideoOptions.Source src = source();
    if (KafkaTopic.isKafka(input)) {
      KafkaTopic.parse(input);
    }
    if (kafkaOutput()) {
      KafkaTopic.parse(output);
      KafkaTopic.parse(output).withTopic(kafka.rejectsFor(KafkaTopic.parse(output)).topic());
    } else if (videoOutput()) {
      video.encoderFor(output).validate(); // unknown codec, container, pixel format
    } else {
      requireDirectoryName(output);
    }
    if (src != VideoOptions.Source.KAFKA && kafka.bounded()) {
      throw new IllegalArgumentException("bounded is for Kafka input (kafka://HOST:PORT/TOPIC)");
    }
    if (src == VideoOptions.Source.LIVE && monitorIntervalSeconds > 0) {
      throw new IllegalArgumentException("monitor-interval is for directories, not live input");
    }
    if (src != VideoOptions.Source.LIVE && !input.contains("://")) {
      java.nio.file.Path in = java.nio.file.Path.of(input).toAbsolutePath().normalize();
      if (!Files.exists(in)) {
        throw new IllegalArgumentException("input " + input + " does not exist");
      }
      java.nio.file.Path out = java.nio.file.Path.of(output).toAbsolutePath().normalize();
      if (Files.isDirectory(in) && out.startsWith(in)) {
        throw new IllegalArgumentException("output " + output + " is inside the input " + input
            + ": outputs would be read as inputs");
      }
    } else if (src != VideoOptions.Source.LIVE && src != VideoOptions.Source.KAFKA) {
      String in = dev.upsampler.storage.Storage.resolve(input).toString().replaceAll("/+$", "");
      if (dev.upsampler.storage.Storage.resolve(output).toString().startsWith(in + "/")) {
        throw new IllegalArgumentException("output " + output + " is inside the input " + input
            + ": outputs would be read as inputs");
      }
    }
  }

  /** The kernel the job upscales with, as a self-ensemble when the definition asks for one. */
  public UpscaleKernel upscaleKernel() throws IOException {
    UpscaleKernel k = KernelFiles.resolve(kernel, scaleYx());
    return selfEnsemble ? k.withSelfEnsemble() : k;
  }

  /** The settings of the upscaling itself: scale, kernel, colour, format, sizes. */
  private void validateUpscaling() throws IOException {
    Size2 s = scaleYx();
    if (s.h() < 1 || s.w() < 1 || s.h() > 8 || s.w() > 8) {
      throw new IllegalArgumentException("scale must be 1..8, got " + scale);
    }
    upscaleKernel(); // unknown kernel, bad kernel file, NaN weights, self-ensemble of a fixed one
    ColorMode.parse(color);
    if (format != null) {
      ImageCodecs.formatFor(java.nio.file.Path.of("x"), format);
    }
    if (parallelism < 1 || threads < 1) {
      throw new IllegalArgumentException("parallelism and threads must be >= 1");
    }
    if (quality <= 0 || quality > 1) {
      throw new IllegalArgumentException("quality must be in (0, 1], got " + quality);
    }
    if (maxPixels < 1) {
      throw new IllegalArgumentException("max-pixels must be >= 1, got " + maxPixels);
    }
  }

  /**
   * An output that is not a video is a directory of frames: a name with an extension that is no
   * container ({@code clip.gif}) is refused rather than made a directory, unless it is one
   * already.
   */
  private static void requireDirectoryName(String output) {
    String name = output.replaceAll("/+$", "");
    name = name.substring(name.lastIndexOf('/') + 1);
    int dot = name.lastIndexOf('.');
    if (dot <= 0 || (!output.contains("://")
        && java.nio.file.Files.isDirectory(java.nio.file.Path.of(output)))) {
      return;
    }
    throw new IllegalArgumentException("output " + output + ": ." + name.substring(dot + 1)
        + " is not a video container this job writes ("
        + String.join(", ", new java.util.TreeSet<>(dev.upsampler.io.VideoSettings.containers()))
        + "); frames go to a directory, named without an extension");
  }

  /** What the input is (images, video files, a live URL, a Kafka topic). */
  public VideoOptions.Source source() {
    return KafkaTopic.isKafka(input) ? VideoOptions.Source.KAFKA : video.sourceFor(input);
  }

  /** True when frames go to a Kafka topic. */
  public boolean kafkaOutput() {
    return KafkaTopic.isKafka(output);
  }

  /** Where rejects are reported: the rejects topic, or the report file. */
  public String rejectsLocation() {
    return kafkaOutput() ? kafka.rejectsFor(KafkaTopic.parse(output)).toString()
        : reportDirectory() + "/" + RejectsSink.FILE;
  }

  /** True when the output is one video file per stream rather than a folder of frames. */
  public boolean videoOutput() {
    return !kafkaOutput() && dev.upsampler.io.VideoSettings.isVideoPath(output);
  }

  /**
   * True when decoded video can stay planar 4:2:0 from decoder to encoder: a 4:2:0 video output
   * and a per-channel kernel (chroma planes then get the same kernel, or bicubic in y mode, as
   * FFmpeg's scaler does). Otherwise frames travel as RGB.
   */
  public boolean yuvFrames() {
    if (!videoOutput()) {
      return false;
    }
    try {
      return video.encoderFor(output).effectivePixelFormat().equals("yuv420p")
          && KernelFiles.resolve(kernel, scaleYx()).perChannel();
    } catch (IOException e) {
      return false; // validate() has already refused such a definition
    }
  }

  /** Where the rejects report goes: the output folder, or a video output's folder. */
  public String reportDirectory() {
    if (!videoOutput()) {
      return output;
    }
    return dev.upsampler.storage.Storage.resolve(output).getParent().toString();
  }

  /** The scale as (y, x). */
  public Size2 scaleYx() {
    return Size2.parseScaleXy(scale);
  }
}

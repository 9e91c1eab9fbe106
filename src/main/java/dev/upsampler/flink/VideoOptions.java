package dev.upsampler.flink;

import dev.upsampler.io.VideoSettings;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The video settings of a job definition: how the input is read (files, a live URL, pacing,
 * overload policy) and how upscaled video is encoded.
 *
 * <pre>
 * source: auto               # auto, images, video or live (auto: a URL is live, a file with a
 *                            # video extension is video, a directory is images)
 * video-codec: mpeg4         # FFmpeg encoder (default: from the output's extension)
 * bitrate: 0                 # bits/s, suffixes k and M (0: the codec's default)
 * video-quality: -1          # qscale for mpeg4, CRF for the others (-1: unset)
 * pixel-format: yuv420p      # default: bgr0 for ffv1 (lossless RGB), else yuv420p
 * gop: 0                     # keyframe interval (0: the codec's default)
 * frame-rate: 25             # for image sequences written as video
 * realtime: false            # release file frames at their timestamps (live-like replay)
 * overload: backpressure     # or drop: frames older than max-latency-ms are dropped, counted
 * max-latency-ms: 1000
 * read-timeout: 10           # seconds without data before a live source reconnects
 * reconnect-attempts: 5      # then the live source ends (the job finishes its output)
 * segments: false            # also publish each checkpoint's segment as NAME-000001.EXT
 * chunk-seconds: 10          # video files to a video: cut at keyframes into chunks of about
 *                            # this length, upscaled in parallel (0: one chunk per file)
 * work-dir: s3://b/scratch   # where chunk segments wait for the join (default: beside the
 *                            # output); every TaskManager must reach it
 * </pre>
 */
public record VideoOptions(String source, String codec, long bitrate, double quality,
    String pixelFormat, int gop, double frameRate, boolean realtime, boolean dropWhenLate,
    long maxLatencyMs, int readTimeoutSeconds, int reconnectAttempts, boolean publishSegments,
    double chunkSeconds, String workDir) implements Serializable {

  static final Set<String> KEYS = Set.of("source", "video-codec", "bitrate", "video-quality",
      "pixel-format", "gop", "frame-rate", "realtime", "overload", "max-latency-ms",
      "read-timeout", "reconnect-attempts", "segments", "chunk-seconds", "work-dir");

  private static final Set<String> LIVE_SCHEMES = Set.of("udp", "rtp", "rtsp", "rtmp", "srt",
      "http", "https", "tcp", "hls");
  static final Set<String> VIDEO_EXTENSIONS = Set.of("mp4", "mkv", "mov", "avi", "webm",
      "ts", "m4v", "mpg", "mpeg", "flv", "nut", "y4m", "wmv", "ogv");

  /** Chunk length when the job names none (see README "Video": measured). */
  static final String DEFAULT_CHUNK_SECONDS = "10";

  /** What the input is. */
  public enum Source { IMAGES, VIDEO, LIVE, KAFKA }

  static VideoOptions of(Map<String, String> v) {
    String overload = v.getOrDefault("overload", "backpressure").trim().toLowerCase(Locale.ROOT);
    if (!overload.equals("backpressure") && !overload.equals("drop")) {
      throw new IllegalArgumentException("overload must be backpressure or drop, got '"
          + overload + "'");
    }
    String source = v.getOrDefault("source", "auto").trim().toLowerCase(Locale.ROOT);
    if (!Set.of("auto", "images", "video", "live").contains(source)) {
      throw new IllegalArgumentException("source must be auto, images, video or live, got '"
          + source + "'");
    }
    boolean realtime = flag(v, "realtime");
    boolean segments = flag(v, "segments");
    VideoOptions o = new VideoOptions(source, v.get("video-codec"),
        bits(v.getOrDefault("bitrate", "0")),
        JobDefinition.number(v, "video-quality", "-1", Double::parseDouble),
        v.get("pixel-format"), JobDefinition.number(v, "gop", "0", Integer::parseInt),
        JobDefinition.number(v, "frame-rate", "25", Double::parseDouble),
        realtime, overload.equals("drop"),
        JobDefinition.number(v, "max-latency-ms", "1000", Long::parseLong),
        JobDefinition.number(v, "read-timeout", "10", Integer::parseInt),
        JobDefinition.number(v, "reconnect-attempts", "5", Integer::parseInt), segments,
        JobDefinition.number(v, "chunk-seconds", DEFAULT_CHUNK_SECONDS, Double::parseDouble),
        v.get("work-dir") == null || v.get("work-dir").isBlank() ? null : v.get("work-dir").trim());
    if (o.gop < 0 || o.maxLatencyMs < 1 || o.readTimeoutSeconds < 1 || o.reconnectAttempts < 0
        || !(o.frameRate > 0 && o.frameRate <= 1000) || !(o.chunkSeconds >= 0)) {
      throw new IllegalArgumentException("gop >= 0, max-latency-ms >= 1, read-timeout >= 1,"
          + " reconnect-attempts >= 0, frame-rate in (0, 1000] and chunk-seconds >= 0 are"
          + " required");
    }
    return o;
  }

  static boolean flag(Map<String, String> v, String key) {
    String s = v.getOrDefault(key, "false").trim().toLowerCase(Locale.ROOT);
    if (!s.equals("true") && !s.equals("false")) {
      throw new IllegalArgumentException(key + " must be true or false, got '" + s + "'");
    }
    return s.equals("true");
  }

  private static long bits(String s) {
    String t = s.trim();
    long mult = 1;
    if (t.endsWith("k") || t.endsWith("K")) {
      mult = 1000;
      t = t.substring(0, t.length() - 1);
    } else if (t.endsWith("M") || t.endsWith("m")) {
      mult = 1_000_000;
      t = t.substring(0, t.length() - 1);
    }
    try {
      long b = Math.round(Double.parseDouble(t) * mult);
      if (b < 0) {
        throw new NumberFormatException();
      }
      return b;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("bitrate must be bits/s like 8M or 2500k, got '" + s
          + "'");
    }
  }

  /** The input's kind, for {@code source: auto} from its form. */
  public Source sourceFor(String input) {
    switch (source) {
      case "images": return Source.IMAGES;
      case "video": return Source.VIDEO;
      case "live": return Source.LIVE;
      default:
        int colon = input.indexOf("://");
        if (colon > 0 && LIVE_SCHEMES.contains(input.substring(0, colon).toLowerCase(Locale.ROOT))) {
          return Source.LIVE;
        }
        if (input.startsWith("udp:") || input.startsWith("rtp:")) {
          return Source.LIVE;
        }
        String name = input.toLowerCase(Locale.ROOT);
        int dot = name.lastIndexOf('.');
        return dot > name.lastIndexOf('/') && VIDEO_EXTENSIONS.contains(name.substring(dot + 1))
            ? Source.VIDEO : Source.IMAGES;
    }
  }

  /** The encoder settings for a video output path. */
  public VideoSettings encoderFor(String output) throws java.io.IOException {
    VideoSettings s = VideoSettings.forOutput(Path.of(output));
    return new VideoSettings(s.container(), codec != null ? codec : s.codec(), pixelFormat,
        bitrate, quality, gop);
  }
}

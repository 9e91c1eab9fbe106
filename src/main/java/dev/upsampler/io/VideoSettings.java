package dev.upsampler.io;

import java.io.IOException;
import java.io.Serializable;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;

/**
 * How upscaled video is encoded: container (FFmpeg muxer name; by default from the output's
 * extension), codec (FFmpeg encoder name), pixel format, bitrate (bits/s, 0: the codec's default)
 * or quality (qscale for mpeg4/mjpeg, CRF for the others; negative: unset), GOP (keyframe
 * interval, 0: the codec's default).
 *
 * <p>The default build's encoders: mpeg4, libopenh264 (yuv420p only), libvpx-vp9, libaom-av1,
 * libsvtav1, ffv1 (lossless; with {@code bgr0} pixels an RGB round trip is exact), mjpeg, png.
 */
public record VideoSettings(String container, String codec, String pixelFormat, long bitrate,
    double quality, int gop) implements Serializable {

  private static final Map<String, String> CONTAINERS = Map.of("mkv", "matroska", "mp4", "mp4",
      "mov", "mov", "webm", "webm", "avi", "avi", "ts", "mpegts", "nut", "nut");

  /** The defaults for an output path: its extension picks container and a matching codec. */
  public static VideoSettings forOutput(Path output) throws IOException {
    String container = containerFor(output);
    String codec = container.equals("webm") ? "libvpx-vp9" : "mpeg4";
    return new VideoSettings(container, codec, null, 0, -1, 0);
  }

  /** The container an output path's extension names. */
  public static String containerFor(Path output) throws IOException {
    String name = output.getFileName().toString().toLowerCase(Locale.ROOT);
    String ext = name.contains(".") ? name.substring(name.lastIndexOf('.') + 1) : "";
    String c = CONTAINERS.get(ext);
    if (c == null) {
      throw new InvalidInputException(output, "not a video file name; expected one of ."
          + String.join(", .", new java.util.TreeSet<>(CONTAINERS.keySet())));
    }
    return c;
  }

  /** True if an output path names a video file (rather than a folder of frames). */
  /** The extensions of the containers written (mkv, mp4, ...). */
  public static java.util.Set<String> containers() {
    return CONTAINERS.keySet();
  }

  public static boolean isVideoPath(String output) {
    String name = output.toLowerCase(Locale.ROOT);
    int dot = name.lastIndexOf('.');
    return dot > name.lastIndexOf('/') && CONTAINERS.containsKey(name.substring(dot + 1));
  }

  public VideoSettings withCodec(String c) {
    return new VideoSettings(container, c, pixelFormat, bitrate, quality, gop);
  }

  public VideoSettings withContainer(String c) {
    return new VideoSettings(c, codec, pixelFormat, bitrate, quality, gop);
  }

  /** The pixel format the encoder gets: as set, else lossless RGB for ffv1, else yuv420p. */
  public String effectivePixelFormat() {
    if (pixelFormat != null) {
      return pixelFormat;
    }
    return switch (codec) {
      case "ffv1" -> "bgr0";
      case "png" -> "rgb24";
      case "mjpeg" -> "yuvj420p";
      default -> "yuv420p";
    };
  }

  /** Checks names against this FFmpeg build before any frame is encoded. */
  public void validate() {
    FfmpegLog.errorsOnly();
    if (avcodec.avcodec_find_encoder_by_name(codec) == null) {
      throw new IllegalArgumentException("unknown video encoder '" + codec + "'; this build"
          + " has mpeg4, libopenh264, libvpx-vp9, libaom-av1, libsvtav1, ffv1, mjpeg, png");
    }
    if (avformat.av_guess_format(container, null, null) == null) {
      throw new IllegalArgumentException("unknown container '" + container + "'");
    }
    if (avutil.av_get_pix_fmt(effectivePixelFormat()) < 0) {
      throw new IllegalArgumentException("unknown pixel format '" + effectivePixelFormat() + "'");
    }
    if (bitrate < 0 || gop < 0) {
      throw new IllegalArgumentException("bitrate and gop must be >= 0");
    }
  }
}

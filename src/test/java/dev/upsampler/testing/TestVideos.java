package dev.upsampler.testing;

import dev.upsampler.image.Frame;
import java.nio.ShortBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/** Short videos made by the tests themselves: moving patterns, optionally a sine-tone track. */
public final class TestVideos {
  private TestVideos() {}

  /** What a test reads off an opened file (its streams, headers, side data). */
  @FunctionalInterface
  public interface Probe<T> {
    T read(org.bytedeco.javacv.FFmpegFrameGrabber opened) throws Exception;
  }

  /** Opens {@code file} with FFmpeg, as ffprobe would, and reads something off it. */
  public static <T> T probe(Path file, Probe<T> probe) throws Exception {
    org.bytedeco.javacv.FFmpegFrameGrabber g = new org.bytedeco.javacv.FFmpegFrameGrabber(
        file.toFile());
    g.start();
    try {
      return probe.read(g);
    } finally {
      g.stop();
    }
  }

  /** Every frame of a video file, decoded as RGB. */
  public static java.util.List<dev.upsampler.io.VideoFrame> readAll(Path file)
      throws java.io.IOException {
    java.util.List<dev.upsampler.io.VideoFrame> frames = new java.util.ArrayList<>();
    try (dev.upsampler.io.VideoReader r = dev.upsampler.io.VideoReader.open(file)) {
      for (dev.upsampler.io.VideoFrame f; (f = r.next()) != null; ) {
        frames.add(f);
      }
    }
    return frames;
  }

  /** Frame i of a w x h pattern: gradients that move with i, so every frame differs. */
  public static Frame pattern(int i, int w, int h) {
    return dev.upsampler.image.TestPattern.frame(i, w, h);
  }

  /**
   * Writes {@code frames} pattern frames at {@code fps} with an encoder and container, plus a
   * 440 Hz mono AAC track over the same duration when {@code audio}.
   */
  public static void write(Path file, String container, String codec, String pixelFormat,
      int frames, int w, int h, double fps, boolean audio) throws Exception {
    write(file, container, codec, pixelFormat, frames, w, h, fps, audio, 0, 0);
  }

  /**
   * The same with a keyframe every {@code gop} frames (0: the codec's default) and up to {@code
   * bFrames} B-frames between references (mpeg4 leaves its GOPs open: B-frames after a keyframe
   * in decode order may show before it).
   */
  public static void write(Path file, String container, String codec, String pixelFormat,
      int frames, int w, int h, double fps, boolean audio, int gop, int bFrames)
      throws Exception {
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(file.toFile(), w, h, audio ? 1 : 0)) {
      r.setFormat(container);
      if (gop > 0) {
        r.setGopSize(gop);
      }
      if (bFrames > 0) {
        r.setVideoOption("bf", Integer.toString(bFrames));
      }
      r.setVideoCodecName(codec);
      r.setPixelFormat(avutil.av_get_pix_fmt(pixelFormat));
      r.setFrameRate(fps);
      if (audio) {
        r.setAudioCodecName("aac");
        r.setSampleRate(48000);
        r.setAudioBitrate(64000);
      }
      r.start();
      int samplesPerFrame = (int) Math.round(48000 / fps);
      long sample = 0;
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(3 * w * h);
      for (int i = 0; i < frames; i++) {
        buf.clear();
        buf.put(pattern(i, w, h).bytes()).flip();
        r.recordImage(w, h, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3, 3 * w,
            avutil.AV_PIX_FMT_RGB24, buf);
        if (audio) {
          short[] s = new short[samplesPerFrame];
          for (int k = 0; k < s.length; k++, sample++) {
            s[k] = (short) (8000 * Math.sin(2 * Math.PI * 440 * sample / 48000.0));
          }
          r.recordSamples(48000, 1, ShortBuffer.wrap(s));
        }
      }
      r.stop();
    }
  }
}

package dev.upsampler.io;

import dev.upsampler.image.Frame;
import dev.upsampler.image.PixelLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;
import org.bytedeco.javacv.FrameRecorder;

/**
 * Encodes RGB frames into a video file through JavaCV's FFmpeg recorder (video only; audio is
 * added when segments are joined, see {@link VideoMuxer}). Timestamps are kept on the frame-rate
 * grid: a frame's presentation time is its source timestamp rounded to 1/fps, so dropped or
 * missing frames stay gaps instead of shifting what follows. JavaCV encodes even sizes only; an
 * odd width or height gets one more column or row repeating the last one, so every source
 * pixel still comes through unchanged.
 */
public final class VideoWriter implements AutoCloseable {
  /** The file or URL written, for messages. */
  private final String path;
  private final FFmpegFrameRecorder recorder;
  private final int width;
  private final int height;
  private final double fps;
  private final ByteBuffer pixels;
  private long lastFrameNumber = -1;
  private long frames;

  private VideoWriter(String path, FFmpegFrameRecorder recorder, int width, int height,
      double fps) {
    this.path = path;
    this.recorder = recorder;
    this.width = width;
    this.height = height;
    this.fps = fps;
    this.pixels = ByteBuffer.allocateDirect(3 * even(width) * even(height));
  }

  /** Starts an encoder writing {@code path} (the caller publishes it atomically). */
  public static VideoWriter open(Path path, int width, int height, double fps, VideoSettings s)
      throws IOException {
    return open(path, width, height, fps, s, 0);
  }

  /**
   * The same with {@code threads} encoder threads (0: FFmpeg picks one per core): a subtask that
   * shares its machine with others keeps to its share.
   */
  public static VideoWriter open(Path path, int width, int height, double fps, VideoSettings s,
      int threads) throws IOException {
    return start(path.toString(), new FFmpegFrameRecorder(path.toFile(), even(width),
        even(height), 0), width, height, fps, s, threads);
  }

  /**
   * Starts an encoder sending to a live URL as it goes ({@code udp://HOST:PORT} with container
   * mpegts, {@code rtmp://...} with flv, {@code srt://...}): frames go out as they are written.
   */
  public static VideoWriter stream(String url, int width, int height, double fps,
      VideoSettings s) throws IOException {
    return start(url, new FFmpegFrameRecorder(url, even(width), even(height), 0), width, height,
        fps, s, 0);
  }

  private static VideoWriter start(String path, FFmpegFrameRecorder r, int width, int height,
      double fps, VideoSettings s, int threads) throws IOException {
    s.validate();
    if (!(fps > 0) || fps > 1000) {
      throw new IllegalArgumentException("frame rate must be in (0, 1000], got " + fps);
    }
    r.setFormat(s.container());
    r.setVideoCodecName(s.codec());
    r.setPixelFormat(avutil.av_get_pix_fmt(s.effectivePixelFormat()));
    r.setFrameRate(fps);
    if (s.bitrate() > 0) {
      r.setVideoBitrate((int) Math.min(Integer.MAX_VALUE, s.bitrate()));
    }
    if (s.quality() >= 0) {
      if (s.codec().equals("mpeg4") || s.codec().equals("mjpeg")) {
        r.setVideoQuality(s.quality());
      } else {
        r.setVideoOption("crf", Double.toString(s.quality()));
      }
    }
    if (s.gop() > 0) {
      r.setGopSize(s.gop());
    }
    // FFmpeg encodes on one thread unless told
    r.setVideoOption("threads", threads > 0 ? Integer.toString(threads) : "auto");
    if (s.codec().equals("libvpx-vp9")) {
      r.setVideoOption("deadline", "realtime");
      r.setVideoOption("cpu-used", "8");
    }
    try {
      r.start();
    } catch (FrameRecorder.Exception | RuntimeException e) {
      try {
        r.release();
      } catch (FrameRecorder.Exception ignored) {
        // already failing
      }
      throw new IOException(path + ": cannot start the " + s.codec() + " encoder in "
          + s.container() + " (" + VideoReader.cause(e) + ")", e);
    }
    return new VideoWriter(path, r, width, height, fps);
  }

  /** Encodes one frame (RGB24, or planar 4:2:0 of even size) shown at {@code timestampMicros}. */
  public void write(Frame f, long timestampMicros) throws IOException {
    boolean yuv = f.layout() == PixelLayout.YUV420P && width % 2 == 0 && height % 2 == 0;
    if (!(yuv || f.layout() == PixelLayout.RGB24) || f.width() != width
        || f.height() != height) {
      throw new IOException(path + ": expected " + width + "x" + height + " RGB24 or yuv420p"
          + " frames, got " + f.width() + "x" + f.height() + " " + f.layout());
    }
    long n = Math.round(timestampMicros * fps / 1e6);
    if (n <= lastFrameNumber) {
      n = lastFrameNumber + 1; // never two frames in one slot: the muxer needs rising times
    }
    try {
      recorder.setFrameNumber((int) n);
      if (yuv) {
        // Straight to a 4:2:0 encoder without a conversion.
        pixels.clear();
        pixels.put(f.bytes()).flip();
        recorder.recordImage(width, height, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 1, width,
            avutil.AV_PIX_FMT_YUV420P, pixels);
      } else {
        fill(f.bytes());
        recorder.recordImage(even(width), even(height), org.bytedeco.javacv.Frame.DEPTH_UBYTE,
            3, 3 * even(width), avutil.AV_PIX_FMT_RGB24, pixels);
      }
    } catch (FrameRecorder.Exception | RuntimeException e) {
      throw new IOException(path + ": encoding frame " + frames + " failed ("
          + VideoReader.cause(e) + ")", e);
    }
    lastFrameNumber = n;
    frames++;
  }

  private static int even(int n) {
    return n + (n & 1);
  }

  /** Copies the frame into the encoder's buffer, repeating the last column and row if odd. */
  private void fill(byte[] px) {
    pixels.clear();
    int row = 3 * width;
    for (int y = 0; y < even(height); y++) {
      int src = Math.min(y, height - 1) * row;
      pixels.put(px, src, row);
      if ((width & 1) != 0) {
        pixels.put(px, src + row - 3, 3);
      }
    }
    pixels.flip();
  }

  public long frames() {
    return frames;
  }

  /** Flushes the encoder and writes the container's trailer. */
  @Override
  public void close() throws IOException {
    try {
      recorder.stop();
      recorder.release();
    } catch (FrameRecorder.Exception | RuntimeException e) {
      throw new IOException(path + ": finishing the video failed (" + VideoReader.cause(e)
          + ")", e);
    }
  }
}

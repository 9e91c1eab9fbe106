package dev.upsampler.io;

import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameGrabber;
import org.bytedeco.javacv.FrameGrabber;

/**
 * Decodes a video file or a live URL (RTSP, UDP/MPEG-TS, HLS, SRT, anything FFmpeg opens) into
 * RGB frames through JavaCV's FFmpeg grabber. Each frame is copied out of the grabber's reused
 * buffer row by row (its stride is wider than the picture for narrow frames), so frames stay
 * valid after the next call. A frame that fails to decode is skipped and counted; a source that
 * keeps failing is given up with an error naming it.
 */
public final class VideoReader implements AutoCloseable {
  /** Consecutive undecodable frames after which the source is considered broken. */
  static final int MAX_CONSECUTIVE_ERRORS = 50;
  /** FFmpeg's UDP receive buffer for live input, in 188-byte MPEG-TS packets (12 MB). */
  static final int UDP_FIFO_PACKETS = 65_536;

  private final String source;
  private final FFmpegFrameGrabber grabber;
  private final VideoInfo info;
  private final boolean yuv;
  private long index;
  private int decodeErrors;

  private VideoReader(String source, FFmpegFrameGrabber grabber, VideoInfo info, boolean yuv) {
    this.source = source;
    this.grabber = grabber;
    this.info = info;
    this.yuv = yuv;
  }

  /** Opens a local file. */
  public static VideoReader open(Path file) throws IOException {
    if (!Files.isRegularFile(file)) {
      throw new InvalidInputException(file, "no such video file");
    }
    if (Files.size(file) == 0) {
      throw new InvalidInputException(file, "empty file (0 bytes), not a video");
    }
    return open(file.toString(), Duration.ZERO, false);
  }

  /**
   * Opens a file path or URL. For network sources {@code timeout} bounds how long a read may wait
   * for data (0: FFmpeg's default). Frames come as RGB24, or with {@code yuv} as planar 4:2:0
   * (what most video decoders produce, so usually no conversion at all), for sources of even
   * size; odd-sized ones stay RGB.
   */
  public static VideoReader open(String source, Duration timeout, boolean yuv)
      throws IOException {
    FfmpegLog.errorsOnly();
    FFmpegFrameGrabber g = new FFmpegFrameGrabber(source);
    g.setPixelFormat(yuv ? avutil.AV_PIX_FMT_YUV420P : avutil.AV_PIX_FMT_RGB24);
    if (!timeout.isZero()) {
      String micros = Long.toString(timeout.toNanos() / 1000);
      g.setOption("rw_timeout", micros); // most protocols
      g.setOption("timeout", micros); // udp, rtsp (socket)
      if (source.startsWith("udp:")) {
        // FFmpeg's receive buffer, in 188-byte packets: 65,536 are 12 MB, 10 s of a 10 Mbit/s
        // stream. It was 1,000,000 (188 MB): a live job's resident memory grew by the stream's
        // bitrate for as long as the buffer took to wrap (11 minutes at 2.3 Mbit/s, measured by
        // jobs/soak.sh), which a soak cannot tell from a leak. A full buffer drops datagrams and
        // goes on (overrun_nonfatal).
        g.setOption("overrun_nonfatal", "1");
        g.setOption("fifo_size", Integer.toString(UDP_FIFO_PACKETS));
      }
    }
    try {
      g.start();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      closeQuietly(g);
      throw new IOException(source + ": cannot be opened as a video (" + cause(e) + ")", e);
    }
    if (!g.hasVideo() || g.getImageWidth() <= 0 || g.getImageHeight() <= 0) {
      closeQuietly(g);
      throw new IOException(source + ": has no video stream");
    }
    boolean planar = yuv && g.getImageWidth() % 2 == 0 && g.getImageHeight() % 2 == 0;
    if (yuv && !planar) {
      closeQuietly(g); // odd sizes have no exact 4:2:0 layout: decode as RGB instead
      return open(source, timeout, false);
    }
    long frames = g.getLengthInVideoFrames();
    VideoInfo info = new VideoInfo(source, g.getFormat(), g.getVideoCodecName(),
        g.getImageWidth(), g.getImageHeight(), timestampRate(g),
        frames > 0 && frames < Integer.MAX_VALUE ? frames : -1, g.getLengthInTime(),
        g.hasAudio(), g.hasAudio() ? g.getAudioCodecName() : null);
    return new VideoReader(source, g, info, planar);
  }

  /**
   * The rate on which the stream's timestamps lie: FFmpeg's {@code r_frame_rate} (the lowest rate
   * that represents every timestamp exactly), not the container's average, which a clip with
   * dropped or variable frames puts between grid points (106 frames over 4 s of a 30 fps clip
   * average 26.5 fps). The average only when no real rate is known.
   */
  static double timestampRate(FFmpegFrameGrabber g) {
    org.bytedeco.ffmpeg.avformat.AVFormatContext fc = g.getFormatContext();
    for (int i = 0; fc != null && i < fc.nb_streams(); i++) {
      org.bytedeco.ffmpeg.avformat.AVStream st = fc.streams(i);
      if (st.codecpar().codec_type() == avutil.AVMEDIA_TYPE_VIDEO) {
        org.bytedeco.ffmpeg.avutil.AVRational r = st.r_frame_rate();
        double rate = r.den() > 0 ? (double) r.num() / r.den() : 0;
        if (rate > 0 && rate <= 1000) {
          return rate;
        }
        break;
      }
    }
    return g.getVideoFrameRate();
  }

  public VideoInfo info() {
    return info;
  }

  /**
   * Positions the reader on the keyframe whose decode timestamp is {@code seekTimestamp} (stream
   * units, from {@link KeyframeIndex}), or the last one before it. Only before the first frame is
   * read: nothing is decoded yet, so the decoder holds no state to flush.
   */
  public void seekTo(long seekTimestamp) throws IOException {
    if (index > 0) {
      throw new IllegalStateException(source + ": seekTo after frames were read");
    }
    org.bytedeco.ffmpeg.avformat.AVFormatContext fc = grabber.getFormatContext();
    int stream = VideoMuxer.firstStream(fc, avutil.AVMEDIA_TYPE_VIDEO);
    int r = org.bytedeco.ffmpeg.global.avformat.avformat_seek_file(fc, stream, Long.MIN_VALUE,
        seekTimestamp, seekTimestamp, 0);
    if (r < 0) {
      throw new IOException(source + ": cannot seek to the keyframe at " + seekTimestamp
          + " (FFmpeg error " + r + ")");
    }
  }

  /** Frames returned or skipped so far (the index of the next one). */
  public long framesRead() {
    return index;
  }

  /** Frames that failed to decode and were skipped so far. */
  public int decodeErrors() {
    return decodeErrors;
  }

  /** The next frame, or null at the end of the stream. */
  public VideoFrame next() throws IOException {
    org.bytedeco.javacv.Frame f = grab(true);
    if (f == null) {
      return null;
    }
    Frame copy = yuv ? copyYuv(f) : copyRgb(f);
    return new VideoFrame(copy, index++, f.timestamp);
  }

  /** Decodes and drops the next frame without converting it (resuming at a position); false at
   * the end. */
  public boolean skip() throws IOException {
    if (grab(false) == null) {
      return false;
    }
    index++;
    return true;
  }

  private org.bytedeco.javacv.Frame grab(boolean convert) throws IOException {
    int consecutive = 0;
    while (true) {
      try {
        return grabber.grabFrame(false, true, convert, false, false);
      } catch (FrameGrabber.Exception | RuntimeException e) {
        decodeErrors++;
        if (++consecutive >= MAX_CONSECUTIVE_ERRORS) {
          throw new IOException(source + ": gave up after " + consecutive
              + " consecutive undecodable frames at frame " + index + " (" + cause(e) + ")", e);
        }
      }
    }
  }

  private void checkSize(org.bytedeco.javacv.Frame f) throws IOException {
    if (f.imageWidth != info.width() || f.imageHeight != info.height()) {
      throw new IOException(source + ": the resolution changed from " + info.width() + "x"
          + info.height() + " to " + f.imageWidth + "x" + f.imageHeight + " at frame " + index
          + "; one output video needs one size (split the input at that point)");
    }
  }

  /**
   * Planar 4:2:0: JavaCV packs Y, then Cb, then Cr into one buffer, each plane's rows padded to
   * its alignment ({@code imageStride} for Y; the chroma stride follows from the buffer's size).
   * The copy drops the padding.
   */
  private Frame copyYuv(org.bytedeco.javacv.Frame f) throws IOException {
    checkSize(f);
    int w = f.imageWidth;
    int h = f.imageHeight;
    int cw = w / 2;
    int ch = h / 2;
    ByteBuffer b = ((ByteBuffer) f.image[0]).duplicate();
    b.limit(b.capacity());
    int strideY = f.imageStride;
    long chromaBytes = (long) b.capacity() - (long) strideY * h;
    int strideC = (int) (chromaBytes / (2L * ch));
    if (strideY < w || strideC < cw || chromaBytes % (2L * ch) != 0) {
      throw new IOException(source + ": unexpected 4:2:0 layout (row strides " + strideY + "/"
          + strideC + ", buffer " + b.capacity() + " bytes) for " + w + "x" + h);
    }
    byte[] px = new byte[w * h + 2 * cw * ch];
    for (int y = 0; y < h; y++) {
      b.get(y * strideY, px, y * w, w);
    }
    int from = strideY * h;
    int to = w * h;
    for (int p = 0; p < 2; p++) {
      for (int y = 0; y < ch; y++) {
        b.get(from + y * strideC, px, to + y * cw, cw);
      }
      from += strideC * ch;
      to += cw * ch;
    }
    return Frame.of8(PixelLayout.YUV420P, w, h, px,
        new FrameInfo("", index, f.timestamp, source));
  }

  private Frame copyRgb(org.bytedeco.javacv.Frame f) throws IOException {
    checkSize(f);
    int w = f.imageWidth;
    int h = f.imageHeight;
    // Channels from the pixel format we asked for, not f.imageChannels (stride / width, which
    // is wrong when rows are padded); rows are f.imageStride bytes apart.
    int row = 3 * w;
    byte[] px = new byte[row * h];
    ByteBuffer b = (ByteBuffer) f.image[0];
    for (int y = 0; y < h; y++) {
      b.get(y * f.imageStride, px, y * row, row);
    }
    return Frame.of8(PixelLayout.RGB24, w, h, px,
        new FrameInfo("", index, f.timestamp, source));
  }

  @Override
  public void close() {
    closeQuietly(grabber);
  }

  private static void closeQuietly(FFmpegFrameGrabber g) {
    try {
      g.close();
    } catch (FrameGrabber.Exception | RuntimeException e) {
      // closing a broken input: nothing left to save
    }
  }

  static String cause(Throwable e) {
    String m = e.getMessage();
    if (m == null) {
      return e.getClass().getSimpleName();
    }
    // JavaCV appends hints meant for its own developers; the user needs FFmpeg's reason.
    return m.lines().findFirst().orElse(m)
        .replace(" (Has setFormat() been called?)", "")
        .replaceAll(" \\(For more details, make sure FFmpegLogCallback.set\\(\\) has been"
            + " called\\.\\)", "");
  }
}

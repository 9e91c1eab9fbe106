package dev.upsampler.io;

import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_FLAG_KEY;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Where a video file's keyframes are, read from the demuxer (packets only, nothing decoded: a
 * 40 s clip takes milliseconds). Times are in microseconds on the scale {@link VideoReader}'s
 * frames use (the stream's presentation time, start offset included), so a frame belongs to the
 * chunk whose range holds its timestamp. Each keyframe also keeps its decode timestamp in the
 * stream's time base: the seek target that lands exactly on it.
 *
 * @param framePts presentation time of every video packet, ascending (one per frame)
 * @param keyframes keyframes in presentation order
 * @param seekable whether the input can seek at all (a pipe or a non-seekable format cannot)
 * @param reordered whether frames are shown in another order than they are decoded (B-frames)
 */
public record KeyframeIndex(String source, double frameRate, long[] framePts,
    List<Keyframe> keyframes, boolean seekable, boolean reordered) {

  /** A keyframe: its presentation time (microseconds) and decode timestamp (stream units). */
  public record Keyframe(long ptsMicros, long seekTimestamp) {}

  /** Frames whose presentation time lies in {@code [fromMicros, toMicros)}. */
  public long framesBetween(long fromMicros, long toMicros) {
    return lowerBound(toMicros) - lowerBound(fromMicros);
  }

  /** Presentation time of the last frame, or -1 for a video without frames. */
  public long lastPtsMicros() {
    return framePts.length == 0 ? -1 : framePts[framePts.length - 1];
  }

  private int lowerBound(long t) {
    int i = Arrays.binarySearch(framePts, t);
    if (i < 0) {
      return -i - 1;
    }
    while (i > 0 && framePts[i - 1] == t) {
      i--;
    }
    return i;
  }

  /** Reads the index of {@code file}'s first video stream. */
  public static KeyframeIndex read(Path file) throws IOException {
    FfmpegLog.errorsOnly();
    String source = file.toString();
    AVFormatContext ctx = new AVFormatContext(null);
    VideoMuxer.check(avformat_open_input(ctx, source, (AVInputFormat) null, (AVDictionary) null),
        file, "cannot be opened as a video");
    AVPacket pkt = av_packet_alloc();
    try {
      VideoMuxer.check(avformat_find_stream_info(ctx, (AVDictionary) null), file,
          "cannot read its streams");
      int video = VideoMuxer.firstStream(ctx, AVMEDIA_TYPE_VIDEO);
      if (video < 0) {
        throw new IOException(source + ": has no video stream");
      }
      AVRational tb = ctx.streams(video).time_base();
      AVRational rate = ctx.streams(video).r_frame_rate();
      double fps = rate.den() > 0 ? (double) rate.num() / rate.den() : 0;
      long[] pts = new long[1024];
      int n = 0;
      List<Keyframe> keys = new ArrayList<>();
      while (av_read_frame(ctx, pkt) >= 0) {
        try {
          if (pkt.stream_index() != video) {
            continue;
          }
          long t = pkt.pts() != AV_NOPTS_VALUE ? pkt.pts() : pkt.dts();
          if (t == AV_NOPTS_VALUE) {
            continue; // a packet without time cannot be placed in any chunk
          }
          // The formula JavaCV applies to decoded frames, so both sides compare exactly.
          long micros = 1000000L * t * tb.num() / tb.den();
          if (n == pts.length) {
            pts = Arrays.copyOf(pts, n * 2);
          }
          pts[n++] = micros;
          if ((pkt.flags() & AV_PKT_FLAG_KEY) != 0) {
            keys.add(new Keyframe(micros, pkt.dts() != AV_NOPTS_VALUE ? pkt.dts() : t));
          }
        } finally {
          av_packet_unref(pkt);
        }
      }
      long[] sorted = Arrays.copyOf(pts, n);
      Arrays.sort(sorted); // decode order -> presentation order
      boolean reordered = !Arrays.equals(sorted, Arrays.copyOf(pts, n));
      keys.sort((a, b) -> Long.compare(a.ptsMicros(), b.ptsMicros()));
      boolean seekable = ctx.pb() != null && ctx.pb().seekable() != 0;
      return new KeyframeIndex(source, fps, sorted, List.copyOf(keys), seekable, reordered);
    } finally {
      av_packet_free(pkt);
      avformat_close_input(ctx);
    }
  }
}

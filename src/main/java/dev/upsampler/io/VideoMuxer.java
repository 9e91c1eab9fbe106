package dev.upsampler.io;

import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_get_by_name;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_init;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_receive_packet;
import static org.bytedeco.ffmpeg.global.avcodec.av_bsf_send_packet;
import static org.bytedeco.ffmpeg.global.avcodec.AV_PKT_DATA_DISPLAYMATRIX;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_alloc;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_side_data_get;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_free;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_rescale_ts;
import static org.bytedeco.ffmpeg.global.avcodec.av_packet_unref;
import static org.bytedeco.ffmpeg.global.avcodec.avcodec_parameters_copy;
import static org.bytedeco.ffmpeg.global.avformat.AVFMT_NOFILE;
import static org.bytedeco.ffmpeg.global.avformat.AVIO_FLAG_WRITE;
import static org.bytedeco.ffmpeg.global.avformat.av_interleaved_write_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_read_frame;
import static org.bytedeco.ffmpeg.global.avformat.av_write_trailer;
import static org.bytedeco.ffmpeg.global.avformat.avformat_alloc_output_context2;
import static org.bytedeco.ffmpeg.global.avformat.avformat_close_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_find_stream_info;
import static org.bytedeco.ffmpeg.global.avformat.avformat_free_context;
import static org.bytedeco.ffmpeg.global.avformat.avformat_new_stream;
import static org.bytedeco.ffmpeg.global.avformat.avformat_open_input;
import static org.bytedeco.ffmpeg.global.avformat.avformat_write_header;
import static org.bytedeco.ffmpeg.global.avformat.avio_closep;
import static org.bytedeco.ffmpeg.global.avformat.avio_open;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_AUDIO;
import static org.bytedeco.ffmpeg.global.avutil.AVMEDIA_TYPE_VIDEO;
import static org.bytedeco.ffmpeg.global.avutil.AV_NOPTS_VALUE;
import static org.bytedeco.ffmpeg.global.avutil.av_compare_ts;
import static org.bytedeco.ffmpeg.global.avutil.av_inv_q;
import static org.bytedeco.ffmpeg.global.avutil.av_malloc;
import static org.bytedeco.ffmpeg.global.avutil.av_mallocz;
import static org.bytedeco.ffmpeg.global.avutil.av_rescale_q;
import static org.bytedeco.ffmpeg.global.avutil.av_strerror;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.bytedeco.javacpp.BytePointer;
import org.bytedeco.javacpp.Pointer;
import org.bytedeco.ffmpeg.avcodec.AVBSFContext;
import org.bytedeco.ffmpeg.avcodec.AVBitStreamFilter;
import org.bytedeco.ffmpeg.avcodec.AVCodecParameters;
import org.bytedeco.ffmpeg.avcodec.AVPacket;
import org.bytedeco.ffmpeg.avcodec.AVPacketSideData;
import org.bytedeco.ffmpeg.avformat.AVFormatContext;
import org.bytedeco.ffmpeg.avformat.AVIOContext;
import org.bytedeco.ffmpeg.avformat.AVInputFormat;
import org.bytedeco.ffmpeg.avformat.AVStream;
import org.bytedeco.ffmpeg.avutil.AVDictionary;
import org.bytedeco.ffmpeg.avutil.AVRational;

/**
 * Joins encoded video segments (written with one encoder setting, timestamps continuing from one
 * to the next) into one file and copies an input's audio stream beside them, packet for packet:
 * neither the video nor the audio is decoded or re-encoded here.
 */
public final class VideoMuxer {
  private VideoMuxer() {}

  /**
   * Writes {@code target} (container {@code container}) from the video of {@code segments}, in
   * order, and the first audio stream of {@code audioSource} if it is non-null and has one.
   * Returns the number of audio packets copied.
   */
  public static long join(List<Path> segments, String audioSource, Path target, String container)
      throws IOException {
    if (segments.isEmpty()) {
      throw new IOException(target + ": no video segments to join");
    }
    FfmpegLog.errorsOnly();
    AVFormatContext out = new AVFormatContext(null);
    Input audio = null;
    AVPacket pkt = av_packet_alloc();
    try {
      check(avformat_alloc_output_context2(out, null, container, target.toString()), target,
          "cannot create a " + container + " file");
      Input first = Input.open(segments.get(0).toString(), AVMEDIA_TYPE_VIDEO);
      AVStream vout = copyStream(out, first.stream());
      if (audioSource != null) {
        copyDisplayMatrix(audioSource, vout);
      }
      if (container.equals("avi") && vout.r_frame_rate().num() > 0) {
        // AVI has one clock per stream and calls it the frame rate: tick once per frame, as
        // ffmpeg -c copy does, or the header claims the segment's time base as frames/s.
        vout.time_base(av_inv_q(vout.r_frame_rate()));
      }
      first.close();
      AVStream aout = null;
      if (audioSource != null) {
        audio = Input.open(audioSource, AVMEDIA_TYPE_AUDIO);
        // MP4 and MOV keep the encoder's priming packets before time zero and hide them with an
        // edit list, as ffmpeg -c:a copy does; other containers would shift the whole file.
        audio.keepBeforeZero = container.equals("mp4") || container.equals("mov");
        if (audio.index < 0) {
          audio.close();
          audio = null;
        } else {
          aout = copyStream(out, audio.stream());
        }
      }
      if ((out.oformat().flags() & AVFMT_NOFILE) == 0) {
        AVIOContext pb = new AVIOContext(null);
        check(avio_open(pb, target.toString(), AVIO_FLAG_WRITE), target, "cannot write");
        out.pb(pb);
      }
      check(avformat_write_header(out, (AVDictionary) null), target, "cannot write the header");

      long audioPackets = 0;
      boolean audioLeft = audio != null && audio.read(pkt);
      AVPacket vpkt = av_packet_alloc();
      // MPEG-TS has no global header: the decoder configuration must ride in the stream, before
      // each keyframe, or a reader cannot even tell the picture size of a short clip.
      AVBSFContext inBand = container.equals("mpegts") ? extradataInBand(vout, target) : null;
      try {
        for (Path seg : segments) {
          Input v = Input.open(seg.toString(), AVMEDIA_TYPE_VIDEO);
          try {
            while (v.read(vpkt)) {
              // Audio that plays before this video packet goes first (interleaving by time).
              while (audioLeft && av_compare_ts(time(pkt), audio.stream().time_base(),
                  time(vpkt), v.stream().time_base()) <= 0) {
                write(out, pkt, audio.stream().time_base(), aout, audio.startOffset, target);
                audioPackets++;
                audioLeft = audio.read(pkt);
              }
              if (inBand == null) {
                write(out, vpkt, v.stream().time_base(), vout, 0, target);
                continue;
              }
              check(av_bsf_send_packet(inBand, vpkt), target, "cannot filter a packet");
              while (av_bsf_receive_packet(inBand, vpkt) >= 0) {
                write(out, vpkt, v.stream().time_base(), vout, 0, target);
              }
            }
          } finally {
            v.close();
          }
        }
        while (audioLeft) {
          write(out, pkt, audio.stream().time_base(), aout, audio.startOffset, target);
          audioPackets++;
          audioLeft = audio.read(pkt);
        }
      } finally {
        av_packet_free(vpkt);
        if (inBand != null) {
          av_bsf_free(inBand);
        }
      }
      check(av_write_trailer(out), target, "cannot finish the file");
      return audioPackets;
    } finally {
      av_packet_free(pkt);
      if (audio != null) {
        audio.close();
      }
      if (out.pb() != null && (out.oformat() == null
          || (out.oformat().flags() & AVFMT_NOFILE) == 0)) {
        avio_closep(out.pb());
      }
      avformat_free_context(out);
    }
  }

  /**
   * The source video's display matrix (a phone clip's rotation) onto {@code vout}, as ffmpeg
   * -c copy keeps it: frames stay as coded, and players turn them as they turned the source.
   * A source that cannot be reopened (a live URL, a file gone) keeps none.
   */
  private static void copyDisplayMatrix(String source, AVStream vout) {
    Input src;
    try {
      src = Input.open(source, AVMEDIA_TYPE_VIDEO);
    } catch (IOException | RuntimeException e) {
      return;
    }
    try {
      if (src.index < 0) {
        return;
      }
      AVCodecParameters in = src.stream().codecpar();
      AVPacketSideData sd = av_packet_side_data_get(in.coded_side_data(),
          in.nb_coded_side_data(), AV_PKT_DATA_DISPLAYMATRIX);
      if (sd == null || sd.isNull() || sd.size() <= 0) {
        return;
      }
      AVCodecParameters outPar = vout.codecpar();
      if (outPar.nb_coded_side_data() > 0) {
        return; // the segment brought its own
      }
      // Owned by the output's parameters from here on: allocated as FFmpeg frees them.
      AVPacketSideData copy = new AVPacketSideData(av_mallocz(new AVPacketSideData().sizeof()));
      BytePointer data = new BytePointer(av_malloc(sd.size()));
      Pointer.memcpy(data, sd.data(), sd.size());
      copy.data(data).size(sd.size()).type(AV_PKT_DATA_DISPLAYMATRIX);
      outPar.coded_side_data(copy).nb_coded_side_data(1);
    } finally {
      src.close();
    }
  }

  /** FFmpeg's dump_extra filter: the stream's extradata before every keyframe. */
  private static AVBSFContext extradataInBand(AVStream video, Path target) throws IOException {
    AVBitStreamFilter f = av_bsf_get_by_name("dump_extra");
    if (f == null) {
      return null;
    }
    AVBSFContext ctx = new AVBSFContext(null);
    check(av_bsf_alloc(f, ctx), target, "cannot set up dump_extra");
    avcodec_parameters_copy(ctx.par_in(), video.codecpar());
    ctx.time_base_in(video.time_base());
    check(av_bsf_init(ctx), target, "cannot start dump_extra");
    return ctx;
  }

  private static long time(AVPacket p) {
    return p.dts() != AV_NOPTS_VALUE ? p.dts() : p.pts();
  }

  private static AVStream copyStream(AVFormatContext out, AVStream in) {
    AVStream s = avformat_new_stream(out, null);
    avcodec_parameters_copy(s.codecpar(), in.codecpar());
    s.codecpar().codec_tag(0); // let the output container choose its own tag
    s.time_base(in.time_base());
    // As ffmpeg -c copy does: containers that store a frame rate (Matroska's default duration,
    // AVI's header) take it from the stream, not from the time base.
    AVRational rate = in.avg_frame_rate().num() > 0 ? in.avg_frame_rate() : in.r_frame_rate();
    if (rate.num() > 0 && rate.den() > 0) {
      s.avg_frame_rate(rate);
      s.r_frame_rate(rate);
    }
    return s;
  }

  private static void write(AVFormatContext out, AVPacket p, AVRational from, AVStream to,
      long offset, Path target) throws IOException {
    if (offset != 0) {
      if (p.pts() != AV_NOPTS_VALUE) {
        p.pts(p.pts() - offset);
      }
      if (p.dts() != AV_NOPTS_VALUE) {
        p.dts(p.dts() - offset);
      }
    }
    av_packet_rescale_ts(p, from, to.time_base());
    p.stream_index(to.index());
    p.pos(-1);
    check(av_interleaved_write_frame(out, p), target, "cannot write a packet");
  }

  /** The index of the first stream of {@code mediaType} (AVMEDIA_TYPE_*), or -1. */
  static int firstStream(AVFormatContext ctx, int mediaType) {
    for (int i = 0; i < ctx.nb_streams(); i++) {
      if (ctx.streams(i).codecpar().codec_type() == mediaType) {
        return i;
      }
    }
    return -1;
  }

  static void check(int status, Path target, String what) throws IOException {
    if (status < 0) {
      byte[] buf = new byte[256];
      av_strerror(status, buf, buf.length);
      String msg = new String(buf, java.nio.charset.StandardCharsets.UTF_8).trim()
          .replace("\0", "");
      throw new IOException(target + ": " + what + " (FFmpeg: " + msg + ")");
    }
  }

  /** One demuxed input and the stream of the wanted kind in it. */
  private static final class Input {
    final AVFormatContext ctx;
    final int index;
    final long startOffset;
    /** Audio packets before time zero (AAC priming) are copied rather than dropped. */
    boolean keepBeforeZero;

    private Input(AVFormatContext ctx, int index, long startOffset) {
      this.ctx = ctx;
      this.index = index;
      this.startOffset = startOffset;
    }

    static Input open(String source, int mediaType) throws IOException {
      AVFormatContext ctx = new AVFormatContext(null);
      Path p = Path.of(source);
      check(avformat_open_input(ctx, source, (AVInputFormat) null, (AVDictionary) null), p,
          "cannot open");
      check(avformat_find_stream_info(ctx, (AVDictionary) null), p, "cannot read streams");
      int index = firstStream(ctx, mediaType);
      long offset = 0;
      if (index >= 0 && ctx.start_time() != AV_NOPTS_VALUE && mediaType == AVMEDIA_TYPE_AUDIO) {
        // Decoded video timestamps count from the container's start; so must the audio.
        AVRational us = new AVRational().num(1).den(1_000_000);
        offset = av_rescale_q(ctx.start_time(), us, ctx.streams(index).time_base());
      }
      return new Input(ctx, index, offset);
    }

    AVStream stream() {
      return ctx.streams(index);
    }

    /**
     * The next packet of the wanted stream into {@code p}; false at the end. Unless {@link
     * #keepBeforeZero}, audio packets before time zero (an encoder's priming samples, 1024 for
     * AAC, which an MP4 edit list hides) are dropped: a container without edit lists would
     * otherwise shift the whole file, video included.
     */
    boolean read(AVPacket p) {
      while (true) {
        av_packet_unref(p);
        if (av_read_frame(ctx, p) < 0) {
          return false;
        }
        if (p.stream_index() == index && (keepBeforeZero
            || !(ctx.streams(index).codecpar().codec_type() == AVMEDIA_TYPE_AUDIO
            && p.pts() != AV_NOPTS_VALUE && p.pts() - startOffset < 0))) {
          return true;
        }
      }
    }

    void close() {
      avformat_close_input(ctx);
    }
  }
}

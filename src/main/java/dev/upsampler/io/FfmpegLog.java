package dev.upsampler.io;

import org.bytedeco.ffmpeg.global.avutil;

/** FFmpeg logs to stderr by default; only its errors are worth a user's screen. */
final class FfmpegLog {
  private static volatile boolean set;

  private FfmpegLog() {}

  static void errorsOnly() {
    if (!set) {
      avutil.av_log_set_level(avutil.AV_LOG_ERROR);
      set = true;
    }
  }
}

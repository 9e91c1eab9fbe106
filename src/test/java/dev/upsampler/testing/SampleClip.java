package dev.upsampler.testing;

import dev.upsampler.image.Frame;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.io.ImageCodecs;
import java.nio.ShortBuffer;
import java.nio.file.Files;
import java.nio.file.Path;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.javacv.FFmpegFrameRecorder;

/**
 * Makes a clip by panning a window across the sample photographs (a camera moving over them),
 * with a soft two-tone audio track: {@code jobs/samples/video/pan.mp4} is this, at 240x180,
 * 25 fps, 4 s (arguments: photo dir, output, width, height, seconds, fps).
 */
public final class SampleClip {
  private SampleClip() {}

  public static void main(String[] args) throws Exception {
    Path photos = Path.of(args.length > 0 ? args[0] : "jobs/samples");
    Path out = Path.of(args.length > 1 ? args[1] : "jobs/samples/video/pan.mp4");
    int w = args.length > 2 ? Integer.parseInt(args[2]) : 240;
    int h = args.length > 3 ? Integer.parseInt(args[3]) : 180;
    double seconds = args.length > 4 ? Double.parseDouble(args[4]) : 4;
    double fps = args.length > 5 ? Double.parseDouble(args[5]) : 25;
    Frame[] sources = {read(photos.resolve("coffee.jpg")), read(photos.resolve("rocket.jpg"))};
    int frames = (int) Math.round(seconds * fps);
    Files.createDirectories(out.toAbsolutePath().getParent());
    avutil.av_log_set_level(avutil.AV_LOG_ERROR);
    try (FFmpegFrameRecorder r = new FFmpegFrameRecorder(out.toFile(), w, h, 1)) {
      r.setFormat(out.toString().endsWith(".mkv") ? "matroska" : "mp4");
      r.setVideoCodecName("mpeg4");
      r.setPixelFormat(avutil.AV_PIX_FMT_YUV420P);
      r.setFrameRate(fps);
      r.setVideoQuality(3);
      r.setGopSize((int) fps);
      r.setAudioCodecName("aac");
      r.setSampleRate(48000);
      r.setAudioBitrate(64000);
      r.start();
      java.nio.ByteBuffer buf = java.nio.ByteBuffer.allocateDirect(3 * w * h);
      long sample = 0;
      for (int i = 0; i < frames; i++) {
        Frame src = sources[i < frames / 2 ? 0 : 1];
        double t = (i % (frames / 2)) / (double) (frames / 2 - 1);
        buf.clear();
        buf.put(window(src, w, h, t)).flip();
        r.recordImage(w, h, org.bytedeco.javacv.Frame.DEPTH_UBYTE, 3, 3 * w,
            avutil.AV_PIX_FMT_RGB24, buf);
        short[] s = new short[(int) Math.round(48000 / fps)];
        double hz = i < frames / 2 ? 330 : 440;
        for (int k = 0; k < s.length; k++, sample++) {
          s[k] = (short) (3000 * Math.sin(2 * Math.PI * hz * sample / 48000.0));
        }
        r.recordSamples(48000, 1, ShortBuffer.wrap(s));
      }
      r.stop();
    }
    System.out.println("wrote " + out + ": " + frames + " frames " + w + "x" + h);
  }

  private static Frame read(Path p) throws Exception {
    return ImageCodecs.decode(Files.readAllBytes(p), p, Long.MAX_VALUE);
  }

  /** The w x h window at fraction t of the way along the photo's diagonal. */
  private static byte[] window(Frame src, int w, int h, double t) {
    int x0 = (int) Math.round(t * Math.max(0, src.width() - w));
    int y0 = (int) Math.round(t * Math.max(0, src.height() - h));
    byte[] px = new byte[3 * w * h];
    byte[] s = src.bytes();
    int ch = src.layout() == PixelLayout.RGB24 ? 3 : 1;
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int sy = Math.min(src.height() - 1, y0 + y);
        int sx = Math.min(src.width() - 1, x0 + x);
        for (int c = 0; c < 3; c++) {
          px[3 * (y * w + x) + c] = s[ch * (sy * src.width() + sx) + (ch == 3 ? c : 0)];
        }
      }
    }
    return px;
  }

}

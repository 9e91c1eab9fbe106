package dev.upsampler.io;

import org.bytedeco.ffmpeg.global.avcodec;
import org.bytedeco.ffmpeg.global.avformat;
import org.bytedeco.ffmpeg.global.avutil;
import org.bytedeco.ffmpeg.global.swscale;
import org.bytedeco.javacpp.Loader;

/**
 * Loads FFmpeg's native libraries once, so that JavaCPP unpacks them into its cache (about
 * 65 MB, {@code -Dorg.bytedeco.javacpp.cachedir=...}) when an image is built rather than when
 * the first video job starts: {@code java -cp ... dev.upsampler.io.NativeWarmup}.
 */
public final class NativeWarmup {
  private NativeWarmup() {}

  public static void main(String[] args) throws java.io.IOException {
    for (Class<?> c : new Class<?>[] {avutil.class, avcodec.class, avformat.class,
        swscale.class}) {
      Loader.load(c);
    }
    System.out.println("FFmpeg natives loaded into " + Loader.getCacheDir());
  }
}

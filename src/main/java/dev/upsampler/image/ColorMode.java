package dev.upsampler.image;

import java.util.Locale;

/**
 * Which channels the kernel upsamples.
 *
 * <ul>
 *   <li>{@link #RGB}: every colour channel with the kernel;
 *   <li>{@link #Y}: the kernel on luma only, chroma by bicubic, as OpenCV's dnn_superres and
 *       FFmpeg's sr filter run super-resolution models: full-range BT.601 YCbCr (JPEG's, OpenCV's
 *       {@code COLOR_RGB2YCrCb}): {@code Y = 0.299 R + 0.587 G + 0.114 B}, {@code Cb = 128 +
 *       0.564 (B - Y)}, {@code Cr = 128 + 0.713 (R - Y)}.
 *   <li>{@link #AUTO} (the default): {@link #Y} for a learned network (the models here are
 *       trained on luma, as OpenCV's and FFmpeg's are), {@link #RGB} for every other kernel.
 * </ul>
 *
 * In both modes alpha is upsampled with the colour on premultiplied values ({@link #RGB}: the
 * kernel; {@link #Y}: bicubic), so transparent edges get no dark halos.
 */
public enum ColorMode {
  RGB,
  Y,
  AUTO;

  /** The mode {@code kernel} runs in: {@link #AUTO} resolved, the others as they are. */
  public ColorMode resolve(UpscaleKernel kernel) {
    return this != AUTO ? this : kernel.network() != null ? Y : RGB;
  }

  public static ColorMode parse(String s) {
    try {
      return valueOf(s.trim().toUpperCase(Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("unknown colour mode '" + s + "'; expected auto, rgb or y");
    }
  }
}

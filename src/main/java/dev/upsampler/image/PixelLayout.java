package dev.upsampler.image;

import java.util.Locale;

/**
 * How a frame's samples are laid out: interleaved channels per pixel, 8 or 16 bits per sample
 * (16-bit samples in a {@code short[]}, unsigned). {@link #YUV420P} is planar with subsampled
 * chroma, the form video decoders produce.
 */
public enum PixelLayout {
  GRAY8(1, 8, false),
  GRAYA16(2, 8, true),
  RGB24(3, 8, false),
  RGBA32(4, 8, true),
  GRAY16(1, 16, false),
  GRAYA32(2, 16, true),
  RGB48(3, 16, false),
  RGBA64(4, 16, true),
  /** Planar Y, then U and V at half width and height (8 bits); carried, not yet upscaled. */
  YUV420P(3, 8, false);

  private final int channels;
  private final int bits;
  private final boolean alpha;

  PixelLayout(int channels, int bits, boolean alpha) {
    this.channels = channels;
    this.bits = bits;
    this.alpha = alpha;
  }

  /** Samples per pixel, alpha included. */
  public int channels() {
    return channels;
  }

  /** Colour channels, alpha excluded. */
  public int colorChannels() {
    return alpha ? channels - 1 : channels;
  }

  public int bitsPerSample() {
    return bits;
  }

  public boolean hasAlpha() {
    return alpha;
  }

  public boolean isGray() {
    return colorChannels() == 1;
  }

  /** The largest sample value: 255 or 65535. */
  public int maxValue() {
    return bits == 8 ? 255 : 65535;
  }

  /** The layout with {@code colors} colour channels, optional alpha, and this sample depth. */
  public static PixelLayout of(int colors, boolean alpha, int bits) {
    for (PixelLayout l : values()) {
      if (l != YUV420P && l.colorChannels() == colors && l.alpha == alpha && l.bits == bits) {
        return l;
      }
    }
    throw new IllegalArgumentException(
        "no layout with " + colors + " colour channels, alpha " + alpha + ", " + bits + " bits");
  }

  public String id() {
    return name().toLowerCase(Locale.ROOT);
  }
}

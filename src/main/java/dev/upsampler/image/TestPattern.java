package dev.upsampler.image;

/**
 * A moving test pattern, different in every frame: horizontal and vertical gradients, the first
 * shifting with the frame number, under a checkerboard of 8-pixel squares that alternates. What
 * {@code send} plays when it has no video, and what the tests' clips are made of.
 */
public final class TestPattern {
  private TestPattern() {}

  /** Frame {@code i} as RGB24, {@code w x h}. */
  public static Frame frame(int i, int w, int h) {
    byte[] px = new byte[3 * w * h];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = 3 * (y * w + x);
        px[o] = (byte) (x * 255 / Math.max(1, w - 1) + 7 * i);
        px[o + 1] = (byte) (y * 255 / Math.max(1, h - 1));
        px[o + 2] = (byte) (((x / 8 + y / 8 + i) & 1) * 200 + 20);
      }
    }
    return Frame.of8(PixelLayout.RGB24, w, h, px, FrameInfo.NONE);
  }
}

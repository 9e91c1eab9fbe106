package dev.upsampler.io;

import dev.upsampler.image.Frame;

/**
 * EXIF orientation (tag 0x0112) of a JPEG, and the transform that puts the pixels upright, as
 * viewers display them. Parses just the APP1 "Exif" segment's first IFD.
 */
final class Orientation {
  private Orientation() {}

  /** The EXIF orientation 1..8 of a JPEG file's bytes; 1 (upright) when absent or unreadable. */
  static int ofJpeg(byte[] b) {
    int i = 2; // after SOI
    while (i + 4 <= b.length && (b[i] & 0xff) == 0xff) {
      int marker = b[i + 1] & 0xff;
      int len = ((b[i + 2] & 0xff) << 8) | (b[i + 3] & 0xff);
      if (marker == 0xda || len < 2) { // start of scan: no more metadata
        return 1;
      }
      if (marker == 0xe1 && i + 10 <= b.length && b[i + 4] == 'E' && b[i + 5] == 'x'
          && b[i + 6] == 'i' && b[i + 7] == 'f') {
        return fromTiff(b, i + 10, Math.min(b.length, i + 2 + len));
      }
      i += 2 + len;
    }
    return 1;
  }

  private static int fromTiff(byte[] b, int t, int end) {
    if (t + 8 > end) {
      return 1;
    }
    boolean le = b[t] == 'I';
    int ifd = t + read32(b, t + 4, le);
    if (ifd + 2 > end || ifd < t) {
      return 1;
    }
    int n = read16(b, ifd, le);
    for (int k = 0; k < n; k++) {
      int e = ifd + 2 + 12 * k;
      if (e + 12 > end) {
        return 1;
      }
      if (read16(b, e, le) == 0x0112) {
        int v = read16(b, e + 8, le);
        return v >= 1 && v <= 8 ? v : 1;
      }
    }
    return 1;
  }

  private static int read16(byte[] b, int i, boolean le) {
    return le ? (b[i] & 0xff) | (b[i + 1] & 0xff) << 8 : (b[i] & 0xff) << 8 | (b[i + 1] & 0xff);
  }

  private static int read32(byte[] b, int i, boolean le) {
    return le ? read16(b, i, true) | read16(b, i + 2, true) << 16
        : read16(b, i, false) << 16 | read16(b, i + 2, false);
  }

  /**
   * The frame as displayed for an orientation: 2 mirror, 3 rotate 180, 4 flip, 5 transpose, 6
   * rotate 90 clockwise, 7 transverse, 8 rotate 90 counter-clockwise.
   */
  static Frame apply(Frame f, int orientation) {
    if (orientation <= 1 || orientation > 8) {
      return f;
    }
    boolean swap = orientation >= 5;
    int w = f.width();
    int h = f.height();
    int ow = swap ? h : w;
    int oh = swap ? w : h;
    Frame out = Frame.blank(f.layout(), ow, oh, f.info());
    int ch = f.layout().channels();
    for (int y = 0; y < oh; y++) {
      for (int x = 0; x < ow; x++) {
        int sx;
        int sy;
        switch (orientation) {
          case 2 -> { sx = w - 1 - x; sy = y; }
          case 3 -> { sx = w - 1 - x; sy = h - 1 - y; }
          case 4 -> { sx = x; sy = h - 1 - y; }
          case 5 -> { sx = y; sy = x; }
          case 6 -> { sx = y; sy = h - 1 - x; }
          case 7 -> { sx = w - 1 - y; sy = h - 1 - x; }
          default -> { sx = w - 1 - y; sy = x; }
        }
        int s = (sy * w + sx) * ch;
        int d = (y * ow + x) * ch;
        for (int c = 0; c < ch; c++) {
          if (f.bytes() != null) {
            out.bytes()[d + c] = f.bytes()[s + c];
          } else {
            out.shorts()[d + c] = f.shorts()[s + c];
          }
        }
      }
    }
    return out;
  }
}

package dev.upsampler.image;

import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.U8Image;
import java.util.Objects;

/**
 * One image frame: pixels in a {@link PixelLayout} (interleaved samples, 8-bit in {@code
 * byte[]}, 16-bit in {@code short[]}) plus where it came from: stream id, sequence number,
 * timestamp (microseconds) and source name. The unit that codecs, the Flink job and video carry.
 *
 * <p>Frames own their arrays; {@link #u8View()} and {@link #toTensor()} expose them to the
 * engine without (8-bit) or with (16-bit, float) a copy.
 */
public final class Frame {
  private final PixelLayout layout;
  private final int width;
  private final int height;
  private final byte[] bytes;
  private final short[] shorts;
  private final FrameInfo info;

  private Frame(PixelLayout layout, int width, int height, byte[] bytes, short[] shorts,
      FrameInfo info) {
    this.layout = Objects.requireNonNull(layout, "layout");
    this.width = width;
    this.height = height;
    this.bytes = bytes;
    this.shorts = shorts;
    this.info = info == null ? FrameInfo.NONE : info;
    if (width < 1 || height < 1) {
      throw new ShapeException("frame size must be >= 1 x 1, got " + width + " x " + height);
    }
    long need = (long) width * height * layout.channels();
    long have = bytes != null ? bytes.length : shorts.length;
    if (layout == PixelLayout.YUV420P) {
      need = (long) width * height + 2L * ((width + 1) / 2) * ((height + 1) / 2);
    }
    if (have != need) {
      throw new ShapeException(layout.id() + " frame " + width + "x" + height + " needs " + need
          + " samples, got " + have);
    }
  }

  /** An 8-bit frame over {@code data} (interleaved samples). */
  public static Frame of8(PixelLayout layout, int width, int height, byte[] data, FrameInfo info) {
    if (layout.bitsPerSample() != 8) {
      throw new IllegalArgumentException(layout + " is not an 8-bit layout");
    }
    return new Frame(layout, width, height, Objects.requireNonNull(data), null, info);
  }

  /** A 16-bit frame over {@code data} (interleaved unsigned samples). */
  public static Frame of16(PixelLayout layout, int width, int height, short[] data,
      FrameInfo info) {
    if (layout.bitsPerSample() != 16) {
      throw new IllegalArgumentException(layout + " is not a 16-bit layout");
    }
    return new Frame(layout, width, height, null, Objects.requireNonNull(data), info);
  }

  /** A zeroed frame. */
  public static Frame blank(PixelLayout layout, int width, int height, FrameInfo info) {
    long n = (long) width * height * layout.channels();
    if (n > Integer.MAX_VALUE - 8) {
      throw new ShapeException(layout.id() + " frame " + width + "x" + height
          + " is too large for one array (" + n + " samples)");
    }
    return layout.bitsPerSample() == 8
        ? of8(layout, width, height, new byte[(int) n], info)
        : of16(layout, width, height, new short[(int) n], info);
  }

  public PixelLayout layout() {
    return layout;
  }

  public int width() {
    return width;
  }

  public int height() {
    return height;
  }

  public FrameInfo info() {
    return info;
  }

  /** The same pixels with other metadata. */
  public Frame withInfo(FrameInfo newInfo) {
    return new Frame(layout, width, height, bytes, shorts, newInfo);
  }

  /** 8-bit samples (null for 16-bit frames). */
  public byte[] bytes() {
    return bytes;
  }

  /** 16-bit samples (null for 8-bit frames). */
  public short[] shorts() {
    return shorts;
  }

  /** Sample {@code c} of pixel (x, y), 0..maxValue. */
  public int sample(int x, int y, int c) {
    int i = (y * width + x) * layout.channels() + c;
    return bytes != null ? bytes[i] & 0xff : shorts[i] & 0xffff;
  }

  /** The 8-bit samples as an engine image (no copy). */
  public U8Image u8View() {
    if (bytes == null || layout == PixelLayout.YUV420P) {
      throw new IllegalStateException(layout + " frames have no interleaved 8-bit view");
    }
    return U8Image.interleaved(bytes, width, height, layout.channels());
  }

  /** The samples as a planar [1, C, H, W] float tensor (values 0..maxValue). */
  public Tensor toTensor() {
    int ch = layout.channels();
    Tensor t = Tensor.zeros(1, ch, height, width);
    float[] d = t.data();
    int plane = width * height;
    for (int p = 0; p < plane; p++) {
      for (int c = 0; c < ch; c++) {
        int i = p * ch + c;
        d[c * plane + p] = bytes != null ? bytes[i] & 0xff : shorts[i] & 0xffff;
      }
    }
    return t;
  }

  /**
   * A frame of {@code layout} from a planar [1, C, H, W] tensor: rounded half up and clamped to
   * the layout's range (the engine's 8-bit rule, widened to 16 bits).
   */
  public static Frame fromTensor(Tensor t, PixelLayout layout, FrameInfo info) {
    if (t.n() != 1 || t.c() != layout.channels()) {
      throw new ShapeException("tensor " + t.shapeString() + " does not hold a " + layout.id()
          + " frame ([1, " + layout.channels() + ", H, W])");
    }
    Frame f = blank(layout, t.w(), t.h(), info);
    int ch = layout.channels();
    int max = layout.maxValue();
    for (int c = 0; c < ch; c++) {
      for (int y = 0; y < t.h(); y++) {
        for (int x = 0; x < t.w(); x++) {
          int v = (int) (t.get(0, c, y, x) + 0.5f);
          v = v < 0 ? 0 : Math.min(v, max);
          int i = (y * t.w() + x) * ch + c;
          if (f.bytes != null) {
            f.bytes[i] = (byte) v;
          } else {
            f.shorts[i] = (short) v;
          }
        }
      }
    }
    return f;
  }

  @Override
  public String toString() {
    return "Frame[" + layout.id() + " " + width + "x" + height + ", " + info + "]";
  }
}

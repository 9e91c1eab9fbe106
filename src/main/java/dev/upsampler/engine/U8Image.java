package dev.upsampler.engine;

import java.util.Objects;

/**
 * An 8-bit image (one frame) over a caller-owned {@code byte[]}: sample {@code (c, y, x)} at
 * {@code offset + c*channelStride + y*rowStride + x*pixelStride}, values 0..255. Interleaved RGB
 * ({@code rgb24}) has pixel stride 3 and channel stride 1; planar data has pixel stride 1.
 *
 * <p>The engine reads and writes these directly in its tiles (convert on load; clamp to [0, 255]
 * and round half up on store, NaN to 0), so a frame never makes a full float copy.
 */
public record U8Image(
    byte[] data, int offset, int channels, int height, int width,
    int channelStride, int rowStride, int pixelStride) {

  public U8Image {
    Objects.requireNonNull(data, "data");
    if (channels < 1 || height < 1 || width < 1) {
      throw new ShapeException(
          "image dimensions must be >= 1, got " + channels + " x " + height + " x " + width);
    }
    long last = offset + (long) (channels - 1) * channelStride + (long) (height - 1) * rowStride
        + (long) (width - 1) * pixelStride;
    if (offset < 0 || channelStride < 0 || rowStride < 0 || pixelStride < 1
        || last >= data.length) {
      throw new ShapeException(
          "8-bit image " + channels + "x" + height + "x" + width + " at offset " + offset
              + " (strides c=" + channelStride + ", y=" + rowStride + ", x=" + pixelStride
              + ") does not fit an array of " + data.length);
    }
  }

  /** Interleaved pixels (HWC, e.g. rgb24) densely over {@code data}. */
  public static U8Image interleaved(byte[] data, int width, int height, int channels) {
    return new U8Image(data, 0, channels, height, width, 1, width * channels, channels);
  }

  /** A new zeroed interleaved image. */
  public static U8Image interleaved(int width, int height, int channels) {
    long size = (long) width * height * channels;
    if (size > Integer.MAX_VALUE - 8) {
      throw new ShapeException(width + "x" + height + "x" + channels + " is too large for one"
          + " array (" + size + " bytes)");
    }
    return interleaved(new byte[(int) size], width, height, channels);
  }

  /** Planar channels (CHW) densely over {@code data}. */
  public static U8Image planar(byte[] data, int width, int height, int channels) {
    return new U8Image(data, 0, channels, height, width, width * height, width, 1);
  }

  /** True when channels are interleaved densely within each row (pixel stride = channels). */
  public boolean isInterleaved() {
    return channelStride == 1 && pixelStride == channels;
  }

  public int get(int c, int y, int x) {
    return data[offset + c * channelStride + y * rowStride + x * pixelStride] & 0xff;
  }

  /** The same image as a [1, C, H, W] float tensor (values 0..255). */
  public Tensor toTensor() {
    Tensor t = Tensor.zeros(1, channels, height, width);
    for (int c = 0; c < channels; c++) {
      for (int y = 0; y < height; y++) {
        for (int x = 0; x < width; x++) {
          t.set(0, c, y, x, get(c, y, x));
        }
      }
    }
    return t;
  }

  public String shapeString() {
    return "[" + channels + ", " + height + ", " + width + "] 8-bit";
  }

  /** The engine's 8-bit rounding: clamp to [0, 255], round half up, NaN to 0. */
  public static int toU8(float v) {
    return RowKernel.toU8(v);
  }
}

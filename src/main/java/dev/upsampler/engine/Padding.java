package dev.upsampler.engine;

import java.util.Locale;

/**
 * The three padding front ends of transposed convolution, each resolving to one canonical
 * {@link Crop} of the natural scatter output (see {@code ConvTransposeSpec}):
 *
 * <ul>
 *   <li>{@link Explicit}: PyTorch's {@code padding} + {@code output_padding} (symmetric pads) and
 *       ONNX's {@code pads [t, l, b, r]} + {@code output_padding}: crop {@code (pad_begin,
 *       pad_end - output_padding)}. An output shape, if given, chooses the output padding as
 *       PyTorch's {@code output_size} does: legal sizes are {@code [min, min + s - 1]}.
 *   <li>{@link OnnxAuto}: ONNX {@code auto_pad} SAME_UPPER / SAME_LOWER / VALID with an optional
 *       {@code output_shape} (default {@code n * s} for SAME): {@code total = max(0, full + op -
 *       O)} split with the larger half at the end (UPPER) or at the start (LOWER).
 *   <li>{@link TensorFlow}: {@code tf.nn.conv2d_transpose} with SAME or VALID and an optional
 *       {@code output_shape} (default SAME {@code n * s}, VALID {@code full}); legal sizes are the
 *       ones whose forward convolution gives back the input size: SAME {@code [(n-1)s + 1, n s]},
 *       VALID {@code [full, full + s - 1]}. When the kernel is smaller than the stride TF appends
 *       the missing rows at the end (negative crop).
 * </ul>
 */
public sealed interface Padding permits Padding.Explicit, Padding.OnnxAuto, Padding.TensorFlow {

  /** The crop and output length on one axis, or a {@link SpecException} naming the legal range. */
  AxisCrop resolve(AxisGeometry g, int axis);

  /** The output padding on one axis (zero where the front end has none). */
  int outputPadding(int axis);

  /** PyTorch {@code ConvTranspose2d(padding=(ph, pw), output_padding=(oph, opw))}. */
  static Explicit torch(Size2 padding, Size2 outputPadding) {
    return new Explicit(
        "PyTorch", padding.h(), padding.w(), padding.h(), padding.w(), outputPadding, null);
  }

  /** ONNX {@code ConvTranspose(pads=[top, left, bottom, right], output_padding=op)}. */
  static Explicit onnxPads(int top, int left, int bottom, int right, Size2 outputPadding) {
    return new Explicit("ONNX pads", top, left, bottom, right, outputPadding, null);
  }

  /** ONNX {@code auto_pad} SAME_UPPER, SAME_LOWER or VALID. */
  enum AutoPad {
    SAME_UPPER,
    SAME_LOWER,
    VALID;

    public static AutoPad parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SpecException(
            "unknown ONNX auto_pad '" + text + "'; expected SAME_UPPER, SAME_LOWER or VALID");
      }
    }
  }

  /** TensorFlow's padding modes. */
  enum TfMode {
    SAME,
    VALID;

    public static TfMode parse(String text) {
      try {
        return valueOf(text.trim().toUpperCase(Locale.ROOT));
      } catch (IllegalArgumentException e) {
        throw new SpecException(
            "unknown TensorFlow padding '" + text + "'; expected SAME or VALID");
      }
    }
  }

  /**
   * Explicit pads at each end plus output padding, as PyTorch and ONNX {@code pads} specify them.
   *
   * @param outputShape when not null, the output size wanted; the output padding is then derived
   *     from it, as PyTorch's {@code output_size} argument does, and must be zero in {@code
   *     outputPadding}
   */
  record Explicit(
      String frontEnd,
      int top,
      int left,
      int bottom,
      int right,
      Size2 outputPadding,
      Size2 outputShape)
      implements Padding {

    public Explicit {
      if (top < 0 || left < 0 || bottom < 0 || right < 0) {
        throw new SpecException(
            frontEnd + " padding must be >= 0, got [top=" + top + ", left=" + left
                + ", bottom=" + bottom + ", right=" + right + "]");
      }
      if (outputPadding.h() < 0 || outputPadding.w() < 0) {
        throw new SpecException("output padding must be >= 0, got " + outputPadding);
      }
      if (outputShape != null && (outputPadding.h() != 0 || outputPadding.w() != 0)) {
        throw new SpecException(
            "give either an output padding or an output shape, not both (output padding "
                + outputPadding + ", output shape " + outputShape.h() + "," + outputShape.w()
                + ")");
      }
    }

    /** The same pads with the output padding chosen by an output shape (PyTorch output_size). */
    public Explicit withOutputShape(Size2 shape) {
      return new Explicit(frontEnd, top, left, bottom, right, new Size2(0, 0), shape);
    }

    @Override
    public int outputPadding(int axis) {
      return outputPadding.get(axis);
    }

    @Override
    public AxisCrop resolve(AxisGeometry g, int axis) {
      int begin = axis == 0 ? top : left;
      int end = axis == 0 ? bottom : right;
      long min = g.full() - begin - end;
      int op = outputPadding.get(axis);
      if (outputShape != null) {
        int wanted = outputShape.get(axis);
        long max = min + g.stride() - 1;
        if (wanted < min || wanted > max) {
          throw new SpecException(
              frontEnd + " output size " + wanted + " is not legal for " + g.describe()
                  + ", pads " + begin + "+" + end + ": legal sizes are "
                  + Specs.range(min, max) + " (min + output_padding, output_padding < stride)");
        }
        op = (int) (wanted - min);
      }
      return Specs.crop(g, begin, end - op, frontEnd);
    }
  }

  /**
   * ONNX {@code auto_pad}. ONNX Runtime before 1.13 swapped SAME_UPPER and SAME_LOWER for
   * ConvTranspose; this follows the ONNX specification.
   *
   * @param outputShape the wanted output size, or null for the default ({@code n * s} for SAME,
   *     {@code full + output_padding} for VALID)
   */
  record OnnxAuto(AutoPad mode, Size2 outputShape, Size2 outputPadding) implements Padding {

    public OnnxAuto {
      if (outputPadding.h() < 0 || outputPadding.w() < 0) {
        throw new SpecException("output padding must be >= 0, got " + outputPadding);
      }
    }

    @Override
    public int outputPadding(int axis) {
      return outputPadding.get(axis);
    }

    @Override
    public AxisCrop resolve(AxisGeometry g, int axis) {
      int op = outputPadding.get(axis);
      long full = g.full();
      if (mode == AutoPad.VALID) {
        if (outputShape != null && outputShape.get(axis) != full + op) {
          throw new SpecException(
              "ONNX auto_pad VALID gives output size " + (full + op) + " for " + g.describe()
                  + "; the output shape asks for " + outputShape.get(axis));
        }
        return Specs.crop(g, 0, -op, "ONNX VALID");
      }
      long wanted = outputShape == null ? (long) g.in() * g.stride() : outputShape.get(axis);
      long max = Math.max((long) g.in() * g.stride(), full + op);
      if (wanted < 1 || wanted > max) {
        throw new SpecException(
            "ONNX auto_pad " + mode + " output size " + wanted + " is not legal for "
                + g.describe() + ": legal sizes are " + Specs.range(1, max));
      }
      long total = Math.max(0, full + op - wanted);
      long begin = mode == AutoPad.SAME_UPPER ? total / 2 : total - total / 2;
      return Specs.crop(g, begin, full - wanted - begin, "ONNX " + mode);
    }
  }

  /**
   * TensorFlow {@code conv2d_transpose} padding: the gradient of a forward convolution with this
   * padding, so only output sizes whose forward convolution yields the input size are legal.
   *
   * @param outputShape the wanted output size, or null for the default (SAME {@code n * s}, VALID
   *     {@code full})
   */
  record TensorFlow(TfMode mode, Size2 outputShape) implements Padding {

    @Override
    public int outputPadding(int axis) {
      return 0;
    }

    @Override
    public AxisCrop resolve(AxisGeometry g, int axis) {
      long full = g.full();
      long n = g.in();
      long s = g.stride();
      long min = mode == TfMode.SAME ? (n - 1) * s + 1 : full;
      long max = mode == TfMode.SAME ? n * s : full + s - 1;
      long wanted =
          outputShape != null ? outputShape.get(axis) : mode == TfMode.SAME ? n * s : full;
      if (wanted < min || wanted > max) {
        throw new SpecException(
            "TensorFlow " + mode + " output size " + wanted + " is not legal for "
                + g.describe() + ": legal sizes are " + Specs.range(min, max)
                + " (TensorFlow: \"Size of out_backprop doesn't match computed\")");
      }
      long begin = mode == TfMode.SAME ? Math.max(full - wanted, 0) / 2 : 0;
      return Specs.crop(g, begin, full - wanted - begin, "TensorFlow " + mode);
    }
  }
}

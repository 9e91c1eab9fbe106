package dev.upsampler.engine;

/**
 * The polyphase geometry of one axis. Output coordinate {@code o} has the expanded coordinate
 * {@code m = o + crop} and phase {@code p = m mod s}; it meets kernel taps {@code kk} with
 * {@code m - kk*d = i*s}, i.e. input {@code i = (m - kk*d) / s}.
 *
 * <p>For the row (x) axis the fast paths read an <em>expanded row</em> {@code xe[m] = x[floor(m /
 * s)]}: with dilation 1, tap {@code t} of every phase is then the same shift {@code -s*t} of that
 * row, and only the weight {@code W[p + s*t]} depends on the phase: a periodic weight pattern, so
 * the whole output row is one contiguous vector loop with no interleaving of phases. With stride
 * 1 the shift of tap {@code t} is {@code -t*d}. Strides and dilations both above 1 on this axis
 * have no such form ({@link #supported}).
 */
final class AxisTaps {
  final int stride;
  final int dilation;
  final int kernel;
  final int crop;
  /** Taps per output element: {@code ceil(k / s)} (polyphase) or {@code k} (stride 1). */
  final int taps;

  AxisTaps(int stride, int dilation, int kernel, int crop) {
    if (!supported(stride, dilation)) {
      throw new IllegalArgumentException("stride " + stride + " with dilation " + dilation);
    }
    this.stride = stride;
    this.dilation = dilation;
    this.kernel = kernel;
    this.crop = crop;
    this.taps = stride == 1 ? kernel : (kernel + stride - 1) / stride;
  }

  static boolean supported(int stride, int dilation) {
    return stride == 1 || dilation == 1;
  }

  /** Shift of tap {@code t} in expanded coordinates (always <= 0). */
  int shift(int t) {
    return stride == 1 ? -t * dilation : -t * stride;
  }

  /** The most negative shift. */
  int minShift() {
    return shift(taps - 1);
  }

  /** Kernel index of tap {@code t} for phase {@code p}, or -1 where the phase has fewer taps. */
  int kernelIndex(int t, int p) {
    if (stride == 1) {
      return t;
    }
    int kk = p + stride * t;
    return kk < kernel ? kk : -1;
  }

  /** Phase of the first output: {@code crop mod s}; tiles start at multiples of s. */
  int firstPhase() {
    return Math.floorMod(crop, stride);
  }

  /** Length of the weight pattern's period in elements, for {@code channels} interleaved. */
  int period(int channels) {
    return channels * stride;
  }

  /**
   * The kernel taps and input rows of output row {@code o} (the column axis uses the same rule):
   * fills {@code kk[]} and {@code in[]}, returns their count. Inputs outside [0, n) are skipped
   * ({@link BorderMode#ZERO}) or clamped ({@link BorderMode#REPLICATE}).
   */
  static int rowTaps(int o, int stride, int dilation, int kernel, int crop, int n,
      BorderMode border, int[] kk, int[] in) {
    int m = o + crop;
    int count = 0;
    for (int k = 0; k < kernel; k++) {
      int num = m - k * dilation;
      if (Math.floorMod(num, stride) != 0) {
        continue;
      }
      int i = Math.floorDiv(num, stride);
      if (i < 0 || i >= n) {
        if (border == BorderMode.ZERO) {
          continue;
        }
        i = Math.min(Math.max(i, 0), n - 1);
      }
      kk[count] = k;
      in[count] = i;
      count++;
    }
    return count;
  }
}

package dev.upsampler.testing;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.fail;

import dev.upsampler.engine.Tensor;
import java.util.Arrays;

/** Tensor comparisons whose failure names the first mismatching index and both values. */
public final class TensorAssert {
  private TensorAssert() {}

  /**
   * Asserts {@code |actual - expected| <= rel * max(|expected|, floor)} at every element.
   *
   * @param floor the magnitude below which the tolerance stops shrinking (avoids demanding
   *     relative accuracy of values that are sums cancelling to nearly zero)
   */
  public static void assertClose(Tensor expected, Tensor actual, double rel, double floor,
      String what) {
    assertArrayEquals(expected.shape(), actual.shape(), what + ": shape");
    for (int b = 0; b < expected.n(); b++) {
      for (int c = 0; c < expected.c(); c++) {
        for (int y = 0; y < expected.h(); y++) {
          for (int x = 0; x < expected.w(); x++) {
            double e = expected.get(b, c, y, x);
            double a = actual.get(b, c, y, x);
            double tol = rel * Math.max(Math.abs(e), floor);
            double err = Math.abs(a - e);
            if (!(err <= tol)) {
              fail(what + ": first mismatch at [" + b + ", " + c + ", " + y + ", " + x
                  + "] of " + Arrays.toString(expected.shape()) + ": expected " + e + ", got "
                  + a + " (|diff| " + err + " > " + tol + ")");
            }
          }
        }
      }
    }
  }

  /** Bit-exact equality. */
  public static void assertSame(Tensor expected, Tensor actual, String what) {
    assertClose(expected, actual, 0.0, 1.0, what);
  }
}

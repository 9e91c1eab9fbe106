package dev.upsampler.engine;

import static dev.upsampler.testing.TensorAssert.assertSame;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * The original write-up's two worked cases: TensorFlow SAME, stride 2, the 3x3 identity matrix as kernel,
 * input 1..9, outputs 5x5 and 6x6 (values from ../shared/SEMANTICS.md).
 */
class WriteUpExamplesTest {

  static final float[] FIVE = {
    1, 0, 2, 0, 3,
    0, 6, 0, 8, 0,
    4, 0, 5, 0, 6,
    0, 12, 0, 14, 0,
    7, 0, 8, 0, 9,
  };

  static final float[] SIX = {
    1, 0, 2, 0, 3, 0,
    0, 1, 0, 2, 0, 3,
    4, 0, 6, 0, 8, 0,
    0, 4, 0, 5, 0, 6,
    7, 0, 12, 0, 14, 0,
    0, 7, 0, 8, 0, 9,
  };

  static Tensor input() {
    return Tensor.wrap(new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
  }

  /** The write-up's "identity" kernel is the 3x3 identity matrix: ones on the diagonal. */
  static Tensor identityKernel() {
    Tensor w = Tensor.zeros(1, 1, 3, 3);
    for (int i = 0; i < 3; i++) {
      w.set(0, 0, i, i, 1f);
    }
    return w;
  }

  static ConvTranspose layer(int out) {
    ConvTransposeSpec spec = ConvTransposeSpec.builder()
        .kernel(3, 3).stride(2)
        .padding(new Padding.TensorFlow(Padding.TfMode.SAME, Size2.square(out)))
        .build();
    return ConvTranspose.of(spec, identityKernel(), null);
  }

  @ParameterizedTest
  @EnumSource(ConvTranspose.Algorithm.class)
  void fiveByFive(ConvTranspose.Algorithm alg) {
    assertSame(Tensor.wrap(FIVE, 1, 1, 5, 5), layer(5).using(alg).apply(input()), "5x5");
  }

  @ParameterizedTest
  @EnumSource(ConvTranspose.Algorithm.class)
  void sixBySix(ConvTranspose.Algorithm alg) {
    assertSame(Tensor.wrap(SIX, 1, 1, 6, 6), layer(6).using(alg).apply(input()), "6x6");
  }
}

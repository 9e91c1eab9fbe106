package dev.upsampler.engine;

import static dev.upsampler.engine.PaddingTest.assertMessage;
import static dev.upsampler.engine.PaddingTest.randomTensor;
import static dev.upsampler.testing.TensorAssert.assertSame;
import static org.junit.jupiter.api.Assertions.assertEquals;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The facade's argument checks and its handling of views. */
class ConvTransposeTest {

  static ConvTransposeSpec spec(int cin, int cout, int groups, boolean bias) {
    return ConvTransposeSpec.builder().channels(cin, cout).groups(groups).kernel(4, 4).stride(2)
        .padding(Padding.torch(Size2.square(1), Size2.square(0))).bias(bias).build();
  }

  @Test
  void refusesMismatchedShapesNamingBoth() {
    Random rnd = new Random(1);
    Tensor w = randomTensor(rnd, 2, 3, 4, 4);
    ConvTranspose op = ConvTranspose.of(spec(2, 3, 1, false), w, null);
    assertMessage(() -> op.apply(randomTensor(rnd, 1, 3, 5, 5)),
        "input [1, 3, 5, 5] has 3 channels but the weights [2, 3, 4, 4] expect C_in = 2");
    assertMessage(() -> ConvTranspose.of(spec(2, 4, 1, false), w, null),
        "weights [2, 3, 4, 4] do not fit the spec: expected [2, 4, 4, 4]");
    assertMessage(() -> ConvTranspose.of(spec(2, 3, 1, true), w, new float[2]),
        "bias has 2 values, expected C_out = 3");
    assertMessage(() -> op.apply(randomTensor(rnd, 1, 2, 5, 5), Tensor.zeros(1, 3, 9, 10)),
        "output [1, 3, 9, 10] does not match input [1, 2, 5, 5]: expected [1, 3, 10, 10]");
    Tensor shared = Tensor.zeros(1, 1, 20, 20);
    Tensor in = Tensor.view(shared.data(), 0, 1, 2, 3, 3, 400, 9, 3);
    Tensor out = Tensor.view(shared.data(), 100, 1, 3, 6, 6, 400, 36, 6);
    assertMessage(() -> op.apply(in, out), "shares its array with the input");
    Tensor nan = randomTensor(rnd, 2, 3, 4, 4);
    nan.set(1, 2, 3, 0, Float.NaN);
    assertMessage(() -> ConvTranspose.of(spec(2, 3, 1, false), nan, null).requireFinite(),
        "hold NaN at flat index 92");
  }

  /** Writing into a view inside a larger buffer changes only the view's elements. */
  @Test
  void writesIntoAViewAndNothingElse() {
    Random rnd = new Random(2);
    ConvTranspose op = ConvTranspose.of(spec(2, 3, 1, true), randomTensor(rnd, 2, 3, 4, 4),
        new float[] {0.5f, -1f, 2f});
    Tensor x = randomTensor(rnd, 2, 2, 5, 7);
    Tensor expected = op.apply(x);

    float[] buffer = new float[2 * 4 * 13 * 20 + 50];
    java.util.Arrays.fill(buffer, 42f);
    Tensor view = Tensor.view(buffer, 50, 2, 3, 10, 14, 4 * 13 * 20, 13 * 20, 20);
    op.apply(x, view);
    assertSame(expected, view.copy(), "view");
    int untouched = 0;
    for (float v : buffer) {
      untouched += v == 42f ? 1 : 0;
    }
    assertEquals(buffer.length - expected.size(), untouched, "elements outside the view");
  }
}

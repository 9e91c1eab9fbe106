package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.testing.GoldenCase;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Output sizes, crops and the refusals of every padding front end. */
class PaddingTest {

  static ConvTransposeSpec spec(int k, int s, int d, Padding p) {
    return ConvTransposeSpec.builder().kernel(k, k).stride(Size2.square(s))
        .dilation(Size2.square(d)).padding(p).build();
  }

  static List<Integer> legalTf(int n, int s, int k, int d, Padding.TfMode mode) {
    List<Integer> legal = new ArrayList<>();
    for (int o = 1; o <= (n + 2) * s + (k - 1) * d + 2; o++) {
      try {
        spec(k, s, d, new Padding.TensorFlow(mode, new Size2(o, o))).plan(n, n);
        legal.add(o);
      } catch (SpecException e) {
        assertTrue(e.getMessage().contains("legal sizes are"), e.getMessage());
      }
    }
    return legal;
  }

  @Test
  void tensorFlowLegalSizesOfTheSemanticsExample() {
    assertEquals(List.of(5, 6), legalTf(3, 2, 3, 1, Padding.TfMode.SAME));
    assertEquals(List.of(7, 8), legalTf(3, 2, 3, 1, Padding.TfMode.VALID));
  }

  /** The legal sets PyTorch derived from TF's definition (forward conv gives back the input). */
  @Test
  void tensorFlowLegalSizesMatchTheGradientDefinition() {
    JsonNode sets = GoldenCase.document().get("tf_legal");
    assertEquals(200, sets.size());
    for (JsonNode set : sets) {
      int n = set.get("n").asInt();
      int s = set.get("s").asInt();
      int k = set.get("k").asInt();
      int d = set.get("d").asInt();
      for (Padding.TfMode mode : Padding.TfMode.values()) {
        List<Integer> expected = new ArrayList<>();
        set.get(mode.name()).forEach(v -> expected.add(v.asInt()));
        assertEquals(expected, legalTf(n, s, k, d, mode),
            mode + " n=" + n + " s=" + s + " k=" + k + " d=" + d);
      }
    }
  }

  @Test
  void defaultOutputSizes() {
    ConvTransposePlan same = spec(3, 2, 1, new Padding.TensorFlow(Padding.TfMode.SAME, null))
        .plan(3, 4);
    assertEquals(6, same.outH());
    assertEquals(8, same.outW());
    ConvTransposePlan valid = spec(3, 2, 1, new Padding.TensorFlow(Padding.TfMode.VALID, null))
        .plan(3, 4);
    assertEquals(7, valid.outH());
    assertEquals(9, valid.outW());
    ConvTransposePlan onnx = spec(3, 2, 1,
        new Padding.OnnxAuto(Padding.AutoPad.SAME_UPPER, null, Size2.square(0))).plan(3, 4);
    assertEquals(6, onnx.outH());
  }

  /** Kernel smaller than stride: TF SAME appends the missing rows at the end. */
  @Test
  void kernelSmallerThanStrideAppendsZerosAtTheEnd() {
    ConvTransposePlan p = spec(1, 3, 1, new Padding.TensorFlow(Padding.TfMode.SAME, null))
        .plan(2, 2);
    assertEquals(6, p.outH());
    assertEquals(0, p.crop().top());
    assertEquals(-2, p.crop().bottom());
  }

  /**
   * PyTorch (k=3, s=2, p=1, op=1) crops (1, 0) while TF SAME with the same output size crops
   * (0, 1): same shape, outputs shifted by one pixel.
   */
  @Test
  void pyTorchAndTensorFlowDifferByOnePixel() {
    Random rnd = new Random(7);
    Tensor x = randomTensor(rnd, 1, 1, 4, 5);
    Tensor w = randomTensor(rnd, 1, 1, 3, 3);
    ConvTransposeSpec torch = spec(3, 2, 1, Padding.torch(Size2.square(1), Size2.square(1)));
    ConvTransposeSpec tf = spec(3, 2, 1, new Padding.TensorFlow(Padding.TfMode.SAME, null));
    ConvTransposePlan pt = torch.plan(4, 5);
    ConvTransposePlan pf = tf.plan(4, 5);
    assertEquals(new Crop(1, 1, 0, 0), pt.crop());
    assertEquals(new Crop(0, 0, 1, 1), pf.crop());
    Tensor yt = ConvTranspose.of(torch, w, null).apply(x);
    Tensor yf = ConvTranspose.of(tf, w, null).apply(x);
    assertEquals(yt.shapeString(), yf.shapeString());
    boolean differ = false;
    for (int y = 0; y + 1 < yt.h(); y++) {
      for (int xx = 0; xx + 1 < yt.w(); xx++) {
        assertEquals(yf.get(0, 0, y + 1, xx + 1), yt.get(0, 0, y, xx), 0f);
        differ |= yt.get(0, 0, y, xx) != yf.get(0, 0, y, xx);
      }
    }
    assertTrue(differ, "the two framework outputs are not the same array");
  }

  @Test
  void refusesIllegalRequestsWithTheLegalRange() {
    assertMessage(() -> spec(3, 2, 1, new Padding.TensorFlow(Padding.TfMode.SAME,
        Size2.square(7))).plan(3, 3), "legal sizes are 5..6");
    assertMessage(() -> spec(3, 2, 1, new Padding.TensorFlow(Padding.TfMode.VALID,
        Size2.square(5))).plan(3, 3), "legal sizes are 7..8");
    assertMessage(() -> spec(3, 2, 1, Padding.torch(Size2.square(1), Size2.square(0))
        .withOutputShape(Size2.square(8))).plan(3, 3), "legal sizes are 5..6");
    assertMessage(() -> spec(3, 2, 1, Padding.torch(Size2.square(1), Size2.square(2))),
        "must be smaller than max(stride, dilation) = 2");
    assertMessage(() -> spec(3, 0, 1, Padding.torch(Size2.square(0), Size2.square(0))),
        "stride must be >= 1");
    assertMessage(() -> spec(3, 1, 0, Padding.torch(Size2.square(0), Size2.square(0))),
        "dilation must be >= 1");
    assertMessage(() -> spec(0, 1, 1, Padding.torch(Size2.square(0), Size2.square(0))),
        "kernel size must be >= 1");
    assertMessage(() -> spec(3, 1, 1, Padding.torch(Size2.square(2), Size2.square(0)))
        .plan(1, 1), "empty output");
    assertMessage(() -> Padding.torch(Size2.square(-1), Size2.square(0)), "must be >= 0");
    assertMessage(() -> ConvTransposeSpec.builder().channels(4, 6).groups(3).kernel(3, 3).build(),
        "groups = 3 must divide both C_in = 4 and C_out = 6");
    assertMessage(() -> spec(3, 2, 1, new Padding.OnnxAuto(Padding.AutoPad.VALID,
        Size2.square(9), Size2.square(0))).plan(3, 3), "gives output size 7");
  }

  static void assertMessage(Runnable r, String fragment) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, r::run);
    assertTrue(e.getMessage().contains(fragment),
        "expected '" + fragment + "' in: " + e.getMessage());
  }

  static Tensor randomTensor(Random rnd, int n, int c, int h, int w) {
    Tensor t = Tensor.zeros(n, c, h, w);
    float[] d = t.data();
    for (int i = 0; i < d.length; i++) {
      d[i] = (float) rnd.nextGaussian();
    }
    return t;
  }
}

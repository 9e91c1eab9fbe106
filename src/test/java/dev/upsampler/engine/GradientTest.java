package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Random;
import org.junit.jupiter.api.Test;

/** The transposed convolution's gradients against central finite differences of the reference. */
class GradientTest {

  /** L = sum(y * r): then dL/dy = r, and L is evaluated in double by the reference. */
  static double loss(ConvTransposePlan plan, Tensor x, Tensor w, float[] bias, Tensor r,
      BorderMode border) {
    Tensor y = Tensor.zeros(x.n(), plan.spec().outChannels(), plan.outH(), plan.outW());
    ConvTransposeReference.compute(plan, x, w, bias, y, border);
    double s = 0;
    for (int i = 0; i < y.data().length; i++) {
      s += (double) y.data()[i] * r.data()[i];
    }
    return s;
  }

  static void assertClose(double analytic, double numeric, String what) {
    double tol = 2e-2 * Math.max(1, Math.abs(numeric));
    assertTrue(Math.abs(analytic - numeric) <= tol, what + ": analytic " + analytic
        + ", numeric " + numeric);
  }

  @Test
  void weightsBiasAndInputGradientsMatchFiniteDifferences() {
    Random rnd = new Random(21);
    int checked = 0;
    for (int i = 0; i < 150; i++) {
      FastPathTest.Case c = FastPathTest.draw(rnd, 6);
      ConvTranspose op = c.op();
      Tensor x = c.x();
      BorderMode border = rnd.nextBoolean() ? BorderMode.ZERO : BorderMode.REPLICATE;
      ConvTransposePlan plan = op.spec().plan(x.h(), x.w());
      Tensor w = op.weights();
      float[] bias = op.spec().hasBias() ? new float[op.spec().outChannels()] : null;
      Tensor r = PaddingTest.randomTensor(rnd, x.n(), op.spec().outChannels(), plan.outH(),
          plan.outW());
      ConvTransposeGradients.Result grad = ConvTransposeGradients.compute(plan, x, w, r, border);
      String what = "case " + i + " " + op.spec() + " " + border;
      float eps = 1e-2f;
      for (float[] values : new float[][] {w.data(), x.data()}) {
        float[] analytic = values == w.data() ? grad.weights().data() : grad.input().data();
        for (int k = 0; k < Math.min(6, values.length); k++) {
          int j = rnd.nextInt(values.length);
          float keep = values[j];
          values[j] = keep + eps;
          double up = loss(plan, x, w, bias, r, border);
          values[j] = keep - eps;
          double down = loss(plan, x, w, bias, r, border);
          values[j] = keep;
          assertClose(analytic[j], (up - down) / (2 * eps), what + (values == w.data()
              ? " dW[" : " dx[") + j + "]");
        }
      }
      if (bias != null) {
        int co = rnd.nextInt(bias.length);
        bias[co] = eps;
        double up = loss(plan, x, w, bias, r, border);
        bias[co] = -eps;
        double down = loss(plan, x, w, bias, r, border);
        bias[co] = 0;
        assertClose(grad.bias()[co], (up - down) / (2 * eps), what + " db[" + co + "]");
      }
      checked++;
    }
    assertEquals(150, checked);
  }
}

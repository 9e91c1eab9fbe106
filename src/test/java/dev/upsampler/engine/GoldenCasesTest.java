package dev.upsampler.engine;

import static dev.upsampler.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.testing.GoldenCase;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Both references and the fast engine against PyTorch-generated goldens (golden/generate_deconv_goldens.py): all
 * three padding front ends, groups, dilation, asymmetric pads, kernel smaller than stride, 1x1
 * and 1xN inputs, batch > 1.
 */
class GoldenCasesTest {

  static Stream<GoldenCase> cases() {
    return GoldenCase.all().stream();
  }

  @Test
  void coversEnoughCases() {
    List<GoldenCase> all = GoldenCase.all();
    assertTrue(all.size() >= 200, "at least 200 goldens, got " + all.size());
    assertTrue(all.stream().anyMatch(c -> c.w().h() < c.stride().h()), "kernel < stride");
    assertTrue(all.stream().anyMatch(c -> c.x().h() == 1 && c.x().w() == 1), "1x1 input");
    assertTrue(all.stream().anyMatch(c -> c.x().n() > 1), "batch > 1");
    assertTrue(all.stream().anyMatch(c -> c.groups() > 1), "groups");
    assertTrue(all.stream().anyMatch(c -> c.dilation().h() > 1), "dilation");
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void referenceMatchesPyTorch(GoldenCase c) {
    Tensor y = layer(c).using(ConvTranspose.Algorithm.REFERENCE).apply(c.x());
    assertClose(c.y(), y, 1e-5, 1e-3, c.name());
  }

  /** The fast engine accumulates in float32: 1e-5 of max(|y|, 1), see FastPathTest. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void fastEngineMatchesPyTorch(GoldenCase c) {
    assertClose(c.y(), layer(c).apply(c.x()), 1e-5, 1.0, c.name());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void zeroInsertionMatchesPyTorch(GoldenCase c) {
    Tensor y = layer(c).using(ConvTranspose.Algorithm.ZERO_INSERTION).apply(c.x());
    assertClose(c.y(), y, 1e-5, 1e-3, c.name());
  }

  static ConvTranspose layer(GoldenCase c) {
    ConvTransposeSpec spec = new ConvTransposeSpec(
        c.w().n(), c.w().c() * c.groups(), new Size2(c.w().h(), c.w().w()), c.stride(),
        c.dilation(), c.groups(), c.padding(), c.bias() != null);
    return ConvTranspose.of(spec, c.w(), c.bias());
  }
}

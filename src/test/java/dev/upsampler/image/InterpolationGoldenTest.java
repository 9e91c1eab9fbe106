package dev.upsampler.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Nearest, bilinear and bicubic against PyTorch's {@code interpolate(align_corners=False)} on
 * crops of real photographs, borders included (golden/generate_image_goldens.py).
 */
class InterpolationGoldenTest {

  record Case(String photo, String mode, int sy, int sx, float[] y, int[] shape) {
    @Override
    public String toString() {
      return photo + " " + mode + " x" + sx + "," + sy;
    }
  }

  static Stream<Case> cases() throws IOException {
    JsonNode doc;
    try (java.io.InputStream in = new java.util.zip.GZIPInputStream(
        java.nio.file.Files.newInputStream(Resources.path("golden/interpolate_cases.json.gz")))) {
      doc = new ObjectMapper().readTree(in);
    }
    List<Case> out = new ArrayList<>();
    for (JsonNode c : doc.get("cases")) {
      ByteBuffer b = ByteBuffer.wrap(Base64.getDecoder().decode(c.get("y").asText()))
          .order(ByteOrder.LITTLE_ENDIAN);
      float[] y = new float[b.remaining() / 4];
      b.asFloatBuffer().get(y);
      int[] shape = new int[4];
      for (int i = 0; i < 4; i++) {
        shape[i] = c.get("shape").get(i).asInt();
      }
      out.add(new Case(c.get("photo").asText(), c.get("mode").asText(),
          c.get("scale").get(0).asInt(), c.get("scale").get(1).asInt(), y, shape));
    }
    return out.stream();
  }

  @Test
  void kernelSizesAndCropsAreTheMeasuredOnes() {
    int[][] bilinear = {{2, 4, 1}, {3, 5, 1}, {4, 8, 2}};
    int[][] bicubic = {{2, 8, 3}, {3, 11, 4}, {4, 16, 6}};
    for (int[] r : bilinear) {
      assertEquals(r[1], Interpolation.BILINEAR.size(r[0]));
      assertEquals(r[2], Interpolation.BILINEAR.crop(r[0]));
    }
    for (int[] r : bicubic) {
      assertEquals(r[1], Interpolation.BICUBIC.size(r[0]));
      assertEquals(r[2], Interpolation.BICUBIC.crop(r[0]));
    }
    assertEquals(3, Interpolation.NEAREST.size(3));
    assertEquals(0, Interpolation.NEAREST.crop(3));
  }

  /** The float path equals PyTorch to float precision; nearest exactly. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void floatPathEqualsPyTorch(Case c) throws IOException {
    Frame photo = ImageCodecs.read(Resources.path("photos/" + c.photo()), Long.MAX_VALUE);
    Tensor x = photo.toTensor();
    Tensor y = Interpolation.parse(c.mode()).layer(x.c(), c.sy(), c.sx()).apply(x);
    assertEquals(c.shape()[2], y.h());
    assertEquals(c.shape()[3], y.w());
    float[] ours = y.toArray();
    double tol = c.mode().equals("nearest") ? 0 : 2e-3;
    for (int i = 0; i < ours.length; i++) {
      if (Math.abs(ours[i] - c.y()[i]) > tol) {
        fail(c + ": element " + i + " of " + java.util.Arrays.toString(c.shape()) + " is "
            + ours[i] + ", PyTorch " + c.y()[i]);
      }
    }
  }

  /** The 8-bit frame path (what `upscale` writes): within one code value at every pixel. */
  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void eightBitFramesAreWithinOneCodeValue(Case c) throws IOException {
    Frame photo = ImageCodecs.read(Resources.path("photos/" + c.photo()), Long.MAX_VALUE);
    Upscaler up = new Upscaler(UpscaleKernel.named(c.mode(), new Size2(c.sy(), c.sx())),
        ColorMode.RGB, Parallelism.inline());
    Frame out = up.apply(photo);
    int ch = photo.layout().channels();
    int h = c.shape()[2];
    int w = c.shape()[3];
    int worst = 0;
    for (int k = 0; k < ch; k++) {
      for (int yy = 0; yy < h; yy++) {
        for (int xx = 0; xx < w; xx++) {
          double torch = Math.min(255, Math.max(0, c.y()[(k * h + yy) * w + xx]));
          double d = Math.abs(out.sample(xx, yy, k) - torch);
          assertTrue(d <= (c.mode().equals("nearest") ? 0 : 1.0), c + ": pixel (" + xx + ", "
              + yy + ") channel " + k + " is " + out.sample(xx, yy, k) + ", PyTorch " + torch);
          worst = (int) Math.max(worst, Math.round(d));
        }
      }
    }
  }
}

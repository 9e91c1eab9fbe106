package dev.upsampler.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import org.junit.jupiter.api.Test;

/** Quality metrics against scikit-image, and the upscaler's colour modes and alpha. */
class QualityAndUpscalerTest {

  static Frame read(String name) throws IOException {
    return ImageCodecs.read(Resources.path(name), Long.MAX_VALUE);
  }

  @Test
  void metricsMatchScikitImage() throws IOException {
    JsonNode expected = new ObjectMapper().readTree(
        Resources.path("golden/quality_cases.json").toFile());
    Frame ref = read("photos/astronaut.png");
    Frame noisy = read("codecs/astronaut_noisy.png");
    for (int crop : new int[] {0, 2}) {
      JsonNode e = expected.get(Integer.toString(crop));
      assertEquals(e.get("psnr_y").asDouble(), Quality.psnrY(ref, noisy, crop), 1e-6);
      assertEquals(e.get("psnr_rgb").asDouble(), Quality.psnrRgb(ref, noisy, crop), 1e-6);
      assertEquals(e.get("ssim_y").asDouble(), Quality.ssimY(ref, noisy, crop), 1e-6);
    }
    assertEquals(Double.POSITIVE_INFINITY, Quality.psnrY(ref, ref, 0));
    assertEquals(1.0, Quality.ssimY(ref, ref, 0), 1e-12);
  }

  /** Opaque red on transparent black: premultiplied upscaling keeps edge pixels red. */
  @Test
  void alphaEdgesGetNoDarkHalo() {
    int w = 16;
    byte[] d = new byte[w * w * 4];
    for (int y = 4; y < 12; y++) {
      for (int x = 4; x < 12; x++) {
        int o = (y * w + x) * 4;
        d[o] = (byte) 255;
        d[o + 3] = (byte) 255;
      }
    }
    Frame in = Frame.of8(PixelLayout.RGBA32, w, w, d, FrameInfo.NONE);
    Frame out = new Upscaler(UpscaleKernel.named("bicubic", Size2.square(2)), ColorMode.RGB,
        Parallelism.inline()).apply(in);
    int edges = 0;
    for (int y = 0; y < out.height(); y++) {
      for (int x = 0; x < out.width(); x++) {
        int a = out.sample(x, y, 3);
        if (a > 8 && a < 247) {
          edges++;
          assertTrue(out.sample(x, y, 0) >= 250, "edge pixel (" + x + ", " + y + ") alpha " + a
              + " has red " + out.sample(x, y, 0) + ": a dark halo");
        }
      }
    }
    assertTrue(edges > 20, "the edge is soft: " + edges + " partly transparent pixels");
  }

  /** Y mode on a gray image is RGB mode; on colour it keeps luma detail from the kernel. */
  @Test
  void yModeRunsTheKernelOnLuma() throws IOException {
    Frame gray = read("photos/camera.png");
    UpscaleKernel nearest = UpscaleKernel.named("nearest", Size2.square(2));
    Frame a = new Upscaler(nearest, ColorMode.Y, Parallelism.inline()).apply(gray);
    Frame b = new Upscaler(nearest, ColorMode.RGB, Parallelism.inline()).apply(gray);
    assertEquals(Quality.psnrY(a, b, 0), Double.POSITIVE_INFINITY);
    Frame color = read("photos/coffee.png");
    Frame y = new Upscaler(nearest, ColorMode.Y, Parallelism.inline()).apply(color);
    Frame rgb = new Upscaler(nearest, ColorMode.RGB, Parallelism.inline()).apply(color);
    double psnr = Quality.psnrY(rgb, y, 0);
    assertTrue(psnr > 35, "luma by the same kernel either way: " + psnr + " dB");
  }

  @Test
  void sixteenBitFramesKeepTheirDepth() throws IOException {
    Frame f = read("codecs/rgb16.png");
    Frame out = new Upscaler(UpscaleKernel.named("nearest", Size2.square(3)), ColorMode.RGB,
        Parallelism.inline()).apply(f);
    assertEquals(PixelLayout.RGB48, out.layout());
    assertEquals(f.sample(10, 7, 2), out.sample(31, 22, 2));
  }

  @Test
  void refusesFramesTooLargeForTheHeapNamingTheLimit() {
    // A 120 MB input whose 7.7 GB output cannot fit (the input itself must stay small: a
    // 1.8 GB test frame sometimes found no room in the test JVM's 2 GB heap).
    Frame big = Frame.blank(PixelLayout.GRAY8, 12000, 10000, FrameInfo.ofFile("big.png"));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new Upscaler(UpscaleKernel.named("bilinear", Size2.square(8)), ColorMode.RGB,
            Parallelism.inline()).apply(big));
    assertTrue(e.getMessage().contains("big.png: upscaling 12000x10000 gray8 to 96000x80000"),
        e.getMessage());
    assertTrue(e.getMessage().contains("-Xmx"), e.getMessage());
  }

  @Test
  void degradationIsMatlabStyleBicubic() throws IOException {
    Frame hr = read("photos/astronaut.png");
    Frame lr = Degradation.downscale(hr, 2, 2);
    assertEquals(40, lr.width());
    assertEquals(32, lr.height());
    // A constant image stays constant (weights normalised).
    Frame flat = Frame.of8(PixelLayout.GRAY8, 8, 8, new byte[64], FrameInfo.NONE);
    java.util.Arrays.fill(flat.bytes(), (byte) 77);
    assertEquals(77, Degradation.downscale(flat, 2, 2).sample(1, 2, 0));
  }

  @Test
  void resizeDownscalesByAnyFactorAndLeavesTheSameSizeAlone() throws IOException {
    Frame hr = read("photos/astronaut.png");
    Frame same = Degradation.resize(hr, hr.width(), hr.height());
    assertArrayEquals(hr.bytes(), same.bytes(), "the cubic at whole offsets is a unit impulse");
    Frame flat = Frame.of8(PixelLayout.GRAY8, 10, 10, new byte[100], FrameInfo.NONE);
    java.util.Arrays.fill(flat.bytes(), (byte) 200);
    Frame small = Degradation.resize(flat, 7, 3);
    for (int y = 0; y < 3; y++) {
      for (int x = 0; x < 7; x++) {
        assertEquals(200, small.sample(x, y, 0), "weights sum to 1 at " + x + "," + y);
      }
    }
    // A horizontal ramp stays a ramp: each output pixel reads the input around where its centre
    // falls, (x + 0.5) * 40 / 30 - 0.5 (MATLAB's half-pixel mapping), within rounding.
    Frame ramp = Frame.of8(PixelLayout.GRAY8, 40, 4, new byte[160], FrameInfo.NONE);
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 40; x++) {
        ramp.bytes()[y * 40 + x] = (byte) (50 + 4 * x);
      }
    }
    Frame r = Degradation.resize(ramp, 30, 4);
    for (int x = 3; x < 27; x++) { // away from the replicated edges
      double centre = (x + 0.5) * 40 / 30 - 0.5;
      assertEquals(50 + 4 * centre, r.sample(x, 1, 0), 1.0, "x " + x);
    }
    for (int[] bad : new int[][] {{0, 4}, {41, 4}, {40, 5}}) {
      assertThrows(IllegalArgumentException.class,
          () -> Degradation.resize(ramp, bad[0], bad[1]));
    }
  }
}

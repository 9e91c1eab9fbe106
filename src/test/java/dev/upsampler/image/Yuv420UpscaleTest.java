package dev.upsampler.image;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.io.KernelFiles;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** Planar 4:2:0 frames: each plane upscaled as a gray image of its own size would be. */
class Yuv420UpscaleTest {

  static Frame gray(byte[] data, int from, int w, int h) {
    return Frame.of8(PixelLayout.GRAY8, w, h, Arrays.copyOfRange(data, from, from + w * h),
        FrameInfo.NONE);
  }

  @Test
  void everyPlaneGetsTheKernelAtItsOwnSizeAndYModeGivesChromaBicubic() throws Exception {
    Random rnd = new Random(5);
    for (String kernel : new String[] {"nearest", "bilinear", "bicubic", "lanczos3"}) {
      for (int s : new int[] {2, 3}) {
        int w = 2 + 2 * rnd.nextInt(40);
        int h = 2 + 2 * rnd.nextInt(30);
        byte[] px = new byte[w * h + 2 * (w / 2) * (h / 2)];
        rnd.nextBytes(px);
        Frame in = Frame.of8(PixelLayout.YUV420P, w, h, px, FrameInfo.NONE);
        for (ColorMode mode : ColorMode.values()) {
          Upscaler up = new Upscaler(KernelFiles.resolve(kernel, new Size2(s, s)), mode,
              Parallelism.inline());
          Upscaler lumaKernel = new Upscaler(KernelFiles.resolve(kernel, new Size2(s, s)),
              ColorMode.RGB, Parallelism.inline());
          Upscaler chromaKernel = mode == ColorMode.Y ? new Upscaler(KernelFiles.resolve(
              "bicubic", new Size2(s, s)), ColorMode.RGB, Parallelism.inline()) : lumaKernel;
          Frame out = up.apply(in);
          assertEquals(PixelLayout.YUV420P, out.layout());
          assertEquals(s * w, out.width());
          byte[] o = out.bytes();
          int big = s * w * s * h;
          int small = (s * w / 2) * (s * h / 2);
          String what = kernel + " x" + s + " " + mode + " " + w + "x" + h;
          assertArrayEquals(lumaKernel.apply(gray(px, 0, w, h)).bytes(),
              Arrays.copyOfRange(o, 0, big), what + " Y");
          int cin = (w / 2) * (h / 2);
          for (int p = 0; p < 2; p++) {
            assertArrayEquals(chromaKernel.apply(gray(px, w * h + p * cin, w / 2, h / 2))
                .bytes(), Arrays.copyOfRange(o, big + p * small, big + (p + 1) * small),
                what + " chroma " + p);
          }
        }
      }
    }
  }

  @Test
  void oddSizesAreRefusedClearly() throws Exception {
    Upscaler up = new Upscaler(KernelFiles.resolve("bilinear", new Size2(2, 2)), ColorMode.RGB,
        Parallelism.inline());
    assertFalse(up.canApplyYuv420(5, 4));
    Frame odd = Frame.of8(PixelLayout.YUV420P, 5, 4, new byte[5 * 4 + 2 * 3 * 2],
        FrameInfo.NONE);
    assertThrows(IllegalArgumentException.class, () -> up.apply(odd));
  }

  /** The 8-bit single-channel fast path (video planes) against the naive float reference. */
  @Test
  void eightBitPlanesEqualTheReferenceRounded() throws Exception {
    Random rnd = new Random(11);
    for (String kernel : new String[] {"nearest", "bilinear", "bicubic", "lanczos3"}) {
      for (int s = 2; s <= 4; s++) {
        int w = 1 + rnd.nextInt(70);
        int h = 1 + rnd.nextInt(20);
        byte[] px = new byte[w * h];
        rnd.nextBytes(px);
        Frame in = Frame.of8(PixelLayout.GRAY8, w, h, px, FrameInfo.NONE);
        UpscaleKernel k = KernelFiles.resolve(kernel, new Size2(s, s));
        byte[] fast = new Upscaler(k, ColorMode.RGB, Parallelism.inline()).apply(in).bytes();
        dev.upsampler.engine.Tensor ref = k.layer(1)
            .using(dev.upsampler.engine.ConvTranspose.Algorithm.REFERENCE).apply(in.toTensor());
        int off = 0;
        for (int i = 0; i < fast.length; i++) {
          int want = Math.max(0, Math.min(255, (int) (ref.data()[i] + 0.5f)));
          int d = Math.abs(want - (fast[i] & 0xff));
          // float sums vs the reference's double: a .5 tie may round either way
          assertTrue(d <= 1, kernel + " x" + s + " " + w + "x" + h + " at " + i);
          off += d;
        }
        assertTrue(off <= fast.length / 200, kernel + " x" + s + ": " + off + " of "
            + fast.length + " off by one");
      }
    }
  }
}

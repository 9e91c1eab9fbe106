package dev.upsampler.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.U8Image;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A network as a kernel: the Upscaler runs it on luma (RGB frames in y mode, the Y plane of
 * 4:2:0 video) and its bicubic skip connection adds exactly the built-in bicubic upscale.
 */
class NetworkKernelTest {

  private static SequentialNetwork network(Random rnd) {
    float[] conv = new float[4 * 9 + 4];
    for (int i = 0; i < conv.length; i++) {
      conv[i] = (float) (rnd.nextGaussian() * 0.2);
    }
    ConvTransposeSpec up = new ConvTransposeSpec(4, 1, Size2.square(9), Size2.square(2),
        Size2.square(1), 1, Padding.torch(Size2.square(4), Size2.square(1)), true);
    float[] w = new float[4 * 81 + 1];
    for (int i = 0; i < w.length; i++) {
      w[i] = (float) (rnd.nextGaussian() * 0.05);
    }
    return new SequentialNetwork(List.of(new NetworkLayer.Conv2d(1, 4, 3, conv),
        new NetworkLayer.PRelu(new float[] {0.1f, 0.2f, 0.3f, 0.4f}),
        new NetworkLayer.ConvTranspose2d(up, w)));
  }

  @Test
  void theSkipConnectionAddsBicubic() {
    Random rnd = new Random(5);
    SequentialNetwork plain = network(rnd);
    SequentialNetwork residual = plain.withSkip(Interpolation.BICUBIC);
    Tensor x = Tensor.zeros(1, 1, 37, 53);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = rnd.nextFloat() * 255;
    }
    Tensor a = Tensor.zeros(1, 1, 74, 106);
    Tensor b = Tensor.zeros(1, 1, 74, 106);
    Tensor c = Tensor.zeros(1, 1, 74, 106);
    try (Parallelism par = Parallelism.newPool(2)) {
      plain.apply(x, a, par, 255f);
      residual.apply(x, b, par, 255f);
      UpscaleKernel.named("bicubic", Size2.square(2)).layer(1).apply(x, c, par);
    }
    for (int i = 0; i < a.data().length; i++) {
      assertEquals(a.data()[i] + c.data()[i], b.data()[i], 1e-3, "element " + i);
    }
  }

  @Test
  void yuv420FramesRunTheNetworkOnTheirLumaPlane() {
    Random rnd = new Random(6);
    UpscaleKernel k = UpscaleKernel.network("net", network(rnd).withSkip(Interpolation.BICUBIC));
    assertEquals(Size2.square(2), k.scale());
    int w = 40;
    int h = 30;
    byte[] yuv = new byte[w * h * 3 / 2];
    for (int i = 0; i < yuv.length; i++) {
      yuv[i] = (byte) rnd.nextInt(256);
    }
    Frame in = Frame.of8(PixelLayout.YUV420P, w, h, yuv, FrameInfo.ofFile("f"));
    Frame out = new Upscaler(k, ColorMode.Y, Parallelism.inline()).apply(in);
    assertEquals(80, out.width());
    Tensor luma = Tensor.zeros(1, 1, h, w);
    for (int i = 0; i < w * h; i++) {
      luma.data()[i] = yuv[i] & 0xff;
    }
    Tensor want = Tensor.zeros(1, 1, 2 * h, 2 * w);
    k.network().apply(luma, want, Parallelism.inline(), 255f);
    byte[] got = out.bytes();
    for (int i = 0; i < 4 * w * h; i++) {
      assertEquals(U8Image.toU8(want.data()[i]), got[i] & 0xff, "luma sample " + i);
    }
  }

  @Test
  void aNetworkKernelMustMapOneChannelToOne() {
    float[] conv = new float[2 * 9 + 2];
    SequentialNetwork two = new SequentialNetwork(List.of(new NetworkLayer.Conv2d(1, 2, 3,
        conv)));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> UpscaleKernel.network("two", two));
    assertTrue(e.getMessage().contains("must map 1 channel to 1"), e.getMessage());
  }
}

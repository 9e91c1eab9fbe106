package dev.upsampler.cli;

import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
import java.io.IOException;
import picocli.CommandLine.Option;

/** Kernel, scale and colour options shared by upscale, eval and compare. */
final class ImageOptions {
  @Option(names = "--scale", paramLabel = "S|SX,SY",
      description = "Integer scale 1..8, or x and y scales (default: 2; a .npy kernel's stride).")
  String scale;

  @Option(names = "--kernel", paramLabel = "NAME|PATH.npy|model:PATH", defaultValue = "bicubic",
      description = "nearest, bilinear, bicubic, lanczos3, fcn, identity, a .npy kernel with"
          + " an optional JSON of its settings beside it, or a trained model (model:OUT.npy"
          + " from train --model single, model:OUT.json from train --model fsrcnn or import;"
          + " use with --color y) (default ${DEFAULT-VALUE}).")
  String kernel;

  @Option(names = "--color", paramLabel = "rgb|y", defaultValue = "rgb",
      description = "rgb: the kernel on every channel; y: on BT.601 luma, chroma by bicubic"
          + " (default ${DEFAULT-VALUE}).")
  String color;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
      description = "Engine threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "268435456",
      description = "Refuse inputs whose header claims more pixels (default ${DEFAULT-VALUE},"
          + " 256 Mpx).")
  long maxPixels = ImageCodecs.DEFAULT_MAX_PIXELS;

  /** The scale as (y, x); null when not given. */
  Size2 scaleYx() {
    if (scale == null) {
      return null;
    }
    Size2 xy = Size2.parse(scale);
    return new Size2(xy.w(), xy.h());
  }

  UpscaleKernel kernel() throws IOException {
    Size2 s = scaleYx();
    boolean file = kernel.trim().toLowerCase(java.util.Locale.ROOT).endsWith(".npy");
    return KernelFiles.resolve(kernel, s == null && !file ? Size2.square(2) : s);
  }

  ColorMode colorMode() {
    return ColorMode.parse(color);
  }
}

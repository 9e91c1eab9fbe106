package dev.upsampler.cli;

import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
import java.io.IOException;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

/** Kernel, scale and colour options shared by upscale, eval and compare. */
final class ImageOptions {
  @Option(names = "--scale", paramLabel = "S|SX,SY",
      description = "Integer scale 1..8, or x and y scales (default: 2; a .npy kernel's"
          + " stride, a model's scale).")
  String scale;

  @Option(names = "--kernel", paramLabel = "NAME|PATH.npy|model:PATH", defaultValue = "bicubic",
      description = "nearest, bilinear, bicubic, lanczos3, fcn, identity, a shipped model"
          + " (sr-x2, sr-x2-fast, sr-x3, sr-x4: see the models command), a .npy kernel with"
          + " an optional JSON of its settings beside it, or a trained model (model:OUT.npy"
          + " from train --model single, model:OUT.json from train or import) (default"
          + " ${DEFAULT-VALUE}).")
  String kernel;

  @Option(names = "--color", paramLabel = "auto|rgb|y", defaultValue = "auto",
      description = "rgb: the kernel on every channel; y: on BT.601 luma, chroma by bicubic;"
          + " auto: y for learned models (trained on luma), rgb otherwise (default"
          + " ${DEFAULT-VALUE}).")
  String color;

  @Option(names = "--self-ensemble",
      description = "Learned models: run the model on the eight flips and transposes of the"
          + " input and average (EDSR's self-ensemble, the TTA mode of waifu2x and Real-ESRGAN):"
          + " fewer artifacts, about +0.1 dB, eight times the time.")
  boolean selfEnsemble;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
      description = "Engine threads (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--max-pixels", paramLabel = "N", defaultValue = "268435456",
      description = "Refuse inputs whose header claims more pixels (default ${DEFAULT-VALUE},"
          + " 256 Mpx).")
  long maxPixels = ImageCodecs.DEFAULT_MAX_PIXELS;

  @Spec(Spec.Target.MIXEE)
  CommandSpec spec;

  /** A bad option value: exit status 2, as picocli's own parse errors. */
  private CommandLine.ParameterException usage(String message) {
    return new CommandLine.ParameterException(spec.commandLine(), message);
  }

  /** The scale as (y, x); null when not given. */
  Size2 scaleYx() {
    if (scale == null) {
      return null;
    }
    try {
      Size2 s = Size2.parseScaleXy(scale);
      if (s.h() < 1 || s.w() < 1 || s.h() > 8 || s.w() > 8) {
        throw usage("--scale must be 1..8 on each axis, got " + scale);
      }
      return s;
    } catch (IllegalArgumentException e) {
      throw usage("--" + e.getMessage());
    }
  }

  /** Checks the numeric options a command is about to use. */
  void validate() {
    if (threads < 1) {
      throw usage("--threads must be >= 1, got " + threads);
    }
    if (maxPixels < 1) {
      throw usage("--max-pixels must be >= 1, got " + maxPixels);
    }
    scaleYx();
  }

  UpscaleKernel kernel() throws IOException {
    validate();
    Size2 s = scaleYx();
    // A kernel file or a model brings its own scale; a built-in kernel's is 2 unless given.
    UpscaleKernel k = KernelFiles.resolve(kernel, s == null && !KernelFiles.carriesScale(kernel)
        ? Size2.square(2) : s);
    if (!selfEnsemble) {
      return k;
    }
    try {
      return k.withSelfEnsemble();
    } catch (IllegalArgumentException e) {
      throw usage("--self-ensemble: " + e.getMessage());
    }
  }

  /** The kernel as the user named it, with the self-ensemble when asked for (for labels). */
  String kernelLabel() {
    return selfEnsemble ? kernel + " (self-ensemble)" : kernel;
  }

  ColorMode colorMode() {
    return ColorMode.parse(color);
  }
}

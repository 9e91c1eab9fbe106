package dev.upsampler.learn;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.Quality;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import java.util.List;

/**
 * A model's gain over bicubic on held-out pictures, measured the way {@code eval
 * --bicubic-baseline} measures it (MATLAB's Y, {@code scale} pixels of border left out) and
 * through the same {@link Upscaler} that serves the model.
 */
public final class Validation {
  private Validation() {}

  /** Mean luma PSNR gain in dB; NaN with no pictures. */
  public static double gainOverBicubic(UpscaleKernel model, List<TrainingPair> pairs,
      Parallelism par) {
    if (pairs.isEmpty()) {
      return Double.NaN;
    }
    Upscaler learned = new Upscaler(model, ColorMode.Y, par);
    Upscaler bicubic = new Upscaler(UpscaleKernel.named("bicubic", model.scale()),
        ColorMode.RGB, par);
    int crop = Math.max(model.scale().h(), model.scale().w());
    double gain = 0;
    for (TrainingPair p : pairs) {
      Frame m = learned.apply(p.lr());
      Frame b = bicubic.apply(p.lr());
      gain += Quality.psnrY(p.hr(), m, crop) - Quality.psnrY(p.hr(), b, crop);
    }
    return gain / pairs.size();
  }
}

package dev.upsampler.learn;

import dev.upsampler.engine.Size2;
import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;

/**
 * A self-supervised example: a photograph (cropped to a multiple of the scale) and its
 * low-resolution copy made by bicubic downscaling (MATLAB's {@code imresize}, as {@code eval}
 * does), with both luma planes (full-range BT.601, what {@code color: y} upscales).
 */
public record TrainingPair(String name, Frame hr, Frame lr, float[] hrY, float[] lrY) {

  public static TrainingPair of(String name, Frame photo, Size2 scale) {
    Frame hr = Degradation.cropToMultiple(photo, scale.w(), scale.h());
    Frame lr = Degradation.downscale(hr, scale.w(), scale.h());
    return new TrainingPair(name, hr, lr, luma(hr), luma(lr));
  }

  /** Full-range BT.601 luma in [0, 255]. */
  static float[] luma(Frame f) {
    int w = f.width();
    float scale = 255f / f.layout().maxValue();
    float[] y = new float[w * f.height()];
    for (int yy = 0; yy < f.height(); yy++) {
      for (int x = 0; x < w; x++) {
        y[yy * w + x] = f.layout().isGray() ? f.sample(x, yy, 0) * scale
            : (0.299f * f.sample(x, yy, 0) + 0.587f * f.sample(x, yy, 1)
                + 0.114f * f.sample(x, yy, 2)) * scale;
      }
    }
    return y;
  }
}

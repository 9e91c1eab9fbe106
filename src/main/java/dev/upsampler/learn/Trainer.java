package dev.upsampler.learn;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.UpscaleKernel;
import java.util.List;
import java.util.Random;

/** What {@code train} drives: steps on random patches, validation, and the state to checkpoint. */
public interface Trainer {
  /** One optimizer step on a batch of random patches; returns the batch's mean loss. */
  double step(List<TrainingPair> pairs, Random rnd, Parallelism par);

  /**
   * Mean luma PSNR gain over bicubic on held-out pictures, measured as {@code eval
   * --bicubic-baseline} does (MATLAB's Y, {@code scale} pixels of border left out), through the
   * Upscaler that serves the model.
   */
  default double validationGain(List<TrainingPair> pairs, Parallelism par) {
    return Validation.gainOverBicubic(kernel("training"), pairs, par);
  }

  /** The current model as a kernel (live weights). */
  UpscaleKernel kernel(String name);

  /** The trained arrays, in a fixed order, live: a checkpoint copies and restores them. */
  List<float[]> parameters();

  /** One optimizer per entry of {@link #parameters()}. */
  List<Adam> optimizers();

  int batch();

  default float learningRate() {
    return optimizers().get(0).learningRate();
  }

  default void learningRate(float lr) {
    optimizers().forEach(a -> a.learningRate(lr));
  }
}

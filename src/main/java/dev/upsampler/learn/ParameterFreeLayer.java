package dev.upsampler.learn;

/** A layer without parameters (an activation with a fixed slope, a rearrangement). */
abstract class ParameterFreeLayer implements Layer {
  private static final float[] NONE = new float[0];

  @Override
  public final float[] parameters() {
    return NONE;
  }

  @Override
  public final float[] gradients() {
    return NONE;
  }
}

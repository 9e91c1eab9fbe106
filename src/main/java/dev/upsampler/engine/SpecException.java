package dev.upsampler.engine;

/**
 * An illegal transposed-convolution request: a hyperparameter out of range, an output size that
 * the chosen framework's semantics cannot produce, or an empty output. The message names the
 * parameter, the value and the legal range.
 */
public class SpecException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public SpecException(String message) {
    super(message);
  }
}

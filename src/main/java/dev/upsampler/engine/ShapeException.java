package dev.upsampler.engine;

/**
 * Tensors whose shapes do not fit the operation or each other. The message shows the shapes that
 * arrived and the shape that was expected.
 */
public class ShapeException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public ShapeException(String message) {
    super(message);
  }
}

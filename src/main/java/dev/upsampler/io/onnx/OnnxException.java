package dev.upsampler.io.onnx;

/** A graph the importer cannot turn into an engine network; the message names node and cause. */
public final class OnnxException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public OnnxException(String message) {
    super(message);
  }
}

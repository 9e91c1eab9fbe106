package dev.upsampler.testing;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.engine.Tensor;

/** Tensors in the goldens' JSON (a shape and flat values) and comparisons against them. */
public final class JsonTensors {
  private JsonTensors() {}

  public static Tensor tensor(JsonNode shape, JsonNode values) {
    Tensor t = Tensor.zeros(shape.get(0).asInt(), shape.get(1).asInt(), shape.get(2).asInt(),
        shape.get(3).asInt());
    for (int i = 0; i < values.size(); i++) {
      t.data()[i] = (float) values.get(i).asDouble();
    }
    return t;
  }

  /** Every value within {@code tol}, relative above 1 and absolute below. */
  public static void assertValues(JsonNode want, float[] got, double tol, String what) {
    assertEquals(want.size(), got.length, what + " size");
    for (int i = 0; i < got.length; i++) {
      double w = want.get(i).asDouble();
      assertEquals(w, got[i], tol * Math.max(1, Math.abs(w)), what + "[" + i + "]");
    }
  }
}

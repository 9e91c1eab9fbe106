package dev.upsampler.io;

import static dev.upsampler.testing.JsonTensors.assertValues;
import static dev.upsampler.testing.JsonTensors.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.WeightLayout;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Model files: networks imported from PyTorch and TensorFlow layouts compute what PyTorch
 * computed (golden/generate_model_goldens.py), survive a save and load, and every kind of
 * broken or mismatched file is refused with its name and the cause.
 */
class ModelFilesTest {
  @TempDir Path dir;

  @Test
  void importedNetworksEqualTheFrameworksOutputs() throws Exception {
    JsonNode root = new ObjectMapper().readTree(
        Resources.path("golden/model_cases.json").toFile());
    for (JsonNode c : root.get("cases")) {
      String name = c.get("name").asText();
      int scale = c.get("scale").asInt();
      Tensor x = tensor(c.get("x_shape"), c.get("x"));
      for (String framework : new String[] {"torch", "tf"}) {
        Path npz = Resources.path("golden/models/" + framework + "-" + name + ".npz");
        SequentialNetwork net = ModelImport.fromNpz(npz, framework.equals("tf")
            ? WeightLayout.TF : WeightLayout.TORCH, scale, null, "same");
        float[] y = run(net, x);
        assertValues(c.get("y_" + framework), y, 1e-4, framework + " " + name);

        // Saved and loaded, through the kernel the job would use.
        Path manifest = dir.resolve(framework + "-" + name + ".json");
        ModelFiles.save(manifest, net, "imported", Map.of("framework", framework));
        UpscaleKernel k = KernelFiles.resolve("model:" + manifest, Size2.square(scale));
        assertEquals(Size2.square(scale), k.scale());
        assertValues(c.get("y_" + framework), run(k.network(), x), 1e-4,
            framework + " " + name + " reloaded");
      }
      // TensorFlow's SAME crop starts one pixel before PyTorch's: same weights, shifted output.
      JsonNode yt = c.get("y_torch");
      JsonNode yf = c.get("y_tf");
      int w = c.get("y_shape").get(3).asInt();
      for (int oy = 0; oy + 1 < c.get("y_shape").get(2).asInt(); oy++) {
        for (int ox = 0; ox + 1 < w; ox++) {
          assertEquals(yt.get(oy * w + ox).asDouble(), yf.get((oy + 1) * w + ox + 1).asDouble(),
              1e-5, name + " shift at " + oy + "," + ox);
        }
      }
    }
  }

  private static float[] run(SequentialNetwork net, Tensor x) {
    int[] o = net.outputSize(x.h(), x.w());
    Tensor y = Tensor.zeros(1, 1, o[0], o[1]);
    try (Parallelism par = Parallelism.newPool(2)) {
      net.apply(x, y, par, 1f);
    }
    return y.data();
  }

  /**
   * ReLU, LeakyReLU, clamps between layers (one side open), depth to space (DCR), a nearest skip
   * and a clip survive save and load.
   */
  @Test
  void espcnStyleNetworksRoundTrip() throws Exception {
    java.util.Random rnd = new java.util.Random(4);
    float[] a = new float[5 * 9 + 5];
    float[] b = new float[5 * 5 * 9 + 5];
    float[] c = new float[9 * 5 * 9 + 9];
    for (float[] p : new float[][] {a, b, c}) {
      for (int i = 0; i < p.length; i++) {
        p[i] = (float) rnd.nextGaussian() * 0.3f;
      }
    }
    SequentialNetwork net = new SequentialNetwork(java.util.List.of(
        new NetworkLayer.Conv2d(1, 5, 3, a), new NetworkLayer.LeakyRelu(5, 0f),
        new NetworkLayer.Conv2d(5, 5, 3, b), new NetworkLayer.LeakyRelu(5, 0.05f),
        new NetworkLayer.Clamp(5, Float.NEGATIVE_INFINITY, 0.5f),
        new NetworkLayer.Conv2d(5, 9, 3, c), new NetworkLayer.Clamp(9, 0f, 6f),
        new NetworkLayer.DepthToSpace(1, 3, true)))
        .withSkip(dev.upsampler.engine.Interpolation.NEAREST).withClip(0f, 1f);
    Path m = dir.resolve("espcn.json");
    ModelFiles.save(m, net, "espcn test", null);
    String text = Files.readString(m);
    assertTrue(text.contains("\"relu\"") && text.contains("\"leaky_relu\"")
        && text.contains("\"depth_to_space\"") && text.contains("\"dcr\"")
        && text.contains("\"clamp\""), text);
    SequentialNetwork back = ModelFiles.loadNetwork(m);
    assertEquals(8, back.layers().size());
    for (int i : new int[] {3, 4, 6, 7}) { // LeakyRelu(5, 0.05), the clamps, depth to space
      assertEquals(net.layers().get(i), back.layers().get(i));
    }
    assertEquals(net.skip(), back.skip());
    Tensor x = Tensor.zeros(1, 1, 7, 8);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = rnd.nextFloat() * 255f;
    }
    Tensor y1 = Tensor.zeros(1, 1, 21, 24);
    Tensor y2 = Tensor.zeros(1, 1, 21, 24);
    net.apply(x, y1, Parallelism.inline(), 255f);
    back.apply(x, y2, Parallelism.inline(), 255f);
    assertTrue(java.util.Arrays.equals(y1.data(), y2.data()));
    assertEquals(3, ModelFiles.load(m, Size2.square(3)).scale().h());
  }

  @Test
  void brokenOrMismatchedModelsAreRefusedWithTheirCause() throws Exception {
    Path npz = Resources.path("golden/models/torch-fsrcnn-8-4-2-x2.npz");
    Path good = dir.resolve("good.json");
    ModelFiles.save(good, ModelImport.fromNpz(npz, WeightLayout.TORCH, 2, null, null),
        "imported", null);
    ObjectNode manifest = (ObjectNode) new ObjectMapper().readTree(good.toFile());

    refused(edit(manifest, m -> m.put("format", "upsampler-model/2")), "a newer upsampler");
    refused(edit(manifest, m -> m.remove("format")), "not an upsampler model manifest");
    refused(edit(manifest, m -> m.put("colour", "rgb")), "unknown key 'colour'");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(1)).put("type", "relu6")),
        "layer 1: unknown layer type 'relu6'");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(0)).put("out", 7)),
        "does not match the manifest's layer, which needs [7, 1, 5, 5]");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(0)).put("weight", "9.w")),
        "no such array");
    refused(edit(manifest, m -> m.put("scale", 3)), "declares scale 3");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(1)).removeAll()
        .put("type", "leaky_relu")), "layer 1: \"alpha\" must be a number");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(1)).removeAll()
        .put("type", "clamp").put("min", 1).put("max", 0)), "layer 1 (clamp): a clamp needs"
        + " channels >= 1 and bounds min <= max, got 8 channels, [1.0, 0.0]");
    refused(edit(manifest, m -> ((ObjectNode) m.get("layers").get(1)).removeAll()
        .put("type", "clamp").put("max", "six")), "layer 1: \"max\" must be a finite number");
    refused(edit(manifest, m -> m.putArray("clip").add(1)), "\"clip\" must be [min, max]");
    refused(edit(manifest, m -> m.putArray("clip").add(1).add(0)), "a clip needs min <= max");
    refused(edit(manifest, m -> ((ArrayNode) m.get("layers")).add(new ObjectMapper()
        .createObjectNode().put("type", "depth_to_space").put("out", 1).put("block", 2)
        .put("order", "cdr"))), "\"order\" must be \"crd\"");
    refused(edit(manifest, m -> m.put("weights", "missing.npz")), "no such file");
    Files.writeString(dir.resolve("edit.json"), "{\"format\": ");
    refused(dir.resolve("edit.json"), "not valid JSON");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.load(good, Size2.square(3)));
    assertTrue(e.getMessage().contains("the model upscales x2, not the x3 asked for"),
        e.getMessage());

    // Corrupt weights: random bytes, and a NaN.
    Path npzCopy = dir.resolve("good.npz");
    byte[] bytes = Files.readAllBytes(npzCopy);
    Files.write(npzCopy, java.util.Arrays.copyOf(bytes, 100));
    refused(good, "good.npz");
    Map<String, NpyArray> arrays = ModelFiles.readNpz(npz);
    Path nanNpz = dir.resolve("nan.npz");
    arrays.get("0.weight").data()[3] = Float.NaN;
    try (var out = Files.newOutputStream(nanNpz)) {
      ModelFiles.writeNpz(out, arrays);
    }
    e = assertThrows(InvalidInputException.class,
        () -> ModelImport.fromNpz(nanNpz, WeightLayout.TORCH, 2, null, null));
    assertTrue(e.getMessage().contains("nan.npz") && e.getMessage().contains("NaN"),
        e.getMessage());
    // A TensorFlow file read as PyTorch's: the shapes do not chain.
    e = assertThrows(InvalidInputException.class, () -> ModelImport.fromNpz(
        Resources.path("golden/models/tf-fsrcnn-8-4-2-x2.npz"), WeightLayout.TORCH, 2, null,
        null));
    assertTrue(e.getMessage().contains("tf-fsrcnn-8-4-2-x2.npz"), e.getMessage());
  }

  private Path edit(ObjectNode manifest, java.util.function.Consumer<ObjectNode> change)
      throws IOException {
    ObjectNode copy = manifest.deepCopy();
    change.accept(copy);
    Path p = dir.resolve("edit.json");
    new ObjectMapper().writeValue(p.toFile(), copy);
    return p;
  }

  private static void refused(Path manifest, String cause) {
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.load(manifest, null), cause);
    assertTrue(e.getMessage().contains(cause), "wanted '" + cause + "' in: " + e.getMessage());
  }

  @Test
  void layersDescribeTheirParametersInPyTorchsLayout() {
    NetworkLayer.Conv2d c = new NetworkLayer.Conv2d(2, 3, 3, new float[3 * 2 * 9 + 3]);
    assertEquals(57, c.params().length);
  }
}

package dev.upsampler.io;

import static dev.upsampler.testing.JsonTensors.assertValues;
import static dev.upsampler.testing.JsonTensors.tensor;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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
    refused(edit(manifest, m -> m.put("weights", "missing.npz")), "no such file");
    Files.writeString(dir.resolve("edit.json"), "{\"format\": ");
    refused(dir.resolve("edit.json"), "not valid JSON");
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ModelFiles.load(good, Size2.square(3)));
    assertTrue(e.getMessage().contains("the model upscales x2, the job asks for x3"),
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

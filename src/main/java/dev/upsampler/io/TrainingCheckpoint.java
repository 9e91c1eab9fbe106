package dev.upsampler.io;

import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Where a training run stands, so {@code train --resume} continues it: the parameters, the
 * optimizer's moments and step count, and the loop's counters. Two files beside the model,
 * {@code NAME.checkpoint.npz} (arrays {@code p0, m0, v0, p1, ...}) and {@code
 * NAME.checkpoint.json} (format {@value #FORMAT}, the counters and {@code adam_steps} per
 * array), each written atomically, the JSON last.
 */
public record TrainingCheckpoint(Map<String, Object> state, List<float[]> parameters,
    List<float[]> firstMoments, List<float[]> secondMoments, List<Integer> steps) {

  public static final String FORMAT = "upsampler-checkpoint/1";

  /** The checkpoint's JSON path for a model path ({@code x.json} / {@code x.npy}). */
  public static Path jsonFor(Path model) {
    String base = model.getFileName().toString().replaceAll("(?i)\\.(json|npy)$", "");
    return model.resolveSibling(base + ".checkpoint.json");
  }

  private static Path npzFor(Path json) {
    return json.resolveSibling(json.getFileName().toString().replaceAll("\\.json$", ".npz"));
  }

  public void save(Path model) throws IOException {
    Path json = jsonFor(model);
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    for (int i = 0; i < parameters.size(); i++) {
      arrays.put("p" + i, vector(parameters.get(i)));
      arrays.put("m" + i, vector(firstMoments.get(i)));
      arrays.put("v" + i, vector(secondMoments.get(i)));
    }
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.putAll(state);
    root.put("adam_steps", steps);
    root.put("arrays", npzFor(json).getFileName().toString());
    AtomicFiles.write(npzFor(json), out -> ModelFiles.writeNpz(out, arrays));
    byte[] text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    AtomicFiles.write(json, out -> out.write(text));
  }

  /** The checkpoint beside {@code model}, or null if there is none. */
  @SuppressWarnings("unchecked")
  public static TrainingCheckpoint load(Path model) throws IOException {
    Path json = jsonFor(model);
    if (!Files.exists(json)) {
      return null;
    }
    Map<String, Object> root;
    try {
      root = new ObjectMapper().readValue(json.toFile(), LinkedHashMap.class);
    } catch (IOException e) {
      throw new InvalidInputException(json, "not a readable checkpoint (" + e.getMessage()
          .lines().findFirst().orElse("") + ")");
    }
    if (!FORMAT.equals(root.get("format"))) {
      throw new InvalidInputException(json, "format " + root.get("format") + " is not " + FORMAT);
    }
    Map<String, NpyArray> arrays = ModelFiles.readNpz(npzFor(json));
    List<float[]> p = new ArrayList<>();
    List<float[]> m = new ArrayList<>();
    List<float[]> v = new ArrayList<>();
    for (int i = 0; arrays.containsKey("p" + i); i++) {
      p.add(arrays.get("p" + i).data());
      m.add(require(arrays, "m" + i, json).data());
      v.add(require(arrays, "v" + i, json).data());
    }
    List<Integer> steps = (List<Integer>) root.remove("adam_steps");
    root.remove("format");
    root.remove("arrays");
    if (steps == null || steps.size() != p.size()) {
      throw new InvalidInputException(json, "\"adam_steps\" must list one count per array ("
          + p.size() + ")");
    }
    return new TrainingCheckpoint(root, p, m, v, steps);
  }

  private static NpyArray require(Map<String, NpyArray> arrays, String name, Path json)
      throws IOException {
    NpyArray a = arrays.get(name);
    if (a == null) {
      throw new InvalidInputException(json, "the checkpoint's arrays lack '" + name + "'");
    }
    return a;
  }

  private static NpyArray vector(float[] a) {
    return new NpyArray(a.clone(), new int[] {a.length});
  }
}

package dev.upsampler.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.SpecException;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.WeightLayout;
import dev.upsampler.image.UpscaleKernel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Resolves a {@code --kernel} value: a built-in name, or a user's {@code .npy} weights, e.g. a
 * PyTorch {@code ConvTranspose2d}'s ({@code np.save("k.npy", layer.weight.detach().numpy())}),
 * in layout {@code [C_in, C_out/groups, kH, kW]} (or TensorFlow's {@code [kH, kW, C_out, C_in]}).
 * Its hyperparameters come from a JSON file beside it ({@code k.npy} -> {@code k.json}):
 *
 * <pre>{@code
 * {"stride": [2, 2], "padding": [1, 1], "output_padding": [0, 0], "groups": 1,
 *  "layout": "torch", "bias": "k_bias.npy"}
 * }</pre>
 *
 * {@code padding} may be {@code "SAME"} or {@code "VALID"} (TensorFlow), or {@code pads} an ONNX
 * list {@code [t, l, b, r]}. Without a JSON file the stride is the requested scale and the
 * padding PyTorch's {@code (k - s) / 2}, which gives {@code n * s} outputs when the overlap is
 * even. A kernel of shape {@code [1, 1, kH, kW]} is applied to every channel; otherwise it must
 * take the frame's colour channels.
 */
public final class KernelFiles {
  private static final Set<String> KEYS =
      Set.of("stride", "padding", "output_padding", "pads", "groups", "layout", "bias",
          "dilation", "border", "trained", "format");

  /** The version {@link #save} writes; files without "format" are hand-written kernels. */
  public static final String FORMAT = "upsampler-kernel/1";

  private KernelFiles() {}

  /**
   * A built-in kernel by name, a shipped model by name ({@link ShippedModels}: sr-x2,
   * sr-x2-fast, sr-x3, sr-x4), a user kernel by path ({@code .npy}), or a trained model: {@code
   * model:PATH} or a {@code .json} manifest ({@link ModelFiles}).
   */
  public static UpscaleKernel resolve(String kernel, Size2 scale) throws IOException {
    String k = kernel.trim();
    if (k.startsWith("model:")) {
      Path model = Path.of(k.substring("model:".length()));
      // A network's manifest (train --model fsrcnn, import), or a single trained layer's .npy.
      return ModelFiles.isModel(model) ? ModelFiles.load(model, scale) : load(model, scale);
    }
    if (ModelFiles.isModel(Path.of(k))) {
      return ModelFiles.load(Path.of(k), scale);
    }
    if (ShippedModels.has(k)) {
      return ShippedModels.load(k, scale);
    }
    if (!k.toLowerCase(Locale.ROOT).endsWith(".npy")) {
      try {
        return UpscaleKernel.named(kernel, scale);
      } catch (IllegalArgumentException e) {
        if (!e.getMessage().startsWith("unknown kernel")) {
          throw e;
        }
        throw new IllegalArgumentException(e.getMessage() + ", a shipped model "
            + ShippedModels.NAMES + " or model:PATH.json", e);
      }
    }
    return load(Path.of(k), scale);
  }

  /**
   * True when {@code kernel} names something with a scale of its own (a {@code .npy} kernel's
   * stride, a model's layers, a shipped model): asked for at no scale, it upscales by that.
   */
  public static boolean carriesScale(String kernel) {
    String k = kernel.trim();
    String lower = k.toLowerCase(Locale.ROOT);
    return lower.endsWith(".npy") || lower.endsWith(".json") || k.startsWith("model:")
        || ShippedModels.has(k);
  }

  /** Loads a user kernel; {@code scale} (null: from the JSON) must agree with its stride. */
  public static UpscaleKernel load(Path npy, Size2 scale) throws IOException {
    NpyArray w = Npy.read(npy);
    Path json = npy.resolveSibling(npy.getFileName().toString().replaceAll("(?i)\\.npy$", "")
        + ".json");
    JsonNode cfg = Files.exists(json) ? readJson(json) : null;
    WeightLayout layout = cfg != null && cfg.has("layout")
        ? WeightLayout.parse(cfg.get("layout").asText()) : WeightLayout.TORCH;
    Tensor weights;
    try {
      weights = layout.toTorch(w.data(), w.shape());
    } catch (ShapeException e) {
      throw new InvalidInputException(npy, e.getMessage());
    }
    try {
      int groups = cfg != null && cfg.has("groups") ? cfg.get("groups").asInt() : 1;
      Size2 stride = cfg != null && cfg.has("stride") ? pair(cfg.get("stride"), json, "stride")
          : scale;
      if (stride == null) {
        throw new InvalidInputException(npy, "no stride: give --scale or \"stride\" in " + json);
      }
      if (scale != null && !scale.equals(stride)) {
        throw new InvalidInputException(npy, "--scale " + scale + " disagrees with the kernel's"
            + " stride " + stride + " in " + json);
      }
      Size2 dilation = cfg != null && cfg.has("dilation") ? pair(cfg.get("dilation"), json,
          "dilation") : Size2.square(1);
      Size2 k = new Size2(weights.h(), weights.w());
      Padding padding = padding(cfg, json, k, stride);
      float[] bias = null;
      if (cfg != null && cfg.has("bias")) {
        NpyArray b = Npy.read(json.resolveSibling(cfg.get("bias").asText()));
        bias = b.data();
      }
      ConvTransposeSpec spec = new ConvTransposeSpec(weights.n(), weights.c() * groups, k, stride,
          dilation, groups, padding, bias != null);
      String name = npy.getFileName().toString();
      return UpscaleKernel.of(name, spec, weights, bias, border(cfg, json));
    } catch (SpecException | ShapeException e) {
      throw new InvalidInputException(npy, e.getMessage());
    }
  }

  /** "zero" (PyTorch's, the default) or "replicate" (edges repeated, as the built-ins do). */
  private static BorderMode border(JsonNode cfg, Path json) throws IOException {
    if (cfg == null || !cfg.has("border")) {
      return BorderMode.ZERO;
    }
    switch (cfg.get("border").asText().toLowerCase(Locale.ROOT)) {
      case "zero":
        return BorderMode.ZERO;
      case "replicate":
        return BorderMode.REPLICATE;
      default:
        throw new InvalidInputException(json, "\"border\" must be \"zero\" or \"replicate\","
            + " got " + cfg.get("border"));
    }
  }

  /**
   * Writes a 1-channel kernel as {@code NAME.npy} (PyTorch layout) and its {@code NAME.json}
   * (stride, ONNX pads from the spec's crop, border, and what the training reported), each
   * atomically.
   */
  public static void save(Path npy, ConvTransposeSpec spec, Tensor weights, BorderMode border,
      Map<String, Object> trained) throws IOException {
    ConvTransposePlan plan = spec.plan(8, 8); // explicit padding: the crop is size-independent
    Map<String, Object> cfg = new java.util.LinkedHashMap<>();
    cfg.put("format", FORMAT);
    cfg.put("stride", java.util.List.of(spec.stride().h(), spec.stride().w()));
    cfg.put("pads", java.util.List.of(plan.crop().top(), plan.crop().left(),
        plan.crop().bottom(), plan.crop().right()));
    cfg.put("border", border == BorderMode.REPLICATE ? "replicate" : "zero");
    if (trained != null) {
      cfg.put("trained", trained);
    }
    NpyArray w = new NpyArray(weights.data().clone(), new int[] {weights.n(), weights.c(),
        weights.h(), weights.w()});
    byte[] text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(cfg);
    Path json = npy.resolveSibling(npy.getFileName().toString().replaceAll("(?i)\\.npy$", "")
        + ".json");
    AtomicFiles.write(json, out -> out.write(text));
    AtomicFiles.write(npy, out -> Npy.write(out, w));
  }

  private static JsonNode readJson(Path json) throws IOException {
    JsonNode cfg;
    try {
      cfg = new ObjectMapper().readTree(json.toFile());
    } catch (IOException e) {
      throw new InvalidInputException(json, "not valid JSON (" + e.getMessage().lines()
          .findFirst().orElse("") + ")");
    }
    if (cfg == null || !cfg.isObject()) {
      throw new InvalidInputException(json, "expected a JSON object of kernel settings");
    }
    for (Iterator<String> it = cfg.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidInputException(json, "unknown key '" + key + "'; expected " + KEYS);
      }
    }
    if (cfg.has("format") && !FORMAT.equals(cfg.get("format").asText())) {
      throw new InvalidInputException(json, "format " + cfg.get("format") + " is not one this"
          + " version reads (" + FORMAT + "); a newer upsampler wrote it?");
    }
    return cfg;
  }

  static Padding padding(JsonNode cfg, Path json, Size2 k, Size2 s) throws IOException {
    Size2 op = cfg != null && cfg.has("output_padding")
        ? pair(cfg.get("output_padding"), json, "output_padding") : Size2.square(0);
    if (cfg != null && cfg.has("pads")) {
      JsonNode p = cfg.get("pads");
      if (!p.isArray() || p.size() != 4) {
        throw new InvalidInputException(json, "\"pads\" must be [top, left, bottom, right]");
      }
      return Padding.onnxPads(p.get(0).asInt(), p.get(1).asInt(), p.get(2).asInt(),
          p.get(3).asInt(), op);
    }
    if (cfg != null && cfg.has("padding")) {
      JsonNode p = cfg.get("padding");
      if (p.isTextual()) {
        return new Padding.TensorFlow(Padding.TfMode.parse(p.asText()), null);
      }
      return Padding.torch(pair(p, json, "padding"), op);
    }
    return Padding.torch(new Size2(Math.max(0, (k.h() - s.h()) / 2),
        Math.max(0, (k.w() - s.w()) / 2)), op);
  }

  static Size2 pair(JsonNode n, Path json, String key) throws IOException {
    if (n.isInt()) {
      return Size2.square(n.asInt());
    }
    if (n.isArray() && n.size() == 2 && n.get(0).isInt() && n.get(1).isInt()) {
      return new Size2(n.get(0).asInt(), n.get(1).asInt());
    }
    throw new InvalidInputException(json, "\"" + key + "\" must be an integer or [h, w], got "
        + n);
  }
}

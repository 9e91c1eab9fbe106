package dev.upsampler.io;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.SpecException;
import dev.upsampler.image.UpscaleKernel;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.zip.ZipEntry;
import java.util.zip.ZipException;
import java.util.zip.ZipFile;
import java.util.zip.ZipOutputStream;

/**
 * Learned networks on disk, format {@value #FORMAT}: a JSON manifest ({@code MODEL.json}) and
 * the weights as a NumPy {@code .npz} beside it (what {@code np.savez} writes: a zip of {@code
 * .npy} arrays, PyTorch's layouts and state-dict names):
 *
 * <pre>{@code
 * {"format": "upsampler-model/1", "scale": 2, "input": "luma",
 *  "weights": "fsrcnn-x2.npz",
 *  "layers": [
 *    {"type": "conv2d", "in": 1, "out": 56, "kernel": 5, "weight": "0.weight", "bias": "0.bias"},
 *    {"type": "prelu", "channels": 56, "weight": "1.weight"},
 *    ...
 *    {"type": "conv_transpose2d", "in": 56, "out": 1, "kernel": 9, "stride": 2,
 *     "padding": 4, "output_padding": 1, "weight": "12.weight", "bias": "12.bias"}],
 *  "skip": "bicubic",
 *  "trained": {...}}
 * }</pre>
 *
 * Conv2d weights are {@code [out, in, k, k]} with "same" zero padding, PReLU slopes {@code
 * [channels]}, ConvTranspose2d weights {@code [in, out, k, k]} with PyTorch's {@code padding} /
 * {@code output_padding}, ONNX {@code pads}, or TensorFlow's {@code "same"} / {@code "valid"}
 * (whose crop differs from PyTorch's by a pixel: kept exactly, see SEMANTICS.md). The network
 * takes luma in [0, 1]. Activations {@code relu}, {@code leaky_relu} ({@code "alpha"}) and
 * {@code clamp} ({@code "min"}, {@code "max"}, either left out for no bound: ReLU6 is {@code
 * "min": 0, "max": 6}) take the channels of the layer before; {@code depth_to_space} ({@code
 * "out"} channels, {@code "block"}, {@code "order"} {@code "crd"} as PyTorch's PixelShuffle or
 * {@code "dcr"}) ends a network as a transposed convolution can. The optional {@code skip} adds
 * that interpolation of the input to the output (a global residual connection; {@code train
 * --skip}), and the optional {@code "clip": [min, max]} clamps the output after it. Loading
 * checks everything (version, keys, layer types, shapes against the declared sizes, NaN/Inf,
 * the chain of channels, the scale) and names the file and the cause when a check fails.
 */
public final class ModelFiles {
  public static final String FORMAT = "upsampler-model/1";
  private static final Set<String> KEYS =
      Set.of("format", "scale", "input", "weights", "layers", "skip", "clip", "trained",
          "architecture");
  private static final Set<String> LAYER_KEYS = Set.of("type", "in", "out", "kernel",
      "channels", "stride", "padding", "output_padding", "pads", "weight", "bias", "alpha",
      "block", "order", "min", "max");

  private ModelFiles() {}

  /** True for a path that names a model manifest ({@code .json}). */
  public static boolean isModel(Path path) {
    return path.getFileName() != null
        && path.getFileName().toString().toLowerCase(java.util.Locale.ROOT).endsWith(".json");
  }

  /** The model as a kernel for {@code upscale} and the job; {@code scale} (or null) must match. */
  public static UpscaleKernel load(Path manifest, Size2 scale) throws IOException {
    return load(manifest, manifest.getFileName().toString(), scale);
  }

  /** The same, the kernel called {@code name} (in reports and comparison pictures). */
  static UpscaleKernel load(Path manifest, String name, Size2 scale) throws IOException {
    SequentialNetwork net = loadNetwork(manifest);
    UpscaleKernel k;
    try {
      k = UpscaleKernel.network(name, net);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(manifest, e.getMessage());
    }
    if (scale != null && !scale.equals(k.scale())) {
      throw new InvalidInputException(manifest, scaleMismatch(k.scale(), scale));
    }
    return k;
  }

  /** Why a model of scale {@code has} cannot serve the scale {@code asked} for. */
  static String scaleMismatch(Size2 has, Size2 asked) {
    return "the model upscales x" + has.h() + (has.h() == has.w() ? "" : "," + has.w())
        + ", not the x" + asked.h() + (asked.h() == asked.w() ? "" : "," + asked.w())
        + " asked for";
  }

  public static SequentialNetwork loadNetwork(Path manifest) throws IOException {
    JsonNode root = readManifest(manifest);
    Path npz = manifest.resolveSibling(text(root, "weights", manifest));
    List<NetworkLayer> layers = new ArrayList<>();
    try (Weights w = Weights.open(npz)) {
      JsonNode list = root.get("layers");
      if (list == null || !list.isArray() || list.isEmpty()) {
        throw new InvalidInputException(manifest, "\"layers\" must be a non-empty list");
      }
      for (int i = 0; i < list.size(); i++) {
        int channels = i == 0 ? 1 : layers.get(i - 1).outChannels();
        layers.add(layer(list.get(i), i, channels, manifest, w));
      }
    }
    SequentialNetwork net;
    try {
      net = new SequentialNetwork(layers);
      if (root.has("skip")) {
        net = net.withSkip(Interpolation.parse(text(root, "skip", manifest)));
      }
      if (root.has("clip")) {
        JsonNode c = root.get("clip");
        if (!c.isArray() || c.size() != 2 || !c.get(0).isNumber() || !c.get(1).isNumber()) {
          throw new InvalidInputException(manifest, "\"clip\" must be [min, max], got " + c);
        }
        net = net.withClip(c.get(0).floatValue(), c.get(1).floatValue());
      }
    } catch (SpecException e) {
      throw new InvalidInputException(manifest, e.getMessage());
    }
    if (root.has("scale")) {
      int declared = root.get("scale").asInt();
      int[] o = net.outputSize(30, 30);
      if (o[0] != declared * 30 || o[1] != declared * 30) {
        throw new InvalidInputException(manifest, "declares scale " + declared + " but its"
            + " layers make " + o[1] + "x" + o[0] + " from 30x30");
      }
    }
    return net;
  }

  /** A clamp's bound {@code key}: a number, or absent for none on that side. */
  private static float bound(JsonNode l, String key, Path manifest, String where)
      throws InvalidInputException {
    JsonNode b = l.get(key);
    if (b == null) {
      return key.equals("min") ? Float.NEGATIVE_INFINITY : Float.POSITIVE_INFINITY;
    }
    if (!b.isNumber() || !Double.isFinite(b.doubleValue())) {
      throw new InvalidInputException(manifest, where + ": \"" + key + "\" must be a finite"
          + " number (leave it out for no bound), got " + b);
    }
    return b.floatValue();
  }

  /** Layer {@code i}, which takes {@code channels} channels (what the layer before gives). */
  private static NetworkLayer layer(JsonNode l, int i, int channels, Path manifest, Weights w)
      throws IOException {
    String where = "layer " + i;
    if (!l.isObject()) {
      throw new InvalidInputException(manifest, where + " must be a JSON object");
    }
    for (Iterator<String> it = l.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!LAYER_KEYS.contains(key)) {
        throw new InvalidInputException(manifest, where + ": unknown key '" + key
            + "'; expected " + LAYER_KEYS);
      }
    }
    String type = text(l, "type", manifest);
    try {
      switch (type) {
        case "conv2d": {
          int in = integer(l, "in", manifest, where);
          int out = integer(l, "out", manifest, where);
          int k = integer(l, "kernel", manifest, where);
          float[] p = concat(w.get(text(l, "weight", manifest), new int[] {out, in, k, k}),
              w.get(text(l, "bias", manifest), new int[] {out}));
          return new NetworkLayer.Conv2d(in, out, k, p);
        }
        case "prelu": {
          int c = integer(l, "channels", manifest, where);
          return new NetworkLayer.PRelu(w.get(text(l, "weight", manifest), new int[] {c}));
        }
        case "conv_transpose2d": {
          int in = integer(l, "in", manifest, where);
          int out = integer(l, "out", manifest, where);
          int k = integer(l, "kernel", manifest, where);
          if (!l.has("stride")) {
            throw new InvalidInputException(manifest, where + ": \"stride\" is missing");
          }
          Size2 stride = KernelFiles.pair(l.get("stride"), manifest, "stride");
          Padding padding = KernelFiles.padding(l, manifest, Size2.square(k), stride);
          boolean bias = l.has("bias");
          ConvTransposeSpec spec = new ConvTransposeSpec(in, out, Size2.square(k), stride,
              Size2.square(1), 1, padding, bias);
          float[] p = w.get(text(l, "weight", manifest), new int[] {in, out, k, k});
          if (bias) {
            p = concat(p, w.get(text(l, "bias", manifest), new int[] {out}));
          }
          return new NetworkLayer.ConvTranspose2d(spec, p);
        }
        case "relu":
          return new NetworkLayer.LeakyRelu(channels, 0f);
        case "leaky_relu": {
          JsonNode a = l.get("alpha");
          if (a == null || !a.isNumber()) {
            throw new InvalidInputException(manifest, where + ": \"alpha\" must be a number,"
                + " got " + a);
          }
          return new NetworkLayer.LeakyRelu(channels, a.floatValue());
        }
        case "clamp":
          return new NetworkLayer.Clamp(channels, bound(l, "min", manifest, where),
              bound(l, "max", manifest, where));
        case "depth_to_space": {
          int out = integer(l, "out", manifest, where);
          int block = integer(l, "block", manifest, where);
          String order = l.has("order") ? text(l, "order", manifest) : "crd";
          if (!order.equals("crd") && !order.equals("dcr")) {
            throw new InvalidInputException(manifest, where + ": \"order\" must be \"crd\""
                + " (PyTorch's PixelShuffle) or \"dcr\", got \"" + order + "\"");
          }
          return new NetworkLayer.DepthToSpace(out, block, order.equals("dcr"));
        }
        default:
          throw new InvalidInputException(manifest, where + ": unknown layer type '" + type
              + "'; expected conv2d, prelu, relu, leaky_relu, clamp, conv_transpose2d or"
              + " depth_to_space");
      }
    } catch (SpecException | ShapeException e) {
      throw new InvalidInputException(manifest, where + " (" + type + "): " + e.getMessage());
    }
  }

  /**
   * Writes {@code MODEL.npz} then {@code MODEL.json}, each atomically (a reader never sees a
   * half-written file; the manifest appears only once its weights are complete).
   */
  public static void save(Path manifest, SequentialNetwork net, String architecture,
      Map<String, Object> trained) throws IOException {
    String base = manifest.getFileName().toString().replaceAll("(?i)\\.json$", "");
    Path npz = manifest.resolveSibling(base + ".npz");
    Map<String, NpyArray> arrays = new LinkedHashMap<>();
    List<Map<String, Object>> layers = new ArrayList<>();
    for (int i = 0; i < net.layers().size(); i++) {
      NetworkLayer l = net.layers().get(i);
      Map<String, Object> d = new LinkedHashMap<>();
      if (l instanceof NetworkLayer.Conv2d c) {
        int nw = NetworkLayer.Conv2d.weightCount(c.in(), c.out(), c.k());
        d.put("type", "conv2d");
        d.put("in", c.in());
        d.put("out", c.out());
        d.put("kernel", c.k());
        arrays.put(i + ".weight", new NpyArray(Arrays.copyOf(c.params(), nw),
            new int[] {c.out(), c.in(), c.k(), c.k()}));
        arrays.put(i + ".bias", new NpyArray(Arrays.copyOfRange(c.params(), nw, nw + c.out()),
            new int[] {c.out()}));
        d.put("weight", i + ".weight");
        d.put("bias", i + ".bias");
      } else if (l instanceof NetworkLayer.PRelu p) {
        d.put("type", "prelu");
        d.put("channels", p.slopes().length);
        arrays.put(i + ".weight", new NpyArray(p.slopes().clone(), new int[] {p.slopes().length}));
        d.put("weight", i + ".weight");
      } else if (l instanceof NetworkLayer.LeakyRelu r) {
        d.put("type", r.alpha() == 0f ? "relu" : "leaky_relu");
        if (r.alpha() != 0f) {
          d.put("alpha", r.alpha());
        }
      } else if (l instanceof NetworkLayer.Clamp k) {
        d.put("type", "clamp");
        if (k.min() != Float.NEGATIVE_INFINITY) {
          d.put("min", k.min());
        }
        if (k.max() != Float.POSITIVE_INFINITY) {
          d.put("max", k.max());
        }
      } else if (l instanceof NetworkLayer.DepthToSpace s) {
        d.put("type", "depth_to_space");
        d.put("out", s.out());
        d.put("block", s.block());
        d.put("order", s.dcr() ? "dcr" : "crd");
      } else if (l instanceof NetworkLayer.ConvTranspose2d t) {
        ConvTransposeSpec s = t.spec();
        if (s.kernel().h() != s.kernel().w()) {
          throw new IllegalArgumentException("model files hold square kernels, got "
              + s.kernel());
        }
        int k = s.kernel().h();
        int nw = NetworkLayer.ConvTranspose2d.weightCount(s);
        d.put("type", "conv_transpose2d");
        d.put("in", s.inChannels());
        d.put("out", s.outChannels());
        d.put("kernel", k);
        d.put("stride", List.of(s.stride().h(), s.stride().w()));
        if (s.padding() instanceof Padding.TensorFlow tf) {
          d.put("padding", tf.mode().name().toLowerCase(java.util.Locale.ROOT));
        } else {
          ConvTransposePlan plan = s.plan(8, 8);
          d.put("pads", List.of(plan.crop().top(), plan.crop().left(), plan.crop().bottom()
              + s.padding().outputPadding(0), plan.crop().right() + s.padding().outputPadding(1)));
          d.put("output_padding", List.of(s.padding().outputPadding(0),
              s.padding().outputPadding(1)));
        }
        arrays.put(i + ".weight", new NpyArray(Arrays.copyOf(t.params(), nw),
            new int[] {s.inChannels(), s.outChannels(), k, k}));
        d.put("weight", i + ".weight");
        if (s.hasBias()) {
          arrays.put(i + ".bias", new NpyArray(Arrays.copyOfRange(t.params(), nw,
              nw + s.outChannels()), new int[] {s.outChannels()}));
          d.put("bias", i + ".bias");
        }
      }
      layers.add(d);
    }
    int[] o = net.outputSize(30, 30);
    Map<String, Object> root = new LinkedHashMap<>();
    root.put("format", FORMAT);
    root.put("architecture", architecture);
    root.put("scale", o[0] / 30);
    root.put("input", "luma");
    root.put("weights", npz.getFileName().toString());
    root.put("layers", layers);
    if (net.skip() != null) {
      root.put("skip", net.skip().name().toLowerCase(java.util.Locale.ROOT));
    }
    if (net.clip() != null) {
      root.put("clip", List.of(net.clip()[0], net.clip()[1]));
    }
    if (trained != null) {
      root.put("trained", trained);
    }
    AtomicFiles.write(npz, out -> writeNpz(out, arrays));
    byte[] text = new ObjectMapper().writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    AtomicFiles.write(manifest, out -> out.write(text));
  }

  /** Adds {@code extra} to the manifest's "trained" section (rewritten atomically). */
  public static void annotate(Path manifest, Map<String, Object> extra) throws IOException {
    ObjectMapper json = new ObjectMapper();
    com.fasterxml.jackson.databind.node.ObjectNode root =
        (com.fasterxml.jackson.databind.node.ObjectNode) readManifest(manifest);
    com.fasterxml.jackson.databind.node.ObjectNode trained = root.has("trained")
        && root.get("trained").isObject()
        ? (com.fasterxml.jackson.databind.node.ObjectNode) root.get("trained")
        : root.putObject("trained");
    extra.forEach((k, v) -> trained.set(k, json.valueToTree(v)));
    byte[] text = json.writerWithDefaultPrettyPrinter().writeValueAsBytes(root);
    AtomicFiles.write(manifest, out -> out.write(text));
  }

  /** A NumPy {@code .npz}: one stored {@code NAME.npy} per array, in order. */
  public static void writeNpz(java.io.OutputStream out, Map<String, NpyArray> arrays)
      throws IOException {
    ZipOutputStream zip = new ZipOutputStream(out);
    for (Map.Entry<String, NpyArray> e : arrays.entrySet()) {
      zip.putNextEntry(new ZipEntry(e.getKey() + ".npy"));
      Npy.write(zip, e.getValue());
      zip.closeEntry();
    }
    zip.finish();
  }

  /** Every array of a {@code .npz}, in the file's order (names without {@code .npy}). */
  public static Map<String, NpyArray> readNpz(Path npz) throws IOException {
    try (Weights w = Weights.open(npz)) {
      Map<String, NpyArray> all = new LinkedHashMap<>();
      for (String name : w.names()) {
        all.put(name, w.read(name));
      }
      return all;
    }
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static JsonNode readManifest(Path manifest) throws IOException {
    JsonNode root;
    try {
      root = new ObjectMapper().readTree(manifest.toFile());
    } catch (java.io.FileNotFoundException e) {
      throw new InvalidInputException(manifest, "no such file");
    } catch (IOException e) {
      throw new InvalidInputException(manifest, "not valid JSON (" + e.getMessage().lines()
          .findFirst().orElse("") + ")");
    }
    if (root == null || !root.isObject()) {
      throw new InvalidInputException(manifest, "expected a JSON object (a model manifest)");
    }
    JsonNode format = root.get("format");
    if (format == null) {
      throw new InvalidInputException(manifest, "no \"format\": not an upsampler model"
          + " manifest (expected \"format\": \"" + FORMAT + "\")");
    }
    if (!FORMAT.equals(format.asText())) {
      throw new InvalidInputException(manifest, "format " + format + " is not one this version"
          + " reads (" + FORMAT + ")" + (format.asText().startsWith("upsampler-model/")
          ? "; a newer upsampler wrote it?" : ""));
    }
    for (Iterator<String> it = root.fieldNames(); it.hasNext(); ) {
      String key = it.next();
      if (!KEYS.contains(key)) {
        throw new InvalidInputException(manifest, "unknown key '" + key + "'; expected "
            + KEYS);
      }
    }
    return root;
  }

  private static String text(JsonNode node, String key, Path file) throws IOException {
    JsonNode v = node.get(key);
    if (v == null || !v.isTextual() || v.asText().isBlank()) {
      throw new InvalidInputException(file, "\"" + key + "\" must be a non-empty string");
    }
    return v.asText();
  }

  private static int integer(JsonNode node, String key, Path file, String where)
      throws IOException {
    JsonNode v = node.get(key);
    if (v == null || !v.canConvertToInt() || !v.isIntegralNumber() || v.asInt() < 1) {
      throw new InvalidInputException(file, where + ": \"" + key + "\" must be an integer >= 1,"
          + " got " + v);
    }
    return v.asInt();
  }

  /** The arrays of one {@code .npz}, read on demand and checked against their expected shape. */
  private static final class Weights implements AutoCloseable {
    private final Path npz;
    private final ZipFile zip;

    private Weights(Path npz, ZipFile zip) {
      this.npz = npz;
      this.zip = zip;
    }

    static Weights open(Path npz) throws IOException {
      if (!Files.exists(npz)) {
        throw new InvalidInputException(npz, "no such file (the model's weights)");
      }
      try {
        return new Weights(npz, new ZipFile(npz.toFile()));
      } catch (ZipException e) {
        throw new InvalidInputException(npz, "not a NumPy .npz (zip) file: " + e.getMessage());
      } catch (NoSuchFileException e) {
        throw new InvalidInputException(npz, "no such file");
      }
    }

    List<String> names() {
      List<String> names = new ArrayList<>();
      zip.stream().forEach(e -> names.add(e.getName().replaceAll("\\.npy$", "")));
      return names;
    }

    NpyArray read(String name) throws IOException {
      ZipEntry e = zip.getEntry(name + ".npy");
      if (e == null) {
        e = zip.getEntry(name);
      }
      Path label = npz.resolveSibling(npz.getFileName() + "[" + name + "]");
      if (e == null) {
        throw new InvalidInputException(label, "no such array in the weights; it has "
            + names());
      }
      try (InputStream in = zip.getInputStream(e)) {
        return Npy.read(in, label, e.getSize());
      } catch (ZipException bad) {
        throw new InvalidInputException(label, "corrupt entry: " + bad.getMessage());
      }
    }

    /** The array's values, refused unless its shape is {@code shape} and every value finite. */
    float[] get(String name, int[] shape) throws IOException {
      NpyArray a = read(name);
      Path label = npz.resolveSibling(npz.getFileName() + "[" + name + "]");
      if (!Arrays.equals(a.shape(), shape)) {
        throw new InvalidInputException(label, "shape " + Arrays.toString(a.shape())
            + " does not match the manifest's layer, which needs " + Arrays.toString(shape));
      }
      float[] d = a.data();
      for (int i = 0; i < d.length; i++) {
        if (!Float.isFinite(d[i])) {
          throw new InvalidInputException(label, "value " + i + " is " + d[i]
              + " (NaN or infinite weights: a diverged training?)");
        }
      }
      return d;
    }

    @Override
    public void close() throws IOException {
      zip.close();
    }
  }
}

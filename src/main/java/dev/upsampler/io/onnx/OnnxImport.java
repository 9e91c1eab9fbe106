package dev.upsampler.io.onnx;

import static dev.upsampler.io.onnx.GraphValue.affine;
import static dev.upsampler.io.onnx.GraphValue.describe;
import static dev.upsampler.io.onnx.OnnxAttributes.attrFloat;
import static dev.upsampler.io.onnx.OnnxAttributes.attrInt;
import static dev.upsampler.io.onnx.OnnxAttributes.attrInts;
import static dev.upsampler.io.onnx.OnnxAttributes.attrString;
import static dev.upsampler.io.onnx.OnnxAttributes.has;
import static dev.upsampler.io.onnx.OnnxAttributes.requireOnes;

import com.google.protobuf.InvalidProtocolBufferException;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.SpecException;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.onnx.GraphValue.Clipped;
import dev.upsampler.io.onnx.GraphValue.Net;
import dev.upsampler.io.onnx.GraphValue.Repeated;
import dev.upsampler.io.onnx.GraphValue.Reshaped;
import dev.upsampler.io.onnx.GraphValue.Skip;
import dev.upsampler.io.onnx.GraphValue.Sum;
import dev.upsampler.io.onnx.OnnxTensors.Constant;
import dev.upsampler.io.onnx.proto.OnnxModel.GraphProto;
import dev.upsampler.io.onnx.proto.OnnxModel.ModelProto;
import dev.upsampler.io.onnx.proto.OnnxModel.NodeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.OperatorSetIdProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorProto;
import dev.upsampler.io.onnx.proto.OnnxModel.TensorShapeProto;
import dev.upsampler.io.onnx.proto.OnnxModel.ValueInfoProto;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Set;

/**
 * An ONNX graph of a small super-resolution network as the engine's network. The graph is walked
 * in order, each value tracked as what it is in the engine's terms ({@link GraphValue}: the input
 * through layers so far, an interpolation of it, the input repeated along channels (ECBSR's skip
 * before the pixel shuffle), their sum, a clamp, a step of a Reshape/Transpose shuffle). Constants
 * (initializers and Constant nodes) are weights, and a Mul, Div, Add or Sub by a constant is
 * folded into the convolution before it. Whatever cannot be expressed exactly is refused with the
 * operator and node.
 */
public final class OnnxImport {
  /** Operators read here; anything else is refused by name. */
  static final Set<String> SUPPORTED = Set.of("Conv", "ConvTranspose", "Relu", "LeakyRelu",
      "PRelu", "Clip", "Add", "Sub", "Mul", "Div", "DepthToSpace", "Resize", "Identity",
      "Dropout", "Constant", "ConstantOfShape", "Expand", "Tile", "Concat", "Reshape",
      "Transpose");

  /** Larger files are refused before parsing (protobuf reads the whole message into memory). */
  static final long MAX_BYTES = 256L << 20;

  /** The graph's constants and computed values so far. */
  private final GraphValues g = new GraphValues();
  private final ShapeOperators shapes = new ShapeOperators(g);
  private int opset;

  private OnnxImport() {}

  /** Reads {@code file}; every refusal is an {@link InvalidInputException} naming the file. */
  public static SequentialNetwork load(Path file) throws IOException {
    ModelProto model;
    try {
      if (Files.size(file) > MAX_BYTES) {
        throw new InvalidInputException(file, Files.size(file) + " bytes; a small upscaling"
            + " network is a few MB (at most " + MAX_BYTES + " read)");
      }
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file, "no such file");
    }
    try (InputStream in = Files.newInputStream(file)) {
      model = ModelProto.parseFrom(in);
    } catch (NoSuchFileException e) {
      throw new InvalidInputException(file, "no such file");
    } catch (InvalidProtocolBufferException e) {
      throw new InvalidInputException(file, "not an ONNX model (the protobuf does not parse: "
          + e.getMessage() + ")");
    }
    if (!model.hasGraph() || model.getGraph().getNodeCount() == 0) {
      throw new InvalidInputException(file, "not an ONNX model (no graph with nodes)");
    }
    try {
      return new OnnxImport().convert(model);
    } catch (OnnxException | SpecException e) {
      throw new InvalidInputException(file, e.getMessage());
    }
  }

  private SequentialNetwork convert(ModelProto model) {
    for (OperatorSetIdProto o : model.getOpsetImportList()) {
      if (o.getDomain().isEmpty() || o.getDomain().equals("ai.onnx")) {
        opset = (int) o.getVersion();
      }
    }
    GraphProto graph = model.getGraph();
    for (TensorProto t : graph.getInitializerList()) {
      g.putConstant(t.getName(), OnnxTensors.decode(t, "initializer '" + t.getName() + "'"));
    }
    List<ValueInfoProto> inputs = graph.getInputList().stream()
        .filter(v -> !g.isConstant(v.getName())).toList();
    if (inputs.size() != 1 || graph.getOutputCount() != 1) {
      throw new OnnxException("the graph has " + inputs.size() + " input(s) and "
          + graph.getOutputCount() + " output(s); an upscaling network has one of each");
    }
    g.putValue(inputs.get(0).getName(), new Net(List.of(), inputChannels(inputs.get(0)), 1f,
        1));
    for (int i = 0; i < graph.getNodeCount(); i++) {
      NodeProto n = graph.getNode(i);
      String where = n.getOpType() + " node " + i + (n.getName().isEmpty() ? ""
          : " '" + n.getName() + "'");
      if (!n.getDomain().isEmpty() && !n.getDomain().equals("ai.onnx")) {
        throw new OnnxException(where + ": operator domain '" + n.getDomain()
            + "' is not ONNX's");
      }
      if (!SUPPORTED.contains(n.getOpType())) {
        throw new OnnxException(where + ": operator " + n.getOpType() + " is not supported"
            + " (supported: " + new java.util.TreeSet<>(SUPPORTED) + ")");
      }
      node(n, where);
    }
    String out = graph.getOutput(0).getName();
    GraphValue v = g.valueOrNull(out);
    if (v == null) {
      throw new OnnxException("the graph's output '" + out + "' is a constant or never"
          + " computed");
    }
    return network(v);
  }

  private static int inputChannels(ValueInfoProto in) {
    TensorShapeProto s = in.getType().getTensorType().getShape();
    if (s.getDimCount() != 4) {
      throw new OnnxException("input '" + in.getName() + "' has " + s.getDimCount()
          + " dimensions; expected [N, C, H, W]");
    }
    TensorShapeProto.Dimension c = s.getDim(1);
    TensorShapeProto.Dimension last = s.getDim(3);
    long channels = c.hasDimValue() ? c.getDimValue() : -1;
    if (channels != 1 && last.hasDimValue() && last.getDimValue() == 1) {
      channels = 1; // NHWC with one channel (TensorFlow): the same values
    }
    if (channels != 1) {
      throw new OnnxException("input '" + in.getName() + "' has " + (channels < 0 ? "a"
          + " symbolic number of" : String.valueOf(channels)) + " channels; the engine serves"
          + " 1-channel (luma) networks (RGB is upscaled channel by channel or on luma)");
    }
    return 1;
  }

  /** The engine's network for the graph's output value. */
  private static SequentialNetwork network(GraphValue v) {
    float[] clip = null;
    if (v instanceof Clipped c) {
      clip = new float[] {c.min(), c.max()};
      v = c.inner();
    }
    SequentialNetwork net;
    if (v instanceof Net n) {
      net = new SequentialNetwork(n.layers());
    } else if (v instanceof Sum s && s.copies() == 0) {
      net = new SequentialNetwork(s.net().layers()).withSkip(s.skip().kind());
    } else if (v instanceof Reshaped r && r.perm() != null && r.base() instanceof Net n
        && Arrays.equals(r.perm(), new int[] {0, 2, 3, 1}) && n.channels() == 1) {
      net = new SequentialNetwork(n.layers()); // NHWC output of one channel: the same values
    } else {
      throw new OnnxException("the graph's output is " + describe(v) + ", not an upscaled"
          + " network");
    }
    if (net.outChannels() != 1 || (v instanceof Net n && n.scale() == 1)) {
      throw new OnnxException("the graph does not upscale one channel (its output: "
          + net.outChannels() + " channels, x" + net.outputSize(30, 30)[0] / 30 + ")");
    }
    return clip == null ? net : net.withClip(clip[0], clip[1]);
  }

  private void node(NodeProto n, String where) {
    switch (n.getOpType()) {
      case "Constant" -> g.putConstant(n.getOutput(0), OnnxTensors.ofConstantNode(n, where));
      case "ConstantOfShape" -> g.putConstant(n.getOutput(0), shapes.constantOfShape(n, where));
      case "Expand" -> shapes.expand(n, where);
      case "Identity", "Dropout" -> g.alias(n, where);
      case "Conv" -> conv(n, where);
      case "ConvTranspose" -> convTranspose(n, where);
      case "Relu" -> activation(n, where, new float[] {0f}, false);
      case "LeakyRelu" -> activation(n, where, new float[] {attrFloat(n, "alpha", 0.01f)},
          false);
      case "PRelu" -> activation(n, where, g.constant(n, 1, where).floats(), true);
      case "Clip" -> clip(n, where);
      case "Add", "Sub" -> add(n, where, n.getOpType().equals("Sub"));
      case "Mul", "Div" -> mul(n, where, n.getOpType().equals("Div"));
      case "DepthToSpace" -> depthToSpace(n, where, (int) attrInt(n, "blocksize", 0),
          attrString(n, "mode", "DCR").equals("DCR"));
      case "Resize" -> resize(n, where);
      case "Tile" -> shapes.tile(n, where);
      case "Concat" -> shapes.concat(n, where);
      case "Reshape" -> shapes.reshape(n, where);
      case "Transpose" -> shapes.transpose(n, where);
      default -> throw new OnnxException(where + ": operator " + n.getOpType()
          + " is not supported");
    }
  }

  // ---------------------------------------------------------------- layers

  private void conv(NodeProto n, String where) {
    Net x = g.net(n, 0, where, false);
    Constant w = g.constant(n, 1, where);
    OnnxTensors.requireFinite(w, where + " weights");
    if (w.dims().length != 4 || w.dims()[2] != w.dims()[3] || w.dims()[2] % 2 == 0) {
      throw new OnnxException(where + ": weights of shape " + Arrays.toString(w.dims())
          + "; the engine runs square odd kernels [out, in, k, k]");
    }
    int out = (int) w.dims()[0];
    int in = (int) w.dims()[1];
    int k = (int) w.dims()[2];
    if (attrInt(n, "group", 1) != 1) {
      throw new OnnxException(where + ": group " + attrInt(n, "group", 1) + " (grouped or"
          + " depthwise convolution) is not supported");
    }
    requireOnes(n, "strides", where);
    requireOnes(n, "dilations", where);
    String auto = attrString(n, "auto_pad", "NOTSET");
    long[] pads = attrInts(n, "pads", new long[] {0, 0, 0, 0});
    boolean same = auto.startsWith("SAME") || Arrays.stream(pads).allMatch(p -> p == k / 2);
    if (!same) {
      throw new OnnxException(where + ": pads " + Arrays.toString(pads) + (auto.equals(
          "NOTSET") ? "" : " auto_pad " + auto) + "; the engine runs \"same\" convolutions"
          + " (pads " + k / 2 + " on every side for a " + k + "x" + k + " kernel)");
    }
    if (in != x.channels()) {
      throw new OnnxException(where + ": takes " + in + " channels, its input has "
          + x.channels());
    }
    float[] p = new float[out * in * k * k + out];
    System.arraycopy(w.floats(), 0, p, 0, out * in * k * k);
    for (int i = 0; x.layers().isEmpty() && i < out * in * k * k; i++) {
      p[i] *= x.inputScale(); // a Mul of the input, folded exactly (zero padding stays zero)
    }
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      Constant b = g.constant(n, 2, where);
      OnnxTensors.requireFinite(b, where + " bias");
      if (b.count() != out) {
        throw new OnnxException(where + ": bias of " + b.count() + " values for " + out
            + " output channels");
      }
      System.arraycopy(b.floats(), 0, p, out * in * k * k, out);
    }
    g.put(n, x.with(new NetworkLayer.Conv2d(in, out, k, p), 1), where);
  }

  private void convTranspose(NodeProto n, String where) {
    Net x = g.net(n, 0, where, false);
    Constant w = g.constant(n, 1, where);
    OnnxTensors.requireFinite(w, where + " weights");
    if (w.dims().length != 4 || w.dims()[2] != w.dims()[3]) {
      throw new OnnxException(where + ": weights of shape " + Arrays.toString(w.dims())
          + "; the engine runs square kernels [in, out, k, k]");
    }
    if (attrInt(n, "group", 1) != 1) {
      throw new OnnxException(where + ": group " + attrInt(n, "group", 1) + " is not"
          + " supported");
    }
    requireOnes(n, "dilations", where);
    if (!attrString(n, "auto_pad", "NOTSET").equals("NOTSET") || has(n, "output_shape")) {
      throw new OnnxException(where + ": auto_pad or output_shape is not supported; export"
          + " with explicit pads");
    }
    int in = (int) w.dims()[0];
    int out = (int) w.dims()[1];
    int k = (int) w.dims()[2];
    long[] strides = attrInts(n, "strides", new long[] {1, 1});
    if (strides.length != 2 || strides[0] != strides[1] || strides[0] < 1) {
      throw new OnnxException(where + ": strides " + Arrays.toString(strides) + "; the"
          + " engine upscales both axes by the same whole factor");
    }
    int s = (int) strides[0];
    long[] pads = attrInts(n, "pads", new long[] {0, 0, 0, 0});
    long[] op = attrInts(n, "output_padding", new long[] {0, 0});
    boolean bias = n.getInputCount() > 2 && !n.getInput(2).isEmpty();
    ConvTransposeSpec spec = new ConvTransposeSpec(in, out, Size2.square(k), Size2.square(s),
        Size2.square(1), 1, Padding.onnxPads((int) pads[0], (int) pads[1], (int) pads[2],
        (int) pads[3], new Size2((int) op[0], (int) op[1])), bias);
    if (in != x.channels()) {
      throw new OnnxException(where + ": takes " + in + " channels, its input has "
          + x.channels());
    }
    float[] p = new float[in * out * k * k + (bias ? out : 0)];
    System.arraycopy(w.floats(), 0, p, 0, in * out * k * k);
    for (int i = 0; x.layers().isEmpty() && i < in * out * k * k; i++) {
      p[i] *= x.inputScale();
    }
    if (bias) {
      Constant b = g.constant(n, 2, where);
      OnnxTensors.requireFinite(b, where + " bias");
      System.arraycopy(b.floats(), 0, p, in * out * k * k, out);
    }
    g.put(n, x.with(new NetworkLayer.ConvTranspose2d(spec, p), s), where);
  }

  private void activation(NodeProto n, String where, float[] slopes, boolean prelu) {
    GraphValue v = g.value(n, 0, where);
    if (v instanceof Clipped || v instanceof Sum || (v instanceof Net x && x.scale() > 1)) {
      throw new OnnxException(where + ": an activation after the upscaling layer is not"
          + " supported (only a final Clip)");
    }
    Net x = g.net(n, 0, where, false);
    if (x.layers().isEmpty()) {
      throw new OnnxException(where + ": an activation on the input itself is not supported");
    }
    for (float a : slopes) {
      if (!Float.isFinite(a)) {
        throw new OnnxException(where + ": slope " + a + " (NaN or infinite weights)");
      }
    }
    NetworkLayer l;
    if (!prelu) {
      l = new NetworkLayer.LeakyRelu(x.channels(), slopes[0]);
    } else if (slopes.length == 1 || slopes.length == x.channels()) {
      float[] a = new float[x.channels()];
      for (int c = 0; c < a.length; c++) {
        a[c] = slopes[slopes.length == 1 ? 0 : c];
      }
      l = new NetworkLayer.PRelu(a);
    } else {
      throw new OnnxException(where + ": " + slopes.length + " slopes for " + x.channels()
          + " channels");
    }
    g.put(n, x.with(l, 1), where);
  }

  private void clip(NodeProto n, String where) {
    float min = Float.NEGATIVE_INFINITY;
    float max = Float.POSITIVE_INFINITY;
    if (has(n, "min") || has(n, "max")) { // opset < 11
      min = attrFloat(n, "min", min);
      max = attrFloat(n, "max", max);
    }
    if (n.getInputCount() > 1 && !n.getInput(1).isEmpty()) {
      min = g.constant(n, 1, where).scalar();
    }
    if (n.getInputCount() > 2 && !n.getInput(2).isEmpty()) {
      max = g.constant(n, 2, where).scalar();
    }
    if (Float.isNaN(min) || Float.isNaN(max) || min > max) {
      throw new OnnxException(where + ": bounds [" + min + ", " + max + "]");
    }
    GraphValue v = g.value(n, 0, where);
    if (v instanceof Net x && x.scale() == 1 && !x.layers().isEmpty()) {
      g.put(n, x.with(min == 0f && max == Float.POSITIVE_INFINITY
          ? new NetworkLayer.LeakyRelu(x.channels(), 0f) // a ReLU: folded into the store
          : new NetworkLayer.Clamp(x.channels(), min, max), 1), where);
    } else if ((v instanceof Net x && x.scale() > 1) || (v instanceof Sum s && s.copies() == 0)) {
      g.put(n, new Clipped(v, min, max), where);
    } else {
      throw new OnnxException(where + ": a Clip on " + describe(v) + " is not supported (only"
          + " between layers before the upscaling one, or a clamp of the final output)");
    }
  }

  private void add(NodeProto n, String where, boolean sub) {
    String a = n.getInput(0);
    String b = n.getInput(1);
    if (g.isConstant(b) || g.isConstant(a)) {
      boolean constFirst = g.isConstant(a);
      if (constFirst && sub) {
        throw new OnnxException(where + ": a constant minus the network is not supported");
      }
      Constant c = g.constantOrNull(constFirst ? a : b);
      Net x = g.net(n, constFirst ? 1 : 0, where, true);
      g.put(n, affine(x, 1f, c, sub ? -1f : 1f, where), where);
      return;
    }
    if (sub) {
      throw new OnnxException(where + ": subtracting one computed value from another is not"
          + " supported");
    }
    GraphValue va = g.value(n, 0, where);
    GraphValue vb = g.value(n, 1, where);
    if (vb instanceof Net && !(va instanceof Net)) {
      GraphValue t = va;
      va = vb;
      vb = t;
    }
    if (va instanceof Net x && vb instanceof Skip s) {
      if (x.scale() != s.scale()) {
        throw new OnnxException(where + ": adds an x" + s.scale() + " interpolation to an x"
            + x.scale() + " network");
      }
      g.put(n, new Sum(x, s, 0), where);
    } else if (va instanceof Net x && vb instanceof Repeated r && x.scale() == 1
        && x.channels() == r.copies()) {
      g.put(n, new Sum(x, null, r.copies()), where);
    } else {
      throw new OnnxException(where + ": adds " + describe(va) + " and " + describe(vb)
          + "; supported: a network plus an interpolation of the input (a skip connection),"
          + " or plus the input repeated along channels before depth to space");
    }
  }

  private void mul(NodeProto n, String where, boolean div) {
    boolean constFirst = g.isConstant(n.getInput(0));
    if (constFirst && div) {
      throw new OnnxException(where + ": a constant divided by the network is not supported");
    }
    Constant c = g.constantOrNull(n.getInput(constFirst ? 0 : 1));
    if (c == null) {
      throw new OnnxException(where + ": multiplies two computed values; only a product with"
          + " a constant is supported");
    }
    Net x = g.net(n, constFirst ? 1 : 0, where, true);
    float f = c.scalar();
    if (!(Float.isFinite(f) && f != 0f)) {
      throw new OnnxException(where + ": by " + Arrays.toString(c.floats()) + "; a Mul or Div"
          + " by one finite non-zero number is supported");
    }
    f = div ? 1f / f : f;
    if (x.layers().isEmpty()) {
      g.put(n, new Net(x.layers(), x.channels(), x.inputScale() * f, 1), where);
    } else {
      g.put(n, affine(x, f, null, 0f, where), where);
    }
  }

  private void depthToSpace(NodeProto n, String where, int block, boolean dcr) {
    if (block < 2) {
      throw new OnnxException(where + ": blocksize " + block);
    }
    GraphValue v = g.value(n, 0, where);
    g.put(n, ShapeOperators.depthToSpace(v, block, dcr, where), where);
  }

  private void resize(NodeProto n, String where) {
    GraphValue v = g.value(n, 0, where);
    if (!(v instanceof Net x) || !x.layers().isEmpty() || x.inputScale() != 1f) {
      throw new OnnxException(where + ": a Resize of " + describe(v) + " is not supported"
          + " (only of the input, as a skip connection)");
    }
    int scalesInput = opset > 0 && opset < 11 ? 1 : 2;
    if (n.getInputCount() <= scalesInput || n.getInput(scalesInput).isEmpty()) {
      throw new OnnxException(where + ": no constant scales (a Resize to computed sizes is"
          + " not supported; export with scale_factor)");
    }
    float[] sc = g.constant(n, scalesInput, where).floats();
    if (sc.length != 4 || sc[0] != 1 || sc[1] != 1 || sc[2] != sc[3] || sc[2] < 2
        || sc[2] != Math.rint(sc[2])) {
      throw new OnnxException(where + ": scales " + Arrays.toString(sc) + "; a whole factor"
          + " >= 2 on both spatial axes is supported");
    }
    int s = (int) sc[2];
    String mode = attrString(n, "mode", "nearest");
    String coords = attrString(n, "coordinate_transformation_mode", "half_pixel");
    boolean halfPixel = coords.equals("half_pixel") || coords.equals("pytorch_half_pixel");
    Interpolation kind;
    switch (mode) {
      case "nearest" -> {
        String nearest = attrString(n, "nearest_mode", "round_prefer_floor");
        boolean repeat = (coords.equals("asymmetric") && nearest.equals("floor"))
            || (halfPixel && nearest.startsWith("round_prefer"));
        if (!repeat) {
          throw new OnnxException(where + ": nearest with " + coords + " and " + nearest
              + " does not repeat pixels; supported: asymmetric + floor (PyTorch) or"
              + " half_pixel + round_prefer_floor/ceil");
        }
        kind = Interpolation.NEAREST;
      }
      case "linear" -> kind = Interpolation.BILINEAR;
      case "cubic" -> {
        float a = attrFloat(n, "cubic_coeff_a", -0.75f);
        if (a != -0.75f || attrInt(n, "exclude_outside", 0) != 0) {
          throw new OnnxException(where + ": cubic with a = " + a + (attrInt(n,
              "exclude_outside", 0) != 0 ? " and exclude_outside" : "") + "; the engine's"
              + " bicubic is a = -0.75 (PyTorch, OpenCV)");
        }
        kind = Interpolation.BICUBIC;
      }
      default -> throw new OnnxException(where + ": mode " + mode);
    }
    if (!mode.equals("nearest") && !halfPixel) {
      throw new OnnxException(where + ": " + mode + " with coordinate_transformation_mode "
          + coords + "; the engine's interpolations are half_pixel (PyTorch's"
          + " align_corners=False)");
    }
    g.put(n, new Skip(kind, s), where);
  }
}

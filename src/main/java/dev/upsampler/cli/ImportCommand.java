package dev.upsampler.cli;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.WeightLayout;
import dev.upsampler.io.ModelFiles;
import dev.upsampler.io.onnx.OnnxImport;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;
import picocli.CommandLine.ArgGroup;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code import}: a network trained in PyTorch or TensorFlow, as a model file. */
@Command(
    name = "import",
    description = {
      "Turns a network trained in PyTorch or TensorFlow into a model file: an ONNX graph"
          + " (torch.onnx.export, tf2onnx) or an FSRCNN-style network's weights as .npz.",
      "",
      "ONNX: convolutions (same padding), ReLU, LeakyReLU, PReLU, a transposed convolution or"
          + " DepthToSpace (or PyTorch's Reshape/Transpose pixel shuffle) upscaling last, a skip"
          + " connection (Resize nearest/linear/cubic of the input, or the input repeated before"
          + " the shuffle), Mul/Div/Add/Sub by constants after a convolution, a final Clip;"
          + " the scale is read from the graph, spatial sizes may be dynamic. Anything else is"
          + " refused with its operator and node.",
      "",
      "The network: convolutions, PReLUs, a transposed convolution last. The model file"
          + " (OUT.json + OUT.npz) serves upscale --kernel model:OUT.json, eval and the Flink"
          + " job. The weights come as a NumPy .npz in layer order:",
      "  PyTorch:    np.savez(\"w.npz\", **{k: v.detach().numpy() for k, v in"
          + " model.state_dict().items()})",
      "  TensorFlow: np.savez(\"w.npz\", **{v.name: v.numpy() for v in model.weights})",
      "The network takes luma in [0, 1]. TensorFlow's SAME crop is kept as TensorFlow computes"
          + " it (one pixel off PyTorch's for FSRCNN's 9x9 kernel).",
      ""
    },
    footer = {"", "Examples: import --onnx espcn_x2.onnx --out models/espcn-x2.json",
      "          import --torch fsrcnn_x2.npz --scale 2 --out models/fsrcnn-x2.json"})
final class ImportCommand extends BaseCommand {

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--torch", paramLabel = "NPZ", description = "A PyTorch state_dict.")
    Path torch;

    @Option(names = "--tensorflow", paramLabel = "NPZ", description = "A Keras model's weights.")
    Path tensorflow;

    @Option(names = "--onnx", paramLabel = "MODEL.onnx", description = "An ONNX model.")
    Path onnx;
  }

  @Option(names = "--scale", paramLabel = "S", description = "The transposed convolution's"
      + " stride (required for .npz; for ONNX, checked against the graph's).")
  Integer scale;

  @Option(names = "--padding", paramLabel = "P,OP", description = "PyTorch's padding and"
      + " output_padding of the transposed convolution (default FSRCNN's: k/2, scale-1).")
  String padding;

  @Option(names = "--tf-padding", defaultValue = "same", paramLabel = "same|valid",
      description = "TensorFlow's Conv2DTranspose padding (default ${DEFAULT-VALUE}).")
  String tfPadding;

  @Option(names = "--out", required = true, paramLabel = "OUT.json") Path out;

  @Override
  public Integer call() throws Exception {
    if (scale != null && (scale < 1 || scale > 8)) {
      throw usage("--scale must be 1..8");
    }
    if (scale == null && source.onnx == null) {
      throw usage("--scale is required with --torch and --tensorflow");
    }
    if (!ModelFiles.isModel(out)) {
      throw usage("--out must end in .json (the manifest; the weights go beside it as .npz)");
    }
    int[] torchPadding = null;
    if (padding != null) {
      String[] p = padding.split(",");
      try {
        torchPadding = new int[] {Integer.parseInt(p[0].trim()), Integer.parseInt(p[1].trim())};
      } catch (RuntimeException e) {
        throw usage("--padding must be P,OP (e.g. 4,1), got " + padding);
      }
    }
    boolean tf = source.tensorflow != null;
    boolean onnx = source.onnx != null;
    Path from = onnx ? source.onnx : tf ? source.tensorflow : source.torch;
    SequentialNetwork net = onnx ? OnnxImport.load(from)
        : dev.upsampler.io.ModelImport.fromNpz(from, tf ? WeightLayout.TF : WeightLayout.TORCH,
            scale, torchPadding, tfPadding.toLowerCase(Locale.ROOT));
    int deduced = net.outputSize(100, 100)[0] / 100;
    if (scale != null && scale != deduced) {
      throw new dev.upsampler.io.InvalidInputException(from, "the graph upscales x" + deduced
          + ", --scale says x" + scale);
    }
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) {
      java.nio.file.Files.createDirectories(dir);
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("imported_from", from.toString());
    info.put("framework", onnx ? "onnx" : tf ? "tensorflow" : "pytorch");
    ModelFiles.save(out, net, "imported", info);
    StringBuilder layers = new StringBuilder();
    for (NetworkLayer l : net.layers()) {
      layers.append(layers.length() > 0 ? " -> " : "").append(describe(l));
    }
    int[] o = net.outputSize(100, 100);
    out().printf(Locale.ROOT, "imported %d layers (%s), x%d: %s%n  %s%s%s%n",
        net.layers().size(), onnx ? "ONNX" : tf ? "TensorFlow" : "PyTorch", o[0] / 100, out,
        layers, net.skip() == null ? "" : " + " + net.skip().name().toLowerCase(Locale.ROOT)
        + " skip", net.clip() == null ? "" : ", clamped to [" + net.clip()[0] + ", "
        + net.clip()[1] + "]");
    return 0;
  }

  private static String describe(NetworkLayer l) {
    if (l instanceof NetworkLayer.Conv2d c) {
      return "conv " + c.k() + "x" + c.k() + " " + c.in() + ">" + c.out();
    }
    if (l instanceof NetworkLayer.PRelu) {
      return "prelu";
    }
    if (l instanceof NetworkLayer.LeakyRelu r) {
      return r.alpha() == 0f ? "relu" : "leaky_relu " + r.alpha();
    }
    if (l instanceof NetworkLayer.Clamp k) {
      return "clamp [" + k.min() + ", " + k.max() + "]";
    }
    if (l instanceof NetworkLayer.DepthToSpace d) {
      return "depth_to_space " + d.block() + (d.dcr() ? " dcr" : " crd");
    }
    NetworkLayer.ConvTranspose2d t = (NetworkLayer.ConvTranspose2d) l;
    return "deconv " + t.spec().kernel() + " s" + t.spec().stride().h() + " " + t.inChannels()
        + ">" + t.outChannels();
  }
}

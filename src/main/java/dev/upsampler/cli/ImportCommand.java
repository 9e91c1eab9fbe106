package dev.upsampler.cli;

import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.WeightLayout;
import dev.upsampler.io.ModelFiles;
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
      "Turns an FSRCNN-style network trained in PyTorch or TensorFlow into a model file.",
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
    footer = {"", "Example: import --torch fsrcnn_x2.npz --scale 2 --out models/fsrcnn-x2.json"})
final class ImportCommand extends BaseCommand {

  @ArgGroup(multiplicity = "1")
  Source source;

  static final class Source {
    @Option(names = "--torch", paramLabel = "NPZ", description = "A PyTorch state_dict.")
    Path torch;

    @Option(names = "--tensorflow", paramLabel = "NPZ", description = "A Keras model's weights.")
    Path tensorflow;
  }

  @Option(names = "--scale", required = true, paramLabel = "S",
      description = "The transposed convolution's stride.")
  int scale;

  @Option(names = "--padding", paramLabel = "P,OP", description = "PyTorch's padding and"
      + " output_padding of the transposed convolution (default FSRCNN's: k/2, scale-1).")
  String padding;

  @Option(names = "--tf-padding", defaultValue = "same", paramLabel = "same|valid",
      description = "TensorFlow's Conv2DTranspose padding (default ${DEFAULT-VALUE}).")
  String tfPadding;

  @Option(names = "--out", required = true, paramLabel = "OUT.json") Path out;

  @Override
  public Integer call() throws Exception {
    if (scale < 1 || scale > 8) {
      throw usage("--scale must be 1..8");
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
    Path from = tf ? source.tensorflow : source.torch;
    SequentialNetwork net = dev.upsampler.io.ModelImport.fromNpz(from,
        tf ? WeightLayout.TF : WeightLayout.TORCH, scale, torchPadding,
        tfPadding.toLowerCase(Locale.ROOT));
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) {
      java.nio.file.Files.createDirectories(dir);
    }
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("imported_from", from.toString());
    info.put("framework", tf ? "tensorflow" : "pytorch");
    ModelFiles.save(out, net, "imported", info);
    StringBuilder layers = new StringBuilder();
    for (NetworkLayer l : net.layers()) {
      layers.append(layers.length() > 0 ? " -> " : "").append(describe(l));
    }
    int[] o = net.outputSize(100, 100);
    out().printf(Locale.ROOT, "imported %d layers (%s), x%d: %s%n  %s%n", net.layers().size(),
        tf ? "TensorFlow" : "PyTorch", o[0] / 100, out, layers);
    return 0;
  }

  private static String describe(NetworkLayer l) {
    if (l instanceof NetworkLayer.Conv2d c) {
      return "conv " + c.k() + "x" + c.k() + " " + c.in() + ">" + c.out();
    }
    if (l instanceof NetworkLayer.PRelu) {
      return "prelu";
    }
    NetworkLayer.ConvTranspose2d t = (NetworkLayer.ConvTranspose2d) l;
    return "deconv " + t.spec().kernel() + " s" + t.spec().stride().h() + " " + t.inChannels()
        + ">" + t.outChannels();
  }
}

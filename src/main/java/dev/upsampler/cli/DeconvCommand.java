package dev.upsampler.cli;

import dev.upsampler.engine.ConvTranspose;
import dev.upsampler.engine.ConvTransposePlan;
import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.WeightLayout;
import dev.upsampler.io.Npy;
import dev.upsampler.io.NpyArray;
import java.io.IOException;
import java.nio.file.Path;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code deconv}: one transposed convolution on NumPy files, with any framework's padding. */
@Command(
    name = "deconv",
    description = {
      "Applies a 2-D transposed convolution (deconvolution) to an NCHW float tensor in a .npy"
          + " file, with PyTorch, ONNX or TensorFlow padding semantics.",
      "",
      "Padding front ends (pick one):",
      "  PyTorch     --padding P|PH,PW [--output-padding O|OH,OW]",
      "  ONNX pads   --pads T,L,B,R [--output-padding O|OH,OW]",
      "  ONNX auto   --auto-pad SAME_UPPER|SAME_LOWER|VALID [--output-shape H,W]"
          + " [--output-padding O]",
      "  TensorFlow  --padding SAME|VALID [--output-shape H,W]",
      ""
    },
    footer = {
      "",
      "Example (the write-up's 5x5 case):",
      "  deconv --input x.npy --weight w.npy --stride 2 --padding SAME --output-shape 5,5 --print",
      "",
      "Exit status: 0 success, 1 invalid input or request, 2 usage error."
    })
final class DeconvCommand extends BaseCommand {

  @Option(names = "--input", required = true, paramLabel = "X.npy",
      description = "Input tensor [N, C_in, H, W], float32 or float64.")
  Path input;

  @Option(names = "--weight", required = true, paramLabel = "W.npy",
      description = "Weights [C_in, C_out/groups, kH, kW] (or [kH, kW, C_out, C_in] with"
          + " --weight-layout tf).")
  Path weight;

  @Option(names = "--bias", paramLabel = "B.npy", description = "Optional bias [C_out].")
  Path bias;

  @Option(names = "--output", paramLabel = "Y.npy",
      description = "Where to write the float32 result; written atomically.")
  Path output;

  @Option(names = "--stride", paramLabel = "S|SH,SW", defaultValue = "1",
      converter = Size2Converter.class, description = "Stride (default ${DEFAULT-VALUE}).")
  Size2 stride;

  @Option(names = "--dilation", paramLabel = "D|DH,DW", defaultValue = "1",
      converter = Size2Converter.class, description = "Dilation (default ${DEFAULT-VALUE}).")
  Size2 dilation;

  @Option(names = "--groups", paramLabel = "G", defaultValue = "1",
      description = "Channel groups (default ${DEFAULT-VALUE}).")
  int groups;

  @Option(names = "--pads", paramLabel = "T,L,B,R",
      description = "ONNX pads: top, left, bottom, right (or P, or PH,PW).")
  String pads;

  @Option(names = "--padding", paramLabel = "SAME|VALID|P|PH,PW",
      description = "TensorFlow SAME/VALID, or PyTorch's symmetric padding.")
  String padding;

  @Option(names = "--auto-pad", paramLabel = "MODE",
      description = "ONNX auto_pad: SAME_UPPER, SAME_LOWER or VALID.")
  String autoPad;

  @Option(names = "--output-padding", paramLabel = "O|OH,OW", converter = Size2Converter.class,
      description = "Extra rows/columns at the end (PyTorch, ONNX); < max(stride, dilation).")
  Size2 outputPadding;

  @Option(names = "--output-shape", paramLabel = "H,W", converter = Size2Converter.class,
      description = "Output height and width (TensorFlow, ONNX auto_pad, or PyTorch's"
          + " output_size).")
  Size2 outputShape;

  @Option(names = "--weight-layout", paramLabel = "torch|tf", defaultValue = "torch",
      description = "Layout of --weight (default ${DEFAULT-VALUE}).")
  String weightLayout;

  @Option(names = "--algorithm", paramLabel = "NAME", defaultValue = "fast",
      description = "fast (default: tiled polyphase, SIMD when available), reference (the"
          + " scatter oracle) or zero-insertion (the write-up's form).")
  String algorithm;

  @Option(names = "--threads", paramLabel = "T", defaultValue = "1",
      description = "Threads for the fast engine (default ${DEFAULT-VALUE}).")
  int threads;

  @Option(names = "--repeat", paramLabel = "N", defaultValue = "0",
      description = "Benchmark: after warm-up, run N more times and print the median and minimum"
          + " time, GFLOP/s of useful work, threads and the path taken.")
  int repeat;

  @Option(names = "--print", description = "Print the output matrices.")
  boolean print;

  @Override
  public Integer call() throws IOException {
    if (output == null && !print) {
      throw usage("give --output Y.npy, --print, or both");
    }
    Tensor x = load(input, "input");
    NpyArray w = Npy.read(weight);
    Tensor weights;
    try {
      weights = WeightLayout.parse(weightLayout).toTorch(w.data(), w.shape());
    } catch (ShapeException e) {
      throw new ShapeException(weight + ": " + e.getMessage());
    }
    float[] b = bias == null ? null : loadBias(bias);
    ConvTransposeSpec spec = new ConvTransposeSpec(
        weights.n(), weights.c() * groups, new Size2(weights.h(), weights.w()), stride, dilation,
        groups, padding(), b != null);
    ConvTranspose op = ConvTranspose.of(spec, weights, b)
        .using(ConvTranspose.Algorithm.parse(algorithm));
    ConvTransposePlan plan = op.plan(x);
    debug("deconv: " + spec + " -> " + plan);
    debug("deconv: path " + op.pathDescription() + ", " + threads + " thread(s)");
    if (threads < 1 || repeat < 0) {
      throw usage("--threads must be >= 1 and --repeat >= 0");
    }
    Tensor y = Tensor.zeros(x.n(), spec.outChannels(), plan.outH(), plan.outW());
    try (Parallelism par = Parallelism.newPool(threads)) {
      op.apply(x, y, par);
      if (repeat > 0) {
        out().println(RepeatTimer.measure(repeat, () -> op.apply(x, y, par))
            .summary(plan.flopsPerImage() * x.n(), threads, op.pathDescription()));
      }
    }
    if (output != null) {
      Npy.write(output, new NpyArray(y.toArray(), y.shape()));
      out().println("wrote " + output + " " + y.shapeString());
    }
    if (print) {
      MatrixPrinter.print(y, out());
    }
    return 0;
  }

  private static Tensor load(Path path, String what) throws IOException {
    NpyArray a = Npy.read(path);
    try {
      return Tensor.wrap(a.data(), a.shape(), what);
    } catch (ShapeException e) {
      throw new ShapeException(path + ": " + e.getMessage());
    }
  }

  private static float[] loadBias(Path path) throws IOException {
    NpyArray a = Npy.read(path);
    if (a.shape().length != 1) {
      throw new ShapeException(path + ": bias must have rank 1 [C_out], got rank "
          + a.shape().length + " " + java.util.Arrays.toString(a.shape()));
    }
    return a.data();
  }

  /** Resolves the one padding front end the flags name. */
  private Padding padding() {
    int frontEnds = (pads != null ? 1 : 0) + (padding != null ? 1 : 0) + (autoPad != null ? 1 : 0);
    if (frontEnds > 1) {
      throw usage("--pads, --padding and --auto-pad are alternatives: give one");
    }
    Size2 op = outputPadding == null ? Size2.square(0) : outputPadding;
    if (autoPad != null) {
      return new Padding.OnnxAuto(Padding.AutoPad.parse(autoPad), outputShape, op);
    }
    boolean tensorFlow = padding != null && !Character.isDigit(padding.trim().charAt(0));
    if (tensorFlow) {
      if (outputPadding != null) {
        throw usage("--output-padding does not apply to TensorFlow padding; use --output-shape");
      }
      return new Padding.TensorFlow(Padding.TfMode.parse(padding), outputShape);
    }
    Padding.Explicit explicit;
    if (pads != null) {
      int[] p = parsePads(pads);
      explicit = Padding.onnxPads(p[0], p[1], p[2], p[3], op);
    } else {
      Size2 p = padding == null ? Size2.square(0) : Size2.parse(padding);
      explicit = Padding.torch(p, op);
    }
    return outputShape == null ? explicit : explicit.withOutputShape(outputShape);
  }

  private int[] parsePads(String text) {
    String[] parts = text.trim().split("\\s*,\\s*");
    int[] v = new int[parts.length];
    try {
      for (int i = 0; i < parts.length; i++) {
        v[i] = Integer.parseInt(parts[i]);
      }
    } catch (NumberFormatException e) {
      throw usage("--pads expects integers T,L,B,R, got '" + text + "'");
    }
    return switch (v.length) {
      case 1 -> new int[] {v[0], v[0], v[0], v[0]};
      case 2 -> new int[] {v[0], v[1], v[0], v[1]};
      case 4 -> v;
      default -> throw usage("--pads expects P, PH,PW or T,L,B,R, got '" + text + "'");
    };
  }
}

package dev.upsampler.io;

import dev.upsampler.engine.ConvTransposeSpec;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.Padding;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.ShapeException;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.SpecException;
import dev.upsampler.engine.Tensor;
import dev.upsampler.engine.WeightLayout;
import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Builds a network from weights trained elsewhere and saved as a NumPy {@code .npz}: an
 * FSRCNN-style sequence of convolutions (each with its bias), PReLUs and a transposed
 * convolution last, read in the file's order ({@code np.savez} keeps the order of its
 * arguments, so a PyTorch {@code state_dict} or a Keras model's {@code weights} come in layer
 * order).
 *
 * <ul>
 *   <li>4-D arrays are convolution kernels; the last one is the transposed convolution.
 *       PyTorch: {@code [out, in, k, k]} and {@code [in, out, k, k]}; TensorFlow: {@code [k, k,
 *       in, out]} and {@code [k, k, out, in]}; both convert with {@code transpose(3, 2, 0, 1)};
 *   <li>a 1-D array whose name contains "bias" is the preceding kernel's bias;
 *   <li>any other array is a PReLU's slopes (PyTorch {@code [C]} or one shared {@code [1]};
 *       Keras {@code [1, 1, C]}).
 * </ul>
 *
 * The transposed convolution keeps the front end's crop: PyTorch's {@code padding} and {@code
 * output_padding} (FSRCNN's {@code k // 2} and {@code scale - 1} by default) or TensorFlow's
 * SAME, which sits one pixel earlier for FSRCNN's 9x9 kernel (SEMANTICS.md). Either way the
 * imported network computes what the framework computed.
 */
public final class ModelImport {
  private ModelImport() {}

  /**
   * @param torchPadding PyTorch's {padding, output_padding} of the transposed convolution, or
   *     null for FSRCNN's; ignored for TensorFlow, whose {@code tfPadding} is "same" or "valid"
   */
  public static SequentialNetwork fromNpz(Path npz, WeightLayout layout, int scale,
      int[] torchPadding, String tfPadding) throws IOException {
    Map<String, NpyArray> arrays = ModelFiles.readNpz(npz);
    List<String> names = new ArrayList<>(arrays.keySet());
    int lastKernel = -1;
    for (int i = 0; i < names.size(); i++) {
      if (arrays.get(names.get(i)).shape().length == 4) {
        lastKernel = i;
      }
    }
    if (lastKernel < 0) {
      throw new InvalidInputException(npz, "no 4-D kernel among its arrays " + describe(arrays));
    }
    List<NetworkLayer> layers = new ArrayList<>();
    int channels = 1;
    try {
      for (int i = 0; i < names.size(); i++) {
        String name = names.get(i);
        NpyArray a = arrays.get(name);
        if (a.shape().length == 4) {
          Tensor w = layout.toTorch(a.data(), a.shape());
          float[] bias = null;
          if (i + 1 < names.size() && isBias(names.get(i + 1), arrays.get(names.get(i + 1)))) {
            bias = arrays.get(names.get(++i)).data();
          }
          if (i >= lastKernel) {
            layers.add(transposed(w, bias, layout, scale, torchPadding, tfPadding, name));
            channels = w.c();
          } else {
            // TensorFlow's conv kernel [k, k, in, out] came out as [out, in, k, k].
            int out = w.n();
            int in = w.c();
            if (w.h() != w.w()) {
              throw new InvalidInputException(npz, name + ": kernel " + w.h() + "x" + w.w()
                  + " is not square");
            }
            layers.add(new NetworkLayer.Conv2d(in, out, w.h(), concat(w.toArray(),
                bias != null ? bias : new float[out])));
            channels = out;
          }
        } else if (isBias(name, a)) {
          throw new InvalidInputException(npz, name + " is a bias with no kernel before it");
        } else {
          float[] slopes = a.data();
          if (slopes.length == 1 && channels > 1) {
            slopes = new float[channels];
            Arrays.fill(slopes, a.data()[0]); // PReLU(num_parameters=1): one shared slope
          }
          layers.add(new NetworkLayer.PRelu(slopes.clone()));
        }
      }
      for (int i = 0; i < layers.size(); i++) {
        float[] p = layers.get(i).params();
        for (int j = 0; j < p.length; j++) {
          if (!Float.isFinite(p[j])) {
            throw new InvalidInputException(npz, "layer " + i + ": value " + j + " is " + p[j]
                + " (NaN or infinite weights)");
          }
        }
      }
      return new SequentialNetwork(layers);
    } catch (SpecException | ShapeException e) {
      throw new InvalidInputException(npz, e.getMessage() + " (arrays: " + describe(arrays)
          + ")");
    }
  }

  private static NetworkLayer transposed(Tensor w, float[] bias, WeightLayout layout, int scale,
      int[] torchPadding, String tfPadding, String name) {
    int k = w.h();
    if (w.h() != w.w()) {
      throw new SpecException(name + ": kernel " + w.h() + "x" + w.w() + " is not square");
    }
    Padding padding;
    if (layout == WeightLayout.TF) {
      padding = new Padding.TensorFlow(Padding.TfMode.parse(tfPadding == null ? "same"
          : tfPadding), null);
    } else {
      int p = torchPadding != null ? torchPadding[0] : k / 2;
      int op = torchPadding != null ? torchPadding[1] : scale - 1;
      padding = Padding.torch(Size2.square(p), Size2.square(op));
    }
    ConvTransposeSpec spec = new ConvTransposeSpec(w.n(), w.c(), Size2.square(k),
        Size2.square(scale), Size2.square(1), 1, padding, true);
    return new NetworkLayer.ConvTranspose2d(spec, concat(w.toArray(),
        bias != null ? bias : new float[w.c()]));
  }

  private static boolean isBias(String name, NpyArray a) {
    return a.shape().length == 1 && name.toLowerCase(Locale.ROOT).contains("bias");
  }

  private static float[] concat(float[] a, float[] b) {
    float[] c = Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private static String describe(Map<String, NpyArray> arrays) {
    StringBuilder sb = new StringBuilder();
    arrays.forEach((k, v) -> sb.append(sb.length() > 0 ? ", " : "").append(k)
        .append(Arrays.toString(v.shape())));
    return sb.toString();
  }
}

package dev.upsampler.cli;

import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.ModelFiles;
import dev.upsampler.learn.NetworkDeepening;
import dev.upsampler.learn.Trainer;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;

/**
 * Where {@code train} takes its first weights from when it does not start at random: a
 * checkpoint or the model at OUT ({@code --resume}), or a smaller trained model grown deeper
 * ({@code --deepen-from}). Each is refused by name when it does not fit the network asked for.
 */
final class StartingWeights {
  private StartingWeights() {}

  /** {@code --deepen-from}'s model grown to {@code layers} layers with identity middle ones. */
  static List<float[]> deepened(Path from, int layers, int channels, Interpolation skip,
      String activation) throws IOException {
    SequentialNetwork small = ModelFiles.loadNetwork(from);
    if (small.skip() != skip) {
      throw new InvalidInputException(from, "its skip is " + name(small.skip()) + ", --skip is "
          + name(skip));
    }
    String its = activationOf(small);
    if (!its.equals(activation)) {
      throw new InvalidInputException(from, "its activation is " + its + ", --activation is "
          + activation);
    }
    List<float[]> saved = small.layers().stream().map(NetworkLayer::params).toList();
    if (saved.get(0).length != channels * 10) { // 1 -> C 3x3: 9C weights, C biases
      throw new InvalidInputException(from, "its first layer is not a 1 -> " + channels
          + " 3x3 convolution; --espcn must keep the model's channels");
    }
    int extra = (layers - saved.size()) / 2;
    if (extra < 1) {
      throw new InvalidInputException(from, "has " + (saved.size() / 2 - 2) + " middle layers;"
          + " --espcn must ask for more to deepen it");
    }
    try {
      return NetworkDeepening.deepen(saved, channels, extra);
    } catch (IllegalArgumentException e) {
      throw new InvalidInputException(from, "cannot deepen it to --espcn: " + e.getMessage());
    }
  }

  /** The activation after the first convolution, named as --activation names it. */
  private static String activationOf(SequentialNetwork n) {
    NetworkLayer a = n.layers().size() > 1 ? n.layers().get(1) : null;
    if (a instanceof NetworkLayer.PRelu) {
      return "prelu";
    } else if (a instanceof NetworkLayer.LeakyRelu r && r.alpha() == 0f) {
      return "relu";
    } else if (a instanceof NetworkLayer.Clamp c && c.min() == 0f && c.max() == 6f) {
      return "relu6";
    }
    return a == null ? "none" : a.getClass().getSimpleName();
  }

  private static String name(Interpolation skip) {
    return skip == null ? "none" : skip.name().toLowerCase(Locale.ROOT);
  }

  /** Continues from saved arrays, refused unless they have the model's sizes. */
  static void copyInto(Trainer t, List<float[]> saved, Path from)
      throws InvalidInputException {
    List<float[]> live = t.parameters();
    boolean same = saved.size() == live.size();
    for (int i = 0; same && i < live.size(); i++) {
      same = saved.get(i).length == live.get(i).length;
    }
    if (!same) {
      throw new InvalidInputException(from, "cannot resume: its arrays ("
          + saved.stream().map(a -> String.valueOf(a.length)).toList() + " values) do not fit"
          + " the model being trained (" + live.stream().map(a -> String.valueOf(a.length))
          .toList() + ")");
    }
    for (int i = 0; i < live.size(); i++) {
      System.arraycopy(saved.get(i), 0, live.get(i), 0, live.get(i).length);
    }
  }
}

package dev.upsampler.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.SelfEnsemble;
import dev.upsampler.engine.SequentialNetwork;
import dev.upsampler.engine.Tensor;
import dev.upsampler.io.ModelFiles;
import dev.upsampler.io.ShippedModels;
import java.util.Arrays;
import java.util.Locale;
import java.util.Random;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code models}: the shipped models with their architecture, scale, the quality gain their
 * training measured, and their speed measured now on this machine.
 */
@Command(
    name = "models",
    description = {
      "Lists the trained models that ship with upsampler.",
      "",
      "Use them by name (upscale --kernel sr-x2, kernel: sr-x2-fast in a job). Shows the"
          + " architecture, scale, size, the Y-PSNR gain at its scale"
          + " over bicubic measured on photographs no model saw (eval --bicubic-baseline), and"
          + " the speed measured now: a luma plane upscaled to 1280x720 (640x360 at x2, 427x240"
          + " at x3, 320x180 at x4) on --threads threads (median of --runs after a warm-up).",
      ""
    })
final class ModelsCommand extends BaseCommand {

  @Option(names = "--threads", paramLabel = "T",
      description = "Engine threads for the speed column (default: all cores).")
  Integer threads;

  @Option(names = "--runs", defaultValue = "7", paramLabel = "N",
      description = "Timed runs per model (default ${DEFAULT-VALUE}; 0 skips timing).")
  int runs;

  @Option(names = "--self-ensemble", description = "Gain and speed of each model as a"
      + " geometric self-ensemble (upscale --self-ensemble: the mean over 8 flips and"
      + " transposes, 8 passes).")
  boolean selfEnsemble;

  @Override
  public Integer call() throws Exception {
    if (runs < 0 || runs > 1000) {
      throw usage("--runs must be 0..1000");
    }
    int t = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    if (t < 1 || t > 256) {
      throw usage("--threads must be 1..256");
    }
    out().printf(Locale.ROOT, "%-11s %-34s %5s %7s %9s %11s %14s%n", "name", "architecture",
        "scale", "params", "MACs/px", "gain dB", runs > 0 ? "to 720p ms" : "");
    for (String name : ShippedModels.NAMES) {
      JsonNode m = ShippedModels.describe(name);
      SequentialNetwork net = ModelFiles.loadNetwork(ShippedModels.manifest(name));
      long params = net.layers().stream().mapToLong(l -> l.params().length).sum();
      JsonNode trained = m.path("trained");
      String gainKey = selfEnsemble ? "eval_gain_self_ensemble_db" : "eval_gain_db";
      // Three decimals, as measured: at two, sr-x2's +1.997 with --self-ensemble read "+2.00",
      // which looks like the +2.0 dB target met.
      String gain = trained.has(gainKey)
          ? String.format(Locale.ROOT, "%+.3f", trained.get(gainKey).asDouble()) : "-";
      String speed = "";
      if (runs > 0) {
        double ms = time(net, m.path("scale").asInt(), t);
        speed = String.format(Locale.ROOT, "%.1f (%.0f fps)", ms, 1000 / ms);
      }
      out().printf(Locale.ROOT, "%-11s %-34s %5s %7d %9d %11s %14s%n", name,
          m.path("architecture").asText() + (net.skip() != null ? " + "
          + net.skip().name().toLowerCase(Locale.ROOT) + " skip" : ""),
          "x" + m.path("scale").asInt(), params, net.macsPerPixel(), gain, speed);
      out().flush();
    }
    out().println();
    String how = selfEnsemble ? " --self-ensemble" : "";
    out().println("gain: mean over " + gainPhotos() + " (eval --reference DIR --bicubic-baseline"
        + " --kernel NAME" + how + "); speed: " + t + " thread(s), network only" + (selfEnsemble
        ? ", 8 passes" : "") + " (decoding, colour conversion and encoding not included).");
    return 0;
  }

  private static String gainPhotos() throws java.io.IOException {
    JsonNode t = ShippedModels.describe(ShippedModels.NAMES.get(0)).path("trained");
    return t.path("eval_photos").asText("the evaluation photographs");
  }

  /** Median ms to upscale a random plane to 1280x720 (the input rounded up at x3). */
  private double time(SequentialNetwork net, int scale, int threads) {
    int h = (720 + scale - 1) / scale;
    int w = (1280 + scale - 1) / scale;
    Tensor x = Tensor.zeros(1, 1, h, w);
    Random rnd = new Random(1);
    for (int i = 0; i < x.data().length; i++) {
      x.data()[i] = rnd.nextFloat() * 255f;
    }
    int[] o = net.outputSize(h, w);
    Tensor y = Tensor.zeros(1, 1, o[0], o[1]);
    double[] ms = new double[runs];
    try (Parallelism par = Parallelism.newPool(threads)) {
      for (int i = 0; i < 3; i++) {
        pass(net, x, y, par); // warm-up: the JIT compiles the kernels
      }
      for (int i = 0; i < runs; i++) {
        long t0 = System.nanoTime();
        pass(net, x, y, par);
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
    }
    Arrays.sort(ms);
    return ms[runs / 2];
  }

  private void pass(SequentialNetwork net, Tensor x, Tensor y, Parallelism par) {
    if (selfEnsemble) {
      SelfEnsemble.apply(net, x, y, par, 255f);
    } else {
      net.apply(x, y, par, 255f);
    }
  }
}

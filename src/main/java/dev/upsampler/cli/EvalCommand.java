package dev.upsampler.cli;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;
import dev.upsampler.image.Quality;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import dev.upsampler.image.WorstBlocks;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.InvalidInputException;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Mixin;
import picocli.CommandLine.Option;

/** {@code eval}: PSNR and SSIM of upscaled images, or of a kernel against bicubic. */
@Command(
    name = "eval",
    description = {
      "Measures quality as the super-resolution literature does: PSNR and SSIM on BT.601 luma"
          + " (MATLAB rgb2ycbcr), and PSNR on RGB, with a border crop; per image and mean.",
      "",
      "  eval --reference HR --candidate SR [--crop S]",
      "  eval --reference HR --bicubic-baseline --kernel K --scale S",
      "",
      "With --bicubic-baseline the low-resolution input is made from HR by bicubic downscaling"
          + " (MATLAB imresize), upscaled with --kernel and with bicubic, and the gain reported.",
      ""
    })
final class EvalCommand extends BaseCommand {

  @Option(names = "--reference", required = true, paramLabel = "HR",
      description = "Ground-truth image or directory.")
  Path reference;

  @Option(names = "--candidate", paramLabel = "SR",
      description = "Upscaled image or directory (names matching the reference).")
  Path candidate;

  @Option(names = "--crop", paramLabel = "S",
      description = "Pixels ignored at each border (default: the scale with --bicubic-baseline,"
          + " else 0).")
  Integer crop;

  @Option(names = "--bicubic-baseline",
      description = "Degrade HR by bicubic downscaling, upscale with --kernel and with bicubic,"
          + " report both and the gain.")
  boolean baseline;

  @Option(names = "--worst-blocks", defaultValue = "0", paramLabel = "N",
      description = "With --bicubic-baseline: under each image, the N 32x32 blocks where the"
          + " kernel loses most to bicubic (top-left X,Y for compare --degrade --crop-at, each"
          + " block's Y-PSNR for both, and the dB of the image's gain it costs).")
  int worstBlocks;

  @Mixin ImageOptions image;

  private int modelColumn = 9;

  record Scores(double psnrY, double ssimY, double psnrRgb) {}

  @Override
  public Integer call() throws IOException {
    if (baseline == (candidate != null)) {
      throw usage("give either --candidate SR or --bicubic-baseline");
    }
    if (worstBlocks < 0 || worstBlocks > 1000) {
      throw usage("--worst-blocks must be 0..1000, got " + worstBlocks);
    }
    if (worstBlocks > 0 && !baseline) {
      throw usage("--worst-blocks compares the kernel with bicubic: it needs --bicubic-baseline");
    }
    image.validate();
    List<Path> refs = list(reference);
    List<double[]> rows = new ArrayList<>();
    int failed = 0;
    try (Parallelism par = Parallelism.newPool(image.threads)) {
      Upscaler model = null;
      Upscaler bicubic = null;
      Size2 s = null;
      if (baseline) {
        UpscaleKernel k = image.kernel();
        s = k.scale();
        model = new Upscaler(k, image.colorMode(), par);
        bicubic = new Upscaler(UpscaleKernel.named("bicubic", s), ColorMode.RGB, par);
        String label = image.kernelLabel();
        modelColumn = Math.max(9, label.length()); // a model path or "(self-ensemble)" fits
        out().printf(Locale.ROOT, "%-28s %9s %9s %" + modelColumn + "s %9s %9s%n", "image (x"
            + s.w() + (s.h() != s.w() ? "," + s.h() : "") + ")", "bicubic", "SSIM", label,
            "SSIM", "gain dB");
      } else {
        out().printf(Locale.ROOT, "%-28s %9s %9s %9s%n", "image", "PSNR-Y", "SSIM-Y", "PSNR-RGB");
      }
      for (Path ref : refs) {
        try {
          score(ref, s, model, bicubic, rows);
        } catch (IOException | IllegalArgumentException e) {
          failed++; // named, then the others are still scored
          err().println("upsampler eval: " + e.getMessage());
        }
      }
    }
    if (rows.isEmpty()) {
      throw new InvalidInputException(reference, "no image could be scored (see above)");
    }
    double[] mean = new double[rows.get(0).length];
    for (double[] r : rows) {
      for (int i = 0; i < r.length; i++) {
        mean[i] += r[i] / rows.size();
      }
    }
    if (baseline) {
      out().printf(Locale.ROOT, baselineRow(), "mean (Y-PSNR dB)", mean[0], mean[1], mean[2],
          mean[3], mean[4]);
    } else {
      out().printf(Locale.ROOT, "%-28s %9.3f %9.4f %9.3f%n", "mean", mean[0], mean[1], mean[2]);
    }
    if (failed > 0) {
      out().printf(Locale.ROOT, "%d of %d images could not be scored (see above); the mean is"
          + " over the other %d%n", failed, refs.size(), rows.size());
      return Errors.BAD_INPUT;
    }
    return 0;
  }

  private String baselineRow() {
    return "%-28s %9.3f %9.4f %" + modelColumn + ".3f %9.4f %+9.3f%n";
  }

  /** Scores one reference image (against its candidate, or bicubic and the kernel). */
  private void score(Path ref, Size2 s, Upscaler model, Upscaler bicubic, List<double[]> rows)
      throws IOException {
    String name = ref.getFileName().toString();
    Frame hr = ImageCodecs.read(ref, image.maxPixels);
    if (baseline) {
      int c = crop != null ? crop : Math.max(s.h(), s.w());
      hr = Degradation.cropToMultiple(hr, s.w(), s.h());
      Frame lr = Degradation.downscale(hr, s.w(), s.h());
      Frame bicubicUp = bicubic.apply(lr);
      Frame modelUp = model.apply(lr);
      Scores b = score(hr, bicubicUp, c);
      Scores m = score(hr, modelUp, c);
      rows.add(new double[] {b.psnrY, b.ssimY, m.psnrY, m.ssimY, m.psnrY - b.psnrY});
      out().printf(Locale.ROOT, baselineRow(), name, b.psnrY, b.ssimY, m.psnrY, m.ssimY,
          m.psnrY - b.psnrY);
      if (worstBlocks > 0) {
        printLosses(WorstBlocks.find(hr, modelUp, bicubicUp, c, 32, worstBlocks));
      }
      return;
    }
    Path cand = Files.isDirectory(candidate) ? candidate.resolve(name) : candidate;
    Frame sr = ImageCodecs.read(cand, image.maxPixels);
    if (sr.width() != hr.width() || sr.height() != hr.height()) {
      throw new InvalidInputException(cand, "is " + sr.width() + "x" + sr.height()
          + ", its reference " + ref + " is " + hr.width() + "x" + hr.height());
    }
    Scores sc = score(hr, sr, crop == null ? 0 : crop);
    rows.add(new double[] {sc.psnrY, sc.ssimY, sc.psnrRgb});
    out().printf(Locale.ROOT, "%-28s %9.3f %9.4f %9.3f%n", name, sc.psnrY, sc.ssimY,
        sc.psnrRgb);
  }

  private void printLosses(WorstBlocks.Losses l) {
    out().printf(Locale.ROOT, "  %d of %d 32x32 blocks lose to bicubic (%+.3f dB if they"
        + " matched it)%n", l.losing(), l.blocks(), l.costDb());
    for (WorstBlocks.Block k : l.worst()) {
      out().printf(Locale.ROOT, "  loses at %d,%d: %.2f dB, bicubic %.2f dB; costs %.3f dB%n",
          k.x(), k.y(), k.candidatePsnr(), k.baselinePsnr(), k.costDb());
    }
  }

  static Scores score(Frame hr, Frame sr, int crop) {
    return new Scores(Quality.psnrY(hr, sr, crop), Quality.ssimY(hr, sr, crop),
        Quality.psnrRgb(hr, sr, crop));
  }

  private static List<Path> list(Path p) throws IOException {
    if (!Files.exists(p)) {
      throw new InvalidInputException(p, "no such file or directory");
    }
    if (!Files.isDirectory(p)) {
      return List.of(p);
    }
    try (Stream<Path> s = Files.list(p)) {
      List<Path> l = s.filter(ImageCodecs::isImageName).sorted().toList();
      if (l.isEmpty()) {
        throw new InvalidInputException(p, "holds no images");
      }
      return l;
    }
  }
}

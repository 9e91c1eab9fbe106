package dev.upsampler.cli;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.image.Frame;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
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

/** {@code upscale}: images in, upscaled images out, one file or a whole directory. */
@Command(
    name = "upscale",
    description = {
      "Upscales an image, or every image in a directory (names kept), with a transposed-"
          + "convolution kernel.",
      ""
    },
    footer = {
      "",
      "Examples:",
      "  upscale --input photo.jpg --output photo_x2.png --scale 2 --kernel bicubic",
      "  upscale --input frames/ --output frames_x3/ --scale 3 --kernel lanczos3 --threads 2",
      "",
      "Exit status: 0 all written, 1 some input failed (each named on stderr), 2 usage error."
    })
final class UpscaleCommand extends BaseCommand {

  @Option(names = "--input", required = true, paramLabel = "IN",
      description = "An image file (PNG, JPEG, BMP) or a directory of them.")
  Path input;

  @Option(names = "--output", required = true, paramLabel = "OUT",
      description = "The output file, or directory for a directory input (created).")
  Path output;

  @Mixin ImageOptions image;

  @Option(names = "--format", paramLabel = "png|jpg|bmp",
      description = "Output format (default: the output name's; in directories, each"
          + " input's).")
  String format;

  @Option(names = "--quality", paramLabel = "Q", defaultValue = "0.92",
      description = "JPEG quality 0..1 (default ${DEFAULT-VALUE}).")
  float quality;

  @Option(names = "--tile", paramLabel = "N",
      description = "Write PNG output in strips of N rows, never holding the whole output"
          + " (automatic above " + STREAM_ABOVE_MPX + " megapixels of 8-bit output).")
  Integer tile;

  static final int STREAM_ABOVE_MPX = 64;

  @Override
  public Integer call() throws IOException {
    if (!(quality > 0 && quality <= 1)) {
      throw usage("--quality must be in (0, 1] (JPEG quality, default 0.92), got " + quality);
    }
    UpscaleKernel kernel = image.kernel();
    if (kernel.warning() != null) {
      err().println("upsampler upscale: warning: " + kernel.warning());
    }
    if (!Files.exists(input)) {
      throw new InvalidInputException(input, "no such file or directory");
    }
    try (Parallelism par = Parallelism.newPool(image.threads)) {
      Upscaler upscaler = new Upscaler(kernel, image.colorMode(), par);
      debug("upscale: kernel " + kernel + ", colour " + upscaler.mode() + ", engine "
          + kernel.pathDescription());
      if (!Files.isDirectory(input)) {
        upscaleFile(upscaler, input, output);
        out().println("wrote " + output);
        return 0;
      }
      return upscaleDirectory(upscaler);
    }
  }

  /** The format {@code out} is written in: the one its name says, which --format must match. */
  private String outputFormat(Path out) {
    String byName = ImageCodecs.formatOfName(out);
    if (byName == null) {
      throw usage("--output " + out + ": its extension names no format this tool writes;"
          + " name it .png, .jpg, .jpeg or .bmp");
    }
    if (format != null && !ImageCodecs.formatFor(out, format).equals(byName)) {
      throw usage("--format " + format + " contradicts the output name " + out);
    }
    return byName;
  }

  private void upscaleFile(Upscaler upscaler, Path in, Path out) throws IOException {
    String fmt = outputFormat(out);
    if (Files.exists(out) && Files.isSameFile(in, out)) {
      throw new InvalidInputException(out, "is the input itself; choose another output name");
    }
    Frame f = ImageCodecs.read(in, image.maxPixels);
    int[] size = upscaler.outputSize(f.width(), f.height());
    boolean png = fmt.equals("png");
    boolean big = (long) size[0] * size[1] > STREAM_ABOVE_MPX * 1_000_000L;
    if (png && upscaler.canStream(f) && (tile != null || big)) {
      int rows = tile != null ? tile : 64;
      if (rows < 1) {
        throw usage("--tile must be >= 1");
      }
      debug("upscale: streaming " + size[0] + "x" + size[1] + " in strips of " + rows + " rows");
      ImageCodecs.writePngStreaming(out, size[0], size[1], f.layout().channels(), rows,
          (first, n, dst) -> upscaler.streamRows(f, first, n, dst));
      return;
    }
    Frame up = upscaler.apply(f);
    ImageCodecs.write(up, out, fmt, quality);
  }

  private int upscaleDirectory(Upscaler upscaler) throws IOException {
    Path inDir = input.toAbsolutePath().normalize();
    Path outDir = output.toAbsolutePath().normalize();
    if (outDir.startsWith(inDir)) {
      throw new InvalidInputException(output, "is inside the input directory " + input
          + "; outputs would be read as inputs on the next run");
    }
    // The Flink job's rule: recurse, skip hidden names ("." or "_" first, at any depth), keep
    // each file's path below the input.
    List<Path> files = new ArrayList<>();
    try (Stream<Path> s = Files.walk(inDir)) {
      s.filter(Files::isRegularFile).filter(ImageCodecs::isImageName)
          .filter(p -> !hidden(inDir.relativize(p))).sorted().forEach(files::add);
    }
    if (files.isEmpty()) {
      throw new InvalidInputException(input, "holds no .png, .jpg, .jpeg or .bmp files");
    }
    long start = System.nanoTime();
    int failed = 0;
    java.util.Map<Path, Path> claimed = new java.util.HashMap<>();
    for (int i = 0; i < files.size(); i++) {
      Path f = files.get(i);
      Path rel = inDir.relativize(f);
      String name = f.getFileName().toString();
      if (format != null) {
        name = name.replaceAll("\\.[^.]+$", "") + "." + ImageCodecs.formatFor(f, format);
      }
      Path target = outDir.resolve(rel).resolveSibling(name);
      try {
        Path owner = claimed.putIfAbsent(target, f);
        if (owner != null) {
          throw new InvalidInputException(f, "its output " + target + " is already written from "
              + owner + "; rename one of the two inputs");
        }
        Files.createDirectories(target.getParent());
        upscaleFile(upscaler, f, target);
      } catch (IOException | IllegalArgumentException e) {
        failed++;
        err().println("upsampler upscale: " + e.getMessage());
      }
      double secs = (System.nanoTime() - start) / 1e9;
      double rate = (i + 1) / secs;
      err().printf(Locale.ROOT, "%d/%d  %.2f frames/s  ETA %.0f s%n", i + 1, files.size(), rate,
          (files.size() - i - 1) / rate);
    }
    out().printf(Locale.ROOT, "wrote %d of %d images to %s%s%n", files.size() - failed,
        files.size(), output, failed > 0 ? "; " + failed + " failed (see above)" : "");
    return failed > 0 ? Errors.BAD_INPUT : 0;
  }

  /** A path below the input with a hidden or in-progress component (".x", "_x"). */
  private static boolean hidden(Path relative) {
    for (Path part : relative) {
      String n = part.toString();
      if (n.startsWith(".") || n.startsWith("_")) {
        return true;
      }
    }
    return false;
  }
}

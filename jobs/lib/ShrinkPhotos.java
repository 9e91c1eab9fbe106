import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Halves camera photographs (MATLAB-style antialiased bicubic, as the trainer degrades) and
 * writes them as PNG: a phone's 8-16 MP frame is soft at the pixel level, so its half-size copy
 * is the sharper ground truth (DIV2K-style), which is what the evaluation photographs look like.
 * Run by jobs/training-photos.sh with the project's jar on the class path:
 *   java -cp target/upsampler.jar jobs/lib/ShrinkPhotos.java FACTOR OUT_DIR PHOTO...
 */
public class ShrinkPhotos {
  public static void main(String[] args) throws Exception {
    int factor = Integer.parseInt(args[0]);
    Path out = Path.of(args[1]);
    Files.createDirectories(out);
    for (int i = 2; i < args.length; i++) {
      Path photo = Path.of(args[i]);
      Frame f = Degradation.cropToMultiple(ImageCodecs.read(photo, 100_000_000L), factor, factor);
      Frame small = Degradation.downscale(f, factor, factor);
      String name = photo.getFileName().toString().replaceFirst("\\.[^.]+$", ".png");
      ImageCodecs.write(small, out.resolve(name), "png", 1f);
      System.out.println(name + ": " + f.width() + "x" + f.height() + " -> " + small.width() + "x"
          + small.height());
    }
  }
}

package dev.upsampler.cli;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.Npy;
import dev.upsampler.io.NpyArray;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code upscale}, {@code eval} and {@code compare} as a user runs them. */
class UpscaleCommandTest {
  @TempDir Path dir;

  Path photosWithBadFiles() throws IOException {
    Path in = dir.resolve("in");
    Files.createDirectories(in);
    for (String p : List.of("astronaut.png", "coffee.png", "chelsea.png", "camera.png")) {
      Files.copy(Resources.path("photos/" + p), in.resolve(p));
    }
    Files.copy(Resources.path("codecs/truncated.jpg"), in.resolve("broken.jpg"));
    Files.copy(Resources.path("codecs/empty.png"), in.resolve("empty.png"));
    Files.copy(Resources.path("codecs/not_an_image.png"), in.resolve("notes.png"));
    Files.writeString(in.resolve("readme.txt"), "not an image, not listed");
    return in;
  }

  @Test
  void directoryWithCorruptFilesWritesEveryGoodOneAndNamesEachBadOne() throws IOException {
    Path in = photosWithBadFiles();
    Path out = dir.resolve("out");
    dev.upsampler.testing.CliRun r = run("upscale", "--input", in.toString(), "--output", out.toString(),
        "--scale", "2", "--kernel", "bicubic", "--threads", "2");
    assertEquals(1, r.status(), r.err());
    try (Stream<Path> s = Files.list(out)) {
      assertEquals(List.of("astronaut.png", "camera.png", "chelsea.png", "coffee.png"),
          s.map(p -> p.getFileName().toString()).sorted().toList(), "good outputs only");
    }
    for (String bad : List.of("broken.jpg", "empty.png", "notes.png")) {
      assertTrue(r.err().contains(in.resolve(bad).toAbsolutePath().toString()), r.err());
    }
    assertTrue(r.err().contains("7/7"), "progress line: " + r.err());
    assertTrue(r.out().contains("wrote 4 of 7 images"), r.out());
    Frame a = ImageCodecs.read(out.resolve("astronaut.png"), Long.MAX_VALUE);
    assertEquals(160, a.width());
    assertEquals(128, a.height());
  }

  @Test
  void refusesAnOutputInsideTheInput() throws IOException {
    Path in = photosWithBadFiles();
    dev.upsampler.testing.CliRun r = run("upscale", "--input", in.toString(), "--output",
        in.resolve("x2").toString(), "--scale", "2");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("is inside the input directory"), r.err());
    assertFalse(Files.exists(in.resolve("x2")));
  }

  @Test
  void singleFileWithAUserKernelEqualsTheBuiltIn() throws IOException {
    // Bilinear x2 weights saved as a user kernel with ONNX pads: the same numbers as bilinear
    // except at the borders (user kernels see zeros there, built-ins replicate).
    float[] t = Interpolation.BILINEAR.taps(2);
    float[] w = new float[16];
    for (int y = 0; y < 4; y++) {
      for (int x = 0; x < 4; x++) {
        w[y * 4 + x] = t[y] * t[x];
      }
    }
    Npy.write(dir.resolve("k.npy"), new NpyArray(w, new int[] {1, 1, 4, 4}));
    Files.writeString(dir.resolve("k.json"), "{\"stride\": 2, \"pads\": [1, 1, 1, 1]}");
    Path photo = Resources.path("photos/coffee.png");
    dev.upsampler.testing.CliRun user = run("upscale", "--input", photo.toString(), "--output",
        dir.resolve("user.png").toString(), "--kernel", dir.resolve("k.npy").toString());
    assertEquals(0, user.status(), user.err());
    run("upscale", "--input", photo.toString(), "--output", dir.resolve("builtin.png").toString(),
        "--kernel", "bilinear", "--scale", "2");
    Frame a = ImageCodecs.read(dir.resolve("user.png"), Long.MAX_VALUE);
    Frame b = ImageCodecs.read(dir.resolve("builtin.png"), Long.MAX_VALUE);
    for (int y = 2; y < a.height() - 2; y++) {
      for (int x = 2; x < a.width() - 2; x++) {
        assertEquals(b.sample(x, y, 1), a.sample(x, y, 1), "interior pixel " + x + "," + y);
      }
    }
  }

  @Test
  void userKernelErrorsNameTheFile() throws IOException {
    Npy.write(dir.resolve("k.npy"), new NpyArray(new float[] {1, Float.NaN, 1, 1},
        new int[] {1, 1, 2, 2}));
    dev.upsampler.testing.CliRun r = run("upscale", "--input", Resources.path("photos/coffee.png")
        .toString(), "--output", dir.resolve("o.png").toString(), "--kernel",
        dir.resolve("k.npy").toString(), "--scale", "2");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("k.npy") && r.err().contains("NaN"), r.err());
    Files.writeString(dir.resolve("k.json"), "{\"strides\": 2}");
    r = run("upscale", "--input", Resources.path("photos/coffee.png").toString(), "--output",
        dir.resolve("o.png").toString(), "--kernel", dir.resolve("k.npy").toString());
    assertTrue(r.err().contains("unknown key 'strides'"), r.err());
    assertFalse(Files.exists(dir.resolve("o.png")));
  }

  @Test
  void evalReportsPsnrAndTheGainOverBicubic() {
    Path photos = Resources.path("photos");
    dev.upsampler.testing.CliRun same = run("eval", "--reference", photos.toString(), "--candidate",
        photos.toString());
    assertEquals(0, same.status(), same.err());
    assertTrue(same.out().contains("Infinity"), same.out());
    dev.upsampler.testing.CliRun base = run("eval", "--reference", photos.toString(),
        "--bicubic-baseline", "--kernel", "bicubic", "--scale", "2");
    assertEquals(0, base.status(), base.err());
    assertTrue(base.out().lines().filter(l -> l.startsWith("mean")).findFirst().orElseThrow()
        .trim().endsWith("+0.000"), base.out());

    // Nearest loses to bicubic almost everywhere: each image lists its two worst blocks.
    Path coffee = photos.resolve("coffee.png");
    dev.upsampler.testing.CliRun worst = run("eval", "--reference", coffee.toString(),
        "--bicubic-baseline", "--kernel", "nearest", "--scale", "2", "--worst-blocks", "2");
    assertEquals(0, worst.status(), worst.err());
    assertTrue(worst.out().matches("(?s).*\\n  [0-9]+ of [0-9]+ 32x32 blocks lose to bicubic"
        + " \\(\\+[0-9.]+ dB if they matched it\\)\\n  loses at [0-9]+,[0-9]+: .*"), worst.out());
    assertEquals(2, worst.out().lines().filter(l -> l.startsWith("  loses at ")).count(),
        worst.out());
    dev.upsampler.testing.CliRun alone = run("eval", "--reference", coffee.toString(),
        "--candidate", coffee.toString(), "--worst-blocks", "2");
    assertEquals(2, alone.status());
    assertTrue(alone.err().contains("--worst-blocks compares the kernel with bicubic"),
        alone.err());
  }

  @Test
  void compareWritesOnePicture() throws IOException {
    dev.upsampler.testing.CliRun r = run("compare", "--input", Resources.path("photos/chelsea.png")
        .toString(), "--output", dir.resolve("cmp.png").toString(), "--scale", "3");
    assertEquals(0, r.status(), r.err());
    Frame f = ImageCodecs.read(dir.resolve("cmp.png"), Long.MAX_VALUE);
    // Two panels as wide as the upscaled image, or as its label where that is wider.
    assertTrue(f.width() >= 2 * 192 + 8 && f.width() < 2 * 300, "width " + f.width());

    // --degrade: the photo is the original; both sides upscale its bicubic downscale.
    r = run("compare", "--input", Resources.path("photos/chelsea.png").toString(), "--output",
        dir.resolve("deg.png").toString(), "--scale", "2", "--degrade", "--kernel", "lanczos3");
    assertEquals(0, r.status(), r.err());
    int degraded = ImageCodecs.read(dir.resolve("deg.png"), Long.MAX_VALUE).width();
    assertTrue(degraded > 2 * 64 + 8, "labels wider than the 64-pixel image: " + degraded);

    // Named .jpg, it is a JPEG (it used to be PNG bytes under that name).
    r = run("compare", "--input", Resources.path("photos/chelsea.png").toString(), "--output",
        dir.resolve("cmp.jpg").toString(), "--scale", "2");
    assertEquals(0, r.status(), r.err());
    byte[] head = java.util.Arrays.copyOf(Files.readAllBytes(dir.resolve("cmp.jpg")), 3);
    assertArrayEquals(new byte[] {(byte) 0xFF, (byte) 0xD8, (byte) 0xFF}, head, "JPEG magic");
  }
}

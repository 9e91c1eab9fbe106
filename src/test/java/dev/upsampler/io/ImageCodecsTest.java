package dev.upsampler.io;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** The image reader and writer on files PIL and a hand-written PNG encoder made. */
class ImageCodecsTest {

  static Frame read(String name) throws IOException {
    return ImageCodecs.read(Resources.path("codecs/" + name), ImageCodecs.DEFAULT_MAX_PIXELS);
  }

  @ParameterizedTest
  @CsvSource({"rgb8.png, RGB24", "rgba8.png, RGBA32", "gray8.png, GRAY8", "graya8.png, GRAYA16",
      "palette.png, RGB24", "rgb16.png, RGB48", "gray16.png, GRAY16", "rgba16.png, RGBA64",
      "rgb.bmp, RGB24", "gray.jpg, GRAY8", "cmyk.jpg, RGB24"})
  void readsEveryLayout(String file, PixelLayout layout) throws IOException {
    Frame f = read(file);
    assertEquals(layout, f.layout(), file);
    assertTrue(f.width() == 80 || f.width() == 64, file + " width " + f.width());
  }

  @Test
  void samplesAreTheStoredValues() throws IOException {
    Frame rgb = read("rgb8.png");
    Frame rgb16 = read("rgb16.png");
    Frame bmp = read("rgb.bmp");
    Frame rgba = read("rgba8.png");
    for (int y = 0; y < rgb.height(); y += 7) {
      for (int x = 0; x < rgb.width(); x += 5) {
        for (int c = 0; c < 3; c++) {
          int v = rgb.sample(x, y, c);
          assertEquals(v * 257 + 3, rgb16.sample(x, y, c));
          assertEquals(v, bmp.sample(x, y, c));
          assertEquals(v, rgba.sample(x, y, c));
        }
      }
    }
    Frame cmyk = read("cmyk.jpg");
    int worst = 0;
    for (int y = 0; y < rgb.height(); y++) {
      for (int x = 0; x < rgb.width(); x++) {
        for (int c = 0; c < 3; c++) {
          worst = Math.max(worst, Math.abs(cmyk.sample(x, y, c) - rgb.sample(x, y, c)));
        }
      }
    }
    assertTrue(worst < 80, "CMYK JPEG decoded near the RGB original (worst " + worst + ")");
  }

  /** Stored 40x24 with orientation 6: displayed 24x40, the stored top-left (red) at top-right. */
  @Test
  void appliesExifOrientation() throws IOException {
    Frame f = read("exif6.jpg");
    assertEquals(24, f.width());
    assertEquals(40, f.height());
    assertRed(f, f.width() - 3, 3);
    assertTrue(f.sample(2, f.height() - 3, 0) > 200 && f.sample(2, f.height() - 3, 1) > 200,
        "stored bottom-right (white) is displayed bottom-left");
  }

  private static void assertRed(Frame f, int x, int y) {
    assertTrue(f.sample(x, y, 0) > 200 && f.sample(x, y, 1) < 60 && f.sample(x, y, 2) < 60,
        "red at (" + x + ", " + y + ")");
  }

  @ParameterizedTest
  @CsvSource(delimiter = '|', value = {
      "truncated.png     | truncated or corrupt",
      "truncated.jpg     | truncated or corrupt",
      "empty.png         | empty file (0 bytes)",
      "not_an_image.png  | not a recognised image",
      "bomb.png          | header claims 60000x60000 = 3600.0 megapixels, above the limit",
  })
  void refusesBadFilesNamingThem(String file, String cause) {
    Path p = Resources.path("codecs/" + file);
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ImageCodecs.read(p, ImageCodecs.DEFAULT_MAX_PIXELS));
    assertTrue(e.getMessage().startsWith(p.toString()), e.getMessage());
    assertTrue(e.getMessage().contains(cause), e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"rgb8.png", "rgba8.png", "gray8.png", "graya8.png", "rgb16.png", "gray16.png",
      "rgba16.png"})
  void pngRoundTripsExactly(String file, @TempDir Path dir) throws IOException {
    Frame f = read(file);
    Path out = dir.resolve("out.png");
    ImageCodecs.write(f, out, null, 1f);
    Frame back = ImageCodecs.read(out, Long.MAX_VALUE);
    assertEquals(f.layout(), back.layout());
    for (int y = 0; y < f.height(); y++) {
      for (int x = 0; x < f.width(); x++) {
        for (int c = 0; c < f.layout().channels(); c++) {
          assertEquals(f.sample(x, y, c), back.sample(x, y, c), file + " at " + x + "," + y);
        }
      }
    }
    try (Stream<Path> files = Files.list(dir)) {
      assertEquals(1, files.count(), "no temporary file left");
    }
  }

  @Test
  void jpegWritesWithQualityAndRefusesAlpha(@TempDir Path dir) throws IOException {
    Frame f = read("rgb8.png");
    ImageCodecs.write(f, dir.resolve("hi.jpg"), null, 0.95f);
    ImageCodecs.write(f, dir.resolve("lo.jpg"), null, 0.2f);
    assertTrue(Files.size(dir.resolve("hi.jpg")) > Files.size(dir.resolve("lo.jpg")));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> ImageCodecs.write(read("rgba8.png"), dir.resolve("a.jpg"), null, 0.9f));
    assertTrue(e.getMessage().contains("JPEG cannot store alpha"));
    assertTrue(!Files.exists(dir.resolve("a.jpg")));
  }
}

package dev.upsampler.cli;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Outputs larger than the heap, written strip by strip, equal to the whole computation. */
class HugeFrameTest {
  @TempDir Path dir;

  @Test
  void stripsWriteTheSamePixelsAsTheWholeFrame() throws IOException {
    Path photo = Resources.path("photos/chelsea.png");
    assertEquals(0, run("upscale", "--input", photo.toString(), "--output",
        dir.resolve("whole.png").toString(), "--scale", "3", "--kernel", "bicubic").status());
    dev.upsampler.testing.CliRun r = run("upscale", "--input", photo.toString(), "--output",
        dir.resolve("strips.png").toString(), "--scale", "3", "--kernel", "bicubic", "--tile",
        "7", "--verbose");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.err().contains("streaming 192x180 in strips of 7 rows"), r.err());
    Frame a = ImageCodecs.read(dir.resolve("whole.png"), Long.MAX_VALUE);
    Frame b = ImageCodecs.read(dir.resolve("strips.png"), Long.MAX_VALUE);
    assertTrue(java.util.Arrays.equals(a.bytes(), b.bytes()), "bit-identical");
  }

  /**
   * A 4200 x 4200 RGB frame to 8400 x 8400 (212 MB of output) in a JVM limited to 256 MB: only
   * possible strip by strip.
   */
  @Test
  void anOutputLargerThanTheHeapIsStreamed() throws Exception {
    int n = 4200;
    byte[] px = new byte[n * n * 3];
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        int o = (y * n + x) * 3;
        px[o] = (byte) (x * 255 / n);
        px[o + 1] = (byte) (y * 255 / n);
        px[o + 2] = (byte) ((x ^ y) & 0xff);
      }
    }
    Path in = dir.resolve("big.png");
    ImageCodecs.write(Frame.of8(PixelLayout.RGB24, n, n, px, FrameInfo.NONE), in, null, 1f);
    px = null;
    Path out = dir.resolve("big_x2.png");
    String javaBin = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(List.of(javaBin, "-Xmx256m",
        "--add-modules=jdk.incubator.vector", "-cp", System.getProperty("java.class.path"),
        Main.class.getName(), "upscale", "--input", in.toString(), "--output", out.toString(),
        "--scale", "2", "--kernel", "bilinear", "--threads", "2"))
        .redirectErrorStream(true).start();
    assertTrue(p.waitFor(120, TimeUnit.SECONDS), "finished within 2 minutes");
    String log = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertEquals(0, p.exitValue(), log);
    byte[] head = new byte[24];
    try (var s = Files.newInputStream(out)) {
      assertEquals(24, s.read(head));
    }
    int w = java.nio.ByteBuffer.wrap(head, 16, 4).getInt();
    int h = java.nio.ByteBuffer.wrap(head, 20, 4).getInt();
    assertEquals(2 * n, w);
    assertEquals(2 * n, h);
  }
}

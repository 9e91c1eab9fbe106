package dev.upsampler.cli;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.Resources;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/**
 * What a new user ran into on the command line: outputs whose bytes contradicted their names,
 * an input overwritten by its own output, and options that were accepted or refused with the
 * wrong words or exit status (2 for a usage error, 1 for bad input, as everywhere).
 */
class CommandLineDefectsTest {
  @TempDir Path dir;

  private Path photo() throws IOException {
    return Files.copy(Resources.path("photos/small_coffee.png"), dir.resolve("c.png"));
  }

  @Test
  void anOutputIsWrittenInTheFormatItsNameSaysOrRefused() throws IOException {
    Path in = photo();
    Frame src = ImageCodecs.read(in, Long.MAX_VALUE);
    Path bmp = dir.resolve("c-x2.bmp");
    CliRun r = run("upscale", "--input", in.toString(), "--output", bmp.toString(), "--kernel",
        "nearest");
    assertEquals(0, r.status(), r.err());
    byte[] bytes = Files.readAllBytes(bmp);
    assertEquals('B', bytes[0]);
    assertEquals('M', bytes[1]);
    Frame up = ImageCodecs.read(bmp, Long.MAX_VALUE);
    assertEquals(2 * src.width(), up.width());
    Frame viaPng = ImageCodecs.read(pngOf(in), Long.MAX_VALUE);
    assertArrayEquals(viaPng.bytes(), up.bytes(), "BMP holds the same pixels");

    Path gif = dir.resolve("c-x2.gif");
    r = run("upscale", "--input", in.toString(), "--output", gif.toString());
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("name it .png, .jpg, .jpeg or .bmp"), r.err());
    assertFalse(Files.exists(gif));

    r = run("upscale", "--input", in.toString(), "--output", dir.resolve("x.png").toString(),
        "--format", "jpg");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--format jpg contradicts the output name"), r.err());
  }

  private Path pngOf(Path in) {
    Path png = dir.resolve("ref.png");
    assertEquals(0, run("upscale", "--input", in.toString(), "--output", png.toString(),
        "--kernel", "nearest").status());
    return png;
  }

  @Test
  void aDirectoryIsWalkedAsTheJobWalksIt() throws IOException {
    Path in = Files.createDirectories(dir.resolve("in"));
    Path photo = Resources.path("photos/small_coffee.png");
    Files.copy(photo, in.resolve("a.png"));
    Files.copy(photo, Files.createDirectories(in.resolve("sub/deeper")).resolve("b.png"));
    Files.copy(photo, in.resolve(".hidden.png"));
    Files.copy(photo, Files.createDirectories(in.resolve("_tmp")).resolve("c.png"));
    Files.copy(photo, Files.createDirectories(in.resolve(".git")).resolve("d.png"));
    Path out = dir.resolve("out");
    CliRun r = run("upscale", "--input", in.toString(), "--output", out.toString(), "--kernel",
        "nearest");
    assertEquals(0, r.status(), r.err());
    try (java.util.stream.Stream<Path> s = Files.walk(out)) {
      assertEquals(java.util.List.of("a.png", "sub/deeper/b.png"), s.filter(Files::isRegularFile)
          .map(p -> out.relativize(p).toString()).sorted().toList());
    }
    // Two inputs with one output name: the second is reported, the first kept.
    Files.copy(photo, in.resolve("a.bmp"));
    r = run("upscale", "--input", in.toString(), "--output", dir.resolve("out2").toString(),
        "--format", "png");
    assertEquals(1, r.status(), r.out());
    assertTrue(r.err().contains("is already written from"), r.err());
  }

  @Test
  void evalNamesEveryBadCandidateAndScoresTheRest() throws IOException {
    Path ref = Files.createDirectories(dir.resolve("ref"));
    Path cand = Files.createDirectories(dir.resolve("cand"));
    for (String p : new String[] {"coffee.png", "camera.png", "chelsea.png"}) {
      Files.copy(Resources.path("photos/" + p), ref.resolve(p));
    }
    Files.copy(Resources.path("photos/coffee.png"), cand.resolve("coffee.png"));
    Files.copy(Resources.path("photos/small_camera.png"), cand.resolve("camera.png"));
    CliRun r = run("eval", "--reference", ref.toString(), "--candidate", cand.toString());
    assertEquals(1, r.status(), r.out() + r.err());
    assertTrue(r.err().contains(cand.resolve("camera.png") + ": is "), r.err());
    assertTrue(r.err().contains("its reference " + ref.resolve("camera.png")), r.err());
    assertTrue(r.err().contains(cand.resolve("chelsea.png").toString()), "missing one named");
    assertTrue(r.out().contains("coffee.png"), r.out());
    assertTrue(r.out().contains("2 of 3 images could not be scored"), r.out());
  }

  @Test
  void compareOnATinyImageKeepsItsLabelsWhole() throws IOException {
    byte[] px = new byte[6 * 5 * 3];
    java.util.Arrays.fill(px, (byte) 100);
    Path tiny = dir.resolve("tiny.png");
    ImageCodecs.write(Frame.of8(dev.upsampler.image.PixelLayout.RGB24, 6, 5, px, null), tiny,
        "png", 1f);
    Path cmp = dir.resolve("cmp.png");
    CliRun r = run("compare", "--input", tiny.toString(), "--output", cmp.toString());
    assertEquals(0, r.status(), r.err());
    Frame f = ImageCodecs.read(cmp, Long.MAX_VALUE);
    // "input 6x5, nearest x2" in 16-pixel type needs well over 100 pixels per panel.
    assertTrue(f.width() > 2 * 100, "canvas " + f.width() + " wide");
  }

  @Test
  void aFileIsNeverItsOwnOutput() throws IOException {
    Path in = photo();
    byte[] before = Files.readAllBytes(in);
    CliRun r = run("upscale", "--input", in.toString(), "--output", in.toString());
    assertEquals(1, r.status());
    assertTrue(r.err().contains("is the input itself"), r.err());
    assertArrayEquals(before, Files.readAllBytes(in));
  }

  @Test
  void badOptionValuesAreUsageErrorsThatNameTheLegalRange() throws IOException {
    String in = photo().toString();
    String out = dir.resolve("o.jpg").toString();
    CliRun r = run("upscale", "--input", in, "--output", out, "--quality", "90");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--quality must be in (0, 1]"), r.err());
    r = run("upscale", "--input", in, "--output", out, "--scale", "2,3,4");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("SX,SY (x scale, then y scale)"), r.err());
    r = run("upscale", "--input", in, "--output", out, "--threads", "0");
    assertEquals(2, r.status());
    assertTrue(r.err().contains("--threads must be >= 1"), r.err());
    String big = Files.copy(Resources.path("photos/coffee.png"), dir.resolve("big.png"))
        .toString();
    r = run("upscale", "--input", big, "--output", out, "--max-pixels", "1000");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("above the limit of 1000 pixels"), r.err());
    r = run("compare", "--input", in, "--output", dir.resolve("cmp.png").toString(),
        "--crop-at", "5000,10");
    assertEquals(2, r.status(), r.out());
    assertTrue(r.err().contains("--crop-at 5000,10 is not a point X,Y of the"), r.err());
  }

  @Test
  void scaleIsXThenY() throws IOException {
    Path in = photo();
    Frame src = ImageCodecs.read(in, Long.MAX_VALUE);
    Path out = dir.resolve("wide.png");
    CliRun r = run("upscale", "--input", in.toString(), "--output", out.toString(), "--scale",
        "3,2", "--kernel", "nearest");
    assertEquals(0, r.status(), r.err());
    Frame up = ImageCodecs.read(out, Long.MAX_VALUE);
    assertEquals(3 * src.width(), up.width());
    assertEquals(2 * src.height(), up.height());
  }

  @Test
  void everyLineOfTheTopLevelHelpIsWhole() {
    String help = run("--help").out().replaceAll("\\s+", " ");
    assertTrue(help.contains(" import Turns a network trained in PyTorch or TensorFlow into a"
        + " model file: an ONNX graph (torch.onnx.export, tf2onnx) or an FSRCNN-style network's"
        + " weights as .npz. "), help);
    assertTrue(help.contains(" models Lists the trained models that ship with upsampler. "),
        help);
  }

  @Test
  void aTimeBudgetLiftsTheEpochLimit() {
    TrainCommand t = new TrainCommand();
    new CommandLine(t).parseArgs("--images", "x", "--out", "m.json", "--minutes", "10");
    assertTrue(t.epochLimit() > 1_000_000, "epochs unbounded under --minutes");
    t = new TrainCommand();
    new CommandLine(t).parseArgs("--images", "x", "--out", "m.json", "--minutes", "10",
        "--epochs", "5");
    assertEquals(5, t.epochLimit());
    t = new TrainCommand();
    new CommandLine(t).parseArgs("--images", "x", "--out", "m.json");
    assertEquals(40, t.epochLimit());
  }

  @Test
  void trainNamesEveryHeldOutPhotographAndAVideosFramesAsARange() {
    java.util.List<String> photos = java.util.List.of("a.png", "b.png", "c.png", "d.png",
        "e.png", "f.png", "g.png", "h.png");
    assertEquals("a.png, b.png, c.png, d.png, e.png, f.png, g.png, h.png",
        TrainCommand.heldOut(photos, false), "not first ... last: runs compare on the split");
    assertEquals("clip.mkv#45 ... clip.mkv#59", TrainCommand.heldOut(
        java.util.List.of("clip.mkv#45", "clip.mkv#46", "clip.mkv#59"), true));
    assertEquals("clip.mkv#6, clip.mkv#7",
        TrainCommand.heldOut(java.util.List.of("clip.mkv#6", "clip.mkv#7"), true));
  }
}

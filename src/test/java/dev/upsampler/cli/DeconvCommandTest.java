package dev.upsampler.cli;

import static dev.upsampler.testing.TensorAssert.assertClose;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Tensor;
import dev.upsampler.io.Npy;
import dev.upsampler.io.NpyArray;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.GoldenCase;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.stream.IntStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

/** The {@code deconv} command as a user runs it: files in, files out, exit status, stderr. */
class DeconvCommandTest {
  @TempDir Path dir;

  static CliRun run(String... args) {
    return CliRun.run(args);
  }

  Path save(String name, Tensor t) throws IOException {
    Path p = dir.resolve(name);
    Npy.write(p, new NpyArray(t.toArray(), t.shape()));
    return p;
  }

  Path save(String name, float[] data, int... shape) throws IOException {
    Path p = dir.resolve(name);
    Npy.write(p, new NpyArray(data, shape));
    return p;
  }

  @Test
  void printsTheWriteUpsFiveByFiveCase() throws IOException {
    Path x = save("x.npy", new float[] {1, 2, 3, 4, 5, 6, 7, 8, 9}, 1, 1, 3, 3);
    Path w = save("w.npy", new float[] {1, 0, 0, 0, 1, 0, 0, 0, 1}, 1, 1, 3, 3);
    Path y = dir.resolve("y.npy");
    CliRun r = run("deconv", "--input", x.toString(), "--weight", w.toString(), "--stride", "2",
        "--padding", "SAME", "--output-shape", "5,5", "--output", y.toString(), "--print");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains(String.join("\n",
        " 1  0  2  0  3",
        " 0  6  0  8  0",
        " 4  0  5  0  6",
        " 0 12  0 14  0",
        " 7  0  8  0  9")), r.out());
    assertEquals("", r.err());
    NpyArray back = Npy.read(y);
    assertEquals(14f, back.data()[3 * 5 + 3]);
  }

  /** Every fifth golden through the command line, flags exactly as the case lists them. */
  static Stream<GoldenCase> someCases() {
    List<GoldenCase> all = GoldenCase.all();
    return IntStream.range(0, all.size()).filter(i -> i % 5 == 0).mapToObj(all::get);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("someCases")
  void reproducesPyTorchThroughTheCommand(GoldenCase c) throws IOException {
    List<String> args = new ArrayList<>(List.of("deconv",
        "--input", save("x.npy", c.x()).toString(),
        "--weight", save("w.npy", c.w()).toString(),
        "--output", dir.resolve("y.npy").toString()));
    if (c.bias() != null) {
      args.addAll(List.of("--bias", save("b.npy", c.bias(), c.bias().length).toString()));
    }
    args.addAll(c.args());
    CliRun r = run(args.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    NpyArray y = Npy.read(dir.resolve("y.npy"));
    assertClose(c.y(), Tensor.wrap(y.data(), y.shape(), "output"), 1e-4, 1e-3, c.name());
  }

  @Test
  void acceptsTensorFlowWeightLayout() throws IOException {
    GoldenCase c = GoldenCase.all().stream().filter(g -> g.groups() == 1 && g.w().c() > 1)
        .findFirst().orElseThrow();
    Tensor w = c.w();
    float[] tf = new float[w.size()];
    int k = 0;
    for (int ky = 0; ky < w.h(); ky++) {
      for (int kx = 0; kx < w.w(); kx++) {
        for (int o = 0; o < w.c(); o++) {
          for (int i = 0; i < w.n(); i++) {
            tf[k++] = w.get(i, o, ky, kx);
          }
        }
      }
    }
    List<String> args = new ArrayList<>(List.of("deconv",
        "--input", save("x.npy", c.x()).toString(),
        "--weight", save("w_tf.npy", tf, w.h(), w.w(), w.c(), w.n()).toString(),
        "--weight-layout", "tf", "--output", dir.resolve("y.npy").toString()));
    if (c.bias() != null) {
      args.addAll(List.of("--bias", save("b.npy", c.bias(), c.bias().length).toString()));
    }
    args.addAll(c.args());
    CliRun r = run(args.toArray(String[]::new));
    assertEquals(0, r.status(), r.err());
    NpyArray y = Npy.read(dir.resolve("y.npy"));
    assertClose(c.y(), Tensor.wrap(y.data(), y.shape(), "output"), 1e-4, 1e-3, c.name());
  }

  /**
   * Each illegal request: non-zero status, exactly one line on stderr naming the cause, no stack
   * trace, and no output file.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(delimiter = '|', value = {
      "cin mismatch       | x:1,3,3,3 | w:2,1,3,3 | --stride 2                                   | 1 | has 3 channels but the weights [2, 1, 3, 3] expect C_in = 2",
      "groups             | x:1,4,3,3 | w:4,1,3,3 | --stride 2 --groups 3                        | 1 | groups = 3 must divide both C_in = 4",
      "tf same size       | x:1,1,3,3 | w:1,1,3,3 | --stride 2 --padding SAME --output-shape 7,7  | 1 | legal sizes are 5..6",
      "tf valid size      | x:1,1,3,3 | w:1,1,3,3 | --stride 2 --padding VALID --output-shape 5,5 | 1 | legal sizes are 7..8",
      "torch size         | x:1,1,3,3 | w:1,1,3,3 | --stride 2 --padding 1 --output-shape 9,9     | 1 | legal sizes are 5..6",
      "output padding     | x:1,1,3,3 | w:1,1,3,3 | --stride 2 --pads 1,1,1,1 --output-padding 2,2 | 1 | must be smaller than max(stride, dilation) = 2",
      "zero stride        | x:1,1,3,3 | w:1,1,3,3 | --stride 0                                   | 1 | stride must be >= 1",
      "negative dilation  | x:1,1,3,3 | w:1,1,3,3 | --dilation -1                                | 1 | dilation must be >= 1",
      "empty output       | x:1,1,1,1 | w:1,1,3,3 | --padding 2                                  | 1 | empty output",
      "input rank         | x:3,3     | w:1,1,3,3 | --stride 2                                   | 1 | input must have rank 4 [N, C, H, W], got [3, 3] (rank 2)",
      "weight rank        | x:1,1,3,3 | w:3,3     | --stride 2                                   | 1 | weights must have rank 4 [C_in, C_out/groups, kH, kW], got [3, 3]",
      "bias length        | x:1,1,3,3 | w:1,2,3,3 | --stride 2 --bias B                          | 1 | bias has 3 values, expected C_out = 2",
      "two front ends     | x:1,1,3,3 | w:1,1,3,3 | --pads 1,1,1,1 --padding SAME                | 2 | alternatives: give one",
      "bad auto pad       | x:1,1,3,3 | w:1,1,3,3 | --auto-pad MIDDLE                            | 1 | unknown ONNX auto_pad 'MIDDLE'",
      "bad stride text    | x:1,1,3,3 | w:1,1,3,3 | --stride two                                 | 2 | expected an integer or two comma-separated integers",
      "unknown option     | x:1,1,3,3 | w:1,1,3,3 | --strides 2                                  | 2 | Unknown options: '--strides'",
      "tf output padding  | x:1,1,3,3 | w:1,1,3,3 | --padding SAME --output-padding 1            | 2 | does not apply to TensorFlow padding",
  })
  void refusesIllegalRequests(String name, String x, String w, String flags, int status,
      String cause) throws IOException {
    Path y = dir.resolve("y.npy");
    List<String> args = new ArrayList<>(List.of("deconv",
        "--input", ones("x.npy", x.substring(2)).toString(),
        "--weight", ones("w.npy", w.substring(2)).toString(), "--output", y.toString()));
    for (String f : flags.trim().split("\\s+")) {
      args.add(f.equals("B") ? ones("b.npy", "3").toString() : f);
    }
    CliRun r = run(args.toArray(String[]::new));
    assertEquals(status, r.status(), name + ": " + r.err());
    assertOneLineNaming(r.err(), cause);
    assertFalse(Files.exists(y), "no output file after a refused request");
  }

  @ParameterizedTest
  @CsvSource({"fortran.npy", "big_endian.npy", "int32.npy", "truncated.npy", "trailing.npy",
      "bad_magic.npy", "empty.npy", "huge_shape.npy"})
  void refusesMalformedNpyFiles(String fixture) throws Exception {
    Path bad = Path.of(getClass().getResource("/npy/" + fixture).toURI());
    Path y = dir.resolve("y.npy");
    CliRun r = run("deconv", "--input", bad.toString(), "--weight",
        ones("w.npy", "1,1,3,3").toString(), "--output", y.toString());
    assertEquals(1, r.status(), r.err());
    assertOneLineNaming(r.err(), bad.toString());
    assertFalse(Files.exists(y));
  }

  @Test
  void verboseShowsTheStackTrace() throws IOException {
    CliRun r = run("deconv", "--input", dir.resolve("nope.npy").toString(), "--weight",
        ones("w.npy", "1,1,3,3").toString(), "--output", dir.resolve("y.npy").toString(),
        "--verbose");
    assertEquals(1, r.status());
    assertTrue(r.err().contains("\tat dev.upsampler.io.Npy.read"), r.err());
  }

  @Test
  void everyCommandHasHelp() {
    CliRun top = run("--help");
    assertEquals(0, top.status());
    assertTrue(top.out().contains("deconv"), top.out());
    CliRun deconv = run("deconv", "--help");
    assertEquals(0, deconv.status());
    assertTrue(deconv.out().contains("--output-padding"), deconv.out());
  }

  @Test
  void noCommandIsAUsageError() {
    CliRun r = run();
    assertEquals(2, r.status());
  }

  static void assertOneLineNaming(String err, String cause) {
    String[] lines = err.strip().split("\n");
    assertEquals(1, lines.length, "exactly one line on stderr, got:\n" + err);
    assertTrue(lines[0].contains(cause), "expected '" + cause + "' in: " + lines[0]);
    assertFalse(err.contains("\tat "), "no stack trace without --verbose");
  }

  /** A file of ones with the given comma-separated shape. */
  Path ones(String name, String shape) throws IOException {
    int[] dims = Arrays.stream(shape.split(",")).mapToInt(Integer::parseInt).toArray();
    float[] data = new float[Arrays.stream(dims).reduce(1, (a, b) -> a * b)];
    Arrays.fill(data, 1f);
    return save(name, data, dims);
  }
}

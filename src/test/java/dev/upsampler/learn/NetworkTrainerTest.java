package dev.upsampler.learn;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.engine.Tensor;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Degradation;
import dev.upsampler.image.Frame;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * FSRCNN training: the loss falls, a seed gives one result on any number of threads, the
 * residual form starts at bicubic, and {@code train --model fsrcnn} writes a model that {@code
 * upscale}, {@code eval} and the Flink job serve, with checkpoints that {@code --resume} continues.
 */
class NetworkTrainerTest {
  @TempDir Path dir;

  private static List<TrainingPair> pairs(String... names) throws Exception {
    List<TrainingPair> l = new ArrayList<>();
    for (String n : names) {
      Frame f = ImageCodecs.read(Resources.path("photos/" + n), Long.MAX_VALUE);
      l.add(TrainingPair.of(n, f, Size2.square(2)));
    }
    return l;
  }

  /**
   * The band a patch's loss leaves out along cut edges is what the network reaches (checked
   * exactly for any network by CutEdgeReachTest): a 3x3 reaches one pixel, FSRCNN's 9x9
   * transposed convolution two, the bicubic skip two.
   */
  @Test
  void theLossLeavesOutWhatTheNetworkReaches() {
    Random rnd = new Random(1);
    dev.upsampler.engine.Interpolation bicubic = dev.upsampler.engine.Interpolation.BICUBIC;
    assertEquals(6, new NetworkTrainer(Network.espcn(32, 4, 2, "prelu", rnd), 2, 32, 16, 1e-3f,
        Loss.MSE, bicubic, true).margin());
    assertEquals(4, new NetworkTrainer(Network.espcn(12, 2, 2, "prelu", rnd), 2, 32, 16, 1e-3f,
        Loss.MSE, bicubic, true).margin());
    assertEquals(2, new NetworkTrainer(Network.espcn(4, 0, 2, "prelu", rnd), 2, 32, 16, 1e-3f,
        Loss.MSE, bicubic, true).margin());
    assertEquals(8, new NetworkTrainer(Network.fsrcnn(56, 12, 4, 2, rnd), 2, 32, 16, 1e-3f,
        Loss.MSE, null, true).margin());
  }

  @Test
  void lossFallsAndASeedGivesOneResultOnAnyThreadCount() throws Exception {
    List<TrainingPair> train = pairs("small_astronaut.png", "small_chelsea.png");
    NetworkTrainer a = new NetworkTrainer(Network.fsrcnn(8, 4, 1, 2, new Random(3)), 2, 16, 6,
        3e-3f, Loss.MSE, null, true);
    NetworkTrainer b = new NetworkTrainer(Network.fsrcnn(8, 4, 1, 2, new Random(3)), 2, 16, 6,
        3e-3f, Loss.MSE, null, true);
    Random ra = new Random(9);
    Random rb = new Random(9);
    double first = 0;
    double last = 0;
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 40; i++) {
        double l = a.step(train, ra, two);
        b.step(train, rb, Parallelism.inline());
        first += i < 5 ? l : 0;
        last += i >= 35 ? l : 0;
      }
    }
    assertTrue(last < first / 2, "loss fell: " + first / 5 + " -> " + last / 5);
    for (int i = 0; i < a.parameters().size(); i++) {
      assertArrayEquals(a.parameters().get(i), b.parameters().get(i), "array " + i);
    }
  }

  /**
   * The augmentation's premise: bicubic downscaling commutes with the square's symmetries, so a
   * flipped or transposed patch pair is still a true example.
   */
  @Test
  void downscalingCommutesWithTheSymmetriesUsedForAugmentation() throws Exception {
    Frame photo = ImageCodecs.read(Resources.path("photos/camera.png"), Long.MAX_VALUE);
    int n = 48; // the test photo is 64x60
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int d = 0; d < 8; d++) {
      Tensor hr = Tensor.zeros(1, 1, n, n);
      int[] perm = new int[n * n];
      for (int y = 0; y < n; y++) {
        for (int x = 0; x < n; x++) {
          int src = NetworkTrainer.source(d, y, x, n);
          perm[y * n + x] = src;
          hr.data()[y * n + x] = photo.sample(src % n, src / n, 0);
        }
      }
      assertTrue(seen.add(java.util.Arrays.toString(perm)), "transform " + d + " is new");
      Frame lrOfTransformed = Degradation.downscale(Frame.fromTensor(hr, photo.layout(),
          photo.info()), 2, 2);
      Frame lr = Degradation.downscale(Degradation.cropToMultiple(
          Frame.fromTensor(crop(photo, n), photo.layout(), photo.info()), 2, 2), 2, 2);
      int off = 0;
      for (int y = 0; y < n / 2; y++) {
        for (int x = 0; x < n / 2; x++) {
          int src = NetworkTrainer.source(d, y, x, n / 2);
          int diff = Math.abs(lrOfTransformed.sample(x, y, 0)
              - lr.sample(src % (n / 2), src / (n / 2), 0));
          assertTrue(diff <= 1, "transform " + d + " at " + x + "," + y);
          off += diff;
        }
      }
      assertTrue(off <= 5, "transform " + d + ": " + off + " samples off by one rounding");
    }
  }

  private static Tensor crop(Frame photo, int n) {
    Tensor t = Tensor.zeros(1, 1, n, n);
    for (int y = 0; y < n; y++) {
      for (int x = 0; x < n; x++) {
        t.data()[y * n + x] = photo.sample(x, y, 0);
      }
    }
    return t;
  }

  @Test
  void theResidualFormStartsAtBicubicAndEveryLossTrains() throws Exception {
    List<TrainingPair> val = pairs("small_coffee.png");
    try (Parallelism par = Parallelism.newPool(2)) {
      for (Loss loss : Loss.values()) {
        Network net = Network.fsrcnn(8, 4, 1, 2, new Random(1));
        NetworkTrainer t = new NetworkTrainer(net, 2, 16, 4, 1e-3f, loss,
            dev.upsampler.engine.Interpolation.BICUBIC, false);
        double start = t.validationGain(val, par);
        // The last layer starts near zero: the output is bicubic's, within a hundredth of a dB.
        assertEquals(0, start, 0.05, loss + ": gain at the start");
        Random rnd = new Random(2);
        double first = t.step(val, rnd, par);
        double later = 0;
        for (int i = 0; i < 20; i++) {
          later = t.step(val, rnd, par);
        }
        assertTrue(Double.isFinite(later) && later < first * 1.5, loss + ": " + first + " -> "
            + later);
      }
    }
  }

  @Test
  void trainWritesAModelThatUpscaleEvalAndTheJobServe() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos"));
    for (String p : new String[] {"astronaut.png", "chelsea.png", "coffee.png"}) {
      Files.copy(Resources.path("photos/" + p), photos.resolve(p));
    }
    Path out = dir.resolve("models/fsrcnn.json");
    String[] common = {"train", "--model", "fsrcnn", "--fsrcnn", "8,4,1", "--residual",
        "--images", photos.toString(), "--out", out.toString(), "--steps-per-epoch", "3",
        "--batch", "4", "--patch", "16", "--loss", "charbonnier"};
    CliRun r = run(concat(common, "--epochs", "2"));
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("FSRCNN(d=8, s=4, m=1) + bicubic skip x2, charbonnier loss"),
        r.out());
    assertTrue(r.err().contains("epoch 2 "), r.err());
    for (String f : new String[] {"fsrcnn.json", "fsrcnn.npz", "fsrcnn.checkpoint.json",
        "fsrcnn.checkpoint.npz"}) {
      assertTrue(Files.exists(dir.resolve("models/" + f)), f);
    }
    assertTrue(Files.readString(out).contains("\"skip\" : \"bicubic\""));

    CliRun resumed = run(concat(common, "--epochs", "1", "--resume"));
    assertEquals(0, resumed.status(), resumed.err());
    assertTrue(resumed.out().contains("resuming after epoch 2"), resumed.out());
    assertTrue(resumed.err().contains("epoch 3 "), resumed.err());
    CliRun other = run("train", "--model", "fsrcnn", "--fsrcnn", "8,4,2", "--residual",
        "--images", photos.toString(), "--out", out.toString(), "--resume");
    assertEquals(1, other.status());
    assertTrue(other.err().contains("the checkpoint is of model fsrcnn 8,4,1"), other.err());
    CliRun cosine = run("train", "--model", "fsrcnn", "--fsrcnn", "8,4,1", "--images",
        photos.toString(), "--out", dir.resolve("cos.json").toString(), "--steps-per-epoch", "3",
        "--batch", "2", "--patch", "16", "--epochs", "3", "--schedule", "cosine");
    assertEquals(0, cosine.status(), cosine.err());
    java.util.regex.Matcher lrs = java.util.regex.Pattern.compile("lr ([0-9.e+-]+)")
        .matcher(cosine.err());
    List<Double> rates = new ArrayList<>();
    while (lrs.find()) {
      rates.add(Double.parseDouble(lrs.group(1)));
    }
    assertEquals(3, rates.size(), cosine.err());
    assertTrue(rates.get(0) > rates.get(1) && rates.get(1) > rates.get(2)
        && rates.get(2) < 1e-4, "the cosine falls towards 0: " + rates);
    CliRun badSchedule = run("train", "--model", "fsrcnn", "--images", photos.toString(),
        "--out", out.toString(), "--schedule", "step");
    assertEquals(2, badSchedule.status());
    assertTrue(badSchedule.err().contains("--schedule must be plateau or cosine"),
        badSchedule.err());
    CliRun badLoss = run("train", "--model", "fsrcnn", "--images", photos.toString(), "--out",
        out.toString(), "--loss", "huber");
    assertEquals(2, badLoss.status());
    assertTrue(badLoss.err().contains("unknown loss 'huber'"), badLoss.err());

    // upscale serves it as the Upscaler does.
    Path up = dir.resolve("up.png");
    Path input = Resources.path("photos/small_camera.png");
    CliRun u = run("upscale", "--input", input.toString(), "--output", up.toString(),
        "--kernel", "model:" + out, "--color", "y", "--scale", "2");
    assertEquals(0, u.status(), u.err());
    UpscaleKernel k = KernelFiles.resolve("model:" + out, Size2.square(2));
    Frame want = new Upscaler(k, ColorMode.Y, Parallelism.inline())
        .apply(ImageCodecs.read(input, Long.MAX_VALUE));
    Frame got = ImageCodecs.read(up, Long.MAX_VALUE);
    assertEquals(want.width(), got.width());
    for (int y = 0; y < want.height(); y++) {
      for (int x = 0; x < want.width(); x++) {
        assertEquals(want.sample(x, y, 0), got.sample(x, y, 0), "pixel " + x + "," + y);
      }
    }
    CliRun eval = run("eval", "--reference", photos.toString(), "--bicubic-baseline",
        "--kernel", "model:" + out, "--scale", "2", "--color", "y");
    assertEquals(0, eval.status(), eval.err());
    assertTrue(eval.out().contains("gain dB") && eval.out().contains("model:"), eval.out());

    // The Flink job (embedded, parallelism 2) writes what upscale wrote.
    Path frames = Files.createDirectories(dir.resolve("frames"));
    Files.copy(input, frames.resolve("small_camera.png"));
    Path job = dir.resolve("job.yaml");
    Files.writeString(job, "name: model\ninput: " + frames + "\noutput: "
        + dir.resolve("job-out") + "\nkernel: model:" + out + "\nscale: 2\ncolor: y\n"
        + "parallelism: 2\nthreads: 1\ncheckpoint-interval: 0\n");
    CliRun j = run("run", job.toString());
    assertEquals(0, j.status(), j.err());
    Frame fromJob = ImageCodecs.read(dir.resolve("job-out/small_camera.png"), Long.MAX_VALUE);
    for (int y = 0; y < want.height(); y++) {
      for (int x = 0; x < want.width(); x++) {
        assertEquals(want.sample(x, y, 0), fromJob.sample(x, y, 0), "job pixel " + x + "," + y);
      }
    }
  }

  @Test
  void deepenFromStartsAtTheTrainedModelAndKeepsItUnlessAnEpochIsBetter() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("small"));
    for (String p : new String[] {"astronaut.png", "chelsea.png", "coffee.png"}) {
      Files.copy(Resources.path("photos/" + p), photos.resolve(p));
    }
    String[] common = {"train", "--model", "espcn", "--images", photos.toString(),
        "--steps-per-epoch", "3", "--batch", "4", "--patch", "16", "--threads", "2"};
    Path small = dir.resolve("small.json");
    Path evalPhotos = Files.createDirectories(dir.resolve("unseen"));
    Files.copy(Resources.path("photos/small_camera.png"), evalPhotos.resolve("tiny.png"));
    CliRun tooSmall = run(concat(common, "--espcn", "4,1", "--epochs", "2", "--out",
        small.toString(), "--eval", evalPhotos.toString()));
    assertEquals(1, tooSmall.status(), tooSmall.out());
    assertTrue(tooSmall.err().contains("unseen: no photographs to evaluate on (PNG, JPEG or BMP,"
        + " at least 32 pixels a side)"), "refused before training: " + tooSmall.err());
    assertTrue(!Files.exists(small), "nothing trained");
    Files.delete(evalPhotos.resolve("tiny.png")); // eval would score it, train skips it
    Files.copy(Resources.path("photos/camera.png"), evalPhotos.resolve("camera.png"));
    CliRun trained = run(concat(common, "--espcn", "4,1", "--epochs", "2", "--out",
        small.toString(), "--eval", evalPhotos.toString()));
    assertEquals(0, trained.status(), trained.err());
    java.util.regex.Matcher best = java.util.regex.Pattern
        .compile("best validation gain ([+-][0-9.]+) dB").matcher(trained.out());
    assertTrue(best.find(), trained.out());
    // --eval records both gains as eval measures them; models shows them.
    for (String[] gain : new String[][] {{"eval_gain_db"},
        {"eval_gain_self_ensemble_db", "--self-ensemble"}}) {
      CliRun eval = run(concat(new String[] {"eval", "--reference", evalPhotos.toString(),
          "--bicubic-baseline", "--kernel", "model:" + small},
          Arrays.copyOfRange(gain, 1, gain.length)));
      assertEquals(0, eval.status(), eval.err());
      java.util.regex.Matcher measured = java.util.regex.Pattern
          .compile("(?m)^mean .* ([+-][0-9.]+)$").matcher(eval.out());
      assertTrue(measured.find(), eval.out());
      java.util.regex.Matcher recorded = java.util.regex.Pattern
          .compile("\"" + gain[0] + "\" : ([-0-9.]+)").matcher(Files.readString(small));
      assertTrue(recorded.find(), Files.readString(small));
      // Both rounded to 0.001, eval's by String.format and the manifest's by Math.round.
      assertEquals(Double.parseDouble(measured.group(1)),
          Double.parseDouble(recorded.group(1)), 0.001 + 1e-9, gain[0] + "\n" + trained.out());
    }

    // A learning rate of 1 wrecks the weights in one step: the deepened start must stay at OUT.
    Path deep = dir.resolve("deep.json");
    CliRun deepened = run(concat(common, "--espcn", "4,3", "--deepen-from", small.toString(),
        "--epochs", "1", "--lr", "1", "--out", deep.toString()));
    assertEquals(0, deepened.status(), deepened.err());
    assertTrue(deepened.out().contains("ESPCN-style(C=4, M=3, prelu)"), deepened.out());
    assertTrue(deepened.out().contains("start: validation " + best.group(1) + " dB"),
        "the deepened network validates as the model it grew from: " + deepened.out());
    assertTrue(!deepened.err().contains("saved"), deepened.err());
    String manifest = Files.readString(deep);
    assertTrue(manifest.contains("\"epoch\" : 0") && manifest.contains("deepened_from"),
        manifest);
    Frame input = ImageCodecs.read(Resources.path("photos/small_camera.png"), Long.MAX_VALUE);
    Frame want = new Upscaler(KernelFiles.resolve("model:" + small, Size2.square(2)),
        ColorMode.Y, Parallelism.inline()).apply(input);
    Frame got = new Upscaler(KernelFiles.resolve("model:" + deep, Size2.square(2)),
        ColorMode.Y, Parallelism.inline()).apply(input);
    for (int y = 0; y < want.height(); y++) {
      for (int x = 0; x < want.width(); x++) {
        assertEquals(want.sample(x, y, 0), got.sample(x, y, 0), 1, "pixel " + x + "," + y);
      }
    }

    CliRun notDeeper = run(concat(common, "--espcn", "4,1", "--deepen-from", small.toString(),
        "--out", dir.resolve("same.json").toString()));
    assertEquals(1, notDeeper.status());
    assertTrue(notDeeper.err().contains("has 1 middle layers; --espcn must ask for more"),
        notDeeper.err());
    CliRun wider = run(concat(common, "--espcn", "8,3", "--deepen-from", small.toString(),
        "--out", dir.resolve("wide.json").toString()));
    assertEquals(1, wider.status());
    assertTrue(wider.err().contains("--espcn must keep the model's channels"), wider.err());
    CliRun relu = run(concat(common, "--espcn", "4,3", "--activation", "relu", "--deepen-from",
        small.toString(), "--out", dir.resolve("relu.json").toString()));
    assertEquals(1, relu.status());
    assertTrue(relu.err().contains("its activation is prelu, --activation is relu"), relu.err());
    CliRun fsrcnn = run("train", "--model", "fsrcnn", "--images", photos.toString(),
        "--deepen-from", small.toString(), "--out", dir.resolve("f.json").toString());
    assertEquals(2, fsrcnn.status());
    assertTrue(fsrcnn.err().contains("--deepen-from is for --model espcn"), fsrcnn.err());
    CliRun badRate = run(concat(common, "--lr", "-0.001", "--out", deep.toString()));
    assertEquals(2, badRate.status());
    assertTrue(badRate.err().contains("--lr must be above 0 and at most 1, got -0.001"),
        badRate.err());
  }

  @Test
  void multiscaleCopiesTrainingAndHeldOutPhotographsEachIntoTheirOwnSet() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("multi"));
    for (String p : new String[] {"astronaut.png", "chelsea.png", "coffee.png"}) {
      Files.copy(Resources.path("photos/" + p), photos.resolve(p));
    }
    Path out = dir.resolve("multi.json");
    CliRun r = run("train", "--model", "espcn", "--espcn", "4,1", "--images", photos.toString(),
        "--validation", "0.34", "--steps-per-epoch", "2", "--batch", "2", "--patch", "16",
        "--epochs", "1", "--threads", "1", "--multiscale", "0.75,0.5", "--out", out.toString());
    assertEquals(0, r.status(), r.err());
    java.util.regex.Matcher m = java.util.regex.Pattern
        .compile("on (\\d+) photos, validating on (\\d+) \\(([^)]+)\\)").matcher(r.out());
    assertTrue(m.find(), r.out());
    List<String> validated = List.of(m.group(3).split(", "));
    String heldOut = validated.get(0);
    // 80x64, 64x60 and 72x48 pixels: at 0.75 every copy keeps 32 (16 low-resolution pixels) a
    // side, at 0.5 only astronaut's does. The held-out photograph's copies validate, never train.
    int big = heldOut.equals("astronaut.png") ? 1 : 0;
    assertEquals(2 * 2 + 1 - big, Integer.parseInt(m.group(1)), r.out() + r.err());
    List<String> want = new ArrayList<>(List.of(heldOut, heldOut + "@0.75"));
    if (big == 1) {
      want.add(heldOut + "@0.5");
    }
    assertEquals(want, validated, r.out());
    assertEquals(want.size(), Integer.parseInt(m.group(2)), r.out());
    for (String small : new String[] {"chelsea.png@0.5", "coffee.png@0.5"}) {
      assertTrue(r.err().contains("skipping " + small + ": "), r.err());
    }
    assertTrue(Files.readString(out).contains("\"multiscale\" : [ 0.75, 0.5 ]"),
        Files.readString(out));

    for (String bad : new String[] {"1", "0.1", "0.5,2"}) {
      CliRun refused = run("train", "--model", "espcn", "--images", photos.toString(),
          "--multiscale", bad, "--out", dir.resolve("bad.json").toString());
      assertEquals(2, refused.status(), bad);
      assertTrue(refused.err().contains("--multiscale factors must be 0.2 <= F < 1"),
          refused.err());
    }
    CliRun single = run("train", "--images", photos.toString(), "--multiscale", "0.5",
        "--out", dir.resolve("k.npy").toString());
    assertEquals(2, single.status(), single.err());
  }

  private static String[] concat(String[] a, String... b) {
    String[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }
}

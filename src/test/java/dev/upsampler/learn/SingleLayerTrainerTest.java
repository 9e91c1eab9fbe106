package dev.upsampler.learn;

import static dev.upsampler.testing.CliRun.run;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.testing.CliRun;
import dev.upsampler.testing.Resources;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Training one layer: it learns, a seed repeats it, the kernel file round-trips and serves. */
class SingleLayerTrainerTest {
  @TempDir Path dir;

  static List<TrainingPair> pairs(String... names) throws Exception {
    List<TrainingPair> l = new ArrayList<>();
    for (String n : names) {
      Path p = Resources.path("photos/" + n);
      l.add(TrainingPair.of(n, ImageCodecs.read(p, Long.MAX_VALUE), Size2.square(2)));
    }
    return l;
  }

  @Test
  void trainingLowersTheLossRepeatsWithASeedAndBeatsBicubicOnItsData() throws Exception {
    List<TrainingPair> train = pairs("astronaut.png", "chelsea.png", "coffee.png");
    SingleLayerTrainer a = new SingleLayerTrainer(Size2.square(2), null, 16, 8, 1e-3f);
    SingleLayerTrainer b = new SingleLayerTrainer(Size2.square(2), null, 16, 8, 1e-3f);
    Random ra = new Random(4);
    Random rb = new Random(4);
    double first = 0;
    double last = 0;
    try (Parallelism two = Parallelism.newPool(2)) {
      for (int i = 0; i < 60; i++) {
        double la = a.step(train, ra, two);
        b.step(train, rb, Parallelism.inline());
        if (i < 10) {
          first += la;
        } else if (i >= 50) {
          last += la;
        }
      }
    }
    assertTrue(last < first, "loss fell: " + first / 10 + " -> " + last / 10);
    assertArrayEquals(a.weights().data(), b.weights().data(),
        "one seed, one result, on 2 threads or 1");
    try (Parallelism par = Parallelism.newPool(2)) {
      double gain = a.validationGain(train, par);
      assertTrue(gain > 0, "better than bicubic on what it saw: " + gain);
    }
  }

  @Test
  void theKernelFileRoundTripsAndUpscalesAsTheTrainerDoes() throws Exception {
    SingleLayerTrainer t = new SingleLayerTrainer(Size2.square(2), null, 16, 4, 1e-3f);
    t.step(pairs("chelsea.png"), new Random(1), Parallelism.inline());
    Path npy = dir.resolve("learned.npy");
    KernelFiles.save(npy, t.spec(), t.weights(), BorderMode.REPLICATE, Map.of("model",
        "single"));
    UpscaleKernel loaded = KernelFiles.load(npy, Size2.square(2));
    assertArrayEquals(t.weights().data(), loaded.layer(1).weights().data());
    Frame photo = ImageCodecs.read(Resources.path("photos/small_coffee.png"), Long.MAX_VALUE);
    Frame want = new Upscaler(t.kernel("x"), ColorMode.Y, Parallelism.inline()).apply(photo);
    Frame got = new Upscaler(loaded, ColorMode.Y, Parallelism.inline()).apply(photo);
    assertArrayEquals(want.bytes(), got.bytes(), "replicated edges survive the file");

    String json = Files.readString(dir.resolve("learned.json"));
    assertTrue(json.contains("\"format\" : \"upsampler-kernel/1\""), json);
    Files.writeString(dir.resolve("learned.json"), json.replace("\"replicate\"",
        "\"sideways\""));
    InvalidInputException e = assertThrows(InvalidInputException.class,
        () -> KernelFiles.load(npy, Size2.square(2)));
    assertTrue(e.getMessage().contains("\"border\" must be"), e.getMessage());
    Files.writeString(dir.resolve("learned.json"), json.replace("upsampler-kernel/1",
        "upsampler-kernel/9"));
    e = assertThrows(InvalidInputException.class, () -> KernelFiles.load(npy, Size2.square(2)));
    assertTrue(e.getMessage().contains("is not one this version reads"), e.getMessage());
    float[] nan = t.weights().data().clone();
    nan[5] = Float.NaN;
    Files.writeString(dir.resolve("learned.json"), json);
    dev.upsampler.io.Npy.write(npy, new dev.upsampler.io.NpyArray(nan, new int[] {1, 1, 8, 8}));
    e = assertThrows(InvalidInputException.class, () -> KernelFiles.load(npy, Size2.square(2)));
    assertTrue(e.getMessage().toLowerCase().contains("nan"), e.getMessage());
  }

  @Test
  void theTrainCommandWritesAKernelThatUpscaleUses() throws Exception {
    Path photos = Files.createDirectories(dir.resolve("photos"));
    for (String p : new String[] {"astronaut.png", "chelsea.png", "coffee.png"}) {
      Files.copy(Resources.path("photos/" + p), photos.resolve(p));
    }
    Path out = dir.resolve("k.npy");
    CliRun r = run("train", "--images", photos.toString(), "--out", out.toString(),
        "--epochs", "2", "--steps-per-epoch", "5", "--batch", "4", "--patch", "16");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("best validation gain"), r.out());
    assertTrue(r.out().contains("training a single 8x8 transposed-convolution layer x2"),
        r.out());
    assertTrue(Files.exists(out) && Files.exists(dir.resolve("k.json")));
    assertTrue(Files.readString(dir.resolve("k.json")).contains("validation_gain_db"));
    CliRun up = run("upscale", "--input", Resources.path("photos/small_chelsea.png").toString(),
        "--output", dir.resolve("up.png").toString(), "--kernel", "model:" + out, "--color", "y",
        "--scale", "2");
    assertEquals(0, up.status(), up.err());

    CliRun fsrcnn = run("train", "--images", photos.toString(), "--out", out.toString(),
        "--model", "fsrcnn");
    assertEquals(2, fsrcnn.status());
    assertTrue(fsrcnn.err().contains("--out for --model fsrcnn must end in .json"),
        fsrcnn.err());
    Path one = Files.createDirectories(dir.resolve("one"));
    Files.copy(Resources.path("photos/coffee.png"), one.resolve("coffee.png"));
    CliRun few = run("train", "--images", one.toString(), "--out", out.toString());
    assertEquals(1, few.status());
    assertTrue(few.err().contains("needs at least 2 pictures"), few.err());
    assertFalse(Files.exists(dir.resolve("one/k.npy")));
  }

  @Test
  void trainsOnFramesOfAVideo() throws Exception {
    Path clip = dir.resolve("clip.mkv");
    dev.upsampler.testing.TestVideos.write(clip, "matroska", "ffv1", "bgr0", 12, 96, 64, 25,
        false);
    Path out = dir.resolve("v.npy");
    CliRun r = run("train", "--video", clip.toString(), "--frames", "8", "--out",
        out.toString(), "--epochs", "1", "--steps-per-epoch", "3", "--batch", "2", "--patch",
        "16");
    assertEquals(0, r.status(), r.err());
    assertTrue(r.out().contains("on 6 photos, validating on 2"), r.out());
    assertTrue(Files.readString(dir.resolve("v.json")).contains("\"video\""));
    CliRun both = run("train", "--video", clip.toString(), "--images", dir.toString(), "--out",
        out.toString());
    assertEquals(2, both.status());
  }
}

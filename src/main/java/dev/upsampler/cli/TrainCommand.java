package dev.upsampler.cli;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.Frame;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.learn.SingleLayerTrainer;
import dev.upsampler.learn.TrainingPair;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: learns a kernel from the user's own photographs. */
@Command(
    name = "train",
    description = {
      "Learns an upscaling kernel from photographs (self-supervised: each photo is downscaled"
          + " by bicubic and the kernel learns to undo it). --model single: one transposed-"
          + "convolution layer on luma, started from bicubic. The result is a kernel file"
          + " (OUT.npy and OUT.json) for upscale --kernel OUT.npy --color y, eval and the Flink"
          + " job.",
      ""
    },
    footer = {"", "Example: train --images photos/ --scale 2 --out target/learned-x2.npy"
        + " --minutes 5", "         train --video clip.mp4 --out target/clip-x2.npy"})
final class TrainCommand extends BaseCommand {

  @Option(names = "--images", paramLabel = "DIR",
      description = "Training photographs (PNG, JPEG, BMP).")
  Path images;

  @Option(names = "--video", paramLabel = "FILE",
      description = "Train on frames of a video instead (the last quarter held out).")
  Path video;

  @Option(names = "--frames", defaultValue = "60",
      description = "With --video: frames taken, evenly spaced (default ${DEFAULT-VALUE}).")
  int frames;

  @Option(names = "--scale", defaultValue = "2", paramLabel = "S", description = "2..4.")
  int scale;

  @Option(names = "--model", defaultValue = "single", paramLabel = "single",
      description = "The model to train (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--out", required = true, paramLabel = "OUT.npy",
      description = "Where the kernel goes (best validation result, saved as it improves).")
  Path out;

  @Option(names = "--epochs", defaultValue = "40", description = "Default ${DEFAULT-VALUE}.")
  int epochs;

  @Option(names = "--minutes", defaultValue = "0", paramLabel = "M",
      description = "Time budget; training stops at whichever of this and --epochs comes first.")
  double minutes;

  @Option(names = "--steps-per-epoch", defaultValue = "100") int stepsPerEpoch;
  @Option(names = "--batch", defaultValue = "16") int batch;
  @Option(names = "--patch", defaultValue = "32", description = "Low-resolution patch side.")
  int patch;
  @Option(names = "--lr", defaultValue = "1e-4", description = "Adam's learning rate.")
  float lr;
  @Option(names = "--seed", defaultValue = "1") long seed;

  @Option(names = "--validation", defaultValue = "0.25",
      description = "Share of the photographs held out for validation (at least one).")
  double validation;

  @Option(names = "--resume", description = "Start from the kernel already at --out.")
  boolean resume;

  @Override
  public Integer call() throws Exception {
    if (!model.equals("single")) {
      throw usage("--model " + model + " is not available yet; only 'single' (one"
          + " transposed-convolution layer) is");
    }
    if (scale < 2 || scale > 4) {
      throw usage("--scale must be 2, 3 or 4");
    }
    if ((images == null) == (video == null)) {
      throw usage("give either --images DIR or --video FILE");
    }
    Size2 s = Size2.square(scale);
    List<TrainingPair> all = video != null ? loadVideo(s) : load(s);
    if (all.size() < 2) {
      throw new InvalidInputException(video != null ? video : images, "needs at least 2"
          + " pictures (one is held out for validation), found " + all.size());
    }
    Random rnd = new Random(seed);
    if (video == null) {
      Collections.shuffle(all, rnd);
    } else {
      Collections.reverse(all); // hold out the end: neighbouring frames are near copies
    }
    int held = Math.max(1, (int) Math.round(validation * all.size()));
    List<TrainingPair> val = new ArrayList<>(all.subList(0, held));
    List<TrainingPair> train = new ArrayList<>(all.subList(held, all.size()));
    SingleLayerTrainer t = new SingleLayerTrainer(s,
        resume ? KernelFiles.load(out, s).layer(1).weights() : null, patch, batch, lr);
    out().printf(Locale.ROOT, "training a single %dx%d layer x%d on %d photos, validating on"
        + " %d (%s)%n", t.spec().kernel().h(), t.spec().kernel().w(), scale, train.size(),
        held, val.size() > 6 ? val.get(0).name() + " ... " + val.get(val.size() - 1).name()
            : String.join(", ", val.stream().map(TrainingPair::name).toList()));

    AtomicBoolean stop = new AtomicBoolean();
    Thread main = Thread.currentThread();
    Thread hook = new Thread(() -> {
      stop.set(true); // Ctrl-C: finish the step, keep the best model (already saved)
      try {
        main.join(10_000);
      } catch (InterruptedException ignored) {
        // exiting anyway
      }
    });
    Runtime.getRuntime().addShutdownHook(hook);
    long start = System.nanoTime();
    double best = Double.NEGATIVE_INFINITY;
    int sinceBest = 0;
    long patches = 0;
    try (Parallelism par = Parallelism.newPool(Runtime.getRuntime().availableProcessors())) {
      double initial = t.validationGain(val, par);
      out().printf(Locale.ROOT, "start: validation %+.3f dB over bicubic%n", initial);
      for (int e = 1; e <= epochs && !stop.get(); e++) {
        double loss = 0;
        long t0 = System.nanoTime();
        int steps = 0;
        for (; steps < stepsPerEpoch && !stop.get(); steps++) {
          loss += t.step(train, rnd);
        }
        patches += (long) steps * batch;
        double rate = steps * batch / ((System.nanoTime() - t0) / 1e9);
        double gain = t.validationGain(val, par);
        boolean better = gain > best;
        if (better) {
          best = gain;
          sinceBest = 0;
          save(t, s, e, gain, patches);
        } else if (++sinceBest >= 3) {
          t.optimizer().learningRate(t.optimizer().learningRate() / 2); // a plateau: finer steps
          sinceBest = 0;
        }
        boolean converged = t.optimizer().learningRate() < lr / 64;
        double elapsed = (System.nanoTime() - start) / 60e9;
        err().printf(Locale.ROOT, "epoch %d  loss %.3e  validation %+.3f dB (best %+.3f)  %.0f"
            + " patches/s  lr %.1e  %.1f min%s%n", e, loss / Math.max(1, steps), gain, best,
            rate, t.optimizer().learningRate(), elapsed, better ? "  saved" : "");
        if (minutes > 0 && elapsed >= minutes) {
          break;
        }
        if (converged) {
          err().println("converged: no better validation even at 1/64 of the learning rate");
          break;
        }
      }
    } finally {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // Ctrl-C: the hook is running
      }
    }
    out().printf(Locale.ROOT, "best validation gain %+.3f dB over bicubic after %d patches in"
        + " %.1f min: %s (use: upscale --kernel %s --color y)%n", best, patches,
        (System.nanoTime() - start) / 60e9, out, out);
    return 0;
  }

  private void save(SingleLayerTrainer t, Size2 s, int epoch, double gain, long patches)
      throws java.io.IOException {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model", "single");
    info.put("scale", s.h());
    info.put("channel", "luma (use --color y)");
    info.put("epoch", epoch);
    info.put("patches", patches);
    info.put("validation_gain_db", Math.round(gain * 1000) / 1000.0);
    info.put(video != null ? "video" : "images", String.valueOf(video != null ? video
        : images));
    info.put("seed", seed);
    KernelFiles.save(out, t.spec(), t.weights(), BorderMode.REPLICATE, info);
  }

  /** Evenly spaced frames of the video, decoded as RGB. */
  private List<TrainingPair> loadVideo(Size2 s) throws java.io.IOException {
    List<Frame> decoded = new ArrayList<>();
    long total;
    try (VideoReader r = VideoReader.open(video)) {
      total = r.info().frames();
      long every = total > 0 ? Math.max(1, total / Math.max(1, frames)) : 1;
      for (VideoFrame f; (f = r.next()) != null && decoded.size() < frames; ) {
        if (f.index() % every == 0) {
          decoded.add(f.frame());
        }
      }
    }
    List<TrainingPair> pairs = new ArrayList<>();
    for (int i = 0; i < decoded.size(); i++) {
      pairs.add(TrainingPair.of(video.getFileName() + "#" + i, decoded.get(i), s));
    }
    return pairs;
  }

  private List<TrainingPair> load(Size2 s) throws java.io.IOException {
    if (!Files.isDirectory(images)) {
      throw new InvalidInputException(images, "not a directory of photographs");
    }
    List<Path> files;
    try (Stream<Path> st = Files.walk(images)) {
      files = st.filter(Files::isRegularFile).filter(ImageCodecs::isImageName).sorted().toList();
    }
    List<TrainingPair> pairs = new ArrayList<>();
    for (Path f : files) {
      Frame photo = ImageCodecs.read(f, ImageCodecs.DEFAULT_MAX_PIXELS);
      if (photo.width() < 16 * scale || photo.height() < 16 * scale) {
        err().println("skipping " + f + ": smaller than " + 16 * scale + " pixels a side");
        continue;
      }
      pairs.add(TrainingPair.of(f.getFileName().toString(), photo, s));
    }
    return pairs;
  }
}

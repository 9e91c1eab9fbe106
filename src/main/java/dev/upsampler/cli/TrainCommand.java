package dev.upsampler.cli;

import dev.upsampler.engine.BorderMode;
import dev.upsampler.engine.Interpolation;
import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.io.InvalidInputException;
import dev.upsampler.io.KernelFiles;
import dev.upsampler.engine.NetworkLayer;
import dev.upsampler.io.ModelFiles;
import dev.upsampler.io.TrainingCheckpoint;
import dev.upsampler.learn.Adam;
import dev.upsampler.learn.Loss;
import dev.upsampler.learn.Network;
import dev.upsampler.learn.NetworkTrainer;
import dev.upsampler.learn.PatchSampler;
import dev.upsampler.learn.SingleLayerTrainer;
import dev.upsampler.learn.Trainer;
import dev.upsampler.learn.TrainingPair;
import dev.upsampler.learn.Validation;
import java.io.IOException;
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
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/** {@code train}: learns a kernel or a network from the user's own photographs. */
@Command(
    name = "train",
    description = {
      "Learns to upscale from photographs (self-supervised: each photo is downscaled by"
          + " bicubic and the model learns to undo it), on luma.",
      "--model single: one transposed-convolution layer started from bicubic; writes a kernel"
          + " file (OUT.npy and OUT.json).",
      "--model fsrcnn: FSRCNN (Dong et al. 2016: feature extraction, shrinking, mapping,"
          + " expanding, a transposed convolution); writes a model (OUT.json and OUT.npz).",
      "Either serves as upscale --kernel model:OUT --color y, in eval and in the Flink job."
          + " Progress goes to stderr each epoch; the best validation result is saved as it"
          + " improves, a checkpoint (OUT.checkpoint.json/.npz) every epoch for --resume;"
          + " Ctrl-C stops after the current step.",
      ""
    },
    footer = {"", "Example: train --images photos/ --scale 2 --out target/learned-x2.npy"
        + " --minutes 5",
        "         train --model fsrcnn --images photos/ --out target/fsrcnn-x2.json"
        + " --minutes 30",
        "         train --video clip.mp4 --out target/clip-x2.npy"})
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

  @Option(names = "--model", defaultValue = "single", paramLabel = "single|fsrcnn|espcn",
      description = "The model to train (default ${DEFAULT-VALUE}).")
  String model;

  @Option(names = "--espcn", defaultValue = "16,2", paramLabel = "C,M",
      description = "--model espcn: channels C and middle 3x3 layers M (default"
          + " ${DEFAULT-VALUE}): 3x3 convolutions 1 -> C, M x C -> C, C -> scale^2, depth to"
          + " space.")
  String espcnShape;

  @Option(names = "--activation", defaultValue = "prelu", paramLabel = "prelu|relu|relu6",
      description = "--model espcn: the activation after each convolution but the last"
          + " (default ${DEFAULT-VALUE}; relu6 clamps to [0, 6] as mobile networks do).")
  String activation;

  @Option(names = "--expand", defaultValue = "0", paramLabel = "E",
      description = "--model espcn: train each 3x3 convolution re-parameterised (SESR's"
          + " collapsible block: 3x3 to E channels, 1x1 back, plus the input where widths agree),"
          + " merged into one 3x3 at every step and in the saved model; 0 trains it plain"
          + " (default ${DEFAULT-VALUE}).")
  int expand;

  @Option(names = "--skip", paramLabel = "none|nearest|bicubic",
      description = "Networks: the interpolation of the input added to the output (a global"
          + " skip connection; default bicubic for espcn, none for fsrcnn).")
  String skipName;

  @Option(names = "--fsrcnn", defaultValue = "56,12,4", paramLabel = "D,S,M",
      description = "FSRCNN's feature channels d, shrunk channels s and mapping layers m"
          + " (default ${DEFAULT-VALUE}; 32,5,1 is FSRCNN-s).")
  String fsrcnnShape;

  @Option(names = "--loss", defaultValue = "mse", paramLabel = "mse|l1|charbonnier",
      description = "Training loss for --model fsrcnn (default ${DEFAULT-VALUE}).")
  String lossName;

  @Option(names = "--residual", negatable = true, defaultValue = "false",
      fallbackValue = "true", description = "--model fsrcnn: add bicubic's upscaling of the"
      + " input to the network's output (a global skip connection: training starts at"
      + " bicubic's quality and the layers learn only the missing detail).")
  boolean residual;

  @Option(names = "--augment", negatable = true, defaultValue = "true", fallbackValue = "true",
      description = "--model fsrcnn: show each patch under a random flip or transpose (on by"
          + " default; --no-augment for plain patches).")
  boolean augment;

  @Option(names = "--out", required = true, paramLabel = "OUT",
      description = "Where the model goes: OUT.npy (single) or OUT.json (fsrcnn).")
  Path out;

  @Option(names = "--epochs", paramLabel = "N", description = "Epochs at most (default 40;"
      + " with --minutes, none: the time budget rules).")
  Integer epochs;

  @Option(names = "--minutes", defaultValue = "0", paramLabel = "M",
      description = "Time budget; training stops at whichever of this and --epochs (when given)"
          + " comes first.")
  double minutes;

  /** Epochs to run: as given, else unbounded under a time budget, else 40. */
  int epochLimit() {
    return epochs != null ? epochs : minutes > 0 ? Integer.MAX_VALUE / 2 : 40;
  }

  @Option(names = "--steps-per-epoch", defaultValue = "100") int stepsPerEpoch;
  @Option(names = "--batch", defaultValue = "16") int batch;
  @Option(names = "--patch", defaultValue = "32", description = "Low-resolution patch side.")
  int patch;
  @Option(names = "--lr", description = "Adam's learning rate (default 1e-4 single, 1e-3"
      + " fsrcnn).")
  Float lr;
  @Option(names = "--schedule", defaultValue = "plateau", paramLabel = "plateau|cosine",
      description = "Learning rate: plateau halves it after --patience epochs without a better"
          + " validation; cosine lowers it from --lr to 0 along a cosine over the run (the"
          + " --minutes budget, or --epochs without one), whatever the validation says;"
          + " --resume starts a new cosine (a warm restart) (default ${DEFAULT-VALUE}).")
  String schedule;

  @Option(names = "--patience", defaultValue = "4", description = "Epochs without a better"
      + " validation before the learning rate halves (default ${DEFAULT-VALUE}).")
  int patience;
  @Option(names = "--seed", defaultValue = "1") long seed;
  @Option(names = "--threads", description = "Worker threads (default: all cores).")
  Integer threads;

  @Option(names = "--validation", defaultValue = "0.25",
      description = "Share of the photographs held out for validation (at least one).")
  double validation;

  @Option(names = "--eval", paramLabel = "DIR", description = "Networks: after training,"
      + " measure the best model on these photographs (never trained on) as eval"
      + " --bicubic-baseline does, with and without --self-ensemble, and record both gains in"
      + " the model's manifest.")
  Path evalDir;

  @Option(names = "--patch-candidates", defaultValue = "1", paramLabel = "K",
      description = "Networks: each training patch is the hardest of K uniformly drawn ones,"
          + " the one where bicubic misses the photograph most (edges and texture over flat"
          + " areas); 1 draws uniformly (default ${DEFAULT-VALUE}).")
  int patchCandidates;

  @Option(names = "--multiscale", split = ",", paramLabel = "F[,F...]",
      description = "Networks: each training photograph also downscaled by these factors"
          + " (0.2 <= F < 1; MATLAB-style bicubic) before the degradation, each copy a picture"
          + " of its own, as DF2K's multiscale set (0.75, 0.5, 1/3): the same scenes with finer"
          + " texture and other moires. The held-out photographs are copied too, into"
          + " validation only.")
  double[] multiscale = new double[0];

  @Option(names = "--deepen-from", paramLabel = "MODEL",
      description = "--model espcn: start from this trained ESPCN-style model (same channels,"
      + " activation, skip and scale, fewer middle layers than --espcn asks): the layers it"
      + " lacks go in before its last convolution as the identity, so training starts at its"
      + " quality (Net2DeeperNet). With --resume, OUT's checkpoint wins when there is one.")
  Path deepenFrom;

  @Option(names = "--resume", description = "Continue from OUT's checkpoint (or, without one,"
      + " start from the model already at OUT, which stays unless an epoch validates better).")
  boolean resume;

  /** What the options ask for, checked: the trainer's kind, skip, shape, loss and schedule. */
  private record Settings(boolean network, Interpolation skip, int[] shape, Loss loss,
      float rate, boolean cosine) {}

  /** Where a run stands: the next epoch, the best validation so far, patches and minutes spent. */
  private record Progress(int firstEpoch, double best, long patches, double spentMinutes) {}

  @Override
  public Integer call() throws Exception {
    Settings o = settings();
    Size2 s = Size2.square(scale);
    List<TrainingPair> all = video != null ? TrainingPictures.videoFrames(video, frames, s)
        : TrainingPictures.photos(images, s, err());
    if (all.size() < 2) {
      throw new InvalidInputException(video != null ? video : images, "needs at least 2"
          + " pictures (one is held out for validation), found " + all.size());
    }
    // Read now, not after the run: a wrong --eval must not cost a training run its measurement.
    List<TrainingPair> unseen = evalDir != null && o.network()
        ? TrainingPictures.photos(evalDir, s, err()) : List.of();
    if (evalDir != null && o.network() && unseen.isEmpty()) {
      throw new InvalidInputException(evalDir, "no photographs to evaluate on (PNG, JPEG or"
          + " BMP, at least " + TrainingPictures.MIN_SIDE * scale + " pixels a side)");
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
    // After the split: a held-out photograph's copies must not be trained on. Validation sees
    // the same mix of scales as training (its own photographs' copies), or it would judge a
    // model taught finer texture on the original scale alone.
    train.addAll(TrainingPictures.rescaled(train, multiscale, s, err()));
    val.addAll(TrainingPictures.rescaled(val, multiscale, s, err()));
    TrainingCheckpoint checkpoint = resume ? TrainingCheckpoint.load(out) : null;
    // Fine-tuning a trained model: it stays at OUT unless an epoch validates better.
    boolean fromModel = checkpoint == null && (deepenFrom != null
        || (resume && Files.exists(out)));
    Trainer t = o.network() ? networkTrainer(o, fromModel)
        : new SingleLayerTrainer(s, fromModel ? KernelFiles.load(out, s).layer(1).weights()
            : null, patch, batch, o.rate());
    Progress from = new Progress(1, Double.NEGATIVE_INFINITY, 0, 0);
    if (checkpoint != null) {
      from = restore(checkpoint, t, o);
      rnd = new Random(seed + from.firstEpoch()); // a fresh, still seeded, patch sequence
      out().printf(Locale.ROOT, "resuming after epoch %d (%d patches, best %+.3f dB, lr %.1e)%n",
          from.firstEpoch() - 1, from.patches(), from.best(), t.learningRate());
    }
    out().printf(Locale.ROOT, "training %s on %d photos, validating on %d (%s)%n",
        describe(t, o), train.size(), val.size(),
        heldOut(val.stream().map(TrainingPair::name).toList(), video != null));
    long start = System.nanoTime();
    Progress end = runUntilStopped(t, o, train, val, rnd, from, fromModel, checkpoint == null);
    out().printf(Locale.ROOT, "best validation gain %+.3f dB over bicubic after %d patches in"
        + " %.1f min: %s (use: upscale --kernel model:%s)%n", end.best(), end.patches(),
        from.spentMinutes() + (System.nanoTime() - start) / 60e9, out, out);
    if (!unseen.isEmpty() && Files.exists(out)) {
      measureOnEvalPhotos(unseen, s);
    }
    return 0;
  }

  /** The options checked against each other, before any photograph is read. */
  private Settings settings() throws IOException {
    boolean network = switch (model) {
      case "single" -> false;
      case "fsrcnn", "espcn" -> true;
      default -> throw usage("--model must be single, fsrcnn or espcn, got " + model);
    };
    if (residual && skipName != null && !skipName.equals("bicubic")) {
      throw usage("--residual means --skip bicubic; give one of them");
    }
    if (skipName == null) {
      skipName = residual || model.equals("espcn") ? "bicubic" : "none";
    }
    Interpolation skip = switch (skipName) {
      case "none" -> null;
      case "nearest" -> Interpolation.NEAREST;
      case "bicubic" -> Interpolation.BICUBIC;
      default -> throw usage("--skip must be none, nearest or bicubic, got " + skipName);
    };
    if (expand < 0 || expand > 1024 || (expand > 0 && !model.equals("espcn"))) {
      throw usage("--expand must be 0..1024 and is for --model espcn, got " + expand);
    }
    if (deepenFrom != null && (!model.equals("espcn") || expand > 0)) {
      throw usage("--deepen-from is for --model espcn trained plain (--expand 0)");
    }
    if (!List.of("prelu", "relu", "relu6").contains(activation)) {
      throw usage("--activation must be prelu, relu or relu6, got " + activation);
    }
    if (patchCandidates < 1 || patchCandidates > 64
        || (patchCandidates > 1 && model.equals("single"))) {
      throw usage("--patch-candidates must be 1..64 and is for networks, got "
          + patchCandidates);
    }
    if (scale < 2 || scale > 4) {
      throw usage("--scale must be 2, 3 or 4");
    }
    for (double f : multiscale) {
      if (!(f >= 0.2 && f < 1) || !network || video != null) {
        throw usage("--multiscale factors must be 0.2 <= F < 1, for networks trained on"
            + " --images, got " + java.util.Arrays.toString(multiscale));
      }
    }
    if ((images == null) == (video == null)) {
      throw usage("give either --images DIR or --video FILE");
    }
    String ext = network ? ".json" : ".npy";
    if (!out.getFileName().toString().toLowerCase(Locale.ROOT).endsWith(ext)) {
      throw usage("--out for --model " + model + " must end in " + ext + ", got " + out);
    }
    int[] shape = model.equals("fsrcnn") ? fsrcnnShape() : model.equals("espcn")
        ? espcnShape() : null;
    Path dir = out.toAbsolutePath().getParent();
    if (dir != null) {
      Files.createDirectories(dir);
    }
    Loss loss;
    try {
      loss = Loss.parse(lossName);
    } catch (IllegalArgumentException e) {
      throw usage(e.getMessage());
    }
    if (!network && skip != null) {
      throw usage("--residual and --skip are for networks (--model fsrcnn or espcn)");
    }
    if (!network && loss != Loss.MSE) {
      throw usage("--loss " + loss + " is for --model fsrcnn; the single layer trains on MSE");
    }
    if (lr != null && !(lr > 0 && lr <= 1)) {
      throw usage("--lr must be above 0 and at most 1, got " + lr);
    }
    boolean cosine = switch (schedule) {
      case "plateau" -> false;
      case "cosine" -> true;
      default -> throw usage("--schedule must be plateau or cosine, got " + schedule);
    };
    return new Settings(network, skip, shape, loss, lr != null ? lr : network ? 1e-3f : 1e-4f,
        cosine);
  }

  /** FSRCNN or the ESPCN-style stack, from a model (grown by --deepen-from) when asked. */
  private NetworkTrainer networkTrainer(Settings o, boolean fromModel) throws IOException {
    int[] shape = o.shape();
    Network net = model.equals("fsrcnn")
        ? Network.fsrcnn(shape[0], shape[1], shape[2], scale, new Random(seed))
        : Network.espcn(shape[0], shape[1], scale, activation, expand, new Random(seed));
    NetworkTrainer t = new NetworkTrainer(net, scale, patch, batch, o.rate(), o.loss(),
        o.skip(), augment).sampling(PatchSampler.hardest(patchCandidates));
    if (fromModel && deepenFrom != null) {
      StartingWeights.copyInto(t, StartingWeights.deepened(deepenFrom,
          t.parameters().size(), shape[0], o.skip(), activation), deepenFrom);
    } else if (fromModel) {
      StartingWeights.copyInto(t, ModelFiles.loadNetwork(out).layers().stream()
          .map(NetworkLayer::params).toList(), out);
    }
    return t;
  }

  /** What is trained, for the first line of progress. */
  private String describe(Trainer t, Settings o) {
    if (t instanceof SingleLayerTrainer single) {
      Size2 k = single.spec().kernel();
      return "a single " + k.w() + "x" + k.h() + " transposed-convolution layer x" + scale;
    }
    int[] shape = o.shape();
    return String.format(Locale.ROOT, "%s%s x%d, %s loss, %d parameters, %d multiply-adds"
        + " per input pixel", model.equals("fsrcnn")
        ? String.format(Locale.ROOT, "FSRCNN(d=%d, s=%d, m=%d)", shape[0], shape[1], shape[2])
        : String.format(Locale.ROOT, "ESPCN-style(C=%d, M=%d, %s%s)", shape[0], shape[1],
        activation, expand > 0 ? ", trained re-parameterised x" + expand : ""),
        o.skip() != null ? " + " + skipName + " skip" : "",
        scale, o.loss(), t.parameters().stream().mapToInt(p -> p.length).sum(),
        ((NetworkTrainer) t).inference().macsPerPixel());
  }

  /** Weights, Adam's moments and the schedule from OUT's checkpoint, if it is of this model. */
  private Progress restore(TrainingCheckpoint checkpoint, Trainer t, Settings o)
      throws IOException {
    Map<String, Object> st = checkpoint.state();
    Object savedSkip = st.containsKey("skip") ? st.get("skip")
        : Boolean.TRUE.equals(st.get("residual")) ? "bicubic" : "none";
    boolean network = o.network();
    if (!model.equals(st.get("model")) || (network && !shapeOption().equals(st.get(model)))
        || (network && !skipName.equals(savedSkip))
        || (model.equals("espcn") && (!activation.equals(st.get("activation"))
            || expand != ((Number) st.getOrDefault("expand", 0)).intValue()))
        || scale != ((Number) st.get("scale")).intValue()) {
      throw new InvalidInputException(TrainingCheckpoint.jsonFor(out), "the checkpoint is of"
          + " model " + st.get("model") + (st.containsKey(model) ? " " + st.get(model) : "")
          + (network ? ", skip " + savedSkip : "") + " x" + st.get("scale")
          + "; this run asks for " + model + (network ? " " + shapeOption() + ", skip "
          + skipName : "") + " x" + scale);
    }
    StartingWeights.copyInto(t, checkpoint.parameters(), TrainingCheckpoint.jsonFor(out));
    for (int i = 0; i < t.optimizers().size(); i++) {
      t.optimizers().get(i).restore(checkpoint.firstMoments().get(i),
          checkpoint.secondMoments().get(i), checkpoint.steps().get(i));
    }
    t.learningRate(((Number) st.get("learning_rate")).floatValue());
    return new Progress(((Number) st.get("epoch")).intValue() + 1,
        ((Number) st.get("best_validation_gain_db")).doubleValue(),
        ((Number) st.get("patches")).longValue(), ((Number) st.get("minutes")).doubleValue());
  }

  /**
   * Epochs until --epochs, --minutes, convergence or Ctrl-C (which finishes the step; the best
   * model is on disk already). A fresh run validates its starting point first; a fine-tuned
   * model's is the one to beat.
   */
  private Progress runUntilStopped(Trainer t, Settings o, List<TrainingPair> train,
      List<TrainingPair> val, Random rnd, Progress from, boolean fromModel, boolean fresh)
      throws IOException {
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
    Size2 s = Size2.square(scale);
    long start = System.nanoTime();
    double best = from.best();
    long patches = from.patches();
    int sinceBest = 0;
    int workers = threads != null ? threads : Runtime.getRuntime().availableProcessors();
    try (Parallelism par = Parallelism.newPool(workers)) {
      if (fresh) {
        double initial = t.validationGain(val, par);
        out().printf(Locale.ROOT, "start: validation %+.3f dB over bicubic%n", initial);
        if (fromModel) {
          best = initial;
          if (deepenFrom != null) {
            saveModel(t, s, 0, initial, 0, 0);
          }
        }
      }
      int firstEpoch = from.firstEpoch();
      int epochLimit = epochLimit();
      for (int e = firstEpoch; e < firstEpoch + epochLimit && !stop.get(); e++) {
        double lossSum = 0;
        long t0 = System.nanoTime();
        int steps = 0;
        for (; steps < stepsPerEpoch && !stop.get() && !overBudget(start); steps++) {
          if (o.cosine()) {
            double progress = minutes > 0 ? (System.nanoTime() - start) / 60e9 / minutes
                : (e - firstEpoch + (double) steps / stepsPerEpoch) / epochLimit;
            t.learningRate((float) (o.rate() * 0.5 * (1 + Math.cos(Math.PI * Math.min(1,
                progress)))));
          }
          lossSum += t.step(train, rnd, par);
        }
        patches += (long) steps * t.batch();
        double perSecond = steps * t.batch() / ((System.nanoTime() - t0) / 1e9);
        double gain = t.validationGain(val, par);
        boolean better = gain > best;
        double elapsed = from.spentMinutes() + (System.nanoTime() - start) / 60e9;
        if (better) {
          best = gain;
          sinceBest = 0;
          saveModel(t, s, e, gain, patches, elapsed);
        } else if (!o.cosine() && ++sinceBest >= patience) {
          t.learningRate(t.learningRate() / 2); // a plateau: finer steps
          sinceBest = 0;
        }
        saveCheckpoint(t, e, best, patches, elapsed);
        boolean converged = !o.cosine() && t.learningRate() < o.rate() / 64;
        err().printf(Locale.ROOT, "epoch %d  loss %.3e  validation %+.3f dB (best %+.3f)  %.0f"
            + " patches/s  lr %.1e  %.1f min%s%n", e, lossSum / Math.max(1, steps), gain, best,
            perSecond, t.learningRate(), elapsed, better ? "  saved" : "");
        if (overBudget(start)) {
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
    return new Progress(from.firstEpoch(), best, patches, from.spentMinutes());
  }

  /**
   * The best model's gain on photographs training never saw (what {@code eval
   * --bicubic-baseline} reports), printed and recorded in the manifest's "trained" section,
   * where {@code models} shows it.
   */
  private void measureOnEvalPhotos(List<TrainingPair> photos, Size2 s)
      throws java.io.IOException {
    double gain;
    double ensembled;
    try (Parallelism par = Parallelism.newPool(threads != null ? threads
        : Runtime.getRuntime().availableProcessors())) {
      UpscaleKernel model = ModelFiles.load(out, s);
      gain = Validation.gainOverBicubic(model, photos, par);
      ensembled = Validation.gainOverBicubic(model.withSelfEnsemble(), photos, par);
    }
    String names = String.join(", ", photos.stream().map(TrainingPair::name).toList());
    out().printf(Locale.ROOT, "on %d evaluation photos (%s): %+.3f dB over bicubic"
        + " (%+.3f with --self-ensemble)%n", photos.size(), names, gain, ensembled);
    Map<String, Object> extra = new LinkedHashMap<>();
    extra.put("eval_gain_db", Math.round(gain * 1000) / 1000.0);
    extra.put("eval_gain_self_ensemble_db", Math.round(ensembled * 1000) / 1000.0);
    extra.put("eval_photos", photos.size() + " photographs no model saw (" + names + ")");
    ModelFiles.annotate(out, extra);
  }

  private boolean overBudget(long start) {
    return minutes > 0 && (System.nanoTime() - start) / 60e9 >= minutes;
  }

  /** The shape option of the network being trained, as given. */
  private String shapeOption() {
    return model.equals("fsrcnn") ? fsrcnnShape : espcnShape;
  }

  /** The architecture as the model file's manifest names it. */
  private String architecture() {
    return model.equals("fsrcnn") ? "fsrcnn " + fsrcnnShape
        : "espcn " + espcnShape + " " + activation;
  }

  private int[] espcnShape() {
    String[] parts = espcnShape.split(",");
    try {
      int[] v = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim())};
      if (parts.length == 2 && v[0] >= 1 && v[0] <= 256 && v[1] >= 0 && v[1] <= 32) {
        return v;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw usage("--espcn must be C,M (e.g. 16,2: 1..256 channels, 0..32 middle layers), got "
        + espcnShape);
  }

  private int[] fsrcnnShape() {
    String[] parts = fsrcnnShape.split(",");
    try {
      int[] v = {Integer.parseInt(parts[0].trim()), Integer.parseInt(parts[1].trim()),
          Integer.parseInt(parts[2].trim())};
      if (parts.length == 3 && v[0] >= 1 && v[1] >= 1 && v[2] >= 0 && v[0] <= 512
          && v[1] <= 512 && v[2] <= 64) {
        return v;
      }
    } catch (RuntimeException e) {
      // reported below
    }
    throw usage("--fsrcnn must be D,S,M (e.g. 56,12,4: 1..512 channels, 0..64 mapping layers),"
        + " got " + fsrcnnShape);
  }

  private Map<String, Object> info(int epoch, double gain, long patches, double elapsed) {
    Map<String, Object> info = new LinkedHashMap<>();
    info.put("model", model);
    if (!model.equals("single")) {
      info.put(model, shapeOption());
      if (model.equals("espcn")) {
        info.put("activation", activation);
        info.put("expand", expand);
        if (deepenFrom != null) {
          info.put("deepened_from", String.valueOf(deepenFrom));
        }
      }
      info.put("loss", Loss.parse(lossName).toString());
      info.put("skip", skipName);
      info.put("augment", augment);
      info.put("patch_candidates", patchCandidates);
      if (multiscale.length > 0) {
        info.put("multiscale", multiscale);
      }
    }
    info.put("scale", scale);
    info.put("channel", "luma (served on luma by --color auto, the default)");
    info.put("epoch", epoch);
    info.put("patches", patches);
    info.put("minutes", Math.round(elapsed * 100) / 100.0);
    info.put("validation_gain_db", Math.round(gain * 1000) / 1000.0);
    info.put(video != null ? "video" : "images", String.valueOf(video != null ? video
        : images));
    info.put("seed", seed);
    return info;
  }

  private void saveModel(Trainer t, Size2 s, int epoch, double gain, long patches,
      double elapsed) throws java.io.IOException {
    Map<String, Object> info = info(epoch, gain, patches, elapsed);
    if (t instanceof NetworkTrainer n) {
      ModelFiles.save(out, n.inference(), architecture(), info);
    } else {
      SingleLayerTrainer single = (SingleLayerTrainer) t;
      KernelFiles.save(out, single.spec(), single.weights(), BorderMode.REPLICATE, info);
    }
  }

  private void saveCheckpoint(Trainer t, int epoch, double best, long patches, double elapsed)
      throws java.io.IOException {
    Map<String, Object> state = info(epoch, best, patches, elapsed);
    state.remove("validation_gain_db");
    state.put("best_validation_gain_db", best);
    state.put("minutes", elapsed);
    state.put("learning_rate", t.learningRate());
    new TrainingCheckpoint(state, t.parameters(),
        t.optimizers().stream().map(Adam::firstMoments).toList(),
        t.optimizers().stream().map(Adam::secondMoments).toList(),
        t.optimizers().stream().map(Adam::steps).toList()).save(out);
  }

  /**
   * Every held-out photograph by name: the split moves as photographs are added, and two runs
   * compare only on the same one. A video's held-out frames are one range, named by its ends.
   */
  static String heldOut(List<String> names, boolean videoFrames) {
    return videoFrames && names.size() > 2
        ? names.get(0) + " ... " + names.get(names.size() - 1)
        : String.join(", ", names);
  }
}

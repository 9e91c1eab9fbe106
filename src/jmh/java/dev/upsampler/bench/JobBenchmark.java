package dev.upsampler.bench;

import dev.upsampler.engine.Parallelism;
import dev.upsampler.engine.Size2;
import dev.upsampler.image.ColorMode;
import dev.upsampler.image.Frame;
import dev.upsampler.image.FrameInfo;
import dev.upsampler.image.PixelLayout;
import dev.upsampler.image.UpscaleKernel;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.ImageCodecs;
import dev.upsampler.flink.JobDefinition;
import dev.upsampler.flink.UpscaleJob;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.stream.Stream;
import org.apache.flink.streaming.api.environment.StreamExecutionEnvironment;

/**
 * Flink's share of the image job's time. The same frames (1280 x 720 PNGs) go through the job on
 * an embedded Flink at parallelism 2, and through the same work without Flink (read, decode,
 * upscale, encode, write, on two threads), in one run; the difference is what Flink's source,
 * records and sink cost. Usage: {@code JobBenchmark [frames] [rounds]} (default 200, 3); prints
 * medians of the rounds.
 */
public final class JobBenchmark {
  private JobBenchmark() {}

  public static void main(String[] args) throws Exception {
    int frames = args.length > 0 ? Integer.parseInt(args[0]) : 200;
    int rounds = args.length > 1 ? Integer.parseInt(args[1]) : 3;
    Path root = Files.createTempDirectory("upsampler-jobbench");
    Path in = root.resolve("frames");
    Files.createDirectories(in);
    System.out.printf("writing %d 1280x720 frames to %s%n", frames, in);
    Random rnd = new Random(1);
    for (int i = 0; i < frames; i++) {
      ImageCodecs.write(frame(rnd, i), in.resolve(String.format("frame_%05d.png", i)), null, 1f);
    }
    List<Double> engine = new ArrayList<>();
    List<Double> job = new ArrayList<>();
    for (int r = 0; r < rounds; r++) {
      engine.add(engineAlone(in, root.resolve("engine-" + r)));
      job.add(flinkJob(in, root.resolve("job-" + r)));
      System.out.printf(Locale.ROOT, "round %d: engine alone %.2f s, job %.2f s%n", r + 1,
          engine.get(r), job.get(r));
    }
    double e = median(engine);
    double j = median(job);
    System.out.printf(Locale.ROOT, "%n| %d frames 1280x720 -> 2560x1440, bilinear, 2 workers |"
        + " seconds (median of %d) | frames/s |%n|---|---|---|%n", frames, rounds);
    System.out.printf(Locale.ROOT, "| engine alone (read, decode, upscale, encode, write) |"
        + " %.2f | %.1f |%n", e, frames / e);
    System.out.printf(Locale.ROOT, "| Flink job, embedded, parallelism 2 | %.2f | %.1f |%n", j,
        frames / j);
    System.out.printf(Locale.ROOT, "| Flink's share of the job's time | %.1f%% | |%n",
        100 * (j - e) / j);
    delete(root);
  }

  static Frame frame(Random rnd, int i) {
    int w = 1280;
    int h = 720;
    byte[] d = new byte[w * h * 3];
    for (int y = 0; y < h; y++) {
      for (int x = 0; x < w; x++) {
        int o = (y * w + x) * 3;
        d[o] = (byte) (128 + 100 * Math.sin((x + 7 * i) / 40.0));
        d[o + 1] = (byte) (128 + 100 * Math.cos((y + 3 * i) / 30.0));
        d[o + 2] = (byte) (rnd.nextInt(32) + ((x ^ y) & 0x7f));
      }
    }
    return Frame.of8(PixelLayout.RGB24, w, h, d, FrameInfo.NONE);
  }

  static double engineAlone(Path in, Path out) throws Exception {
    Files.createDirectories(out);
    List<Path> files;
    try (Stream<Path> s = Files.list(in)) {
      files = s.sorted().toList();
    }
    long t0 = System.nanoTime();
    ExecutorService pool = Executors.newFixedThreadPool(2);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int w = 0; w < 2; w++) {
        int worker = w;
        done.add(pool.submit(() -> {
          Upscaler up = new Upscaler(UpscaleKernel.named("bilinear", Size2.square(2)),
              ColorMode.RGB, Parallelism.inline());
          for (int i = worker; i < files.size(); i += 2) {
            Path f = files.get(i);
            Frame frame = ImageCodecs.decode(Files.readAllBytes(f), f, Long.MAX_VALUE);
            ImageCodecs.write(up.apply(frame), out.resolve(f.getFileName()), "png", 1f);
          }
          return null;
        }));
      }
      for (Future<?> d : done) {
        d.get();
      }
    } finally {
      pool.shutdown();
    }
    return (System.nanoTime() - t0) / 1e9;
  }

  static double flinkJob(Path in, Path out) throws Exception {
    JobDefinition def = JobDefinition.of(Map.of("name", "bench", "input", in.toString(),
        "output", out.toString(), "kernel", "bilinear", "scale", "2", "format", "png",
        "parallelism", "2", "threads", "1", "checkpoint-interval", "0"));
    StreamExecutionEnvironment env = StreamExecutionEnvironment.createLocalEnvironment(2,
        UpscaleJob.configuration(def));
    UpscaleJob.build(env, def);
    long t0 = System.nanoTime();
    env.execute("bench");
    return (System.nanoTime() - t0) / 1e9;
  }

  static double median(List<Double> v) {
    List<Double> s = v.stream().sorted().toList();
    int n = s.size();
    return n % 2 == 1 ? s.get(n / 2) : (s.get(n / 2 - 1) + s.get(n / 2)) / 2;
  }

  static void delete(Path p) throws IOException {
    try (Stream<Path> s = Files.walk(p)) {
      s.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    }
  }
}

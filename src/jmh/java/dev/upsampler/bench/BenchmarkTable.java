package dev.upsampler.bench;

import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.ChainedOptionsBuilder;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

/**
 * Runs the JMH benchmarks and prints one Markdown table of medians and ratios, every ratio from
 * the same run. Usage: {@code BenchmarkTable [--quick] [--shapes a,b,c] [--no-sweep]
 * [--no-resize]}, or {@code BenchmarkTable --network [--quick]} for whole FSRCNNs.
 */
public final class BenchmarkTable {
  private final Map<String, Double> medians = new LinkedHashMap<>();
  private final boolean quick;

  private BenchmarkTable(boolean quick) {
    this.quick = quick;
  }

  public static void main(String[] args) throws RunnerException {
    boolean quick = List.of(args).contains("--quick");
    boolean sweep = !List.of(args).contains("--no-sweep");
    boolean resize = !List.of(args).contains("--no-resize");
    List<String> shapes = List.of("a", "b", "c");
    for (int i = 0; i < args.length - 1; i++) {
      if (args[i].equals("--shapes")) {
        shapes = args[i + 1].equals("none") ? List.of() : List.of(args[i + 1].split(","));
      }
    }
    BenchmarkTable t = new BenchmarkTable(quick);
    if (List.of(args).contains("--network")) {
      t.runNetworks();
      return;
    }
    for (String s : shapes) {
      t.run("engine", s, "1", "2");
      t.run("onnxruntime", s, "1", "2");
      t.run("naive", s);
    }
    if (resize) {
      t.runResize("engine");
      t.runResize("opencv");
    }
    List<String> sweepShapes = new ArrayList<>();
    if (sweep) {
      for (int s = 2; s <= 4; s++) {
        for (int k = 2; k <= 9; k++) {
          sweepShapes.add("k" + k + "s" + s);
        }
      }
      for (String s : sweepShapes) {
        t.run("engine", s, "1");
        t.run("onnxruntime", s, "1");
      }
    }
    t.print(shapes, sweepShapes);
  }

  private void run(String method, String shape, String... threads) throws RunnerException {
    boolean naive = method.equals("naive");
    boolean sweepShape = shape.startsWith("k");
    ChainedOptionsBuilder o = new OptionsBuilder()
        .include(ConvTransposeBenchmark.class.getName() + "." + method + "$")
        .param("shape", shape)
        .warmupIterations(naive || sweepShape || quick ? 1 : 3)
        .measurementIterations(naive || sweepShape || quick ? 3 : 5)
        .warmupTime(TimeValue.seconds(1))
        .measurementTime(TimeValue.seconds(naive || sweepShape || quick ? 1 : 2));
    if (!naive) {
      o.param("threads", threads);
    }
    Collection<RunResult> results = new Runner(o.build()).run();
    for (RunResult r : results) {
      String t = naive ? "1" : r.getParams().getParam("threads");
      medians.put(method + "/" + shape + "/" + t,
          r.getPrimaryResult().getStatistics().getPercentile(50));
    }
  }

  private void runResize(String method) throws RunnerException {
    Collection<RunResult> results = new Runner(new OptionsBuilder()
        .include(ResizeBenchmark.class.getName() + "." + method + "$")
        .param("threads", "1", "2")
        .warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 3 : 5)
        .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(quick ? 1 : 2))
        .build()).run();
    for (RunResult r : results) {
      medians.put("resize-" + method + "/d/" + r.getParams().getParam("threads"),
          r.getPrimaryResult().getStatistics().getPercentile(50));
    }
  }

  /**
   * FSRCNN, FSRCNN-s and the shipped models on 480x270 luma: engine and ONNX Runtime at 1 and 2
   * threads.
   */
  private void runNetworks() throws RunnerException {
    List<String> nets = List.of("56,12,4", "32,5,1", "sr-x2", "sr-x2-fast");
    for (String method : List.of("engine", "onnxruntime")) {
      Collection<RunResult> results = new Runner(new OptionsBuilder()
          .include(NetworkBenchmark.class.getName() + "." + method + "$")
          .param("fsrcnn", nets.toArray(new String[0])).param("threads", "1", "2")
          .warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 3 : 5)
          .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(quick ? 1 : 3))
          .build()).run();
      for (RunResult r : results) {
        medians.put(method + "/" + r.getParams().getParam("fsrcnn") + "/"
            + r.getParams().getParam("threads"),
            r.getPrimaryResult().getStatistics().getPercentile(50));
      }
    }
    // sr-x2 once more with every layer direct: what the Winograd layers gain, same run.
    Collection<RunResult> direct = new Runner(new OptionsBuilder()
        .include(NetworkBenchmark.class.getName() + ".engine$")
        .param("fsrcnn", "sr-x2").param("threads", "1", "2")
        .jvmArgsAppend("--add-modules=jdk.incubator.vector", "-Xmx4g",
            "-Dupsampler.conv.winograd=false") // replaces @Fork's: repeat those
        .warmupIterations(quick ? 1 : 3).measurementIterations(quick ? 3 : 5)
        .warmupTime(TimeValue.seconds(1)).measurementTime(TimeValue.seconds(quick ? 1 : 3))
        .build()).run();
    for (RunResult r : direct) {
      medians.put("engine/sr-x2 direct/" + r.getParams().getParam("threads"),
          r.getPrimaryResult().getStatistics().getPercentile(50));
    }
    StringBuilder sb = new StringBuilder(String.format(Locale.ROOT, "%n%s %s, %d cores;"
        + " median ms per 480x270 -> 960x540 luma plane%n%n| network | engine 1T |"
        + " engine 2T | ONNX Runtime 1T | ONNX Runtime 2T | vs ORT 1T | vs ORT 2T | 2T vs 1T"
        + " |%n|---|---|---|---|---|---|---|---|%n", System.getProperty("java.vm.name"),
        System.getProperty("java.version"), Runtime.getRuntime().availableProcessors()));
    for (String n : nets) {
      double e1 = median("engine", n, "1");
      double e2 = median("engine", n, "2");
      double o1 = median("onnxruntime", n, "1");
      double o2 = median("onnxruntime", n, "2");
      sb.append(String.format(Locale.ROOT, "| %s | %.1f | %.1f | %.1f | %.1f | %.2fx | %.2fx |"
          + " %.2fx |%n", n, e1, e2, o1, o2, o1 / e1, o2 / e2, e1 / e2));
    }
    double d1 = median("engine", "sr-x2 direct", "1");
    double d2 = median("engine", "sr-x2 direct", "2");
    sb.append(String.format(Locale.ROOT, "%nsr-x2 with every layer direct"
        + " (-Dupsampler.conv.winograd=false): %.1f ms 1T, %.1f ms 2T; the Winograd layers are"
        + " %.2fx and %.2fx faster%n", d1, d2, d1 / median("engine", "sr-x2", "1"),
        d2 / median("engine", "sr-x2", "2")));
    System.out.println(sb);
  }

  private double median(String method, String shape, String threads) {
    return medians.getOrDefault(method + "/" + shape + "/" + threads, Double.NaN);
  }

  private void print(List<String> shapes, List<String> sweepShapes) {
    StringBuilder sb = new StringBuilder();
    sb.append(String.format(Locale.ROOT, "%n%s %s, %d cores; median ms per call (JMH sample"
        + " time)%n%n", System.getProperty("java.vm.name"), System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors()));
    sb.append("| shape | engine 1T | engine 2T | ONNX Runtime 1T | ONNX Runtime 2T | naive 1T"
        + " | vs ORT 1T | vs ORT 2T | vs naive | 2T vs 1T | GFLOP/s 1T |\n");
    sb.append("|---|---|---|---|---|---|---|---|---|---|---|\n");
    for (String s : shapes) {
      double e1 = median("engine", s, "1");
      double e2 = median("engine", s, "2");
      double o1 = median("onnxruntime", s, "1");
      double o2 = median("onnxruntime", s, "2");
      double n1 = median("naive", s, "1");
      double gflops = Shape.of(s).plan().flopsPerImage() / (e1 * 1e6);
      sb.append(String.format(Locale.ROOT,
          "| %s: %s | %.2f | %.2f | %.2f | %.2f | %.1f | %.2fx | %.2fx | %.0fx | %.2fx | %.1f |%n",
          s, Shape.of(s).describe(), e1, e2, o1, o2, n1, o1 / e1, o2 / e2, n1 / e1, e1 / e2,
          gflops));
    }
    double d1 = median("resize-engine", "d", "1");
    if (!Double.isNaN(d1)) {
      double d2 = median("resize-engine", "d", "2");
      double c1 = median("resize-opencv", "d", "1");
      double c2 = median("resize-opencv", "d", "2");
      sb.append("\n| shape | engine 1T | engine 2T | OpenCV resize 1T | OpenCV resize 2T"
          + " | vs OpenCV 1T | vs OpenCV 2T | 2T vs 1T |\n|---|---|---|---|---|---|---|---|\n");
      sb.append(String.format(Locale.ROOT,
          "| d: 1920x1080 RGB8 -> 3840x2160, bicubic | %.2f | %.2f | %.2f | %.2f | %.2fx | %.2fx"
              + " | %.2fx |%n", d1, d2, c1, c2, c1 / d1, c2 / d2, d1 / d2));
    }
    if (!sweepShapes.isEmpty()) {
      sb.append("\n| sweep (3->3, 270x480) | engine 1T ms | ONNX Runtime 1T ms | vs ORT |\n");
      sb.append("|---|---|---|---|\n");
      for (String s : sweepShapes) {
        double e1 = median("engine", s, "1");
        double o1 = median("onnxruntime", s, "1");
        sb.append(String.format(Locale.ROOT, "| %s | %.2f | %.2f | %.2fx |%n", s, e1, o1,
            o1 / e1));
      }
    }
    System.out.println(sb);
  }
}

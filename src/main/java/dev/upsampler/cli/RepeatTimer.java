package dev.upsampler.cli;

import java.util.Arrays;
import java.util.Locale;

/** The CLI's repeat mode: warm up, time N runs, report median and minimum. */
record RepeatTimer(double[] millis) {

  /** Warms up for about a second (at least 5 runs), then times {@code n} runs. */
  static RepeatTimer measure(int n, Runnable run) {
    long warmEnd = System.nanoTime() + 1_000_000_000L;
    for (int i = 0; i < 5 || System.nanoTime() < warmEnd; i++) {
      run.run();
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      run.run();
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return new RepeatTimer(ms);
  }

  double median() {
    double[] s = millis.clone();
    Arrays.sort(s);
    int n = s.length;
    return n % 2 == 1 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
  }

  double min() {
    return Arrays.stream(millis).min().orElse(Double.NaN);
  }

  String summary(long flops, int threads, String path) {
    return String.format(Locale.ROOT,
        "repeat %d: median %.3f ms, min %.3f ms, %.1f GFLOP/s (useful work), %d thread(s), %s",
        millis.length, median(), min(), flops / (median() * 1e6), threads, path);
  }
}

package dev.upsampler.engine;

import dev.upsampler.learn.Network;
import java.lang.management.ManagementFactory;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import javax.management.ObjectName;

/**
 * The child JVM of {@link SteadyStateAllocationTest}: first runs the variety a long-lived
 * TaskManager sees (shapes, row widths, periods, 8-bit interleaved and planar frames, networks,
 * the scalar kernel through the same call sites, 1 and 2 threads), then, for each fast path,
 * calls it until the JIT has nothing left to compile (bounded in time, never a fixed count) and
 * measures the bytes one steady-state call allocates on every thread that works for it.
 *
 * <p>Prints one {@code RESULT path threads bytesPerCall msPerCall warmupCalls} line per path and
 * thread count, or a {@code TIMEOUT} line, and exits 0. {@code --fresh} skips the variety, so a
 * path's time in a fresh JVM can be compared with its time after everything else.
 */
final class AllocationProbe {
  /** A window with no new compilation and empty compile queues ends the warm-up. */
  private static final long QUIET_WINDOW_NS = 300_000_000L;
  private static final long PATH_DEADLINE_NS = 60_000_000_000L;
  private static final int MEASURED_CALLS = Integer.getInteger("probe.calls", 50);

  private final List<Thread> workers = new ArrayList<>();
  private final ExecutorService pool = Executors.newFixedThreadPool(1, r -> {
    Thread t = new Thread(r, "probe-engine-worker");
    t.setDaemon(true);
    synchronized (workers) {
      workers.add(t);
    }
    return t;
  });
  private final Random rnd = new Random(1);

  /** One fast path and a call of it on fixed buffers. */
  private record Path(String name, Call call) {}

  @FunctionalInterface
  private interface Call {
    void run(Parallelism par);
  }

  public static void main(String[] args) throws Exception {
    AllocationProbe probe = new AllocationProbe();
    boolean fresh = Arrays.asList(args).contains("--fresh");
    System.out.println("KERNEL " + VectorSupport.description());
    if (!fresh) {
      long t0 = System.nanoTime();
      probe.exerciseVariety();
      System.out.printf(Locale.ROOT, "VARIETY %.1f s%n", (System.nanoTime() - t0) / 1e9);
    }
    List<String> only = Arrays.stream(args).filter(a -> !a.startsWith("--")).toList();
    for (Path p : probe.paths()) {
      if (!only.isEmpty() && !only.contains(p.name())) {
        continue;
      }
      for (int threads : new int[] {1, 2}) {
        probe.measure(p, threads);
      }
    }
    probe.pool.shutdownNow();
  }

  private Parallelism parallelism(int threads) {
    return threads == 1 ? Parallelism.inline() : Parallelism.over(pool, threads);
  }

  private Tensor random(int n, int c, int h, int w) {
    return PaddingTest.randomTensor(rnd, n, c, h, w);
  }

  private static ConvTransposeSpec spec(int in, int out, int k, int s, int pad, int outPad) {
    return ConvTransposeSpec.builder().channels(in, out).kernel(k, k).stride(s)
        .padding(Padding.torch(Size2.square(pad), Size2.square(outPad))).build();
  }

  private static U8Image u8(int width, int height, int channels, boolean interleaved) {
    byte[] data = new byte[width * height * channels];
    new Random(width * 31L + height).nextBytes(data);
    return interleaved ? U8Image.interleaved(data, width, height, channels)
        : U8Image.planar(data, width, height, channels);
  }

  /** The fast paths measured; frames big enough that two threads really share the work. */
  private List<Path> paths() {
    List<Path> paths = new ArrayList<>();
    ConvTranspose dense = ConvTranspose.of(spec(3, 3, 4, 2, 1, 0), random(3, 3, 4, 4), null);
    Tensor x3 = random(1, 3, 60, 200);
    Tensor y3 = Tensor.zeros(1, 3, 120, 400);
    paths.add(new Path("polyphase", par -> dense.apply(x3, y3, par)));
    ConvTranspose odd = ConvTranspose.of(spec(1, 1, 5, 3, 1, 0), random(1, 1, 5, 5), null);
    Tensor x1 = random(1, 1, 90, 301);
    Tensor y1 = Tensor.zeros(1, 1, odd.plan(x1).outH(), odd.plan(x1).outW());
    paths.add(new Path("polyphase-stride3", par -> odd.apply(x1, y1, par)));
    ConvTranspose gemm = ConvTranspose.of(spec(24, 1, 9, 2, 4, 1), random(24, 1, 9, 9), null);
    Tensor x24 = random(1, 24, 40, 90);
    Tensor y24 = Tensor.zeros(1, 1, 80, 180);
    paths.add(new Path("gemm", par -> gemm.apply(x24, y24, par)));
    ConvTranspose bicubic = Interpolation.BICUBIC.layer(3, 2, 2);
    paths.add(new Path("separable", par -> bicubic.apply(x3, y3, par)));
    ConvTranspose rgb = Interpolation.BICUBIC.layer(3, 2, 2).with(BorderMode.REPLICATE);
    U8Image rgbIn = u8(250, 80, 3, true);
    U8Image rgbOut = U8Image.interleaved(500, 160, 3);
    paths.add(new Path("u8-interleaved", par -> rgb.apply(rgbIn, rgbOut, par)));
    ConvTranspose luma = Interpolation.LANCZOS3.layer(1, 2, 2).with(BorderMode.REPLICATE);
    U8Image lumaIn = u8(98, 300, 1, false);
    U8Image lumaOut = U8Image.planar(new byte[196 * 600], 196, 600, 1);
    paths.add(new Path("u8-planar", par -> luma.apply(lumaIn, lumaOut, par)));
    // Several tiles per frame (rows and columns), so that anything a tile allocates shows.
    SequentialNetwork net = Network.fsrcnn(16, 8, 2, 2, new Random(3)).inference()
        .withSkip(Interpolation.BICUBIC);
    Tensor xn = random(1, 1, 230, 250);
    Tensor yn = Tensor.zeros(1, 1, 460, 500);
    paths.add(new Path("network", par -> net.apply(xn, yn, par, 1f)));
    return paths;
  }

  /**
   * What a TaskManager runs before any one shape: other shapes and widths (other tap counts,
   * periods and remainders), both borders, the scalar kernel, 8-bit frames, networks, and their
   * training layers, on 1 and 2 threads.
   */
  private void exerciseVariety() {
    int[] widths = {17, 37, 98, 240, 256, 333};
    for (int rep = 0; rep < 12; rep++) {
      Parallelism par = parallelism(1 + rep % 2);
      for (int w : widths) {
        for (int[] k : new int[][] {{4, 2, 1}, {3, 2, 1}, {5, 3, 1}, {2, 2, 0}, {7, 4, 2}}) {
          ConvTranspose op = ConvTranspose.of(spec(2, 3, k[0], k[1], k[2], 0),
              random(2, 3, k[0], k[0]), null);
          Tensor x = random(1, 2, 24, w);
          op.apply(x, par);
          op.scalar().apply(x, par);
          op.with(BorderMode.REPLICATE).apply(x, par);
        }
        ConvTranspose g = ConvTranspose.of(spec(20, 2, 5, 2, 2, 1), random(20, 2, 5, 5), null);
        g.apply(random(1, 20, 12, w), par);
        for (Interpolation kind : Interpolation.values()) {
          ConvTranspose layer = kind.layer(3, 2, 2).with(BorderMode.REPLICATE);
          layer.apply(u8(w, 20, 3, true), U8Image.interleaved(2 * w, 40, 3), par);
          ConvTranspose plane = kind.layer(1, 2, 2).with(BorderMode.REPLICATE);
          plane.apply(u8(w, 20, 1, false), U8Image.planar(new byte[4 * w * 20], 2 * w, 40, 1),
              par);
          plane.apply(random(1, 1, 20, w), par);
        }
      }
      SequentialNetwork net = Network.fsrcnn(8 + 4 * (rep % 3), 4, 1 + rep % 2, 2,
          new Random(rep)).inference();
      net.apply(random(1, 1, 50, 70 + rep), Tensor.zeros(1, 1, 100, 140 + 2 * rep), par, 1f);
      trainingStep(rep);
    }
  }

  /** The training layers' forward and backward passes (GEMMs and dot products). */
  private void trainingStep(int rep) {
    Network train = Network.fsrcnn(8, 4, 1, 2, new Random(rep));
    train.backward(train.forward(random(1, 1, 24, 24)));
  }

  private void measure(Path p, int threads) {
    Parallelism par = parallelism(threads);
    // -Dprobe.jfr=PREFIX records where the calls allocate. Started before the warm-up: starting
    // a recording deoptimises compiled code, which would then box vectors in the measured calls.
    String jfr = System.getProperty("probe.jfr");
    jdk.jfr.Recording recording = null;
    if (jfr != null) {
      recording = new jdk.jfr.Recording();
      recording.enable("jdk.ObjectAllocationInNewTLAB").withStackTrace();
      recording.enable("jdk.ObjectAllocationOutsideTLAB").withStackTrace();
      recording.start();
    }
    JitState jit = new JitState();
    long start = System.nanoTime();
    long calls = 0;
    long quietSince = System.nanoTime();
    long lastCompile = jit.newestCompileId();
    while (true) {
      p.call().run(par);
      calls++;
      long now = System.nanoTime();
      if (now - quietSince >= QUIET_WINDOW_NS) {
        long newest = jit.newestCompileId();
        if (newest == lastCompile && jit.queuesEmpty()) {
          break;
        }
        lastCompile = newest;
        quietSince = System.nanoTime();
      }
      if (now - start > PATH_DEADLINE_NS) {
        System.out.printf(Locale.ROOT, "TIMEOUT %s %d after %d calls: the JIT kept compiling"
            + "%n%s%n", p.name(), threads, calls, jit.queue().replace('\n', '|'));
        return;
      }
    }
    long before = allocatedByWorkers();
    long t0 = System.nanoTime();
    for (int i = 0; i < MEASURED_CALLS; i++) {
      p.call().run(par);
    }
    double ms = (System.nanoTime() - t0) / 1e6 / MEASURED_CALLS;
    long perCall = (allocatedByWorkers() - before) / MEASURED_CALLS;
    if (recording != null) {
      try {
        recording.dump(java.nio.file.Path.of(jfr + "-" + p.name() + "-" + threads + ".jfr"));
      } catch (java.io.IOException e) {
        throw new java.io.UncheckedIOException(e);
      }
      recording.close();
    }
    System.out.printf(Locale.ROOT, "RESULT %s %d %d %.3f %d%n", p.name(), threads, perCall, ms,
        calls);
  }

  /** Bytes allocated so far by this thread and the pool's worker. */
  private long allocatedByWorkers() {
    com.sun.management.ThreadMXBean mx =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    long sum = mx.getCurrentThreadAllocatedBytes();
    synchronized (workers) {
      for (Thread t : workers) {
        sum += Math.max(0, mx.getThreadAllocatedBytes(t.getId()));
      }
    }
    return sum;
  }

  /** The JIT's state through the DiagnosticCommand MBean (what {@code jcmd Compiler.*} prints). */
  static final class JitState {
    private final ObjectName name;

    JitState() {
      try {
        name = new ObjectName("com.sun.management:type=DiagnosticCommand");
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    }

    private String invoke(String op) {
      try {
        return (String) ManagementFactory.getPlatformMBeanServer().invoke(name, op,
            new Object[] {new String[0]}, new String[] {String[].class.getName()});
      } catch (Exception e) {
        throw new IllegalStateException("diagnostic command " + op + " failed", e);
      }
    }

    String queue() {
      return invoke("compilerQueue");
    }

    /** No method being compiled and none waiting, in either compiler. */
    boolean queuesEmpty() {
      String q = queue();
      int current = q.indexOf("Current compiles:");
      int c1 = q.indexOf("C1 compile queue:");
      if (current < 0 || c1 < 0) {
        throw new IllegalStateException("unexpected Compiler.queue output: " + q);
      }
      if (!q.substring(current + "Current compiles:".length(), c1).isBlank()) {
        return false;
      }
      String queues = q.substring(c1);
      int expected = 0;
      int empty = 0;
      for (String line : queues.split("\n")) {
        line = line.trim();
        if (line.endsWith("compile queue:")) {
          expected++;
        } else if (line.equals("Empty")) {
          empty++;
        }
      }
      return expected > 0 && empty == expected;
    }

    /** The highest compile id of any installed method (it grows with every compilation). */
    long newestCompileId() {
      long newest = -1;
      for (String line : invoke("compilerCodelist").split("\n")) {
        int sp = line.indexOf(' ');
        if (sp > 0) {
          try {
            newest = Math.max(newest, Long.parseLong(line.substring(0, sp)));
          } catch (NumberFormatException notAnEntry) {
            // headers and blank lines
          }
        }
      }
      return newest;
    }
  }
}

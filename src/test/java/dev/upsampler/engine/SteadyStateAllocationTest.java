package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * A steady-state call of every fast path allocates only a few small objects (task lambdas, a
 * plan), never scratch proportional to the frame or the tile, and never boxed vectors.
 *
 * <p>Vector API code boxes every vector until C2 has compiled it: in the interpreter, in C1's
 * tiers, and again after any deoptimisation until the recompilation is done. In a busy JVM the
 * compile queue is long, so a fixed number of warm-up calls sometimes measured a kernel still at
 * tier 3 (1.27 MB per call, 5x slower). So the check runs in a JVM of its own ({@link
 * AllocationProbe}) that first exercises what a TaskManager runs (other shapes, widths, 8-bit
 * frames, networks, training layers, 1 and 2 threads), then calls each path until the JIT has
 * been idle for a while (bounded in time), and only then measures. A kernel that still allocates
 * once compilation is over is the defect this test exists to catch.
 */
class SteadyStateAllocationTest {
  /** Far below the ~1 MB a boxing kernel allocates per call here, above the few lambdas. */
  private static final long LIMIT = 4096;
  private static final String[] PATHS = {"polyphase", "polyphase-stride3", "gemm", "separable",
      "u8-interleaved", "u8-planar", "network"};

  @Test
  void fastPathsDoNotAllocatePerCallAfterAVarietyOfWork() throws Exception {
    List<String> lines = runProbe();
    String all = String.join("\n", lines);
    List<String> failures = new ArrayList<>();
    int results = 0;
    for (String line : lines) {
      String[] f = line.split(" ");
      if (f[0].equals("TIMEOUT")) {
        failures.add(line);
      } else if (f[0].equals("RESULT")) {
        results++;
        long bytes = Long.parseLong(f[3]);
        if (bytes >= LIMIT) {
          failures.add(f[1] + " on " + f[2] + " thread(s): " + bytes + " bytes allocated per"
              + " steady-state call (" + f[4] + " ms per call)");
        }
      }
    }
    if (!failures.isEmpty()) {
      fail(String.join("\n", failures) + "\nprobe output:\n" + all);
    }
    assertEquals(2 * PATHS.length, results, all);
    for (String path : PATHS) {
      assertTrue(all.contains("RESULT " + path + " 1 ") && all.contains("RESULT " + path + " 2 "),
          path + " missing:\n" + all);
    }
  }

  /** Runs the probe in a JVM like the test's own (same java, class path and SIMD settings). */
  private static List<String> runProbe() throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> cmd = new ArrayList<>(List.of(java, VectorSupport.JVM_FLAG, "-Xmx512m"));
    for (String p : new String[] {"upsampler.simd", VectorSupport.BITS_PROPERTY}) {
      if (System.getProperty(p) != null) {
        cmd.add("-D" + p + "=" + System.getProperty(p));
      }
    }
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"),
        AllocationProbe.class.getName()));
    Path out = Files.createTempFile("allocation-probe", ".txt");
    try {
      Process p = new ProcessBuilder(cmd).redirectErrorStream(true)
          .redirectOutput(out.toFile()).start();
      // Each path's warm-up is bounded (60 s) by the probe; this bounds the whole run.
      if (!p.waitFor(8, TimeUnit.MINUTES)) {
        p.destroyForcibly().waitFor();
        fail("the allocation probe did not finish in 8 minutes:\n" + Files.readString(out));
      }
      String text = Files.readString(out, StandardCharsets.UTF_8);
      assertEquals(0, p.exitValue(), "allocation probe failed:\n" + text);
      return text.lines().toList();
    } finally {
      Files.deleteIfExists(out);
    }
  }
}

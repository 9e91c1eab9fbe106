package dev.upsampler.engine;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code -Dupsampler.vector.bits} picks the vector width (once per JVM, so each width runs in a
 * JVM of its own): every width gives the same results bit for bit, the description names the
 * width, and a bad value is refused with the property's name.
 */
class VectorWidthTest {

  /** Child JVM: prints the kernel's description and a digest of several paths' outputs. */
  public static void main(String[] args) {
    System.out.println(VectorSupport.description());
    System.out.println(digest());
  }

  /** Polyphase (two periods), GEMM, separable and 8-bit outputs on odd widths, hashed. */
  static int digest() {
    Random rnd = new Random(5);
    List<float[]> outs = new ArrayList<>();
    int[][] specs = {{3, 3, 4, 2, 1}, {1, 2, 5, 3, 1}, {24, 1, 9, 2, 4}};
    for (int[] s : specs) {
      ConvTransposeSpec spec = ConvTransposeSpec.builder().channels(s[0], s[1]).kernel(s[2], s[2])
          .stride(s[3]).padding(Padding.torch(Size2.square(s[4]), Size2.square(0))).build();
      ConvTranspose op = ConvTranspose.of(spec,
          PaddingTest.randomTensor(rnd, s[0], s[1], s[2], s[2]), null);
      outs.add(op.apply(PaddingTest.randomTensor(rnd, 1, s[0], 13, 77)).toArray());
    }
    outs.add(Interpolation.BICUBIC.layer(3, 2, 2)
        .apply(PaddingTest.randomTensor(rnd, 1, 3, 11, 53)).toArray());
    int h = Arrays.hashCode(outs.stream().map(Arrays::hashCode).mapToInt(i -> i).toArray());
    byte[] px = new byte[3 * 41 * 9];
    rnd.nextBytes(px);
    U8Image out = U8Image.interleaved(82, 18, 3);
    Interpolation.LANCZOS3.layer(3, 2, 2).with(BorderMode.REPLICATE)
        .apply(U8Image.interleaved(px, 41, 9, 3), out, Parallelism.inline());
    return 31 * h + Arrays.hashCode(out.data());
  }

  private static List<String> child(String bits) throws IOException, InterruptedException {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process p = new ProcessBuilder(java, VectorSupport.JVM_FLAG,
        "-D" + VectorSupport.BITS_PROPERTY + "=" + bits, "-cp",
        System.getProperty("java.class.path"), VectorWidthTest.class.getName())
        .redirectErrorStream(true).start();
    byte[] out = p.getInputStream().readAllBytes();
    assertTrue(p.waitFor(60, TimeUnit.SECONDS));
    List<String> lines = new ArrayList<>(new String(out, StandardCharsets.UTF_8).lines()
        .filter(l -> !l.startsWith("WARNING: Using incubator modules")).toList());
    lines.add("exit " + p.exitValue());
    return lines;
  }

  @Test
  void everyWidthGivesTheSameResultsAndSaysWhichItIs() throws Exception {
    int expected = digest();
    for (String bits : new String[] {"128", "256", "512", "auto"}) {
      List<String> out = child(bits);
      assertEquals("exit 0", out.get(out.size() - 1), bits + ": " + out);
      if (VectorSupport.simd() && !bits.equals("auto")) {
        // Capped at the CPU's widest: "512-bit" on AVX-512, "256-bit ... of the CPU's" below.
        int used = Integer.parseInt(out.get(0).replaceAll(".*?(\\d+)-bit.*", "$1"));
        assertTrue(used <= Integer.parseInt(bits), bits + ": " + out.get(0));
      }
      assertEquals(String.valueOf(expected), out.get(1), bits + ": " + out);
    }
  }

  @Test
  void aBadWidthIsRefusedWithThePropertysName() throws Exception {
    List<String> out = child("300");
    assertNotEquals("exit 0", out.get(out.size() - 1));
    assertTrue(String.join("\n", out).contains(
        "system property upsampler.vector.bits=300: expected 128, 256, 512 or auto"), out::toString);
  }
}

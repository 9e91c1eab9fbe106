package dev.upsampler.engine;

import static dev.upsampler.engine.PaddingTest.randomTensor;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.management.ManagementFactory;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * After the first call of a shape, a call allocates only a few small objects (the task's
 * lambdas), never scratch proportional to the image or the tile: checked with the JVM's
 * per-thread allocation counter on each fast path.
 */
class SteadyStateAllocationTest {

  static long allocated() {
    return ((com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean())
        .getCurrentThreadAllocatedBytes();
  }

  static void assertSmall(String path, ConvTranspose op, Tensor x, Tensor y) {
    // Warm up until the JIT has compiled the kernels (interpreted Vector API code boxes its
    // vectors), and the plan and its scratch are prepared.
    for (int i = 0; i < 400; i++) {
      op.apply(x, y, Parallelism.inline());
    }
    long before = allocated();
    int calls = 50;
    for (int i = 0; i < calls; i++) {
      op.apply(x, y, Parallelism.inline());
    }
    long perCall = (allocated() - before) / calls;
    assertTrue(perCall < 4096, path + ": " + perCall + " bytes allocated per call ("
        + op.pathDescription() + ")");
  }

  @Test
  void fastPathsDoNotAllocatePerCall() {
    Random rnd = new Random(1);
    ConvTransposeSpec dense = ConvTransposeSpec.builder().channels(3, 3).kernel(4, 4).stride(2)
        .padding(Padding.torch(Size2.square(1), Size2.square(0))).build();
    Tensor x = randomTensor(rnd, 1, 3, 60, 200);
    assertSmall("polyphase", ConvTranspose.of(dense, randomTensor(rnd, 3, 3, 4, 4), null), x,
        Tensor.zeros(1, 3, 120, 400));

    ConvTransposeSpec gemm = ConvTransposeSpec.builder().channels(24, 1).kernel(9, 9).stride(2)
        .padding(Padding.torch(Size2.square(4), Size2.square(1))).build();
    assertSmall("gemm", ConvTranspose.of(gemm, randomTensor(rnd, 24, 1, 9, 9), null),
        randomTensor(rnd, 1, 24, 40, 90), Tensor.zeros(1, 1, 80, 180));

    ConvTranspose bicubic = Interpolation.BICUBIC.layer(3, 2, 2);
    assertSmall("separable", bicubic, x, Tensor.zeros(1, 3, 120, 400));
  }
}

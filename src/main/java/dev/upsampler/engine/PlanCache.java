package dev.upsampler.engine;

/**
 * A thread's recently used plans, so that tiles, which repeat a few sizes, allocate none. A
 * frame's tiles have at most three lengths per axis (first, interior, last): up to 9 tile sizes,
 * 3 + 3 square ones for crops along one axis, and the frame's 2.
 */
final class PlanCache {
  private static final int SIZE = 32;
  private final ConvTransposePlan[] plans = new ConvTransposePlan[SIZE];
  private int next;

  /** {@code spec.plan(h, w)}, remembered. */
  ConvTransposePlan plan(ConvTransposeSpec spec, int h, int w) {
    for (ConvTransposePlan p : plans) {
      if (p != null && p.spec() == spec && p.inH() == h && p.inW() == w) {
        return p;
      }
    }
    ConvTransposePlan p = spec.plan(h, w);
    plans[next] = p;
    next = (next + 1) % SIZE;
    return p;
  }
}

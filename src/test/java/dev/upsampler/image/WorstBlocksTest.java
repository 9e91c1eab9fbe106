package dev.upsampler.image;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.Arrays;
import org.junit.jupiter.api.Test;

/** The blocks where a candidate loses to the baseline, against sums done by hand. */
class WorstBlocksTest {

  private static Frame gray(int w, int h, int value) {
    byte[] b = new byte[w * h];
    Arrays.fill(b, (byte) value);
    return Frame.of8(PixelLayout.GRAY8, w, h, b, FrameInfo.NONE);
  }

  private static void set(Frame f, int x0, int y0, int side, int value) {
    for (int y = y0; y < y0 + side; y++) {
      for (int x = x0; x < x0 + side; x++) {
        f.bytes()[y * f.width() + x] = (byte) value;
      }
    }
  }

  @Test
  void ranksTheBlocksWhereTheCandidateLosesAndPricesThem() {
    // 100x70 with a crop of 2: a 96x66 plane, 3x3 blocks of 32 (the last row 2 pixels high).
    Frame ref = gray(100, 70, 100);
    Frame base = gray(100, 70, 102); // off by 2 everywhere: 4 per pixel
    Frame cand = gray(100, 70, 101); // off by 1: wins everywhere...
    set(cand, 2 + 32, 2 + 32, 32, 110); // ...but the centre block, off by 10
    set(cand, 2 + 64, 2, 32, 105); // and the top-right one, off by 5
    WorstBlocks.Losses l = WorstBlocks.find(ref, cand, base, 2, 32, 5);
    assertEquals(9, l.blocks());
    assertEquals(2, l.losing());
    assertEquals(2, l.worst().size());
    WorstBlocks.Block worst = l.worst().get(0);
    assertEquals(34, worst.x());
    assertEquals(34, worst.y());
    assertEquals(10 * Math.log10(255.0 * 255 / 100), worst.candidatePsnr(), 1e-9);
    assertEquals(10 * Math.log10(255.0 * 255 / 4), worst.baselinePsnr(), 1e-9);
    double px = 32 * 32;
    double total = (96 * 66 - 2 * px) * 1 + px * 100 + px * 25;
    assertEquals(10 * Math.log10(total / (total - px * 96)), worst.costDb(), 1e-9);
    assertEquals(66, l.worst().get(1).x());
    assertEquals(2, l.worst().get(1).y());
    assertEquals(10 * Math.log10(total / (total - px * 96 - px * 21)), l.costDb(), 1e-9);

    assertEquals(1, WorstBlocks.find(ref, cand, base, 2, 32, 1).worst().size());
    assertEquals(0, WorstBlocks.find(ref, base, base, 2, 32, 5).losing(), "a tie is no loss");
    assertThrows(IllegalArgumentException.class,
        () -> WorstBlocks.find(ref, gray(99, 70, 0), base, 2, 32, 5));
  }
}

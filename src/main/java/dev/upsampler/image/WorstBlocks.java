package dev.upsampler.image;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * Where a candidate upscale loses most to a baseline (bicubic) against the same reference: the
 * luma plane (BT.601, as {@link Quality#psnrY}) inside the border crop is cut into square blocks,
 * and the blocks whose squared error is larger for the candidate than for the baseline are
 * ranked by that excess. A mean gain can hide one region where a model draws the wrong detail
 * (a moire sharpened into a checkerboard); this names it, in the reference's pixel coordinates,
 * so {@code compare --degrade --crop-at X,Y} can show it.
 */
public final class WorstBlocks {
  private WorstBlocks() {}

  /**
   * One block: its top-left corner and side in reference pixels, both Y-PSNRs over the block,
   * and {@code costDb}: how much higher the candidate's whole-image Y-PSNR would be if this
   * block's error were the baseline's.
   */
  public record Block(int x, int y, int side, double candidatePsnr, double baselinePsnr,
      double costDb) {}

  /**
   * The {@code worst} blocks (worst first), how many of all {@code blocks} lose to the baseline,
   * and {@code costDb}: the candidate's Y-PSNR gain if every losing block's error were the
   * baseline's.
   */
  public record Losses(List<Block> worst, int losing, int blocks, double costDb) {}

  /** Up to {@code count} blocks where the candidate loses most, and the losses in all. */
  public static Losses find(Frame reference, Frame candidate, Frame baseline, int crop,
      int side, int count) {
    Quality.sameSize(reference, candidate);
    Quality.sameSize(reference, baseline);
    if (side < 1 || count < 0) {
      throw new IllegalArgumentException("block side must be >= 1 and count >= 0, got " + side
          + " and " + count);
    }
    double[][] ref = Quality.luma(reference, crop);
    double[][] cand = Quality.luma(candidate, crop);
    double[][] base = Quality.luma(baseline, crop);
    int h = ref.length;
    int w = ref[0].length;
    List<double[]> losing = new ArrayList<>(); // {x, y, pixels, candidate SSE, baseline SSE}
    int blocks = 0;
    double total = 0; // the candidate's squared error over the whole plane
    double excess = 0;
    for (int by = 0; by < h; by += side) {
      for (int bx = 0; bx < w; bx += side) {
        double sc = 0;
        double sb = 0;
        int rows = Math.min(side, h - by);
        int cols = Math.min(side, w - bx);
        for (int r = by; r < by + rows; r++) {
          for (int c = bx; c < bx + cols; c++) {
            double dc = cand[r][c] - ref[r][c];
            double db = base[r][c] - ref[r][c];
            sc += dc * dc;
            sb += db * db;
          }
        }
        blocks++;
        total += sc;
        if (sc > sb) {
          excess += sc - sb;
          losing.add(new double[] {bx + crop, by + crop, (double) rows * cols, sc, sb});
        }
      }
    }
    losing.sort(Comparator.comparingDouble((double[] b) -> b[4] - b[3]));
    List<Block> worst = new ArrayList<>();
    for (double[] b : losing.subList(0, Math.min(count, losing.size()))) {
      worst.add(new Block((int) b[0], (int) b[1], side, Quality.psnr(b[3] / b[2]),
          Quality.psnr(b[4] / b[2]), cost(total, b[3] - b[4])));
    }
    return new Losses(worst, losing.size(), blocks, cost(total, excess));
  }

  /** dB gained if {@code excess} of the {@code total} squared error went away. */
  private static double cost(double total, double excess) {
    double evened = total - excess;
    return evened <= 0 ? Double.POSITIVE_INFINITY : 10 * Math.log10(total / evened);
  }
}

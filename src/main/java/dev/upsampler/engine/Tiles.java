package dev.upsampler.engine;

import java.util.ArrayDeque;
import java.util.function.Supplier;

/**
 * The tile grid all fast paths share: for each image of the batch and each of {@code groups}
 * independent channel groups, bands of {@code tileH} output rows (within the rows asked for)
 * times columns of {@code tileW}, spread over the threads; and a pool of per-thread scratch, so
 * that calls after the first allocate no scratch. Every output element is computed the same way
 * whichever tile holds it, so the grid never changes a result.
 *
 * @param <W> the scratch one tile needs, sized by the tile (never by the image)
 */
final class Tiles<W> {

  /** The work of one tile: output rows [oy0, oy1) and columns [ox0, ox1) of group g. */
  @FunctionalInterface
  interface Task<W> {
    void run(W scratch, int b, int g, int oy0, int oy1, int ox0, int ox1);
  }

  private final ArrayDeque<W> pool = new ArrayDeque<>();
  private final Supplier<W> newScratch;
  private final int tileH;
  private final int tileW;
  private final int outW;
  private final int groups;

  Tiles(int tileH, int tileW, int outW, int groups, Supplier<W> newScratch) {
    this.tileH = tileH;
    this.tileW = tileW;
    this.outW = outW;
    this.groups = groups;
    this.newScratch = newScratch;
  }

  /** Runs every tile of the rows {@code io} asks for; {@code workPerTile} in multiply-adds. */
  void run(FrameRows io, Parallelism par, long workPerTile, Task<W> task) {
    int bands = io.bands(tileH);
    int cols = (outW + tileW - 1) / tileW;
    int perGroup = bands * cols;
    int perImage = perGroup * groups;
    par.forEach(io.batch() * perImage, workPerTile, tile -> {
      W scratch = take();
      try {
        int rest = tile % perImage;
        int band = (rest % perGroup) / cols;
        int col = rest % cols;
        task.run(scratch, tile / perImage, rest / perGroup, io.bandStart(band, tileH),
            io.bandEnd(band, tileH), col * tileW, Math.min(outW, (col + 1) * tileW));
      } finally {
        give(scratch);
      }
    });
  }

  private W take() {
    synchronized (pool) {
      W w = pool.poll();
      if (w != null) {
        return w;
      }
    }
    return newScratch.get();
  }

  private void give(W w) {
    synchronized (pool) {
      pool.push(w);
    }
  }
}

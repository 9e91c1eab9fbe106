package dev.upsampler.engine;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.IntConsumer;

/**
 * How many threads the engine may use, over an executor the caller owns. The engine never keeps
 * a static pool: one Flink TaskManager runs many slots, each with its own {@code Parallelism}
 * created in {@code open()} and closed in {@code close()}.
 *
 * <p>Work is split into tiles fixed by the problem alone (never by the thread count), so results
 * are bit-identical for any number of threads. Small problems run inline on the calling thread.
 */
public final class Parallelism implements AutoCloseable {
  /** Below this many multiply-adds a call runs inline: handing off costs more than it saves. */
  static final long INLINE_BELOW = 1 << 20;

  private static final Parallelism INLINE = new Parallelism(null, 1, false);

  private final ExecutorService executor;
  private final int threads;
  private final boolean owned;

  private Parallelism(ExecutorService executor, int threads, boolean owned) {
    this.executor = executor;
    this.threads = threads;
    this.owned = owned;
  }

  /** Everything on the calling thread. */
  public static Parallelism inline() {
    return INLINE;
  }

  /**
   * A new pool of {@code threads - 1} daemon workers (the calling thread is the last one); close
   * it when done. {@code threads <= 1} gives {@link #inline()}.
   */
  public static Parallelism newPool(int threads) {
    if (threads <= 1) {
      return INLINE;
    }
    AtomicInteger n = new AtomicInteger();
    ExecutorService pool = Executors.newFixedThreadPool(threads - 1, r -> {
      Thread t = new Thread(r, "upsampler-engine-" + n.incrementAndGet());
      t.setDaemon(true);
      return t;
    });
    return new Parallelism(pool, threads, true);
  }

  /** Uses {@code threads} threads, {@code threads - 1} of them from a caller-owned executor. */
  public static Parallelism over(ExecutorService executor, int threads) {
    return threads <= 1 ? INLINE : new Parallelism(executor, threads, false);
  }

  public int threads() {
    return threads;
  }

  /**
   * Runs {@code task} for every index in [0, count) on the threads (each index a sizeable piece
   * of work, such as one training shard), returning when all are done; the first failure is
   * rethrown.
   */
  public void forEachIndex(int count, IntConsumer task) {
    forEach(count, INLINE_BELOW, task);
  }

  /**
   * Runs {@code task} for every index in [0, count), spread over the threads, and returns when
   * all are done; the first failure is rethrown.
   */
  void forEach(int count, long workPerIndex, IntConsumer task) {
    int workers = (int) Math.min(threads, count);
    if (workers <= 1 || executor == null || workPerIndex * count < INLINE_BELOW) {
      for (int i = 0; i < count; i++) {
        task.accept(i);
      }
      return;
    }
    AtomicInteger next = new AtomicInteger();
    Runnable worker = () -> {
      for (int i = next.getAndIncrement(); i < count; i = next.getAndIncrement()) {
        task.accept(i);
      }
    };
    List<Future<?>> futures = new ArrayList<>(workers - 1);
    for (int w = 1; w < workers; w++) {
      futures.add(executor.submit(worker));
    }
    RuntimeException failure = null;
    try {
      worker.run();
    } catch (RuntimeException e) {
      failure = e;
      next.set(count); // stop handing out tiles
    }
    for (Future<?> f : futures) {
      try {
        f.get();
      } catch (ExecutionException e) {
        if (failure == null) {
          failure = e.getCause() instanceof RuntimeException re ? re
              : new IllegalStateException(e.getCause());
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        if (failure == null) {
          failure = new IllegalStateException("interrupted while waiting for engine tiles", e);
        }
      }
    }
    if (failure != null) {
      throw failure;
    }
  }

  /** Shuts down the pool if this object created it; a caller-owned executor is left alone. */
  @Override
  public void close() {
    if (owned) {
      executor.shutdownNow();
    }
  }

  @Override
  public String toString() {
    return threads == 1 ? "1 thread" : threads + " threads";
  }
}

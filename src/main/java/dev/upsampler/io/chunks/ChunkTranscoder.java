package dev.upsampler.io.chunks;

import dev.upsampler.image.Frame;
import dev.upsampler.image.Upscaler;
import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import dev.upsampler.io.VideoSettings;
import dev.upsampler.io.VideoWriter;
import java.io.IOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.BiFunction;
import java.util.function.UnaryOperator;

/**
 * Decodes one {@link VideoChunk}, upscales its frames and encodes them into a segment file, with
 * the three stages overlapped as FFmpeg's own pipeline overlaps them: a decoding thread, the
 * caller's thread upscaling (on the engine's pool), an encoding thread, joined by queues of two
 * frames (enough to absorb the jitter between stages, small enough that raw frames never pile
 * up). Frames keep the source's timestamps, so segments of consecutive chunks join by stream copy.
 */
public final class ChunkTranscoder {
  private static final int QUEUE = 2;
  private static final Item END = new Item(null, 0);

  private final UnaryOperator<Frame> upscale;
  private final BiFunction<Integer, Integer, int[]> outputSize;
  private final VideoSettings segmentSettings;
  private final boolean yuv;
  private final long maxPixels;
  private final int encoderThreads;
  private final double defaultFrameRate;

  /**
   * @param upscale the upscaling of one frame (an {@link Upscaler#apply})
   * @param outputSize its output width and height for an input's ({@link Upscaler#outputSize}):
   *     the encoder starts while the first frame is still being decoded
   * @param segmentSettings encoder and container of the segment
   * @param yuv decode to planar 4:2:0 (for a 4:2:0 output), else RGB
   * @param encoderThreads threads of the encoder (0: one per core)
   * @param defaultFrameRate the time grid for a source that states no frame rate
   */
  public ChunkTranscoder(UnaryOperator<Frame> upscale,
      BiFunction<Integer, Integer, int[]> outputSize, VideoSettings segmentSettings,
      boolean yuv, long maxPixels, int encoderThreads, double defaultFrameRate) {
    this.upscale = upscale;
    this.outputSize = outputSize;
    this.segmentSettings = segmentSettings;
    this.yuv = yuv;
    this.maxPixels = maxPixels;
    this.encoderThreads = encoderThreads;
    this.defaultFrameRate = defaultFrameRate;
  }

  /**
   * What a chunk gave: frames encoded, frames the decoder could not decode, the segment's picture
   * size, and why the chunk ended early (null when it did not): a stream that breaks off
   * mid-chunk (a resolution change, a truncated file) keeps the frames before the break.
   */
  public record Result(long frames, long decodeErrors, int width, int height, double frameRate,
      String endedEarly, StageTimes busy) {}

  /**
   * Milliseconds each stage spent working (not waiting on its queues): the slowest one sets the
   * chunk's pace, the others overlap with it.
   */
  public record StageTimes(long decodeMillis, long upscaleMillis, long encodeMillis) {
    @Override
    public String toString() {
      return "busy: decode " + decodeMillis + " ms, upscale " + upscaleMillis + " ms, encode "
          + encodeMillis + " ms";
    }
  }

  private record Item(Frame frame, long timestampMicros) {}

  /**
   * Writes the frames of {@code chunk} of {@code source} (a local file) into {@code segment}.
   * Fails with the source and the cause when nothing of the chunk can be decoded.
   */
  public Result transcode(String source, VideoChunk chunk, Path segment)
      throws IOException, InterruptedException {
    BlockingQueue<Item> decoded = new ArrayBlockingQueue<>(QUEUE);
    BlockingQueue<Item> upscaled = new ArrayBlockingQueue<>(QUEUE);
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Decoder decoder = new Decoder(source, chunk, decoded, failure);
    Encoder encoder = new Encoder(segment, upscaled, failure, decoder);
    Thread dt = start(decoder, "decode " + chunk.index());
    Thread et = start(encoder, "encode " + chunk.index());
    long upscaleNanos = 0;
    try {
      while (true) {
        Item in = take(decoded, failure);
        if (in == END) {
          break;
        }
        long t0 = System.nanoTime();
        Frame up = upscale.apply(in.frame());
        upscaleNanos += System.nanoTime() - t0;
        put(upscaled, new Item(up, in.timestampMicros()), failure);
      }
      put(upscaled, END, failure);
      et.join();
      dt.join();
      rethrow(failure.get());
      if (encoder.frames == 0) {
        throw new IOException(source + ": no frame of " + chunk + " could be decoded");
      }
      return new Result(encoder.frames, decoder.decodeErrors, encoder.width, encoder.height,
          decoder.frameRate, decoder.endedEarly, new StageTimes(decoder.busyNanos / 1_000_000,
              upscaleNanos / 1_000_000, encoder.busyNanos / 1_000_000));
    } finally {
      dt.interrupt();
      et.interrupt();
      dt.join();
      et.join();
    }
  }

  private static Thread start(Runnable r, String name) {
    Thread t = new Thread(r, name);
    t.setDaemon(true);
    t.start();
    return t;
  }

  private static void rethrow(Throwable t) throws IOException {
    if (t instanceof IOException e) {
      throw e;
    }
    if (t instanceof RuntimeException e) {
      throw e;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IOException(t);
    }
  }

  /** Waits for an item, giving up as soon as another stage has failed. */
  private static Item take(BlockingQueue<Item> q, AtomicReference<Throwable> failure)
      throws IOException, InterruptedException {
    while (true) {
      Item i = q.poll(100, TimeUnit.MILLISECONDS);
      if (i != null) {
        return i;
      }
      rethrow(failure.get());
    }
  }

  private static void put(BlockingQueue<Item> q, Item i, AtomicReference<Throwable> failure)
      throws IOException, InterruptedException {
    while (!q.offer(i, 100, TimeUnit.MILLISECONDS)) {
      rethrow(failure.get());
    }
  }

  /** Decodes the chunk's frames (and drops those of neighbouring chunks) into the queue. */
  private final class Decoder implements Runnable {
    final String source;
    final VideoChunk chunk;
    final BlockingQueue<Item> out;
    final AtomicReference<Throwable> failure;
    volatile long decodeErrors;
    volatile double frameRate;
    volatile String endedEarly;
    volatile long busyNanos;
    /** The source's width and height, once it is open. */
    final CompletableFuture<int[]> opened = new CompletableFuture<>();
    private long queued;

    Decoder(String source, VideoChunk chunk, BlockingQueue<Item> out,
        AtomicReference<Throwable> failure) {
      this.source = source;
      this.chunk = chunk;
      this.out = out;
      this.failure = failure;
    }

    @Override
    public void run() {
      try {
        decode(chunk.seekTimestamp() != VideoChunk.NO_SEEK);
        put(out, END, failure);
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      }
    }

    private void decode(boolean seek) throws IOException, InterruptedException {
      try (VideoReader reader = VideoReader.open(source, Duration.ZERO, yuv)) {
        double rate = reader.info().frameRate();
        // A stream that states no usable rate: the job's frame-rate, as frame-by-frame video does
        // (segments of one video must share one time grid, and each chunk decides alone).
        frameRate = rate > 0 && rate <= 1000 ? rate : defaultFrameRate;
        opened.complete(new int[] {reader.info().width(), reader.info().height()});
        long pixels = (long) reader.info().width() * reader.info().height();
        if (pixels > maxPixels) {
          throw new IOException(source + ": frames are " + reader.info().width() + "x"
              + reader.info().height() + ", above max-pixels " + maxPixels);
        }
        if (seek) {
          reader.seekTo(chunk.seekTimestamp());
        }
        boolean first = true;
        long t0 = System.nanoTime();
        for (VideoFrame f = next(reader); f != null; f = next(reader)) {
          long t = f.timestampMicros();
          if (first && seek && t > chunk.startMicros()) {
            // The demuxer landed after the chunk's keyframe (an imprecise index): decode from
            // the start instead, slower but exact.
            decodeErrors += reader.decodeErrors();
            decode(false);
            return;
          }
          first = false;
          if (t >= chunk.endMicros()) {
            break; // presentation order: everything after belongs to later chunks
          }
          if (chunk.holds(t)) {
            busyNanos += System.nanoTime() - t0;
            put(out, new Item(f.frame(), t), failure);
            t0 = System.nanoTime();
            queued++;
          }
        }
        decodeErrors += reader.decodeErrors();
      }
    }

    /** The next frame; a break after some frames of the chunk ends it early (kept, reported). */
    private VideoFrame next(VideoReader reader) throws IOException {
      try {
        return reader.next();
      } catch (IOException e) {
        if (queued == 0) {
          throw e;
        }
        endedEarly = e.getMessage();
        return null;
      }
    }
  }

  /**
   * Encodes upscaled frames into the segment. The encoder opens (tens of milliseconds at 1440p)
   * as soon as the source's size is known, while the first frame is decoded and upscaled.
   */
  private final class Encoder implements Runnable {
    final Path segment;
    final BlockingQueue<Item> in;
    final AtomicReference<Throwable> failure;
    final Decoder decoder;
    volatile long frames;
    volatile int width;
    volatile int height;
    volatile long busyNanos;

    Encoder(Path segment, BlockingQueue<Item> in, AtomicReference<Throwable> failure,
        Decoder decoder) {
      this.segment = segment;
      this.in = in;
      this.failure = failure;
      this.decoder = decoder;
    }

    @Override
    public void run() {
      VideoWriter w = null;
      try {
        int[] source = awaitSource();
        int[] size = outputSize.apply(source[0], source[1]);
        width = size[0];
        height = size[1];
        w = VideoWriter.open(segment, width, height, decoder.frameRate, segmentSettings,
            encoderThreads);
        for (Item i = take(in, failure); i != END; i = take(in, failure)) {
          long t0 = System.nanoTime();
          w.write(i.frame(), i.timestampMicros());
          busyNanos += System.nanoTime() - t0;
          frames++;
        }
        VideoWriter done = w;
        w = null;
        done.close();
      } catch (Throwable t) {
        failure.compareAndSet(null, t);
      } finally {
        if (w != null) {
          try {
            w.close();
          } catch (IOException | RuntimeException ignored) {
            // failing already: the caller reports the first cause
          }
        }
      }
    }

    private int[] awaitSource() throws IOException, InterruptedException {
      while (true) {
        try {
          return decoder.opened.get(100, TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
          rethrow(failure.get());
        } catch (ExecutionException e) {
          throw new IOException(e.getCause());
        }
      }
    }
  }
}

package dev.upsampler.flink;

import dev.upsampler.io.VideoFrame;
import dev.upsampler.io.VideoReader;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import org.apache.flink.api.connector.source.Boundedness;
import org.apache.flink.api.connector.source.ReaderOutput;
import org.apache.flink.api.connector.source.Source;
import org.apache.flink.api.connector.source.SourceReader;
import org.apache.flink.api.connector.source.SourceReaderContext;
import org.apache.flink.api.connector.source.SourceSplit;
import org.apache.flink.api.connector.source.SplitEnumerator;
import org.apache.flink.api.connector.source.SplitEnumeratorContext;
import org.apache.flink.core.io.InputStatus;
import org.apache.flink.core.io.SimpleVersionedSerializer;
import org.apache.flink.metrics.Counter;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A live video URL (RTSP, UDP/MPEG-TS, HLS, SRT, RTMP, ...) as a Flink source (FLIP-27): one
 * split, read by one reader whose thread decodes frames into a small queue.
 *
 * <ul>
 *   <li>A dropped or silent stream (no data for {@code read-timeout} seconds) is reopened, up to
 *       {@code reconnect-attempts} times in a row, each reported in the log and counted
 *       ({@code reconnects}); then the source ends with an end-of-stream marker, so the video
 *       sink finishes its file and a bounded test or a finished broadcast ends the job.
 *   <li>The split's checkpointed position is the next sequence number and the last timestamp:
 *       a live stream cannot be rewound, so after a restore numbering and time continue from
 *       there with what the stream sends now (frames in flight at the failure are lost, none is
 *       duplicated). Timestamps stay monotonic across reconnects.
 *   <li>Overload: with {@code overload: drop} a full queue drops its oldest frame (counted as
 *       {@code framesDropped}); otherwise the decoder waits (backpressure; the network buffer
 *       absorbs what it can).
 * </ul>
 */
final class LiveVideoSource
    implements Source<FrameRecord, LiveVideoSource.Split, List<LiveVideoSource.Split>> {
  private static final long serialVersionUID = 1L;
  private static final Logger LOG = LoggerFactory.getLogger(LiveVideoSource.class);
  static final int QUEUE = 8;

  private final String url;
  private final VideoOptions options;
  private final boolean yuv;

  /** @param yuv decode to planar 4:2:0 (for a 4:2:0 video output), else RGB */
  public LiveVideoSource(String url, VideoOptions options, boolean yuv) {
    this.url = url;
    this.options = options;
    this.yuv = yuv;
  }

  /** The stream name for a URL: host and port, or the path's last part. */
  static String streamOf(String url) {
    String s = url.replaceFirst("^[a-z0-9+.-]+:(//)?", "").replaceFirst("[?#].*$", "");
    s = s.replaceFirst("^[^@/]*@", ""); // credentials
    s = s.replaceAll("[^A-Za-z0-9._-]+", "_").replaceAll("^_+|_+$", "");
    return s.isEmpty() ? "live" : s;
  }

  @Override
  public Boundedness getBoundedness() {
    return Boundedness.CONTINUOUS_UNBOUNDED;
  }

  @Override
  public SplitEnumerator<Split, List<Split>> createEnumerator(
      SplitEnumeratorContext<Split> context) {
    return new Enumerator(context, new ArrayList<>(List.of(new Split(url, 0, -1))));
  }

  @Override
  public SplitEnumerator<Split, List<Split>> restoreEnumerator(
      SplitEnumeratorContext<Split> context, List<Split> pending) {
    return new Enumerator(context, new ArrayList<>(pending));
  }

  @Override
  public SimpleVersionedSerializer<Split> getSplitSerializer() {
    return new SplitSerializer();
  }

  @Override
  public SimpleVersionedSerializer<List<Split>> getEnumeratorCheckpointSerializer() {
    return new SimpleVersionedSerializer<>() {
      @Override
      public int getVersion() {
        return 1;
      }

      @Override
      public byte[] serialize(List<Split> splits) throws IOException {
        ByteArrayOutputStream b = new ByteArrayOutputStream();
        try (DataOutputStream out = new DataOutputStream(b)) {
          out.writeInt(splits.size());
          for (Split s : splits) {
            byte[] one = new SplitSerializer().serialize(s);
            out.writeInt(one.length);
            out.write(one);
          }
        }
        return b.toByteArray();
      }

      @Override
      public List<Split> deserialize(int version, byte[] bytes) throws IOException {
        try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
          int n = in.readInt();
          List<Split> out = new ArrayList<>();
          for (int i = 0; i < n; i++) {
            byte[] one = new byte[in.readInt()];
            in.readFully(one);
            out.add(new SplitSerializer().deserialize(1, one));
          }
          return out;
        }
      }
    };
  }

  @Override
  public SourceReader<FrameRecord, Split> createReader(SourceReaderContext context) {
    return new Reader(context, options, streamOf(url), yuv);
  }

  /** The URL and where the stream stands: next sequence number, last timestamp emitted. */
  public record Split(String url, long nextSequence, long lastTimestampMicros)
      implements SourceSplit {
    @Override
    public String splitId() {
      return url;
    }
  }

  static final class SplitSerializer implements SimpleVersionedSerializer<Split> {
    @Override
    public int getVersion() {
      return 1;
    }

    @Override
    public byte[] serialize(Split s) throws IOException {
      ByteArrayOutputStream b = new ByteArrayOutputStream();
      try (DataOutputStream out = new DataOutputStream(b)) {
        out.writeUTF(s.url());
        out.writeLong(s.nextSequence());
        out.writeLong(s.lastTimestampMicros());
      }
      return b.toByteArray();
    }

    @Override
    public Split deserialize(int version, byte[] bytes) throws IOException {
      try (DataInputStream in = new DataInputStream(new ByteArrayInputStream(bytes))) {
        return new Split(in.readUTF(), in.readLong(), in.readLong());
      }
    }
  }

  /** Hands the one split to the first reader that asks; takes it back if that reader fails. */
  static final class Enumerator implements SplitEnumerator<Split, List<Split>> {
    private final SplitEnumeratorContext<Split> context;
    private final List<Split> pending;

    Enumerator(SplitEnumeratorContext<Split> context, List<Split> pending) {
      this.context = context;
      this.pending = pending;
    }

    @Override
    public void start() {}

    @Override
    public void handleSplitRequest(int subtask, String host) {
      if (!pending.isEmpty()) {
        context.assignSplit(pending.remove(0), subtask);
      }
      context.signalNoMoreSplits(subtask);
    }

    @Override
    public void addSplitsBack(List<Split> splits, int subtask) {
      pending.addAll(splits);
    }

    @Override
    public void addReader(int subtask) {}

    @Override
    public List<Split> snapshotState(long checkpointId) {
      return new ArrayList<>(pending);
    }

    @Override
    public void close() {}
  }

  /** Decodes on its own thread into a bounded queue; the task thread polls it. */
  static final class Reader implements SourceReader<FrameRecord, Split> {
    private final SourceReaderContext context;
    private final VideoOptions options;
    private final String stream;
    private final boolean yuv;
    private final ArrayDeque<FrameRecord> queue = new ArrayDeque<>();
    private final Counter dropped;
    private final Counter reconnects;
    private CompletableFuture<Void> available = new CompletableFuture<>();
    private Split split;
    private Thread decoder;
    private volatile boolean closed;
    private boolean ended;
    private boolean noMoreSplits;
    private long nextSequence;
    private long lastTimestamp = -1;

    Reader(SourceReaderContext context, VideoOptions options, String stream, boolean yuv) {
      this.context = context;
      this.options = options;
      this.stream = stream;
      this.yuv = yuv;
      var g = context.metricGroup().addGroup("upsampler");
      dropped = g.counter("framesDropped");
      reconnects = g.counter("reconnects");
    }

    @Override
    public void start() {
      context.sendSplitRequest();
    }

    @Override
    public synchronized void addSplits(List<Split> splits) {
      split = splits.get(0);
      nextSequence = split.nextSequence();
      lastTimestamp = split.lastTimestampMicros();
      decoder = new Thread(this::decode, "live-decoder " + split.url());
      decoder.setDaemon(true);
      decoder.start();
    }

    @Override
    public synchronized void notifyNoMoreSplits() {
      noMoreSplits = true;
      signal();
    }

    @Override
    public synchronized InputStatus pollNext(ReaderOutput<FrameRecord> output) {
      FrameRecord r = queue.poll();
      if (r != null) {
        if (!r.isMarker()) {
          nextSequence = r.sequence + 1;
          lastTimestamp = r.timestampMicros;
        }
        output.collect(r);
        notifyAll(); // room in the queue for a waiting decoder
        return queue.isEmpty() && !ended ? InputStatus.NOTHING_AVAILABLE
            : InputStatus.MORE_AVAILABLE;
      }
      if (ended || (noMoreSplits && split == null)) {
        return InputStatus.END_OF_INPUT;
      }
      available = new CompletableFuture<>();
      return InputStatus.NOTHING_AVAILABLE;
    }

    @Override
    public synchronized CompletableFuture<Void> isAvailable() {
      return available;
    }

    @Override
    public synchronized List<Split> snapshotState(long checkpointId) {
      return split == null ? List.of() : List.of(new Split(split.url(), nextSequence,
          lastTimestamp));
    }

    private synchronized void signal() {
      available.complete(null);
    }

    /** The decoder thread: read, reconnect when the stream drops, end when it stays gone. */
    private void decode() {
      String url = split.url();
      long sequence;
      long offset = 0; // keeps timestamps rising across reconnects and restores
      synchronized (this) {
        sequence = nextSequence;
      }
      int failures = 0;
      long previous = lastTimestamp;
      while (!closed) {
        boolean gotFrames = false;
        try (VideoReader reader = VideoReader.open(url,
            Duration.ofSeconds(options.readTimeoutSeconds()), yuv)) {
          LOG.info("live: {} (next frame {})", reader.info(), sequence);
          boolean first = true;
          for (VideoFrame f; !closed && (f = reader.next()) != null; ) {
            if (first) {
              offset = previous < 0 ? 0 : previous + frameMicros(reader.info().frameRate())
                  - f.timestampMicros();
              first = false;
            }
            gotFrames = true;
            failures = 0;
            FrameRecord r = record(f, sequence++, f.timestampMicros() + offset,
                reader.info().frameRate(), url);
            previous = r.timestampMicros;
            offer(r);
          }
          if (!closed) {
            LOG.warn("live: {} ended", url);
          }
        } catch (IOException e) {
          LOG.warn("live: {}", e.getMessage());
        }
        if (closed) {
          return;
        }
        failures = gotFrames ? 1 : failures + 1;
        if (failures > options.reconnectAttempts()) {
          LOG.warn("live: {} gone after {} reconnect attempt(s); ending the stream", url,
              options.reconnectAttempts());
          break;
        }
        reconnects.inc();
        LOG.warn("live: reconnecting to {} (attempt {} of {})", url, failures,
            options.reconnectAttempts());
        try {
          Thread.sleep(500);
        } catch (InterruptedException e) {
          return;
        }
      }
      FrameRecord end = base(sequence, url);
      end.endOfStream = true;
      offer(end);
      synchronized (this) {
        ended = true;
        signal();
      }
    }

    private static long frameMicros(double fps) {
      return fps > 0 ? Math.round(1e6 / fps) : 40_000;
    }

    private FrameRecord base(long sequence, String url) {
      FrameRecord r = new FrameRecord();
      r.streamId = stream;
      r.sequence = sequence;
      r.sourceName = url;
      r.outputName = stream;
      r.origin = url;
      return r;
    }

    private FrameRecord record(VideoFrame f, long sequence, long ts, double fps, String url) {
      FrameRecord r = base(sequence, url);
      r.timestampMicros = ts;
      r.frameRate = fps;
      Raw.fill(r, f.frame());
      r.ingestMillis = System.currentTimeMillis();
      return r;
    }

    /** Queues a record; when full, drops the oldest frame or waits, as the job says. */
    private synchronized void offer(FrameRecord r) {
      while (!r.isMarker() && queue.size() >= QUEUE && !closed) {
        if (options.dropWhenLate()) {
          FrameRecord old = dropOldestFrame();
          if (old != null) {
            dropped.inc();
            FrameRecord gap = old.derive(); // keeps the ordering downstream moving
            gap.skip = true;
            gap.dropped = true; // counted in the job's frames-dropped by the upscaling
            queue.addFirst(gap);
            break;
          }
        }
        try {
          wait(100);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
      queue.add(r);
      signal();
    }

    private FrameRecord dropOldestFrame() {
      for (var it = queue.iterator(); it.hasNext(); ) {
        FrameRecord q = it.next();
        if (!q.isMarker()) {
          it.remove();
          return q;
        }
      }
      return null;
    }

    @Override
    public void close() throws InterruptedException {
      closed = true;
      synchronized (this) {
        notifyAll();
      }
      if (decoder != null) {
        decoder.join(Duration.ofSeconds(options.readTimeoutSeconds() + 5).toMillis());
      }
    }
  }
}

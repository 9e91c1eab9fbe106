package dev.upsampler.testing;

import java.io.IOException;
import java.io.Serializable;
import java.util.Collection;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;
import org.apache.flink.api.connector.sink2.Committer;
import org.apache.flink.api.connector.sink2.CommitterInitContext;
import org.apache.flink.api.connector.sink2.CommittingSinkWriter;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.StatefulSinkWriter;
import org.apache.flink.api.connector.sink2.SupportsCommitter;
import org.apache.flink.api.connector.sink2.SupportsWriterState;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.io.SimpleVersionedSerializer;

/**
 * A real stateful, committing sink whose writer throws once, after its {@code failAfter}-th
 * counted record (and, if asked, only once a checkpoint has been taken), to test restores. The
 * sink is serialized into the job, so what the test reads afterwards is static: one such test
 * runs at a time (call {@link #reset} first).
 */
public final class FailOnceSink<IN, S, C> implements Sink<IN>, SupportsWriterState<IN, S>,
    SupportsCommitter<C> {
  private static final long serialVersionUID = 1L;
  /** Whether the failure happened. */
  public static final AtomicBoolean FAILED = new AtomicBoolean();
  /** Counted records written, across the restore. */
  public static final AtomicInteger WRITTEN = new AtomicInteger();

  private final Sink<IN> real;
  private final SerializablePredicate<IN> counted;
  private final int failAfter;
  private final boolean afterCheckpoint;

  /** Which records count towards the failure. */
  public interface SerializablePredicate<T> extends Predicate<T>, Serializable {}

  /** @param real a sink that is also {@link SupportsWriterState} and {@link SupportsCommitter} */
  public FailOnceSink(Sink<IN> real, SerializablePredicate<IN> counted, int failAfter,
      boolean afterCheckpoint) {
    this.real = real;
    this.counted = counted;
    this.failAfter = failAfter;
    this.afterCheckpoint = afterCheckpoint;
  }

  public static void reset() {
    FAILED.set(false);
    WRITTEN.set(0);
  }

  private interface Both<IN, S, C> extends StatefulSinkWriter<IN, S>,
      CommittingSinkWriter<IN, C> {}

  @SuppressWarnings("unchecked")
  private Both<IN, S, C> failing(SinkWriter<IN> writer) {
    StatefulSinkWriter<IN, S> stateful = (StatefulSinkWriter<IN, S>) writer;
    CommittingSinkWriter<IN, C> committing = (CommittingSinkWriter<IN, C>) writer;
    return new Both<>() {
      private int snapshots;

      @Override
      public void write(IN r, Context c) throws IOException, InterruptedException {
        writer.write(r, c);
        if (counted.test(r) && WRITTEN.incrementAndGet() >= failAfter
            && (!afterCheckpoint || snapshots > 0) && FAILED.compareAndSet(false, true)) {
          throw new IOException("injected failure after record " + WRITTEN.get());
        }
      }

      @Override
      public void flush(boolean endOfInput) throws IOException, InterruptedException {
        writer.flush(endOfInput);
      }

      @Override
      public Collection<C> prepareCommit() throws IOException, InterruptedException {
        return committing.prepareCommit();
      }

      @Override
      public List<S> snapshotState(long id) throws IOException {
        snapshots++;
        return stateful.snapshotState(id);
      }

      @Override
      public void close() throws Exception {
        writer.close();
      }
    };
  }

  @SuppressWarnings("unchecked")
  private SupportsWriterState<IN, S> stateful() {
    return (SupportsWriterState<IN, S>) real;
  }

  @SuppressWarnings("unchecked")
  private SupportsCommitter<C> committing() {
    return (SupportsCommitter<C>) real;
  }

  @Override
  public SinkWriter<IN> createWriter(WriterInitContext context) throws IOException {
    return failing(real.createWriter(context));
  }

  @Override
  public StatefulSinkWriter<IN, S> restoreWriter(WriterInitContext context, Collection<S> state)
      throws IOException {
    return failing(stateful().restoreWriter(context, state));
  }

  @Override
  public SimpleVersionedSerializer<S> getWriterStateSerializer() {
    return stateful().getWriterStateSerializer();
  }

  @Override
  public Committer<C> createCommitter(CommitterInitContext context) throws IOException {
    return committing().createCommitter(context);
  }

  @Override
  public SimpleVersionedSerializer<C> getCommittableSerializer() {
    return committing().getCommittableSerializer();
  }
}

package dev.upsampler.flink;

import dev.upsampler.storage.AtomicPublish;
import dev.upsampler.storage.Storage;
import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.Path;

/**
 * Writes each frame to {@code <output>/<stream>/<name>} on any Flink file system, published whole
 * or not at all ({@link AtomicPublish}: a rename on disk, a committed upload on S3). Names are
 * deterministic, so a frame replayed after a failure overwrites its earlier copy: after any
 * restart the output holds each frame exactly once and never a partial file.
 */
final class FrameFileSink implements Sink<FrameRecord> {
  private static final long serialVersionUID = 1L;
  private final String output;

  public FrameFileSink(String output) {
    this.output = output;
  }

  @Override
  public SinkWriter<FrameRecord> createWriter(WriterInitContext context) {
    return new Writer(Storage.resolve(output));
  }

  static final class Writer implements SinkWriter<FrameRecord> {
    private final Path root;

    Writer(Path root) {
      this.root = root;
    }

    @Override
    public void write(FrameRecord r, Context context) throws IOException {
      if (r.isMarker()) {
        return; // end of stream, or a frame that was dropped or rejected: nothing to write
      }
      Path dir = r.streamId == null || r.streamId.isEmpty() ? root : new Path(root, r.streamId);
      Path target = new Path(dir, r.outputName);
      AtomicPublish.write(target, r.data);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }
}

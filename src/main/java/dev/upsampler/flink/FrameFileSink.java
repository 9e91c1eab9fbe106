package dev.upsampler.flink;

import java.io.IOException;
import org.apache.flink.api.connector.sink2.Sink;
import org.apache.flink.api.connector.sink2.SinkWriter;
import org.apache.flink.api.connector.sink2.WriterInitContext;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;

/**
 * Writes each frame to {@code <output>/<stream>/<name>} through Flink's {@link FileSystem}: first
 * to a hidden temporary name, then renamed. Names are deterministic, so a frame replayed after a
 * failure overwrites its earlier copy (and its temporary file, if the writer died mid-write):
 * after any restart the output holds each frame exactly once and never a partial file.
 */
public final class FrameFileSink implements Sink<FrameRecord> {
  private static final long serialVersionUID = 1L;
  private final String output;

  public FrameFileSink(String output) {
    this.output = output;
  }

  @Override
  public SinkWriter<FrameRecord> createWriter(WriterInitContext context) {
    return new Writer(new Path(output));
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
      writeAtomically(target, r.data);
    }

    @Override
    public void flush(boolean endOfInput) {}

    @Override
    public void close() {}
  }

  /** Temporary name, then rename: readers see the whole file or none. */
  static void writeAtomically(Path target, byte[] data) throws IOException {
    FileSystem fs = target.getFileSystem();
    // One temporary name per target, not a random one: a frame that was being written when its
    // TaskManager died is after the last checkpoint, so it is replayed and its leftover
    // temporary file is overwritten and renamed rather than left behind.
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".inprogress");
    try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
      out.write(data);
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        fs.delete(tmp, false);
        throw new IOException("could not rename " + tmp + " to " + target);
      }
    }
  }
}

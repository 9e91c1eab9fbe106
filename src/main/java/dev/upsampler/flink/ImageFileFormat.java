package dev.upsampler.flink;

import java.io.IOException;
import java.io.InputStream;
import org.apache.flink.api.common.typeinfo.TypeInformation;
import org.apache.flink.configuration.Configuration;
import org.apache.flink.connector.file.src.FileSourceSplit;
import org.apache.flink.connector.file.src.reader.BulkFormat;
import org.apache.flink.connector.file.src.util.CheckpointedPosition;
import org.apache.flink.connector.file.src.util.SingletonResultIterator;
import org.apache.flink.core.fs.Path;

/**
 * Reads each image file as one {@link FrameRecord} of its encoded bytes, for Flink's {@code
 * FileSource} (any Flink file system: local, s3://, hdfs:// through Flink's plugins). Files are
 * not split; a split's position is "after its one record", so a split restored from a checkpoint
 * after its record was emitted yields nothing. A file larger than the limit, or unreadable, yields
 * a record carrying the error, which the upscaling step reports as a reject.
 */
public final class ImageFileFormat implements BulkFormat<FrameRecord, FileSourceSplit> {
  private static final long serialVersionUID = 1L;
  private final long maxFileBytes;
  /** The job's input (a directory or one file), as a path without a trailing slash. */
  private final String root;

  /**
   * @param input the job's input: each file's stream is its directory below the input ("" at
   *     the top, and for a single-file input), so outputs keep the layout below the input, as
   *     {@code rsync -r DIR/ OUT} and {@code upscale --input DIR} lay them out
   */
  public ImageFileFormat(long maxFileBytes, String input) {
    this.maxFileBytes = maxFileBytes;
    Path in = new Path(input);
    if (in.toUri().getScheme() == null) { // a local path, maybe relative, as FileSource sees it
      in = Path.fromLocalFile(java.nio.file.Path.of(input).toAbsolutePath().normalize().toFile());
    }
    String p = in.toUri().getPath().replaceAll("/+$", "");
    this.root = p.isEmpty() ? "/" : p;
  }

  /**
   * The stream (output sub-directory) of {@code file}: its directory relative to the input, so
   * that no two inputs share an output path ({@code in/a/same/p.png} and {@code in/b/same/p.png}
   * are streams {@code a/same} and {@code b/same}).
   */
  static String streamOf(String root, Path file) {
    String path = file.toUri().getPath();
    if (path.equals(root) || path.replaceAll("/+$", "").equals(root)) {
      return ""; // the input is this one file
    }
    String dir = path.substring(0, Math.max(0, path.lastIndexOf('/')));
    if (dir.equals(root)) {
      return "";
    }
    if (dir.startsWith(root + "/")) {
      return dir.substring(root.length() + 1);
    }
    Path parent = file.getParent(); // not under the root (cannot happen with FileSource)
    return parent == null ? "" : parent.getName();
  }

  @Override
  public Reader<FrameRecord> createReader(Configuration config, FileSourceSplit split) {
    return new OneFileReader(split, false);
  }

  @Override
  public Reader<FrameRecord> restoreReader(Configuration config, FileSourceSplit split) {
    boolean done = split.getReaderPosition().map(p -> p.getRecordsAfterOffset() >= 1)
        .orElse(false);
    return new OneFileReader(split, done);
  }

  private static final java.util.regex.Pattern FRAME_NUMBER =
      java.util.regex.Pattern.compile("(\\d+)\\.[^.]+$");

  /**
   * The frame number an image sequence's file name ends with ({@code frame_00042.png} -> 42),
   * or -1 for a still image without one (no order to keep).
   */
  public static long sequenceOf(String name) {
    java.util.regex.Matcher m = FRAME_NUMBER.matcher(name);
    if (!m.find() || m.group(1).length() > 18) {
      return -1;
    }
    return Long.parseLong(m.group(1));
  }

  @Override
  public boolean isSplittable() {
    return false;
  }

  @Override
  public TypeInformation<FrameRecord> getProducedType() {
    return TypeInformation.of(FrameRecord.class);
  }

  private final class OneFileReader implements Reader<FrameRecord> {
    private final FileSourceSplit split;
    private boolean done;

    OneFileReader(FileSourceSplit split, boolean done) {
      this.split = split;
      this.done = done;
    }

    @Override
    public RecordIterator<FrameRecord> readBatch() {
      if (done) {
        return null;
      }
      done = true;
      Path path = split.path();
      FrameRecord r = new FrameRecord();
      r.sourceName = path.getName();
      r.outputName = path.getName();
      r.streamId = streamOf(root, path);
      r.sequence = sequenceOf(path.getName());
      r.ingestMillis = System.currentTimeMillis();
      if (split.fileSize() > maxFileBytes) {
        r.error = path + ": " + split.fileSize() + " bytes, above the limit of " + maxFileBytes;
      } else {
        try (InputStream in = path.getFileSystem().open(path)) {
          r.data = in.readAllBytes();
        } catch (IOException e) {
          r.error = path + ": cannot be read (" + e.getMessage() + ")";
        }
      }
      SingletonResultIterator<FrameRecord> it = new SingletonResultIterator<>();
      it.set(r, CheckpointedPosition.NO_OFFSET, 1);
      return it;
    }

    @Override
    public void close() {}
  }
}

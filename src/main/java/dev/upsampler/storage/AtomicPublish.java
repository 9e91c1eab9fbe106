package dev.upsampler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import org.apache.flink.core.fs.FSDataOutputStream;
import org.apache.flink.core.fs.FileSystem;
import org.apache.flink.core.fs.Path;
import org.apache.flink.core.fs.RecoverableFsDataOutputStream;
import org.apache.flink.core.fs.RecoverableWriter;

/**
 * Publishes a file so that readers see all of it or nothing, on any Flink file system:
 *
 * <ul>
 *   <li>on a local disk, a hidden temporary name in the same directory, then a rename (atomic);
 *   <li>elsewhere (S3, HDFS, ...), Flink's {@link RecoverableWriter}: on S3 a multipart upload
 *       that only becomes an object when committed, on HDFS a hidden file renamed at commit.
 *       Never a temporary object renamed: rename on S3 is a copy plus a delete, and a plain
 *       stream's {@code close()} would upload whatever had been written, even after a failure.
 * </ul>
 *
 * A write that fails leaves the target as it was; the caller's retry (Flink's restart) writes it
 * again. Multipart uploads abandoned by a killed process stay invisible but are kept (and billed)
 * by S3 until a bucket lifecycle rule aborts them.
 */
public final class AtomicPublish {
  private AtomicPublish() {}

  /** Something that writes the content to a stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  /** Publishes {@code data} at {@code target}. */
  public static void write(Path target, byte[] data) throws IOException {
    write(target, out -> out.write(data));
  }

  /** Publishes a copy of the local file {@code source} at {@code target}. */
  public static void upload(java.nio.file.Path source, Path target) throws IOException {
    write(target, out -> java.nio.file.Files.copy(source, out));
  }

  /** Publishes what {@code content} writes at {@code target}. */
  public static void write(Path target, Content content) throws IOException {
    FileSystem fs = target.getFileSystem();
    if (Storage.isLocal(target)) {
      renamed(fs, target, content);
      return;
    }
    RecoverableWriter writer;
    try {
      writer = fs.createRecoverableWriter();
    } catch (UnsupportedOperationException e) {
      throw new IOException(target + ": the " + target.toUri().getScheme() + " file system has"
          + " no recoverable writer, so nothing can be published on it atomically (for S3 use"
          + " Flink's flink-s3-fs-native or flink-s3-fs-hadoop, not presto)", e);
    }
    RecoverableFsDataOutputStream out = null;
    try {
      out = writer.open(target);
      content.writeTo(out);
      out.closeForCommit().commit();
      out = null;
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.failure(target, "could not be written", e);
    } finally {
      if (out != null) {
        try {
          out.close(); // discards the unfinished upload; nothing becomes visible
        } catch (IOException | RuntimeException suppressed) {
          // the failure above is the one to report
        }
      }
    }
  }

  /**
   * Temporary name, then rename. One temporary name per target, not a random one: a frame that
   * was being written when its TaskManager died is after the last checkpoint, so it is replayed
   * and its leftover temporary file is overwritten and renamed rather than left behind.
   */
  private static void renamed(FileSystem fs, Path target, Content content) throws IOException {
    Path tmp = new Path(target.getParent(), "." + target.getName() + ".inprogress");
    try (FSDataOutputStream out = fs.create(tmp, FileSystem.WriteMode.OVERWRITE)) {
      content.writeTo(out);
    } catch (IOException | RuntimeException e) {
      fs.delete(tmp, false);
      throw e;
    }
    if (!fs.rename(tmp, target)) {
      fs.delete(target, false);
      if (!fs.rename(tmp, target)) {
        fs.delete(tmp, false);
        throw new IOException("could not rename " + tmp + " to " + target);
      }
    }
  }

  /** Reads the whole of a (small) file, with a failure named by its location. */
  public static byte[] readAll(Path p) throws IOException {
    try (InputStream in = p.getFileSystem().open(p)) {
      return in.readAllBytes();
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.failure(p, "cannot be read", e);
    }
  }
}

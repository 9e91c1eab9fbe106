package dev.upsampler.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import org.apache.flink.core.fs.FileStatus;
import org.apache.flink.core.fs.Path;

/**
 * Local files for FFmpeg, which opens only local paths and network protocols of its own: a
 * remote video is copied to a staging directory first (so containers that need seeking, such as
 * MP4 with its index at the end, work), and an encoder writes locally before its file is
 * published. The staging directory is {@code -Dupsampler.staging.dir}, else the JVM's temporary
 * directory; a copy that would leave less than {@link #RESERVE_BYTES} free there is refused
 * before it starts, naming the sizes, rather than filling the disk.
 */
public final class LocalStaging {
  /** Disk left free after staging a copy. */
  static final long RESERVE_BYTES = 256L << 20;
  public static final String DIR_PROPERTY = "upsampler.staging.dir";

  private LocalStaging() {}

  /** What closing a {@link Staged} file does. */
  @FunctionalInterface
  public interface Release {
    void run() throws IOException;
  }

  /**
   * A local file, and what to do when its reader is done with it: delete it when it is a staged
   * copy of its own, hand it back when it is shared ({@link SharedStaging}), nothing when it is
   * the input itself.
   */
  public record Staged(java.nio.file.Path file, boolean copy, Release release)
      implements AutoCloseable {
    public Staged(java.nio.file.Path file, boolean copy) {
      this(file, copy, copy ? () -> Files.deleteIfExists(file) : () -> { });
    }

    @Override
    public void close() throws IOException {
      release.run();
    }
  }

  /** The directory staged copies and local encoder outputs go to. */
  public static java.nio.file.Path directory() throws IOException {
    String d = System.getProperty(DIR_PROPERTY, System.getProperty("java.io.tmpdir"));
    java.nio.file.Path dir = java.nio.file.Path.of(d, "upsampler-staging");
    Files.createDirectories(dir);
    return dir;
  }

  /** {@code p} itself when local, else a copy of it in the staging directory. */
  public static Staged stage(Path p) throws IOException {
    if (Storage.isLocal(p)) {
      return new Staged(Storage.localFile(p), false);
    }
    java.nio.file.Path dir = directory();
    long size = status(p).getLen();
    requireRoom(p, size, dir, Files.getFileStore(dir).getUsableSpace());
    java.nio.file.Path local = scratchFile(p.getName());
    try (InputStream in = p.getFileSystem().open(p)) {
      Files.copy(in, local, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException | RuntimeException e) {
      Files.deleteIfExists(local);
      throw StorageErrors.failure(p, "could not be copied to " + dir, e);
    }
    return new Staged(local, true);
  }

  /** The remote file's status, or one line saying why it cannot be read. */
  static FileStatus status(Path p) throws IOException {
    try {
      return p.getFileSystem().getFileStatus(p);
    } catch (IOException | RuntimeException e) {
      throw StorageErrors.failure(p, "cannot be read", e);
    }
  }

  /** Refuses a copy of {@code size} bytes that would leave less than the reserve free. */
  static void requireRoom(Path p, long size, java.nio.file.Path dir, long free)
      throws IOException {
    if (size + RESERVE_BYTES > free) {
      throw new IOException(String.format(java.util.Locale.ROOT, "%s: %d MB does not fit in the"
          + " staging directory %s (%d MB free, %d MB kept free); point -D%s at a larger disk",
          p, size >> 20, dir, free >> 20, RESERVE_BYTES >> 20, DIR_PROPERTY));
    }
  }

  /** A new empty file in the staging directory whose name ends with {@code name}. */
  public static java.nio.file.Path scratchFile(String name) throws IOException {
    return Files.createTempFile(directory(), "", "-" + name.replaceAll("[^A-Za-z0-9._-]", "_"));
  }
}

package dev.upsampler.flink;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.flink.core.fs.Path;

/**
 * Which entries the image source lists: directories (to recurse) and files with an image
 * extension, none hidden (names starting with "." or "_", like Flink's default filter, so
 * temporary files and the rejects report are never read).
 */
final class ImageFileFilter implements Predicate<Path>, Serializable {
  private static final long serialVersionUID = 1L;

  @Override
  public boolean test(Path path) {
    String name = path.getName();
    if (name.startsWith(".") || name.startsWith("_")) {
      return false;
    }
    String n = name.toLowerCase(Locale.ROOT);
    if (n.endsWith(".png") || n.endsWith(".jpg") || n.endsWith(".jpeg") || n.endsWith(".bmp")) {
      return true;
    }
    try {
      return path.getFileSystem().getFileStatus(path).isDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }
}

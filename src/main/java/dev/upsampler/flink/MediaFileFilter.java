package dev.upsampler.flink;

import java.io.IOException;
import java.io.Serializable;
import java.io.UncheckedIOException;
import java.util.Locale;
import java.util.function.Predicate;
import org.apache.flink.core.fs.Path;

/**
 * Which entries a file source lists: directories (to recurse) and files with one of the wanted
 * extensions, none hidden (names starting with "." or "_", like Flink's default filter, so
 * temporary files, video segments and the rejects report are never read).
 */
public final class MediaFileFilter implements Predicate<Path>, Serializable {
  private static final long serialVersionUID = 1L;
  private final java.util.Set<String> extensions;

  private MediaFileFilter(java.util.Set<String> extensions) {
    this.extensions = extensions;
  }

  static MediaFileFilter images() {
    return new MediaFileFilter(java.util.Set.of("png", "jpg", "jpeg", "bmp"));
  }

  public static MediaFileFilter videos() {
    return new MediaFileFilter(VideoOptions.VIDEO_EXTENSIONS);
  }

  @Override
  public boolean test(Path path) {
    String name = path.getName();
    if (name.startsWith(".") || name.startsWith("_")) {
      return false;
    }
    String n = name.toLowerCase(Locale.ROOT);
    int dot = n.lastIndexOf('.');
    if (dot > 0 && extensions.contains(n.substring(dot + 1))) {
      return true;
    }
    try {
      return path.getFileSystem().getFileStatus(path).isDir();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot list " + path, e);
    }
  }
}

package dev.upsampler.io;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A file that cannot be used: missing, unreadable, malformed or of an unsupported kind. The
 * message starts with the path and says what is wrong with it.
 */
public class InvalidInputException extends IOException {
  private static final long serialVersionUID = 1L;

  public InvalidInputException(Path path, String cause) {
    super(path + ": " + cause);
  }

  public InvalidInputException(Path path, String cause, Throwable e) {
    super(path + ": " + cause, e);
  }
}

package dev.upsampler.testing;

import java.net.URISyntaxException;
import java.nio.file.Path;

/** Paths of test resources. */
public final class Resources {
  private Resources() {}

  public static Path path(String name) {
    try {
      return Path.of(Resources.class.getResource("/" + name).toURI());
    } catch (URISyntaxException | NullPointerException e) {
      throw new IllegalStateException("missing test resource " + name, e);
    }
  }
}

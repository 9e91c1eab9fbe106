package dev.upsampler.storage;

import java.io.IOException;
import org.apache.flink.core.fs.Path;

/**
 * One line for a file system's failure: the location, what was being done and the innermost
 * cause, without the SDK's request ids, attempt counts, shaded package names or any secret.
 */
public final class StorageErrors {
  private StorageErrors() {}

  /** An IOException whose message is {@code LOCATION: WHAT (CAUSE)[; HINT]}. */
  public static IOException failure(Path location, String what, Throwable e) {
    String cause = cause(e);
    IOException out = new StorageException(location + ": " + what + " (" + cause + ")"
        + hint(location, cause));
    out.initCause(e);
    return out;
  }

  /** What to check, for the failures every new user meets first. */
  static String hint(Path location, String cause) {
    if (!"s3".equals(location.toUri().getScheme()) && !"s3a".equals(location.toUri().getScheme())) {
      return "";
    }
    if (cause.contains("HTTP 403")) {
      return "; check the credentials: s3.access-key and s3.secret-key, or AWS_ACCESS_KEY_ID"
          + " and AWS_SECRET_ACCESS_KEY";
    }
    if (cause.contains("Connection refused") || cause.contains("UnknownHost")
        || cause.contains("Unable to execute HTTP request")) {
      return "; check s3.endpoint";
    }
    return "";
  }

  /** The most telling message in the chain, cleaned of SDK noise. */
  static String cause(Throwable e) {
    String best = null;
    for (Throwable t = e; t != null; t = t.getCause()) {
      String m = clean(t);
      if (m == null) {
        continue;
      }
      String name = t.getClass().getSimpleName();
      // The S3 service's own answer is the clearest (Forbidden, NoSuchBucket); then the
      // innermost message (Connection refused, UnknownHost).
      if (name.endsWith("S3Exception") || name.startsWith("NoSuch") || name.endsWith("Exception")
          && t.getMessage() != null && t.getMessage().contains("Status Code:")) {
        return m;
      }
      best = m;
    }
    return best == null ? e.getClass().getSimpleName() : best;
  }

  private static String clean(Throwable t) {
    String m = t.getMessage();
    if (m == null || m.isBlank()) {
      return null;
    }
    String status = null;
    java.util.regex.Matcher code = java.util.regex.Pattern.compile("Status Code: (\\d+)")
        .matcher(m);
    if (code.find()) {
      status = code.group(1);
    }
    m = m.replaceAll("\\s*\\((Service|SDK Attempt Count|Request ID)[^)]*\\)", "")
        .replaceAll("org\\.apache\\.flink\\.fs\\.s3native\\.shaded\\.", "")
        .replaceAll("\\s+", " ").trim();
    if (status != null && !m.contains("HTTP " + status)) {
      m = m + " (HTTP " + status + ")";
    }
    if (t instanceof java.io.FileNotFoundException && !m.contains("not")) {
      m = m + ": not found";
    }
    return m;
  }

  /** A storage failure already described in one line. */
  public static final class StorageException extends IOException {
    private static final long serialVersionUID = 1L;

    StorageException(String message) {
      super(message);
    }
  }
}

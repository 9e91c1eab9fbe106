package dev.upsampler.cluster;

import java.io.IOException;

/** The cluster answered a REST request with an error status (404: no such job, 503: no leader). */
public final class RestStatusException extends IOException {
  private static final long serialVersionUID = 1L;
  private final int status;

  public RestStatusException(String message, int status) {
    super(message);
    this.status = status;
  }

  public int status() {
    return status;
  }
}

package dev.upsampler.cluster;

import java.io.IOException;

/** Nothing answers at the cluster's REST address (not started, stopped, or another port). */
public final class ClusterUnavailableException extends IOException {
  private static final long serialVersionUID = 1L;

  public ClusterUnavailableException(String endpoint, Throwable cause) {
    super("no Flink cluster answers at " + endpoint + " (start one with jobs/cluster.sh start,"
        + " or point --rest at it)", cause);
  }
}

/**
 * Talking to a running Flink cluster (session or application mode) over its REST API: upload the
 * job jar, run a job definition, follow a job to its end, report state and metrics. Used by the
 * {@code cluster} command behind {@code jobs/cluster.sh}; it starts no processes itself.
 */
package dev.upsampler.cluster;

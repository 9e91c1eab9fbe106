#!/usr/bin/env bash
# Flink's share of the image job's time: the job on an embedded Flink (parallelism 2) against the
# same work without Flink, on the same 1280x720 frames, in one run.
#   jobs/bench-job.sh [frames] [rounds]        (default 200 3)
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec "$java_bin" --add-modules=jdk.incubator.vector -Xmx4g -cp "$cp" \
  dev.upsampler.bench.JobBenchmark "$@"

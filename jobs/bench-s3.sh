#!/usr/bin/env bash
# Flink's two S3 file systems side by side against a real S3 server (S3Proxy on 127.0.0.1):
# publishing frames as the frame sink does (a committed recoverable write each), listing and
# reading them back. Each file system runs in its own JVM as the only plugin, as on a cluster.
#   jobs/bench-s3.sh [FRAMES [KB [ROUNDS]]]      (default 60 frames of 1024 KB, 5 rounds)
set -euo pipefail
cd "$(dirname "$0")/.."
frames=${1:-60}
kb=${2:-1024}
rounds=${3:-5}
flink_version=$(sed -n 's:.*<flink.version>\(.*\)</flink.version>.*:\1:p' pom.xml)
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
# Neither file system on the class path: each is loaded only as a plugin.
cp="target/test-classes:target/classes:$(tr ':' '\n' <target/bench.classpath \
  | grep -v 'flink-s3-fs-' | paste -sd:)"
for fs in native hadoop; do
  plugins=target/s3-bench/$fs
  if [[ ! -d $plugins/s3-fs-$fs ]]; then
    mvn -B -q dependency:copy -Dartifact="org.apache.flink:flink-s3-fs-$fs:$flink_version" \
      -DoutputDirectory="$plugins/s3-fs-$fs"
  fi
  FLINK_PLUGINS_DIR=$plugins "$java_bin" -Xmx1g -cp "$cp" \
    dev.upsampler.bench.S3FileSystemBenchmark "$fs" "$frames" "$kb" "$rounds" 2>/dev/null
done

#!/usr/bin/env bash
# Runs the engine's JMH benchmarks against ONNX Runtime and the naive zero-insertion form, in
# the same run, and prints a Markdown table of medians and ratios.
#   jobs/bench.sh [--quick] [--no-sweep] [--shapes a,b,c]
# JAVA_HOME picks the JDK (e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 jobs/bench.sh).
set -euo pipefail
cd "$(dirname "$0")/.."
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exec "$java_bin" --add-modules=jdk.incubator.vector -cp "$cp" dev.upsampler.bench.BenchmarkTable "$@"

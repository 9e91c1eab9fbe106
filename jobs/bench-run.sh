#!/usr/bin/env bash
# Builds the benchmark classes (Maven profile "bench": JMH, ONNX Runtime, OpenCV) and runs one
# main class on their class path: jobs/bench-run.sh MAIN_CLASS [args]. JAVA_HOME picks the JDK.
set -euo pipefail
cd "$(dirname "$0")/.."
main="$1"
shift
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
mvn -B -q -Pbench -DskipTests test-compile
mvn -B -q -Pbench dependency:build-classpath -Dmdep.outputFile=target/bench.classpath \
  -Dmdep.includeScope=test
cp="target/test-classes:target/classes:$(cat target/bench.classpath)"
exec "$java_bin" --add-modules=jdk.incubator.vector -Xmx4g -cp "$cp" "$main" "$@"

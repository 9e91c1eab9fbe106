#!/usr/bin/env bash
# Runs the engine's JMH benchmarks against ONNX Runtime, the naive zero-insertion form and
# OpenCV's resize, in the same run, and prints Markdown tables of medians and ratios.
#   jobs/bench.sh [--quick] [--no-sweep] [--no-resize] [--shapes a,b,c|none]
#   jobs/bench.sh --network [--quick]     (whole FSRCNNs against ONNX Runtime)
# JAVA_HOME picks the JDK (e.g. JAVA_HOME=/usr/lib/jvm/temurin-25-jdk-amd64 jobs/bench.sh).
set -euo pipefail
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | xargs)"
exec "$(dirname "$0")/bench-run.sh" dev.upsampler.bench.BenchmarkTable "$@"

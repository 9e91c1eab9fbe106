#!/usr/bin/env bash
# Flink's share of the image job's time: the job on an embedded Flink (parallelism 2) against the
# same work without Flink, on the same 1280x720 frames, in one run.
#   jobs/bench-job.sh [frames] [rounds]        (default 200 3)
set -euo pipefail
exec "$(dirname "$0")/bench-run.sh" dev.upsampler.bench.JobBenchmark "$@"

#!/usr/bin/env bash
# Frames/s of the job through Kafka (topic in, topic out, exactly once) against files (directory
# in, directory out) for the same frames, on an embedded Flink, rounds alternating; the broker is
# jobs/kafka.sh's, started here on its own port and home, and stopped at the end.
#   jobs/bench-kafka.sh [ROUNDS [STREAMS]]   (default 3 rounds; 50 streams, each the 4 sample
#                                            photographs of jobs/samples, 300x450 to 640x427)
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
streams=${2:-50}
work=target/bench-kafka
export UPSAMPLER_KAFKA_HOME=$work/broker UPSAMPLER_KAFKA_PORT=${UPSAMPLER_KAFKA_PORT:-19392}
jar=target/upsampler.jar
[[ -f $jar ]] || mvn -B -q -DskipTests package
cli() { UPSAMPLER_RELAUNCH=false java --add-modules=jdk.incubator.vector -jar "$jar" "$@"; }
rm -rf "$work"
jobs/kafka.sh start >/dev/null
trap 'jobs/kafka.sh stop >/dev/null' EXIT
b=127.0.0.1:$UPSAMPLER_KAFKA_PORT
for s in $(seq "$streams"); do
  cli publish --input jobs/samples --topic "kafka://$b/bench-in" --stream "cam$s" 2>/dev/null \
    | grep -v '^published' || true
done
cli consume --topic "kafka://$b/bench-in" --output "$work/frames"
settings=(--kernel bilinear --scale 2 --parallelism 2 --set format=png)
rate() { sed -n 's/.* \([0-9.]*\) frames\/s$/\1/p' | head -1; }
kafka=() files=()
for r in $(seq "$rounds"); do
  rm -rf "$work/out"
  files+=("$(cli run jobs/images.yaml --input "$work/frames" --output "$work/out" "${settings[@]}" \
    2>/dev/null | rate)")
  kafka+=("$(cli run jobs/kafka.yaml --input "kafka://$b/bench-in" \
    --output "kafka://$b/bench-out-$r" --set bounded=true --set "group-id=bench-$r" \
    "${settings[@]}" 2>/dev/null | rate)")
  echo "round $r: files ${files[-1]} frames/s, kafka ${kafka[-1]} frames/s"
done
median() { printf '%s\n' "$@" | sort -g | sed -n "$((($# + 1) / 2))p"; }
mf=$(median "${files[@]}") mk=$(median "${kafka[@]}")
echo "median of $rounds: files $mf frames/s, kafka $mk frames/s, kafka/files $(awk -v k="$mk" -v f="$mf" 'BEGIN { printf "%.2f", k / f }')"

#!/usr/bin/env bash
# A soak of the live path: jobs/live.yaml on an embedded Flink, fed a live MPEG-TS stream over
# UDP by `send` (a moving test pattern) for MINUTES minutes. Every 10 s it samples the job JVM's
# resident memory, the size of the latest checkpoint and the frames upscaled so far (over the
# job's REST API, `run --web-ui`); at the end it prints the table and checks the figures:
#   frames out >= 97% of those sent, resident memory growth from the second minute to the end
#   <= 10%, latency p99 (source to sink) <= 500 ms, checkpoint size not growing (the last at
#   most the largest of the first minutes, plus 10%).
#
#   jobs/soak.sh [MINUTES] [--size WxH] [--frame-rate FPS] [--heap SIZE]
#                                            (defaults: 5 minutes, 640x360 at 25, -Xmx1g)
#
# Exit status 0 when every figure holds, 1 when one misses (the table says which). Needs
# `mvn -B -DskipTests package` first. Settings (environment): UPSAMPLER_SOAK_DIR (target/soak:
# output, samples, logs), UPSAMPLER_SOAK_PORT (UDP port, 5600), UPSAMPLER_SOAK_UI_PORT (the job's
# web UI and REST API on 127.0.0.1, 8091), UPSAMPLER_SOAK_JAVA_OPTS (more options for the job's
# JVM, e.g. -XX:NativeMemoryTracking=summary), UPSAMPLER_SOAK_RUN_ARGS (more flags for `run`,
# e.g. --set segments=false).
set -euo pipefail

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
NAME=soak.sh
# shellcheck source=jobs/lib/servers.sh
source "$ROOT/jobs/lib/servers.sh"

MINUTES=5
SIZE=640x360
FPS=25
HEAP=1g
if [[ ${1:-} =~ ^[0-9]+([.][0-9]+)?$ ]]; then MINUTES=$1; shift; fi
while (($#)); do
  case $1 in
    --size) SIZE=${2:?--size needs WxH}; shift 2 ;;
    --frame-rate) FPS=${2:?--frame-rate needs a number}; shift 2 ;;
    --heap) HEAP=${2:?--heap needs a size such as 1g}; shift 2 ;;
    *) die "unknown option $1 (usage: jobs/soak.sh [MINUTES] [--size WxH] [--frame-rate FPS])" ;;
  esac
done
DIR=${UPSAMPLER_SOAK_DIR:-$ROOT/target/soak}
PORT=${UPSAMPLER_SOAK_PORT:-5600}
UI=${UPSAMPLER_SOAK_UI_PORT:-8091}
JAR=$ROOT/target/upsampler.jar
JAVA=${JAVA_HOME:+$JAVA_HOME/bin/}java
[[ -f $JAR ]] || die "build first: mvn -B -DskipTests package"
port_busy "$UI" && die "port $UI on 127.0.0.1 is taken (choose another with UPSAMPLER_SOAK_UI_PORT)"
SECONDS_TOTAL=$(awk -v m="$MINUTES" 'BEGIN { printf "%d", m * 60 }')
((SECONDS_TOTAL >= 120)) || die "a soak needs 2 minutes at least (memory is compared from the second minute on)"

rm -rf "$DIR"
mkdir -p "$DIR"
JOB_PID="" SEND_PID=""
cleanup() {
  for p in $SEND_PID $JOB_PID; do kill "$p" 2>/dev/null || true; done
}
trap cleanup EXIT

rest_get() { http_get "$UI" "$1"; }

# The job: the engine's SIMD path and 32 MB regions as the launcher would give them, in this JVM
# (no relaunch), so that its PID is the one measured. The heap is fixed and touched at start
# (-Xms = -Xmx, as Flink sizes a TaskManager, and AlwaysPreTouch): otherwise resident memory
# keeps rising for minutes as G1 first touches the pages of regions it had committed but not
# used (measured: heap mapping resident 271 of 458 MB committed after 3 minutes, JVM-committed
# memory +2 MB, RSS +12% from minute 1 to 5), which says nothing about leaks.
say "job: run jobs/live.yaml from udp://127.0.0.1:$PORT, heap $HEAP; log $DIR/run.log"
"$JAVA" -Xms"$HEAP" -Xmx"$HEAP" -XX:+AlwaysPreTouch --add-modules jdk.incubator.vector -XX:G1HeapRegionSize=32m \
  ${UPSAMPLER_SOAK_JAVA_OPTS:-} -jar "$JAR" run "$ROOT/jobs/live.yaml" --input "udp://127.0.0.1:$PORT" \
  --output "$DIR/live-x2.mkv" --web-ui "$UI" ${UPSAMPLER_SOAK_RUN_ARGS:-} >"$DIR/run.out" 2>"$DIR/run.log" &
JOB_PID=$!

JID=""
for _ in $(seq 120); do
  kill -0 "$JOB_PID" 2>/dev/null || { tail -20 "$DIR/run.log" >&2; die "the job ended before it ran"; }
  if body=$(rest_get /jobs/overview) && [[ $body == *'"state":"RUNNING"'* ]]; then
    JID=$(sed -n 's/.*"jid":"\([0-9a-f]*\)".*/\1/p' <<<"$body")
    break
  fi
  sleep 0.5
done
[[ -n $JID ]] || die "the job did not start within 60 s (log $DIR/run.log)"
sleep 2 # the source opens its socket once the job runs: datagrams before that are lost

say "sending ${SIZE} at $FPS frames/s for $MINUTES minute(s); sampling every 10 s into $DIR/samples.tsv"
UPSAMPLER_RELAUNCH=false "$JAVA" -jar "$JAR" send --to "udp://127.0.0.1:$PORT" --size "$SIZE" \
  --frame-rate "$FPS" --seconds "$SECONDS_TOTAL" >"$DIR/send.out" 2>"$DIR/send.log" &
SEND_PID=$!

printf 't_s\trss_mb\tcheckpoint_bytes\tcheckpoints\tframes_upscaled\n' >"$DIR/samples.tsv"
START=$SECONDS
printf '%6s %8s %15s %12s %16s\n' "t (s)" "RSS (MB)" "checkpoint (B)" "checkpoints" "frames upscaled"
while kill -0 "$SEND_PID" 2>/dev/null; do
  sleep 10
  kill -0 "$JOB_PID" 2>/dev/null || break
  t=$((SECONDS - START))
  rss=$(awk '/^VmRSS:/ { printf "%.0f", $2 / 1024 }' "/proc/$JOB_PID/status" 2>/dev/null || echo 0)
  ck=$(rest_get "/jobs/$JID/checkpoints" || true)
  size=$(grep -o '"completed":{[^}]*' <<<"$ck" | head -1 | grep -o '"state_size":[0-9]*' \
    | cut -d: -f2 || true)
  count=$(grep -o '"completed":[0-9]*' <<<"$ck" | head -1 | cut -d: -f2 || true)
  acc=$(rest_get "/jobs/$JID/accumulators" || true)
  up=$(grep -o '"name":"frames-upscaled","type":"LongCounter","value":"[0-9]*"' <<<"$acc" \
    | grep -o '[0-9]*"$' | tr -d '"' || true)
  printf '%d\t%s\t%s\t%s\t%s\n' "$t" "$rss" "${size:-0}" "${count:-0}" "${up:-0}" >>"$DIR/samples.tsv"
  printf '%6d %8s %15s %12s %16s\n' "$t" "$rss" "${size:-0}" "${count:-0}" "${up:-0}"
done
wait "$SEND_PID" || die "send failed: $(tail -3 "$DIR/send.log")"
SEND_PID=""
say "stream ended; the job ends after the source's read-timeout x (reconnect-attempts + 1)"
wait "$JOB_PID" || true
JOB_PID=""

sent=$(sed -n 's/^sent \([0-9]*\) frames.*/\1/p' "$DIR/send.out")
written=$(sed -n 's/.*: \([0-9]*\) frames written to.*/\1/p' "$DIR/run.out")
p50=$(sed -n 's/.*p50 \([0-9]*\) ms.*/\1/p' "$DIR/run.out")
p99=$(sed -n 's/.*p99 \([0-9]*\) ms.*/\1/p' "$DIR/run.out")
dropped=$(sed -n 's/.*; \([0-9]*\) frames dropped.*/\1/p' "$DIR/run.out")
[[ -n $sent && -n $written && -n $p99 ]] \
  || die "could not read the results (send: $(cat "$DIR/send.out"); run: $(cat "$DIR/run.out"))"

# Memory: the first sample of the second minute against the largest of the last minute.
read -r rss_base rss_end ck_early ck_last < <(awk -F'\t' -v end="$SECONDS_TOTAL" '
  NR > 1 && $1 >= 60 && base == "" { base = $2 }
  NR > 1 && $1 > end - 60 && $2 > last_max { last_max = $2 }
  NR > 1 && $1 <= 120 && $3 > ck_early { ck_early = $3 }
  NR > 1 && $3 > 0 { ck_last = $3 }
  END { printf "%s %s %s %s\n", base, last_max, ck_early + 0, ck_last + 0 }' "$DIR/samples.tsv")

fails=0
check() { # check OK? "figure" "target"
  if (($1)); then
    printf '  %-62s %-18s ok\n' "$2" "$3"
  else
    printf '  %-62s %-18s MISSED\n' "$2" "$3"
    fails=$((fails + 1))
  fi
}
pct=$(awk -v w="$written" -v s="$sent" 'BEGIN { printf "%.1f", 100 * w / s }')
growth=$(awk -v a="$rss_base" -v b="$rss_end" 'BEGIN { printf "%.1f", 100 * (b - a) / a }')
echo
say "soak of $MINUTES minute(s), $SIZE at $FPS frames/s over UDP/MPEG-TS through jobs/live.yaml"
check "$(awk -v p="$pct" 'BEGIN { print (p >= 97) }')" \
  "frames out: $written of $sent sent ($pct%), ${dropped:-0} dropped" ">= 97%"
check "$(awk -v g="$growth" 'BEGIN { print (g <= 10) }')" \
  "resident memory: $rss_base MB at 1 min, $rss_end MB at end ($growth%)" "growth <= 10%"
check "$((p99 <= 500))" "latency source to sink: p50 $p50 ms, p99 $p99 ms" "p99 <= 500 ms"
check "$(awk -v e="$ck_early" -v l="$ck_last" 'BEGIN { print (l <= e * 1.1) }')" \
  "checkpoint size: $ck_early B in the first 2 min, $ck_last B last" "not growing (+10%)"
if ((fails)); then
  die "$fails figure(s) missed; samples in $DIR/samples.tsv, logs in $DIR"
fi
say "every figure held; samples in $DIR/samples.tsv"

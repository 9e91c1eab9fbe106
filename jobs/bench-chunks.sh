#!/usr/bin/env bash
# One video over a loopback cluster by chunks: does a second TaskManager make one video faster?
#   jobs/bench-chunks.sh [ROUNDS] [SECONDS] [CHUNK_SECONDS]   (defaults: 1 round, 40 s, 10 s)
# Makes a 960x540 25 fps H.264 clip with AAC audio (a camera panning over a sample photograph),
# starts jobs/cluster.sh with 2 TaskManagers of 1 slot each (its own ports and home under
# target/bench-chunks), then submits the video job (bilinear x2, mpeg4 q3, 1 engine thread per
# subtask) at parallelism 1 and 2 and reports, per run: wall time from submit to done, frames/s,
# and CPU seconds per frame (user+system of both TaskManager JVMs, from /proc). Checks each output
# has the source's frame count and audio. Stops the cluster by its PIDs at the end.
# Needs ffmpeg/ffprobe (apt-get install ffmpeg) and the packaged jars.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-1}
seconds=${2:-40}
chunk=${3:-10}
command -v ffmpeg >/dev/null || { echo "bench-chunks: needs ffmpeg (apt-get install ffmpeg)" >&2; exit 1; }
[[ -f target/upsampler-job.jar ]] || mvn -B -q -DskipTests package
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=$PWD/target/bench-chunks
mkdir -p "$work"
clip=$work/clip540-${seconds}s.mp4
if [[ ! -f $clip ]]; then
  echo "making a ${seconds} s 540p H.264 clip ..."
  "$java_bin" -jar target/upsampler.jar upscale --input jobs/samples/coffee.jpg \
    --output "$work/coffee-x4.png" --scale 4 --kernel lanczos3 >/dev/null
  ffmpeg -v error -y -loop 1 -framerate 25 -i "$work/coffee-x4.png" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -filter_complex "[0:v]crop=960:540:x='min(t*10,640)':y='min(t*12,660)',format=yuv420p[v]" \
    -map "[v]" -map 1:a -t "$seconds" -c:v libx264 -preset fast -crf 20 -g 50 -bf 2 \
    -c:a aac -b:a 96k "$clip"
fi
frames=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets \
  -of csv=p=0 "$clip")
cat >"$work/job.yaml" <<YAML
name: bench-chunks
input: $clip
output: $work/out.mp4
kernel: bilinear
scale: 2
threads: 1
video-codec: mpeg4
video-quality: 3
gop: 25
chunk-seconds: $chunk
checkpoint-interval: 5
YAML

export UPSAMPLER_CLUSTER_HOME=$work/cluster UPSAMPLER_SLOTS=1
export UPSAMPLER_REST_PORT=${UPSAMPLER_REST_PORT:-18481} UPSAMPLER_RPC_PORT=${UPSAMPLER_RPC_PORT:-16523}
trap 'jobs/cluster.sh stop >/dev/null 2>&1 || true' EXIT
jobs/cluster.sh start --taskmanagers 2 >/dev/null

cpu_ticks() { # user+system ticks of the TaskManager JVMs
  local total=0 f pid
  for f in "$UPSAMPLER_CLUSTER_HOME"/pid/taskmanager-*.pid; do
    pid=$(<"$f")
    read -r -a st <"/proc/$pid/stat"
    total=$((total + st[13] + st[14]))
  done
  echo "$total"
}
hz=$(getconf CLK_TCK)
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -A wall cpu
for ((r = 1; r <= rounds; r++)); do
  for p in 1 2; do
    rm -f "$work/out.mp4"
    c0=$(cpu_ticks); t0=$(date +%s.%N)
    jobs/cluster.sh submit "$work/job.yaml" --parallelism "$p" >"$work/submit-p$p.log" 2>&1
    t1=$(date +%s.%N); c1=$(cpu_ticks)
    got=$(ffprobe -v error -count_packets -select_streams v:0 -show_entries stream=nb_read_packets \
      -of csv=p=0 "$work/out.mp4")
    audio=$(ffprobe -v error -select_streams a -show_entries stream=codec_name -of csv=p=0 "$work/out.mp4")
    [[ $got == "$frames" && -n $audio ]] || { echo "p$p: $got of $frames frames, audio '$audio'" >&2; exit 1; }
    w=$(echo "$t1 - $t0" | bc); c=$(echo "($c1 - $c0) / $hz" | bc -l)
    wall[$p]+="$w "; cpu[$p]+="$c "
    printf 'round %d, parallelism %d: %.1f s, %.1f CPU s\n' "$r" "$p" "$w" "$c"
  done
done
w1=$(median ${wall[1]}); w2=$(median ${wall[2]}); c1=$(median ${cpu[1]}); c2=$(median ${cpu[2]})
echo
echo "| 540p -> 1080p bilinear by ${chunk} s chunks, $frames frames, 2 TMs x 1 slot | wall | frames/s | CPU ms/frame |"
echo "|---|---|---|---|"
printf '| parallelism 1 | %.1f s | %.1f | %.1f |\n' "$w1" "$(echo "$frames / $w1" | bc -l)" "$(echo "1000 * $c1 / $frames" | bc -l)"
printf '| parallelism 2 | %.1f s | %.1f | %.1f |\n' "$w2" "$(echo "$frames / $w2" | bc -l)" "$(echo "1000 * $c2 / $frames" | bc -l)"
printf 'speed-up %.2fx, CPU per frame at 2 vs 1: %+.0f%%\n' "$(echo "$w1 / $w2" | bc -l)" "$(echo "100 * ($c2 - $c1) / $c1" | bc -l)"

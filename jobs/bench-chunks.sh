#!/usr/bin/env bash
# One video over a loopback cluster by chunks: does a second TaskManager make one video faster?
#   jobs/bench-chunks.sh [ROUNDS] [SECONDS] [CHUNK_SECONDS]   (defaults: 1 round, 40 s, 10 s)
# Makes a 960x540 25 fps H.264 clip with AAC audio (a camera panning over a sample photograph),
# starts jobs/cluster.sh with 2 TaskManagers of 1 slot each, each pinned to a CPU of its own
# (UPSAMPLER_TM_CPUS="0 1": two one-core machines; its own ports and home under
# target/bench-chunks), then submits the video job (bilinear x2, mpeg4 q3, 1 engine thread per
# subtask) once at parallelism 2 to warm both TaskManagers up (JIT), then at parallelism 1 and 2
# and reports, per run: wall time from submit to done, the job's own running time (as Flink
# reports it: without the client's start and upload), frames/s, and CPU seconds per frame
# (user+system of both TaskManager JVMs, from /proc). Checks each output has the source's frame
# count, timestamps and audio. Before that it times one fixed CPU-bound loop on each pinned CPU
# alone: on a shared machine the two CPUs need not be equally fast, which bounds the speed-up.
# Stops the cluster by its PIDs at the end.
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

export UPSAMPLER_CLUSTER_HOME=$work/cluster UPSAMPLER_SLOTS=1 UPSAMPLER_TM_CPUS=${UPSAMPLER_TM_CPUS-0 1}
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

loop='import time;t=time.time();s=0
for i in range(6_000_000): s+=i*i
print("%.2f" % (time.time()-t))'
for c in ${UPSAMPLER_TM_CPUS}; do
  echo "CPU $c: the same Python loop in $(taskset -c "$c" python3 -c "$loop") s"
done
pts() {
  ffprobe -v error -select_streams v:0 -show_entries packet=pts_time -of csv=p=0 "$1" | sort -g
}
pts "$clip" >"$work/source.pts"
echo "warm-up run at parallelism 2 ..."
jobs/cluster.sh submit "$work/job.yaml" --parallelism 2 >"$work/submit-warmup.log" 2>&1
declare -A wall cpu run
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
    pts "$work/out.mp4" | cmp -s - "$work/source.pts" \
      || { echo "p$p: the output's timestamps differ from the source's" >&2; exit 1; }
    w=$(echo "$t1 - $t0" | bc); c=$(echo "($c1 - $c0) / $hz" | bc -l)
    j=$(sed -n 's/.*FINISHED in \([0-9.]*\) s.*/\1/p' "$work/submit-p$p.log" | tail -1)
    wall[$p]+="$w "; cpu[$p]+="$c "; run[$p]+="$j "
    printf 'round %d, parallelism %d: %.1f s (job %.1f s), %.1f CPU s\n' "$r" "$p" "$w" "$j" "$c"
  done
done
w1=$(median ${wall[1]}); w2=$(median ${wall[2]}); c1=$(median ${cpu[1]}); c2=$(median ${cpu[2]})
j1=$(median ${run[1]}); j2=$(median ${run[2]})
row() {
  printf '| parallelism %d | %.1f s | %.1f s | %.1f | %.1f |\n' "$1" "$2" "$3" \
    "$(echo "$frames / $3" | bc -l)" "$(echo "1000 * $4 / $frames" | bc -l)"
}
echo
echo "| 540p -> 1080p bilinear, ${chunk} s chunks, $frames frames, 2 TMs x 1 slot x 1 CPU | wall (submit to done) | job | frames/s (job) | CPU ms/frame |"
echo "|---|---|---|---|---|"
row 1 "$w1" "$j1" "$c1"
row 2 "$w2" "$j2" "$c2"
printf 'speed-up %.2fx wall, %.2fx job; CPU per frame at 2 vs 1: %+.0f%%\n' "$(echo "$w1 / $w2" | bc -l)" \
  "$(echo "$j1 / $j2" | bc -l)" "$(echo "100 * ($c2 - $c1) / $c1" | bc -l)"

#!/usr/bin/env bash
# The video job against the ffmpeg command line, in the same script on the same clip:
#   jobs/bench-video.sh [ROUNDS] [SECONDS]        (defaults: 3 rounds, a 30 s clip)
# Makes a 1280x720 30 fps mpeg4 clip with AAC audio (a camera panning over a sample photograph,
# upscaled x4 by lanczos3 first so the 720p frames are real picture content), then upscales it
# x2 bilinear to 2560x1440 with mpeg4 q3, GOP 30, audio copied, three ways:
#   ffmpeg -vf scale=2*iw:2*ih:flags=bilinear (the peer), the job at parallelism 2, and the job
#   at parallelism 1 with 2 engine threads; then once with --realtime (frames released at 30 fps,
#   as a live source sends them) for the latency percentiles.
# Needs ffmpeg (apt-get install ffmpeg) and the packaged jar. Prints medians of wall time.
set -euo pipefail
cd "$(dirname "$0")/.."
rounds=${1:-3}
seconds=${2:-30}
command -v ffmpeg >/dev/null || { echo "bench-video: needs ffmpeg (apt-get install ffmpeg)" >&2; exit 1; }
[[ -f target/upsampler.jar ]] || mvn -B -q -DskipTests package
java_bin="${JAVA_HOME:+$JAVA_HOME/bin/}java"
work=target/bench-video
mkdir -p "$work"
clip=$work/clip720.mp4
if [[ ! -f $clip ]]; then
  echo "making a ${seconds} s 720p clip ..."
  "$java_bin" -jar target/upsampler.jar upscale --input jobs/samples/coffee.jpg \
    --output "$work/coffee-x4.png" --scale 4 --kernel lanczos3 >/dev/null
  ffmpeg -v error -y -loop 1 -framerate 30 -i "$work/coffee-x4.png" \
    -f lavfi -i "sine=frequency=440:sample_rate=48000" \
    -filter_complex "[0:v]crop=1280:720:x='min(t*10,320)':y='min(t*15,480)',format=yuv420p[v]" \
    -map "[v]" -map 1:a -t "$seconds" -c:v mpeg4 -q:v 3 -g 30 -c:a aac -b:a 96k "$clip"
fi
frames=$(ffprobe -v error -count_frames -select_streams v:0 -show_entries stream=nb_read_frames \
  -of csv=p=0 "$clip")
cat >"$work/job.yaml" <<EOF
name: bench-video
input: $clip
output: $work/out-job.mp4
kernel: bilinear
scale: 2
parallelism: 2
video-codec: mpeg4
video-quality: 3
gop: 30
checkpoint-interval: 10
EOF

wall() {
  local t0 t1
  t0=$(date +%s.%N)
  "$@" >"$work/last.log" 2>&1
  t1=$(date +%s.%N)
  printf '%.1f\n' "$(echo "$t1 - $t0" | bc)"
}
median() { printf '%s\n' "$@" | sort -g | awk '{a[NR]=$1} END {print (NR%2 ? a[(NR+1)/2] : (a[NR/2]+a[NR/2+1])/2)}'; }

declare -a ff job2 job1
for ((r = 1; r <= rounds; r++)); do
  ff+=("$(wall ffmpeg -v error -y -i "$clip" -vf scale=2*iw:2*ih:flags=bilinear -c:v mpeg4 \
    -q:v 3 -g 30 -c:a copy "$work/out-ffmpeg.mp4")")
  job2+=("$(wall "$java_bin" -jar target/upsampler.jar run "$work/job.yaml")")
  job1+=("$(wall "$java_bin" -jar target/upsampler.jar run "$work/job.yaml" --parallelism 1 \
    --threads 2)")
  echo "round $r: ffmpeg ${ff[-1]} s, job p2 ${job2[-1]} s, job p1x2 ${job1[-1]} s"
done
"$java_bin" -jar target/upsampler.jar run "$work/job.yaml" --parallelism 1 --threads 2 \
  --realtime >"$work/realtime.log" 2>&1
mf=$(median "${ff[@]}"); m2=$(median "${job2[@]}"); m1=$(median "${job1[@]}")
fps() { printf '%.1f' "$(echo "$frames / $1" | bc -l)"; }
ratio() { printf '%.2f' "$(echo "$mf / $1" | bc -l)"; }
echo
echo "| 720p -> 1440p bilinear, mpeg4 q3, $frames frames | median wall | frames/s | vs ffmpeg |"
echo "|---|---|---|---|"
echo "| ffmpeg -vf scale=2*iw:2*ih:flags=bilinear | ${mf} s | $(fps "$mf") | 1.00 |"
echo "| job, parallelism 2 | ${m2} s | $(fps "$m2") | $(ratio "$m2") |"
echo "| job, parallelism 1 x 2 engine threads | ${m1} s | $(fps "$m1") | $(ratio "$m1") |"
echo
echo "--realtime (30 fps source, parallelism 1 x 2 threads):"
grep -E "done in|latency" "$work/realtime.log"

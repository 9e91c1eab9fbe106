#!/usr/bin/env bash
# Retrains the shipped models exactly as they were made, on the photographs
# jobs/training-photos.sh gathers (freely licensed, from Debian packages), and measures each on
# the four evaluation photographs no model sees:
#   jobs/train-models.sh [sr-x2|sr-x2-fast|sr-x3|sr-x4|all] [OUT_DIR]  (default: all, target/models)
# Copy OUT_DIR/NAME.json and NAME.npz to src/main/resources/models/ to ship a retrained model.
# Times are what this 2-core machine took (60, 25, 40 and 40 minutes; sr-x3 and sr-x4 were
# trained side by side, one thread each); the schedule is by time
# (cosine over --minutes), so a faster machine trains on more patches in the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
out=${2:-target/models}
[[ -f target/upsampler.jar ]] || mvn -B -q package -DskipTests
[[ -d target/photos/train ]] || jobs/training-photos.sh target/photos
mkdir -p "$out"
common=(--model espcn --activation prelu --skip bicubic --images target/photos/train
  --epochs 100000 --steps-per-epoch 400 --schedule cosine --validation 0.15 --seed 1
  --eval target/photos/eval)
if [[ $which == all || $which == sr-x2 ]]; then
  java -jar target/upsampler.jar train "${common[@]}" --scale 2 --espcn 32,4 --minutes 60 \
    --out "$out/sr-x2.json"
fi
if [[ $which == all || $which == sr-x2-fast ]]; then
  java -jar target/upsampler.jar train "${common[@]}" --scale 2 --espcn 12,2 --minutes 25 \
    --threads 1 --out "$out/sr-x2-fast.json"
fi
for s in 3 4; do
  if [[ $which == all || $which == sr-x$s ]]; then
    java -jar target/upsampler.jar train "${common[@]}" --scale $s --espcn 24,3 --minutes 40 \
      --threads 1 --out "$out/sr-x$s.json"
  fi
done

#!/usr/bin/env bash
# Retrains the shipped models exactly as they were made, on the photographs
# jobs/training-photos.sh gathers (freely licensed, from Debian packages), and measures each on
# the four evaluation photographs no model sees:
#   jobs/train-models.sh [sr-x2|sr-x2-fast|sr-x3|sr-x4|all] [OUT_DIR]  (default: all, target/models)
# Copy OUT_DIR/NAME.json and NAME.npz to src/main/resources/models/ to ship a retrained model.
# Times are what this 2-core machine took (60 + 75 + 45 + 50 + 60, 25, 40 and 40 minutes; sr-x3 and sr-x4 were
# trained side by side, one thread each); the schedule is by time
# (cosine over --minutes), so a faster machine trains on more patches in the same time.
set -euo pipefail
cd "$(dirname "$0")/.."
which=${1:-all}
out=${2:-target/models}
[[ -f target/upsampler.jar ]] || mvn -B -q package -DskipTests
[[ -d target/photos/camera ]] || jobs/training-photos.sh target/photos
mkdir -p "$out"
photos=(--images target/photos/train)
common=(--model espcn --activation prelu --skip bicubic
  --epochs 100000 --steps-per-epoch 400 --schedule cosine --validation 0.15 --seed 1
  --eval target/photos/eval)
if [[ $which == all || $which == sr-x2 ]]; then
  # Stage 1: 60 minutes from scratch on train/.
  mkdir -p "$out/sr-x2-stage1"
  java -jar target/upsampler.jar train "${common[@]}" "${photos[@]}" --scale 2 --espcn 32,4 --minutes 60 \
    --out "$out/sr-x2-stage1/sr-x2.json"
  # Stage 2: from stage 1's model, on train/ and the halved camera photographs together, at a
  # third of the rate, one thread (75 minutes; the best on validation was epoch 39 of 96).
  tune=target/photos/train-camera
  mkdir -p "$tune" && cp target/photos/train/* target/photos/camera/* "$tune/"
  cp "$out/sr-x2-stage1/sr-x2.json" "$out/sr-x2-stage1/sr-x2.npz" "$out/"
  rm -f "$out"/sr-x2.checkpoint.*
  java -jar target/upsampler.jar train "${common[@]}" --images "$tune" --scale 2 --espcn 32,4 \
    --resume --lr 1e-4 --minutes 75 --threads 1 --out "$out/sr-x2.json"
  # Stage 3: from stage 2's model, the same photographs and rate on the L1 loss (45 minutes;
  # the best on validation was epoch 39 of 56). A fresh Adam: stage 2's moments are of MSE's
  # gradients, so its checkpoint goes.
  rm -f "$out"/sr-x2.checkpoint.*
  java -jar target/upsampler.jar train "${common[@]}" --images "$tune" --scale 2 --espcn 32,4 \
    --resume --lr 1e-4 --minutes 45 --threads 1 --loss l1 --out "$out/sr-x2.json"
  # Stage 4: from stage 3's model, every photograph also at 0.75 and 0.5 of its size (validation
  # too, with the held-out photographs' copies), 48-pixel patches (50 minutes; the best on
  # validation was epoch 23 of 26). A fresh Adam again.
  rm -f "$out"/sr-x2.checkpoint.*
  java -jar target/upsampler.jar train "${common[@]}" --images "$tune" --scale 2 --espcn 32,4 \
    --resume --lr 1e-4 --minutes 50 --threads 1 --loss l1 --patch 48 --multiscale 0.75,0.5 \
    --out "$out/sr-x2.json"
  # Stage 5: from stage 4's model, a third and a quarter of the size too (60 minutes; the best
  # on validation was epoch 20 of 34). A fresh Adam again.
  rm -f "$out"/sr-x2.checkpoint.*
  java -jar target/upsampler.jar train "${common[@]}" --images "$tune" --scale 2 --espcn 32,4 \
    --resume --lr 1e-4 --minutes 60 --threads 1 --loss l1 --patch 48 --multiscale 0.75,0.5,0.33,0.25 \
    --out "$out/sr-x2.json"
fi
if [[ $which == all || $which == sr-x2-fast ]]; then
  java -jar target/upsampler.jar train "${common[@]}" "${photos[@]}" --scale 2 --espcn 12,2 --minutes 25 \
    --threads 1 --out "$out/sr-x2-fast.json"
fi
for s in 3 4; do
  if [[ $which == all || $which == sr-x$s ]]; then
    java -jar target/upsampler.jar train "${common[@]}" "${photos[@]}" --scale $s --espcn 24,3 --minutes 40 \
      --threads 1 --out "$out/sr-x$s.json"
  fi
done

#!/usr/bin/env bash
# Gathers the freely licensed photographs the shipped models (sr-x2, sr-x2-fast, sr-x3, sr-x4)
# are trained and measured on, from Debian packages (downloaded with apt-get download, unpacked
# here; nothing is installed), into DIR/train, DIR/camera and DIR/eval, with DIR/LICENSES.md
# naming each file's licence:
#   jobs/training-photos.sh [DIR]        (default target/photos)
# train: scikit-image's public-domain and CC0 photographs, scikit-learn's two CC BY 2.0 photos,
#        KDE Plasma's photographic wallpapers (LGPL-3), MATE's nature backgrounds (GPL-2+).
# camera: the camera photographs among Lomiri's wallpapers (community photographs of 2018 and 2021:
#        CC BY 4.0, CC BY-SA 3.0/4.0, CC0), halved (jobs/lib/ShrinkPhotos.java, needs the
#        project's jar); sr-x2's second stage fine-tunes on train and camera together.
# eval:  four scikit-image photographs no model sees in training (coffee, coins,
#        hubble_deep_field, ihc), what `eval --bicubic-baseline` and README's tables use.
set -euo pipefail
cd "$(dirname "$0")/.."
out=${1:-target/photos}
debs=$out/.debs
mkdir -p "$out/train" "$out/camera" "$out/eval" "$debs"
packages=(python3-skimage python3-sklearn plasma-workspace-wallpapers mate-backgrounds
  lomiri-wallpapers-16.04 lomiri-wallpapers-20.04)
for p in "${packages[@]}"; do
  if ! ls "$debs/${p}"_*.deb >/dev/null 2>&1; then
    echo "downloading $p ..."
    (cd "$debs" && apt-get download "$p" >/dev/null 2>&1) \
      || { echo "apt-get download $p failed (a Debian or Ubuntu machine with its package lists is needed)" >&2; exit 1; }
  fi
  dpkg-deb -x "$debs/${p}"_*.deb "$debs/root"
done
root=$debs/root/usr
skimage=$(ls -d "$root"/lib/python3/dist-packages/skimage/data)
sklearn=$(ls -d "$root"/lib/python3/dist-packages/sklearn/datasets/images)
licences=$out/LICENSES.md
{
  echo "# Training and evaluation photographs (gathered by jobs/training-photos.sh)"
  echo
  echo "| file | set | source | licence |"
  echo "|---|---|---|---|"
} > "$licences"
take() { # SRC NAME SET SOURCE LICENCE
  cp "$1" "$out/$3/$2"
  echo "| $2 | $3 | $4 | $5 |" >> "$licences"
}
for f in astronaut.png rocket.jpg; do
  take "$skimage/$f" "$f" train "scikit-image (NASA / SpaceX)" "public domain"
done
for f in brick.png camera.png chelsea.png grass.png gravel.png; do
  take "$skimage/$f" "$f" train "scikit-image" "CC0 1.0"
done
take "$sklearn/china.jpg" china.jpg train "scikit-learn (danielbuechele, Flickr)" "CC BY 2.0"
take "$sklearn/flower.jpg" flower.jpg train "scikit-learn (vultilion, Flickr)" "CC BY 2.0"
for w in BytheWater ColdRipple ColorfulCups EveningGlow FallenLeaf Grey Kite OneStandsOut Path \
  summer_1am; do
  take "$root/share/wallpapers/$w/contents/images/2560x1600.jpg" "kde-$w.jpg" train \
    "KDE Plasma wallpapers (plasma-workspace-wallpapers)" "LGPL-3.0"
done
for w in Aqua Blinds Dune FreshFlower Garden GreenMeadow LadyBird RainDrops Storm TwoWings \
  Wood YellowFlower; do
  take "$root/share/backgrounds/mate/nature/$w.jpg" "mate-$w.jpg" train \
    "MATE backgrounds (mate-backgrounds)" "GPL-2.0-or-later"
done
# Camera photographs (4-20 MP, soft at the pixel level) are halved as DIV2K's are made from larger
# originals: the half-size copy is the sharp ground truth; wallpaper illustrations are left out.
[[ -f target/upsampler.jar ]] || mvn -B -q package -DskipTests
lomiri=$root/share/backgrounds
camera=()
while read -r file licence; do
  camera+=("$lomiri/$file.jpg")
  echo "| lomiri-$file.png | camera | Lomiri wallpapers (lomiri-wallpapers-16.04/-20.04)," \
    "halved | $licence |" >> "$licences"
done <<'PHOTOS'
Bridge_by_Sander_Klootwijk CC BY-SA 4.0
Dragonfly_by_Bolly CC BY-SA 4.0
Kleiber_by_Lukas_Baubkus CC BY-SA 3.0
Picture_0B_by_freespace CC BY 4.0
Picture_1A_by_freespace CC BY 4.0
Wine_by_Jakkub_Mede CC BY 4.0
aitzgorri_by_Aitzol_Berasategi CC BY 4.0
free_by_Peter_Nerlich CC BY-SA 4.0
friends_by_Aitzol_Berasategi CC BY 4.0
greentock_by_Peter_Nerlich CC BY-SA 4.0
life_by_Aitzol_Berasategi CC BY 4.0
picosdeeuropa_by_Aitzol_Berasategi CC BY 4.0
seeding_by_Clements_Engelhardt CC0 1.0
sunset_by_Aitzol_Berasategi CC BY 4.0
PHOTOS
shrunk=$debs/shrunk
java -cp target/upsampler.jar jobs/lib/ShrinkPhotos.java 2 "$shrunk" "${camera[@]}" >/dev/null
for f in "$shrunk"/*.png; do
  mv "$f" "$out/camera/lomiri-$(basename "$f")"
done
take "$skimage/coffee.png" coffee.png eval "scikit-image" "CC0 1.0"
take "$skimage/coins.png" coins.png eval "scikit-image (Brooklyn Museum)" "no known copyright restrictions"
take "$skimage/hubble_deep_field.jpg" hubble_deep_field.jpg eval "scikit-image (NASA)" "public domain"
take "$skimage/ihc.png" ihc.png eval "scikit-image (CMMI)" "no known copyright restrictions"
rm -rf "$debs/root"
echo "$(ls "$out/train" | wc -l) training, $(ls "$out/camera" | wc -l) camera and $(ls "$out/eval" | wc -l) evaluation photographs in $out (licences: $licences)"

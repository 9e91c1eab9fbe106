#!/usr/bin/python3
"""Test images and goldens for the frames/kernels work (run with Debian's Python:
apt-get install python3-torch python3-skimage python3-pil; /usr/bin/python3 <this file>).
Maven never runs it; its small outputs are committed.

  photos/   crops of scikit-image's sample photographs (licences in photos/NOTICE)
  golden/interpolate_cases.json   PyTorch interpolate (align_corners=False) of those crops
  codecs/   PNG/JPEG/BMP files in every layout the reader claims, and broken ones
"""
import base64
import io
import json
import os
import struct
import zlib

import numpy as np
import torch
import torch.nn.functional as F
from PIL import Image
from skimage import data

HERE = os.path.dirname(os.path.abspath(__file__))
RES = os.path.dirname(HERE)
PHOTOS = os.path.join(RES, "photos")
CODECS = os.path.join(RES, "codecs")

CROPS = {  # name: (loader, y0, y1, x0, x1)
    "astronaut.png": (data.astronaut, 60, 124, 170, 250),
    "coffee.png": (data.coffee, 120, 168, 240, 312),
    "chelsea.png": (data.chelsea, 90, 150, 150, 214),
    "camera.png": (data.camera, 100, 160, 200, 264),
}


def b64(a):
    return base64.b64encode(np.ascontiguousarray(a, dtype="<f4").tobytes()).decode()


def photos():
    os.makedirs(PHOTOS, exist_ok=True)
    out = {}
    for name, (load, y0, y1, x0, x1) in CROPS.items():
        img = load()[y0:y1, x0:x1]
        Image.fromarray(img).save(os.path.join(PHOTOS, name))
        out[name] = img
    return out


def interpolate_cases(imgs):
    """PyTorch's interpolate of a 16x24 corner of each crop (small goldens; borders included)."""
    cases = []
    for name, full in imgs.items():
        img = full[:16, :24]
        Image.fromarray(img).save(os.path.join(PHOTOS, "small_" + name))
        arr = img.astype(np.float64)
        if arr.ndim == 2:
            arr = arr[:, :, None]
        x = torch.from_numpy(arr.transpose(2, 0, 1)[None].copy())
        for mode in ("nearest", "bilinear", "bicubic"):
            for sy, sx in ((2, 2), (3, 3), (2, 3), (4, 4)):
                kw = {} if mode == "nearest" else {"align_corners": False}
                y = F.interpolate(x, scale_factor=(sy, sx), mode=mode, **kw)
                cases.append({"photo": "small_" + name, "mode": mode, "scale": [sy, sx],
                              "shape": list(y.shape), "y": b64(y.numpy())})
    import gzip
    with gzip.open(os.path.join(HERE, "interpolate_cases.json.gz"), "wt") as f:
        json.dump({"generator": "generate_image_goldens.py", "torch": torch.__version__,
                   "cases": cases}, f, separators=(",", ":"))
    return len(cases)


def png_chunk(kind, payload):
    return struct.pack(">I", len(payload)) + kind + payload + struct.pack(
        ">I", zlib.crc32(kind + payload) & 0xFFFFFFFF)


def png16(path, a):
    """A 16-bit PNG (gray, gray+alpha, RGB or RGBA) written by hand: PIL cannot write RGB48."""
    h, w = a.shape[:2]
    ch = 1 if a.ndim == 2 else a.shape[2]
    color = {1: 0, 2: 4, 3: 2, 4: 6}[ch]
    raw = b"".join(b"\0" + a[y].astype(">u2").tobytes() for y in range(h))
    with open(path, "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", w, h, 16, color, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))


def codecs(imgs):
    os.makedirs(CODECS, exist_ok=True)
    rgb = imgs["astronaut.png"]
    gray = imgs["camera.png"]
    alpha = np.tile(np.linspace(0, 255, rgb.shape[1]).astype(np.uint8), (rgb.shape[0], 1))
    Image.fromarray(rgb).save(os.path.join(CODECS, "rgb8.png"))
    Image.fromarray(np.dstack([rgb, alpha])).save(os.path.join(CODECS, "rgba8.png"))
    Image.fromarray(gray).save(os.path.join(CODECS, "gray8.png"))
    Image.fromarray(np.dstack([gray, gray[::-1]]), "LA").save(os.path.join(CODECS, "graya8.png"))
    Image.fromarray(rgb).quantize(64).save(os.path.join(CODECS, "palette.png"))
    png16(os.path.join(CODECS, "rgb16.png"), rgb.astype(np.uint16) * 257 + 3)
    png16(os.path.join(CODECS, "gray16.png"), gray.astype(np.uint16) * 257 + 5)
    png16(os.path.join(CODECS, "rgba16.png"), np.dstack([rgb, alpha]).astype(np.uint16) * 257)
    Image.fromarray(rgb).save(os.path.join(CODECS, "rgb.bmp"))
    Image.fromarray(gray).save(os.path.join(CODECS, "gray.jpg"), quality=95)
    Image.fromarray(rgb).convert("CMYK").save(os.path.join(CODECS, "cmyk.jpg"), quality=95)
    # Orientation 6: stored 40 wide x 24 high, displayed rotated 90 degrees clockwise.
    blocks = np.zeros((24, 40, 3), np.uint8)
    blocks[:12, :20] = (255, 0, 0)      # top-left red
    blocks[:12, 20:] = (0, 255, 0)      # top-right green
    blocks[12:, :20] = (0, 0, 255)      # bottom-left blue
    blocks[12:, 20:] = (255, 255, 255)  # bottom-right white
    exif = Image.Exif()
    exif[0x0112] = 6
    Image.fromarray(blocks).save(os.path.join(CODECS, "exif6.jpg"), quality=95, exif=exif.tobytes())
    good_png = open(os.path.join(CODECS, "rgb8.png"), "rb").read()
    good_jpg = open(os.path.join(CODECS, "gray.jpg"), "rb").read()
    open(os.path.join(CODECS, "truncated.png"), "wb").write(good_png[: len(good_png) // 2])
    open(os.path.join(CODECS, "truncated.jpg"), "wb").write(good_jpg[: len(good_jpg) // 2])
    open(os.path.join(CODECS, "empty.png"), "wb").write(b"")
    open(os.path.join(CODECS, "not_an_image.png"), "wb").write(b"hello, this is text\n" * 20)
    # A decompression bomb: the header claims 60000 x 60000 RGBA, the data is a few bytes.
    with open(os.path.join(CODECS, "bomb.png"), "wb") as f:
        f.write(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", struct.pack(">IIBBBBB", 60000, 60000, 8, 6, 0, 0, 0))
                + png_chunk(b"IDAT", zlib.compress(b"\0" * 1000)) + png_chunk(b"IEND", b""))


def quality(imgs):
    """Y-PSNR / Y-SSIM / RGB-PSNR of a photo against a noisy copy, by scikit-image."""
    from skimage.metrics import peak_signal_noise_ratio, structural_similarity
    ref = imgs["astronaut.png"]
    rng = np.random.default_rng(5)
    noisy = np.clip(ref.astype(np.float64) + rng.normal(0, 6, ref.shape), 0, 255).round().astype(np.uint8)
    Image.fromarray(noisy).save(os.path.join(CODECS, "astronaut_noisy.png"))

    def y(a):
        a = a.astype(np.float64)
        return 16 + (65.481 * a[..., 0] + 128.553 * a[..., 1] + 24.966 * a[..., 2]) / 255

    out = {}
    for crop in (0, 2):
        ya, yb = y(ref), y(noisy)
        ra, rb = ref.astype(np.float64), noisy.astype(np.float64)
        if crop:
            ya, yb = ya[crop:-crop, crop:-crop], yb[crop:-crop, crop:-crop]
            ra, rb = ra[crop:-crop, crop:-crop], rb[crop:-crop, crop:-crop]
        out[str(crop)] = {
            "psnr_y": peak_signal_noise_ratio(ya, yb, data_range=255),
            "ssim_y": structural_similarity(ya, yb, data_range=255, gaussian_weights=True,
                                            sigma=1.5, use_sample_covariance=False),
            "psnr_rgb": peak_signal_noise_ratio(ra, rb, data_range=255),
        }
    with open(os.path.join(HERE, "quality_cases.json"), "w") as f:
        json.dump(out, f, indent=1)


def main():
    imgs = photos()
    n = interpolate_cases(imgs)
    codecs(imgs)
    quality(imgs)
    print(f"{len(imgs)} photos, {n} interpolate cases, codec fixtures in {CODECS}")


if __name__ == "__main__":
    main()

"""PyTorch's training throughput for the models `train` trains, on the same data.

  /usr/bin/python3 jobs/bench_train_torch.py DIR [--model single|fsrcnn] [--fsrcnn 56,12,4]
      [--scale 2] [--patch 32] [--batch 16] [--seconds 30] [--threads 2]

Debian's PyTorch (apt-get install python3-torch python3-pil). Same setup as the Java trainer:
luma (full-range BT.601) of each photo and of its bicubic downscale (PIL's, not MATLAB's: only
the speed is compared here), random low-resolution patches (32x32 by default), Adam.
--model single: one ConvTranspose2d 8x8 layer with stride 2 and replicated edges, MSE on the
patch interior. --model fsrcnn: FSRCNN(d, s, m) (Conv2d 5x5 / 1x1 / m x 3x3 / 1x1 with PReLUs,
ConvTranspose2d 9x9 padding 4, output_padding scale-1), MSE on the whole patch.
Prints patches/s.
"""
import argparse
import os
import random
import time

import numpy as np
import torch
from PIL import Image
from torch import nn

p = argparse.ArgumentParser()
p.add_argument("dir")
p.add_argument("--model", default="single", choices=["single", "fsrcnn"])
p.add_argument("--fsrcnn", default="56,12,4")
p.add_argument("--scale", type=int, default=2)
p.add_argument("--patch", type=int, default=32)
p.add_argument("--batch", type=int, default=16)
p.add_argument("--seconds", type=float, default=30)
p.add_argument("--threads", type=int, default=2)
a = p.parse_args()
torch.set_num_threads(a.threads)
s = a.scale
pairs = []
for name in sorted(os.listdir(a.dir)):
    try:
        im = Image.open(os.path.join(a.dir, name)).convert("RGB")
    except OSError:
        continue
    w, h = (im.width // s) * s, (im.height // s) * s
    hr = im.crop((0, 0, w, h))
    lr = hr.resize((w // s, h // s), Image.BICUBIC)
    luma = lambda i: torch.from_numpy(np.asarray(i, dtype=np.float32) @ np.array(
        [0.299, 0.587, 0.114], dtype=np.float32) / 255.0)
    pairs.append((luma(hr), luma(lr)))
margin = 2

if a.model == "single":
    k = 4 * s
    weight = nn.Parameter(torch.randn(1, 1, k, k) * 0.01 + 1.0 / (s * s))
    params = [weight]
    pad = (k - s + 1) // 2 + margin * s  # the bicubic layer's crop, moved by the replicated edge

    def forward(x):
        xp = torch.nn.functional.pad(x, (margin,) * 4, mode="replicate")
        y = torch.nn.functional.conv_transpose2d(xp, weight, stride=s, padding=pad)
        m = margin * s
        return y, m
else:
    d, sh, m_layers = (int(v) for v in a.fsrcnn.split(","))
    layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d), nn.Conv2d(d, sh, 1), nn.PReLU(sh)]
    for _ in range(m_layers):
        layers += [nn.Conv2d(sh, sh, 3, padding=1), nn.PReLU(sh)]
    layers += [nn.Conv2d(sh, d, 1), nn.PReLU(d),
               nn.ConvTranspose2d(d, 1, 9, stride=s, padding=4, output_padding=s - 1)]
    net = nn.Sequential(*layers)
    params = list(net.parameters())

    def forward(x):
        return net(x), 0

opt = torch.optim.Adam(params, lr=1e-3 if a.model == "fsrcnn" else 5e-4)


def step():
    xs, ts = [], []
    for _ in range(a.batch):
        hr, lr = random.choice(pairs)
        y0 = random.randint(0, lr.shape[0] - a.patch)
        x0 = random.randint(0, lr.shape[1] - a.patch)
        xs.append(lr[y0:y0 + a.patch, x0:x0 + a.patch])
        ts.append(hr[y0 * s:(y0 + a.patch) * s, x0 * s:(x0 + a.patch) * s])
    x = torch.stack(xs)[:, None]
    t = torch.stack(ts)[:, None]
    y, m = forward(x)
    diff = (y - t)[..., m:y.shape[-2] - m, m:y.shape[-1] - m]
    loss = (diff ** 2).mean()
    opt.zero_grad()
    loss.backward()
    opt.step()


for _ in range(5):
    step()  # warm-up
n = 0
t0 = time.time()
while time.time() - t0 < a.seconds:
    step()
    n += 1
print(f"pytorch {torch.__version__}: {n * a.batch / (time.time() - t0):.0f} patches/s "
      f"({a.model}{' ' + a.fsrcnn if a.model == 'fsrcnn' else ''}, {a.threads} threads, "
      f"batch {a.batch}, patch {a.patch}, x{s})")

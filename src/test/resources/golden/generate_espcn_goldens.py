"""PyTorch forward and autograd gradients of small ESPCN-style networks, for EspcnGoldenTest.

  /usr/bin/python3 src/test/resources/golden/generate_espcn_goldens.py
Writes espcn_cases.json: per case the layers (["conv", in, out, k] with padding k // 2,
["prelu", c], ["relu", alpha] for ReLU (alpha 0) or LeakyReLU, ["clamp", min, max] for
Hardtanh (ReLU6 is Hardtanh(0, 6)), ["shuffle", block] for PixelShuffle), the skip connection
added to the output (none, nearest or bicubic: F.interpolate, align_corners=False), every
layer's parameters in the order the Java layers keep them, the input x, r = dL/dy
(L = sum(y * r), y the layers' output without the skip), y, y plus the skip, each layer's
parameter gradients and dL/dx.
"""
import json
import os

import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(7)


def build(spec):
    layers = []
    for s in spec:
        if s[0] == "conv":
            layers.append(nn.Conv2d(s[1], s[2], s[3], padding=s[3] // 2))
        elif s[0] == "prelu":
            layers.append(nn.PReLU(s[1]))
        elif s[0] == "relu":
            layers.append(nn.ReLU() if s[1] == 0 else nn.LeakyReLU(s[1]))
        elif s[0] == "clamp":
            layers.append(nn.Hardtanh(s[1], s[2]))
        elif s[0] == "shuffle":
            layers.append(nn.PixelShuffle(s[1]))
    return nn.Sequential(*layers).double()


def espcn(c, mid, scale, act):
    a = ((lambda: ["prelu", c]) if act == "prelu"
         else (lambda: ["clamp", act[0], act[1]]) if isinstance(act, tuple)
         else (lambda: ["relu", act]))
    spec = [["conv", 1, c, 3], a()]
    for _ in range(mid):
        spec += [["conv", c, c, 3], a()]
    return spec + [["conv", c, scale * scale, 3], ["shuffle", scale]]


cases = []
for (c, mid, scale, act, skip, h, w) in [(4, 1, 2, "prelu", "nearest", 6, 5),
                                         (3, 2, 3, 0.0, "bicubic", 5, 7),
                                         (4, 0, 2, 0.1, "none", 7, 4),
                                         (5, 1, 4, 0.0, "nearest", 4, 4),
                                         (4, 2, 3, (-0.2, 0.3), "nearest", 5, 6)]:
    spec = espcn(c, mid, scale, act)
    net = build(spec)
    for p in net.parameters():
        with torch.no_grad():
            p.add_(torch.randn_like(p) * 0.3)
    x = torch.rand(1, 1, h, w, dtype=torch.float64, requires_grad=True)
    y = net(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    with torch.no_grad():
        base = 0 if skip == "none" else F.interpolate(x, scale_factor=scale, mode=skip,
                                                      **({} if skip == "nearest"
                                                         else {"align_corners": False}))
        y_skip = y + base
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    params, grads = [], []
    for layer in net:
        ps = [p for p in (getattr(layer, "weight", None), getattr(layer, "bias", None))
              if p is not None]
        params.append(sum((flat(p) for p in ps), []))
        grads.append(sum((flat(p.grad) for p in ps), []))
    cases.append({"layers": spec, "scale": scale, "skip": skip, "x_shape": list(x.shape),
                  "x": flat(x), "r": flat(r), "y_shape": list(y.shape), "y": flat(y),
                  "y_skip": flat(y_skip), "params": params, "grads": grads,
                  "dx": flat(x.grad)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "espcn_cases.json"),
          "w") as f:
    json.dump({"generator": "generate_espcn_goldens.py", "torch": torch.__version__,
               "cases": cases}, f)
print(len(cases), "cases")

"""PyTorch forward and autograd gradients of a small FSRCNN, for NetworkGoldenTest.

  /usr/bin/python3 src/test/resources/golden/generate_network_goldens.py
Writes network_cases.json: per case the hyper-parameters (d, s, m, scale), every layer's
parameters in the order the Java layers keep them (Conv2d: weight [out, in, k, k] then bias;
PReLU: slopes; ConvTranspose2d: weight [in, out, k, k] then bias), the input x, r = dL/dy
(L = sum(y * r)), the output y, each layer's parameter gradients and dL/dx.
"""
import json
import os

import torch
from torch import nn

torch.manual_seed(5)


def fsrcnn(d, s, m, scale):
    layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d), nn.Conv2d(d, s, 1), nn.PReLU(s)]
    for _ in range(m):
        layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
    layers += [nn.Conv2d(s, d, 1), nn.PReLU(d),
               nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4, output_padding=scale - 1)]
    return nn.Sequential(*layers).double()


cases = []
for (d, s, m, scale, h, w) in [(4, 2, 1, 2, 6, 5), (5, 3, 2, 3, 4, 7)]:
    net = fsrcnn(d, s, m, scale)
    for p in net.parameters():
        with torch.no_grad():
            p.add_(torch.randn_like(p) * 0.3)
    x = torch.randn(1, 1, h, w, dtype=torch.float64, requires_grad=True)
    y = net(x)
    r = torch.randn_like(y)
    (y * r).sum().backward()
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    params, grads = [], []
    for layer in net:
        ps = [layer.weight] + ([layer.bias] if getattr(layer, "bias", None) is not None else [])
        params.append(sum((flat(p) for p in ps), []))
        grads.append(sum((flat(p.grad) for p in ps), []))
    cases.append({"d": d, "s": s, "m": m, "scale": scale, "x_shape": list(x.shape),
                  "x": flat(x), "r": flat(r), "y_shape": list(y.shape), "y": flat(y),
                  "params": params, "grads": grads, "dx": flat(x.grad)})
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "network_cases.json"),
          "w") as f:
    json.dump({"generator": "generate_network_goldens.py", "torch": torch.__version__,
               "cases": cases}, f)
print(len(cases), "cases")

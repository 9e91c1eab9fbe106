"""Imported networks: PyTorch FSRCNNs saved the documented ways, and their outputs.

  /usr/bin/python3 src/test/resources/golden/generate_model_goldens.py

Writes models/NAME.npz and model_cases.json. For each case a small FSRCNN with random weights:
- torch-*.npz: the export snippet of README, the model's state_dict
      np.savez("w.npz", **{k: v.detach().numpy() for k, v in model.state_dict().items()})
- tf-*.npz: the same network as TensorFlow/Keras would hold it, names as Keras prints them
  (conv2d/kernel:0, p_re_lu/alpha:0, conv2d_transpose/kernel:0 ...), kernels HWIO, the
  transposed kernel [kH, kW, out, in], PReLU alpha [1, 1, C] (shared over space), and
  Conv2DTranspose(padding="same"): the crop differs from PyTorch's padding=4,
  output_padding=s-1 by one pixel (SEMANTICS.md), so its output is computed here as the
  uncropped transposed convolution cut at TensorFlow's crop_begin = (full - n*s) // 2.
TensorFlow itself is not run: its layouts and its SAME crop are applied to PyTorch's tensors.
"""
import json
import os

import numpy as np
import torch
from torch import nn

torch.manual_seed(8)
here = os.path.dirname(os.path.abspath(__file__))
os.makedirs(os.path.join(here, "models"), exist_ok=True)


def fsrcnn(d, s, m, scale):
    layers = [nn.Conv2d(1, d, 5, padding=2), nn.PReLU(d), nn.Conv2d(d, s, 1), nn.PReLU(s)]
    for _ in range(m):
        layers += [nn.Conv2d(s, s, 3, padding=1), nn.PReLU(s)]
    layers += [nn.Conv2d(s, d, 1), nn.PReLU(d),
               nn.ConvTranspose2d(d, 1, 9, stride=scale, padding=4, output_padding=scale - 1)]
    return nn.Sequential(*layers)


cases = []
for (d, s, m, scale, h, w) in [(8, 4, 2, 2, 11, 13), (6, 3, 1, 3, 7, 9)]:
    net = fsrcnn(d, s, m, scale)
    with torch.no_grad():
        for p in net.parameters():
            p.add_(torch.randn_like(p) * 0.1)
    x = torch.rand(1, 1, h, w)
    with torch.no_grad():
        y = net(x)
        # TensorFlow's SAME crop on the same weights: features, then the uncropped deconv.
        feats = net[:-1](x)
        last = net[-1]
        full = torch.nn.functional.conv_transpose2d(feats, last.weight, last.bias, stride=scale)
        begin = (full.shape[-1] - w * scale) // 2
        begin_h = (full.shape[-2] - h * scale) // 2
        y_tf = full[..., begin_h:begin_h + h * scale, begin:begin + w * scale]
    name = "fsrcnn-%d-%d-%d-x%d" % (d, s, m, scale)
    np.savez(os.path.join(here, "models", "torch-" + name + ".npz"),
             **{k: v.detach().numpy() for k, v in net.state_dict().items()})
    tf = {}
    convs = prelus = 0
    for layer in net:
        if isinstance(layer, nn.ConvTranspose2d):
            tf["conv2d_transpose/kernel:0"] = layer.weight.detach().numpy().transpose(2, 3, 1, 0)
            tf["conv2d_transpose/bias:0"] = layer.bias.detach().numpy()
        elif isinstance(layer, nn.Conv2d):
            prefix = "conv2d" + ("_%d" % convs if convs else "")
            tf[prefix + "/kernel:0"] = layer.weight.detach().numpy().transpose(2, 3, 1, 0)
            tf[prefix + "/bias:0"] = layer.bias.detach().numpy()
            convs += 1
        else:
            prefix = "p_re_lu" + ("_%d" % prelus if prelus else "")
            tf[prefix + "/alpha:0"] = layer.weight.detach().numpy().reshape(1, 1, -1)
            prelus += 1
    np.savez(os.path.join(here, "models", "tf-" + name + ".npz"), **tf)
    flat = lambda t: [float(v) for v in t.reshape(-1)]
    cases.append({"name": name, "scale": scale, "x_shape": list(x.shape), "x": flat(x),
                  "y_shape": list(y.shape), "y_torch": flat(y), "y_tf": flat(y_tf)})

with open(os.path.join(here, "model_cases.json"), "w") as f:
    json.dump({"generator": "generate_model_goldens.py", "torch": torch.__version__,
               "cases": cases}, f)
print("wrote", len(cases), "cases")

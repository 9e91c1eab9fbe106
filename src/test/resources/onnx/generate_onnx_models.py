"""Small super-resolution networks made in PyTorch and exported with torch.onnx.export, with an
input and PyTorch's output for each, for OnnxImportTest.

  /usr/bin/python3 src/test/resources/onnx/generate_onnx_models.py
Writes NAME.onnx, NAME.input.npy and NAME.output.npy (float32, [1, 1, H, W] and [1, 1, sH, sW]).
"""
import os

import numpy as np
import torch
import torch.nn.functional as F
from torch import nn

torch.manual_seed(11)
here = os.path.dirname(os.path.abspath(__file__))


class Espcn(nn.Module):
    """ESPCN-style: 3x3 convolutions, ReLU and PReLU, PixelShuffle, a bicubic skip, a clamp."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.PReLU(8),
                                  nn.Conv2d(8, 4, 3, padding=1), nn.PixelShuffle(2))

    def forward(self, x):
        up = F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
        return torch.clamp(self.body(x) + up, 0, 1)


class Fsrcnn(nn.Module):
    """FSRCNN-style: 5x5 and 1x1 convolutions, LeakyReLU and PReLU, a 9x9 ConvTranspose2d, a
    nearest skip."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 8, 5, padding=2), nn.LeakyReLU(0.1),
                                  nn.Conv2d(8, 4, 1), nn.PReLU(4),
                                  nn.ConvTranspose2d(4, 1, 9, stride=2, padding=4,
                                                     output_padding=1))

    def forward(self, x):
        return self.body(x) + F.interpolate(x, scale_factor=2, mode="nearest")


class Ecbsr(nn.Module):
    """ECBSR/ABPN-style: the input repeated scale^2 times added before the pixel shuffle, the
    convolutions' output scaled by a constant (Mul), a bilinear-free x3."""

    def __init__(self, scale):
        super().__init__()
        self.scale = scale
        self.body = nn.Sequential(nn.Conv2d(1, 6, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(6, scale * scale, 3, padding=1))

    def forward(self, x):
        y = self.body(x) * 0.5 + x.repeat(1, self.scale * self.scale, 1, 1)
        return F.pixel_shuffle(y, self.scale)


class Bilinear(nn.Module):
    """A bilinear skip (Resize linear), Sub and Div by constants, x2."""

    def __init__(self):
        super().__init__()
        self.body = nn.Sequential(nn.Conv2d(1, 4, 3, padding=1), nn.ReLU(),
                                  nn.Conv2d(4, 4, 3, padding=1), nn.PixelShuffle(2))

    def forward(self, x):
        return (self.body(x) - 0.25) / 4.0 + F.interpolate(x, scale_factor=2, mode="bilinear",
                                                          align_corners=False)


class Relu6Hardtanh(nn.Module):
    """Clamps between layers: ReLU6 and Hardtanh (ONNX Clip with min/max inputs from opset 11,
    attributes before), PixelShuffle, optionally a bicubic skip. The first convolution's weights
    are scaled up so that ReLU6's upper bound is reached."""

    def __init__(self, skip):
        super().__init__()
        self.skip = skip
        self.body = nn.Sequential(nn.Conv2d(1, 8, 3, padding=1), nn.ReLU6(),
                                  nn.Conv2d(8, 8, 3, padding=1), nn.Hardtanh(-0.5, 0.5),
                                  nn.Conv2d(8, 4, 3, padding=1), nn.PixelShuffle(2))
        with torch.no_grad():
            self.body[0].weight.mul_(30)

    def forward(self, x):
        y = self.body(x)
        if self.skip:
            y = y + F.interpolate(x, scale_factor=2, mode="bicubic", align_corners=False)
        return y


def export(name, model, h, w, opset, dynamic):
    model.eval()
    for p in model.parameters():
        with torch.no_grad():
            p.add_(torch.randn_like(p) * 0.05)
    x = torch.rand(1, 1, h, w)
    with torch.no_grad():
        y = model(x)
    path = os.path.join(here, name + ".onnx")
    torch.onnx.export(model, x, path, input_names=["lr"], output_names=["sr"],
                      opset_version=opset,
                      dynamic_axes={"lr": {2: "h", 3: "w"}, "sr": {2: "sh", 3: "sw"}}
                      if dynamic else None)
    np.save(os.path.join(here, name + ".input.npy"), x.numpy())
    np.save(os.path.join(here, name + ".output.npy"), y.numpy())
    print(name, tuple(x.shape), "->", tuple(y.shape), "opset", opset)


export("espcn_bicubic", Espcn(), 20, 24, 14, True)
export("fsrcnn_nearest", Fsrcnn(), 18, 21, 14, True)
export("ecbsr_repeat_x3_opset9", Ecbsr(3), 12, 16, 9, False)
export("bilinear_sub_div", Bilinear(), 15, 17, 13, True)
export("relu6_hardtanh", Relu6Hardtanh(True), 16, 19, 13, True)
export("relu6_hardtanh_opset9", Relu6Hardtanh(False), 11, 9, 9, False)

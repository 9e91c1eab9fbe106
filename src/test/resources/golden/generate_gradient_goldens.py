"""PyTorch autograd gradients of conv_transpose2d, for GradientGoldenTest.

Run with Debian's PyTorch (apt-get install python3-torch):
  /usr/bin/python3 src/test/resources/golden/generate_gradient_goldens.py
Writes gradient_cases.json beside this script: for random specs, x, W, b and r = dL/dy
(L = sum(y * r)), the gradients dL/dW, dL/dx, dL/db autograd computes.
"""
import json
import os
import random

import torch

random.seed(3)
torch.manual_seed(3)
cases = []
while len(cases) < 40:
    g = random.choice([1, 1, 1, 2])
    cin = g * random.randint(1, 2)
    cout = g * random.randint(1, 2)
    kh, kw = random.randint(1, 5), random.randint(1, 5)
    sh, sw = random.randint(1, 3), random.randint(1, 3)
    dh, dw = random.choice([1, 1, 2]), random.choice([1, 1, 2])
    ph, pw = random.randint(0, 2), random.randint(0, 2)
    oph = random.randint(0, max(sh, dh) - 1)
    opw = random.randint(0, max(sw, dw) - 1)
    h, w = random.randint(1, 5), random.randint(1, 5)
    x = torch.randn(1, cin, h, w, dtype=torch.float64, requires_grad=True)
    W = torch.randn(cin, cout // g, kh, kw, dtype=torch.float64, requires_grad=True)
    b = torch.randn(cout, dtype=torch.float64, requires_grad=True)
    try:
        y = torch.nn.functional.conv_transpose2d(x, W, b, stride=(sh, sw), padding=(ph, pw),
                                                 output_padding=(oph, opw), groups=g,
                                                 dilation=(dh, dw))
    except RuntimeError:
        continue
    if y.numel() == 0:
        continue
    r = torch.randn_like(y)
    (y * r).sum().backward()
    flat = lambda t: [float(v) for v in t.detach().reshape(-1)]
    cases.append({
        "stride": [sh, sw], "padding": [ph, pw], "output_padding": [oph, opw],
        "dilation": [dh, dw], "groups": g,
        "x_shape": list(x.shape), "x": flat(x), "w_shape": list(W.shape), "w": flat(W),
        "r_shape": list(r.shape), "r": flat(r),
        "dw": flat(W.grad), "dx": flat(x.grad), "db": flat(b.grad),
    })
with open(os.path.join(os.path.dirname(os.path.abspath(__file__)), "gradient_cases.json"),
          "w") as f:
    json.dump({"generator": "generate_gradient_goldens.py", "torch": torch.__version__,
               "cases": cases}, f)
print(len(cases), "cases")

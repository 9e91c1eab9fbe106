#!/usr/bin/python3
"""Generates the transposed-convolution goldens in deconv_cases.json with PyTorch (float64).

Run with Debian's Python, which sees python3-torch (apt-get install python3-torch):
    /usr/bin/python3 src/test/resources/golden/generate_deconv_goldens.py
Maven never runs this script; its output is committed.

Each front end is computed from its own framework's definition, not from the project's crop
formulas:
  * PyTorch: F.conv_transpose2d (padding, output_padding) or nn.ConvTranspose2d(output_size=...).
  * ONNX pads / auto_pad: the ONNX operator text: the natural output with output_padding zero rows
    appended, then sliced by pads (auto_pad: total_padding split as the spec says; ONNX Runtime
    clamps a negative total to 0, which appends rows at the end).
  * TensorFlow: conv2d_transpose is the gradient of conv2d with SAME/VALID padding, so the output
    is the vector-Jacobian product of a padded conv2d, and the legal output sizes are those whose
    conv2d gives back the input size.
"""
import base64
import json
import math
import os
import random

import torch
import torch.nn.functional as F

torch.set_default_dtype(torch.float64)
HERE = os.path.dirname(os.path.abspath(__file__))
SEED = 20261127
N_CASES = 260


def f32(t):
    """Values rounded to float32, flattened in C order, as base64 of little-endian bytes."""
    return base64.b64encode(t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()).decode()


def natural(x, w, s, d, g):
    return F.conv_transpose2d(x, w, None, stride=s, padding=0, output_padding=0, groups=g, dilation=d)


def tf_forward_size(o, s, keff, mode):
    return math.ceil(o / s) if mode == "SAME" else math.ceil((o - keff + 1) / s)


def tf_pad(o, s, keff):
    """TensorFlow SAME padding of a forward conv over length o: (before, after)."""
    out = math.ceil(o / s)
    total = max((out - 1) * s + keff - o, 0)
    return total // 2, total - total // 2


def tf_conv2d_transpose(x, w, s, d, g, mode, oshape):
    """The gradient of TF's conv2d(z) with respect to z, evaluated at grad_output = x."""
    z = torch.zeros(x.shape[0], w.shape[1] * g, oshape[0], oshape[1], requires_grad=True)
    keff = [(w.shape[2 + a] - 1) * d[a] + 1 for a in range(2)]
    if mode == "SAME":
        (ph0, ph1), (pw0, pw1) = tf_pad(oshape[0], s[0], keff[0]), tf_pad(oshape[1], s[1], keff[1])
        zp = F.pad(z, [pw0, pw1, ph0, ph1])
    else:
        zp = z
    fwd = F.conv2d(zp, w, None, stride=s, dilation=d, groups=g)
    assert tuple(fwd.shape) == tuple(x.shape), (fwd.shape, x.shape)
    (gz,) = torch.autograd.grad(fwd, z, grad_outputs=x)
    return gz


def tf_legal(n, s, k, d, mode):
    keff = (k - 1) * d + 1
    return [o for o in range(1, (n + 2) * s + keff + 2)
            if (mode == "SAME" or o >= keff) and tf_forward_size(o, s, keff, mode) == n]


def onnx_slice(full_op, begin, out, axis):
    """Takes `out` rows from `begin` of the natural(+op) output, appending zeros past its end."""
    length = full_op.shape[2 + axis]
    stop = begin + out
    if stop > length:
        pad = [0, 0, 0, stop - length] if axis == 0 else [0, stop - length, 0, 0]
        full_op = F.pad(full_op, pad)
    return full_op.narrow(2 + axis, begin, out)


def make_case(rng, idx):
    kind = rng.choice(["torch", "torch_size", "onnx_pads", "onnx_auto", "tf_same", "tf_valid"])
    g = rng.choice([1, 1, 1, 2, 3])
    cin, cout = g * rng.randint(1, 3), g * rng.randint(1, 3)
    b = rng.choice([1, 1, 2, 3])
    k = [rng.randint(1, 5), rng.randint(1, 5)]
    s = [rng.randint(1, 4), rng.randint(1, 4)]
    d = [rng.choice([1, 1, 1, 2, 3]), rng.choice([1, 1, 1, 2, 3])]
    n = [rng.randint(1, 6), rng.randint(1, 6)]
    flavour = rng.random()
    if flavour < 0.15:  # kernel smaller than stride
        s = [rng.randint(2, 4), rng.randint(2, 4)]
        k = [rng.randint(1, s[0] - 1), rng.randint(1, s[1] - 1)]
        d = [1, 1]
    elif flavour < 0.25:  # 1x1 and 1xN inputs
        n = [1, rng.choice([1, rng.randint(2, 6)])]
    keff = [(k[a] - 1) * d[a] + 1 for a in range(2)]
    full = [(n[a] - 1) * s[a] + keff[a] for a in range(2)]
    # Inputs are rounded to float32 first, so the float64 result is exact for what the file holds.
    x = torch.randn(b, cin, n[0], n[1]).float().double()
    w = torch.randn(cin, cout // g, k[0], k[1]).float().double()
    bias = torch.randn(cout).float().double() if rng.random() < 0.5 else None
    args = ["--stride", f"{s[0]},{s[1]}", "--groups", str(g), "--dilation", f"{d[0]},{d[1]}"]
    pad_spec = {"kind": kind}

    if kind in ("torch", "torch_size"):
        p = [rng.randint(0, max(0, (full[a] - 1) // 2)) for a in range(2)]
        op = [rng.randint(0, max(s[a], d[a]) - 1) for a in range(2)]
        if kind == "torch":
            y = F.conv_transpose2d(x, w, bias, stride=s, padding=p, output_padding=op, groups=g, dilation=d)
            args += ["--padding", f"{p[0]},{p[1]}", "--output-padding", f"{op[0]},{op[1]}"]
            pad_spec.update(padding=p, output_padding=op)
        else:
            lo = [full[a] - 2 * p[a] for a in range(2)]
            size = [lo[a] + rng.randint(0, s[a] - 1) for a in range(2)]
            m = torch.nn.ConvTranspose2d(cin, cout, k, stride=s, padding=p, groups=g, dilation=d, bias=bias is not None)
            with torch.no_grad():
                m.weight.copy_(w)
                if bias is not None:
                    m.bias.copy_(bias)
                y = m(x, output_size=size)
            args += ["--padding", f"{p[0]},{p[1]}", "--output-shape", f"{size[0]},{size[1]}"]
            pad_spec.update(padding=p, output_shape=size)
    elif kind == "onnx_pads":
        op = [rng.randint(0, max(s[a], d[a]) - 1) for a in range(2)]
        t, l = rng.randint(0, full[0] - 1), rng.randint(0, full[1] - 1)
        bo = rng.randint(0, max(0, full[0] + op[0] - t - 1))
        r = rng.randint(0, max(0, full[1] + op[1] - l - 1))
        nat = F.pad(natural(x, w, s, d, g), [0, op[1], 0, op[0]])
        y = nat[:, :, t:nat.shape[2] - bo, l:nat.shape[3] - r]
        if bias is not None:
            y = y + bias.view(1, -1, 1, 1)
        args += ["--pads", f"{t},{l},{bo},{r}", "--output-padding", f"{op[0]},{op[1]}"]
        pad_spec.update(pads=[t, l, bo, r], output_padding=op)
    elif kind == "onnx_auto":
        mode = rng.choice(["SAME_UPPER", "SAME_LOWER"])
        op = [0, 0]
        if rng.random() < 0.3:
            op = [rng.randint(0, max(s[a], d[a]) - 1) for a in range(2)]
        if rng.random() < 0.5:
            out = [n[a] * s[a] for a in range(2)]
        else:
            out = [rng.randint(max(1, full[a] + op[a] - 2 * s[a]), full[a] + op[a]) for a in range(2)]
        y = F.pad(natural(x, w, s, d, g), [0, op[1], 0, op[0]])
        for a in range(2):
            total = max(0, full[a] + op[a] - out[a])
            begin = total // 2 if mode == "SAME_UPPER" else total - total // 2
            y = onnx_slice(y, begin, out[a], a)
        if bias is not None:
            y = y + bias.view(1, -1, 1, 1)
        args += ["--auto-pad", mode, "--output-shape", f"{out[0]},{out[1]}"]
        if op != [0, 0]:
            args += ["--output-padding", f"{op[0]},{op[1]}"]
        pad_spec.update(mode=mode, output_shape=out, output_padding=op)
    else:
        mode = "SAME" if kind == "tf_same" else "VALID"
        legal = [tf_legal(n[a], s[a], k[a], d[a], mode) for a in range(2)]
        out = [rng.choice(legal[a]) for a in range(2)]
        y = tf_conv2d_transpose(x, w, s, d, g, mode, out).detach()
        if bias is not None:
            y = y + bias.view(1, -1, 1, 1)
        args += ["--padding", mode, "--output-shape", f"{out[0]},{out[1]}"]
        pad_spec.update(mode=mode, output_shape=out)

    return {
        "name": f"c{idx:03d}_{kind}",
        "args": args,
        "stride": s, "dilation": d, "groups": g, "padding": pad_spec,
        "x_shape": list(x.shape), "w_shape": list(w.shape), "y_shape": list(y.shape),
        "x": f32(x), "w": f32(w), "bias": None if bias is None else f32(bias), "y": f32(y),
        "y_abs_max": float(y.abs().max()),
    }


def main():
    rng = random.Random(SEED)
    torch.manual_seed(SEED)
    cases = []
    while len(cases) < N_CASES:
        try:
            cases.append(make_case(rng, len(cases)))
        except RuntimeError as e:  # PyTorch refused the drawn shape (e.g. empty output): draw again
            if "Given" not in str(e) and "output" not in str(e).lower():
                raise
    legal = []
    for n in range(1, 6):
        for s in range(1, 5):
            for k in range(1, 6):
                for d in (1, 2):
                    legal.append({"n": n, "s": s, "k": k, "d": d,
                                  "SAME": tf_legal(n, s, k, d, "SAME"), "VALID": tf_legal(n, s, k, d, "VALID")})
    doc = {"generator": "generate_deconv_goldens.py", "torch": torch.__version__, "seed": SEED,
           "cases": cases, "tf_legal": legal}
    with open(os.path.join(HERE, "deconv_cases.json"), "w") as f:
        json.dump(doc, f, separators=(",", ":"))
    kinds = {}
    for c in cases:
        kinds[c["padding"]["kind"]] = kinds.get(c["padding"]["kind"], 0) + 1
    print(f"{len(cases)} cases {kinds}, {len(legal)} TF legal-size sets")


if __name__ == "__main__":
    main()

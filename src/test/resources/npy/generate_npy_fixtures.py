#!/usr/bin/python3
"""Writes small .npy files with NumPy itself, good and malformed, for the reader's tests, and the
original write-up's example inputs (jobs/writeup/). Run: /usr/bin/python3 <this file>."""
import os

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.abspath(os.path.join(HERE, "../../../.."))
a = np.arange(24, dtype=np.float32).reshape(1, 2, 3, 4) / 8

np.save(os.path.join(HERE, "f4.npy"), a)
np.save(os.path.join(HERE, "f8.npy"), a.astype(np.float64))
np.save(os.path.join(HERE, "fortran.npy"), np.asfortranarray(a.reshape(6, 4)))
np.save(os.path.join(HERE, "big_endian.npy"), a.astype(">f4"))
np.save(os.path.join(HERE, "int32.npy"), a.astype(np.int32))
np.lib.format.write_array(open(os.path.join(HERE, "v2.npy"), "wb"), a, version=(2, 0))
with open(os.path.join(HERE, "f4.npy"), "rb") as f:
    good = f.read()
open(os.path.join(HERE, "truncated.npy"), "wb").write(good[:-10])
open(os.path.join(HERE, "trailing.npy"), "wb").write(good + b"\0" * 8)
open(os.path.join(HERE, "bad_magic.npy"), "wb").write(b"PK\x03\x04" + good[4:])
open(os.path.join(HERE, "empty.npy"), "wb").write(b"")
# A header that claims far more data than the file holds (a "decompression bomb" of a header).
with open(os.path.join(HERE, "huge_shape.npy"), "wb") as f:
    np.lib.format.write_array_header_1_0(
        f, {"descr": "<f4", "fortran_order": False, "shape": (99999, 99999, 999, 9)})
    f.write(a.tobytes())

# The write-up's example: input 1..9 (3x3), kernel the 3x3 identity matrix.
os.makedirs(os.path.join(ROOT, "jobs/writeup"), exist_ok=True)
np.save(os.path.join(ROOT, "jobs/writeup/x.npy"), np.arange(1, 10, dtype=np.float32).reshape(1, 1, 3, 3))
w = np.eye(3, dtype=np.float32).reshape(1, 1, 3, 3)
np.save(os.path.join(ROOT, "jobs/writeup/w.npy"), w)

#!/usr/bin/python3
"""Reference outputs for the real Keras file ../shared/realdata/guitarml-keras/ts9_model.h5 (GenLstm.Conformance's KerasFileTests).

The file has no framework-computed outputs (its README), and Debian has no Keras, so the reference is computed here from
the Keras equations in float64 with NumPy, reading the arrays with h5py (not with GenLstm's reader):
  z = x_t @ kernel + h @ recurrent_kernel + bias, gates i, f, c, o in blocks of 36 columns,
  i, f, o = sigmoid, g = tanh, c = f*c + i*g, h = o*tanh(c); y_t = h_t @ dense_kernel + dense_bias.
Only the LSTM(16 -> 36) and the Dense(1) after it run (the two Conv1D layers before it are not LSTM features).
Input: 64 steps of 16 features ~ N(0, 1) (PCG64 seed 36), float32; zero initial state.

Writes tests/GenLstm.Conformance/Reference/ts9_lstm.safetensors: input [64, 16] F32, output_f64 [64, 1] F64.
These are numbers computed here, not the model's weights (which stay in ../shared, under their GPL-3.0 licence).

Run:  /usr/bin/python3 tests/scripts/make_keras_reference.py   (needs python3-h5py; GENLSTM_REALDATA overrides ../shared/realdata)
"""
import os
import sys

import h5py
import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, HERE)
from safetensors_io import write_safetensors  # noqa: E402

REPO = os.path.normpath(os.path.join(HERE, "..", ".."))
DATA = os.environ.get("GENLSTM_REALDATA", os.path.join(REPO, "..", "shared", "realdata"))


def main():
    with h5py.File(os.path.join(DATA, "guitarml-keras", "ts9_model.h5"), "r") as f:
        w = f["model_weights"]
        kernel = w["lstm/lstm/kernel:0"][()].astype(np.float64)
        recurrent = w["lstm/lstm/recurrent_kernel:0"][()].astype(np.float64)
        bias = w["lstm/lstm/bias:0"][()].astype(np.float64)
        dense_kernel = w["dense/dense/kernel:0"][()].astype(np.float64)
        dense_bias = w["dense/dense/bias:0"][()].astype(np.float64)
    units = recurrent.shape[0]
    x = np.random.Generator(np.random.PCG64(36)).normal(size=(64, kernel.shape[0])).astype(np.float32)
    sigmoid = lambda v: 1.0 / (1.0 + np.exp(-v))  # noqa: E731
    h = np.zeros(units)
    c = np.zeros(units)
    y = []
    for t in range(x.shape[0]):
        z = x[t].astype(np.float64) @ kernel + h @ recurrent + bias
        i, f, g, o = (z[k * units:(k + 1) * units] for k in range(4))
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        y.append(h @ dense_kernel + dense_bias)
    out = os.path.join(REPO, "tests", "GenLstm.Conformance", "Reference", "ts9_lstm.safetensors")
    write_safetensors(out, {"input": x, "output_f64": np.array(y)})
    print("wrote", out, "output range", float(np.min(y)), float(np.max(y)))


if __name__ == "__main__":
    main()

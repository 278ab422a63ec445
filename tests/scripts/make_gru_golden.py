#!/usr/bin/python3
"""Generate golden GRU reference data for GenLstm.Tests (issue 16).

Writes tests/GenLstm.Tests/Golden/gru_{I}x{H}.safetensors for a fixed set of (input_size I, hidden_size H) pairs.
Everything is deterministic: weights, input and initial state are drawn with NumPy's PCG64 generator seeded per size
and loaded into a torch.nn.GRU (so the data does not depend on torch's RNG).

Tensors per file (T = 64 steps, single layer, batch 1, PyTorch's gate order r, z, n):
  weight_ih_l0 [3H,I]  weight_hh_l0 [3H,H]  bias_ih_l0 [3H]  bias_hh_l0 [3H]   F32
      weight_hh ~ U(-k,k), k = 2.5/sqrt(H); weight_ih ~ U(-k,k), k = 2.5/sqrt(I) (as make_golden.py: some gates
      saturate at every size); biases ~ U(-1,1)
  input [T,I] F32                    ~ N(0,1) * 1.5
  output_f32 [T,H] F32               h_t of the float32 torch GRU from zero state
  output_f64 [T,H] F64               h_t of model.double() fed input.double(), zero state (PyTorch's GRU:
                                     n = tanh(W_n x + b_in + r * (U_n h + b_hn)); Keras reset_after = True;
                                     ONNX linear_before_reset = 1)
  h0 [H] F32                         random initial state ~ U(-0.9, 0.9)
  output_from_state_f64 [T,H] F64    the float64 torch GRU from h0
  output_reset_before_f64 [T,H] F64  the other variant on the same tensors, zero state: n = tanh(W_n x + b_in +
                                     U_n (r * h) + b_hn) (ONNX linear_before_reset = 0 with Wb = bias_ih,
                                     Rb = bias_hh; Keras reset_after = False has one bias, b_in + b_hn here)

Checks before writing: an independent NumPy GRU written from the equations matches torch's float64 run to 1e-12 for
both initial states, and ONNX's own reference (onnx.backend.test.case.node.gru.GRU_Helper, gate order z, r, h)
matches the NumPy GRU to 1e-12 for both linear_before_reset values; each file is re-read and compared bit-exactly.

Run:  /usr/bin/python3 tests/scripts/make_gru_golden.py   (python3-torch, python3-numpy, python3-onnx; from anywhere)
"""
import os
import sys

import numpy as np
import torch
from onnx.backend.test.case.node.gru import GRU_Helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

SIZES = [(1, 8), (4, 17), (16, 32), (1, 40)]
T = 64
BASE_SEED = 20261205
SCRIPT_NAME = "tests/scripts/make_gru_golden.py"
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Golden"))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_gru(x, w_ih, w_hh, b_ih, b_hh, h0, reset_after=True):
    """Independent float64 GRU from the equations (gate order r, z, n). Returns h_t for every step, [T, H]."""
    x, w_ih, w_hh, b_ih, b_hh = (a.astype(np.float64) for a in (x, w_ih, w_hh, b_ih, b_hh))
    H = w_hh.shape[1]
    h = h0.astype(np.float64).copy()
    out = np.empty((x.shape[0], H))
    for t in range(x.shape[0]):
        gx = w_ih @ x[t] + b_ih
        r = sigmoid(gx[0:H] + w_hh[0:H] @ h + b_hh[0:H])
        z = sigmoid(gx[H:2 * H] + w_hh[H:2 * H] @ h + b_hh[H:2 * H])
        if reset_after:
            n = np.tanh(gx[2 * H:] + r * (w_hh[2 * H:] @ h + b_hh[2 * H:]))
        else:
            n = np.tanh(gx[2 * H:] + w_hh[2 * H:] @ (r * h) + b_hh[2 * H:])
        h = (1.0 - z) * n + z * h
        out[t] = h
    return out


def onnx_gru(x, w_ih, w_hh, b_ih, b_hh, h0, linear_before_reset):
    """ONNX's reference GRU on the same model: PyTorch's r, z, n reordered to ONNX's z, r, h."""
    H = w_hh.shape[1]

    def zrh(a):
        return np.concatenate([a[H:2 * H], a[0:H], a[2 * H:]]).astype(np.float64)

    helper = GRU_Helper(X=x.astype(np.float64)[:, None, :], W=zrh(w_ih)[None], R=zrh(w_hh)[None],
                        B=np.concatenate([zrh(b_ih), zrh(b_hh)])[None], initial_h=h0.astype(np.float64)[None, None, :],
                        linear_before_reset=linear_before_reset)
    y, _ = helper.step()
    return y[:, 0, 0, :]


def make(input_size, hidden_size, index):
    rng = np.random.Generator(np.random.PCG64(BASE_SEED + index))
    H, I = hidden_size, input_size
    k_hh, k_ih = 2.5 / np.sqrt(H), 2.5 / np.sqrt(I)
    w_ih = rng.uniform(-k_ih, k_ih, (3 * H, I)).astype(np.float32)
    w_hh = rng.uniform(-k_hh, k_hh, (3 * H, H)).astype(np.float32)
    b_ih = rng.uniform(-1, 1, 3 * H).astype(np.float32)
    b_hh = rng.uniform(-1, 1, 3 * H).astype(np.float32)
    x = (rng.standard_normal((T, I)) * 1.5).astype(np.float32)
    h0 = rng.uniform(-0.9, 0.9, H).astype(np.float32)

    gru = torch.nn.GRU(I, H)
    with torch.no_grad():
        for name, value in (("weight_ih_l0", w_ih), ("weight_hh_l0", w_hh), ("bias_ih_l0", b_ih), ("bias_hh_l0", b_hh)):
            getattr(gru, name).copy_(torch.from_numpy(value))
        out_f32 = gru(torch.from_numpy(x)[:, None, :])[0][:, 0, :].numpy()
        gru64 = gru.double()
        x64 = torch.from_numpy(x).double()[:, None, :]
        out_f64 = gru64(x64)[0][:, 0, :].numpy()
        out_state_f64 = gru64(x64, torch.from_numpy(h0).double()[None, None, :])[0][:, 0, :].numpy()
    zero = np.zeros(H, np.float32)
    reset_before = numpy_gru(x, w_ih, w_hh, b_ih, b_hh, zero, reset_after=False)

    for name, mine, theirs in (
        ("torch, zero state", numpy_gru(x, w_ih, w_hh, b_ih, b_hh, zero), out_f64),
        ("torch, from h0", numpy_gru(x, w_ih, w_hh, b_ih, b_hh, h0), out_state_f64),
        ("ONNX linear_before_reset=1", out_f64, onnx_gru(x, w_ih, w_hh, b_ih, b_hh, zero, 1)),
        ("ONNX linear_before_reset=0", reset_before, onnx_gru(x, w_ih, w_hh, b_ih, b_hh, zero, 0)),
    ):
        error = np.max(np.abs(mine - theirs))
        assert error < 1e-12, f"{I}x{H}: {name} differs by {error}"

    tensors = {
        "weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh,
        "input": x, "output_f32": out_f32.astype(np.float32), "output_f64": out_f64.astype(np.float64),
        "h0": h0, "output_from_state_f64": out_state_f64.astype(np.float64),
        "output_reset_before_f64": reset_before.astype(np.float64),
    }
    metadata = {"generator": SCRIPT_NAME, "torch": torch.__version__, "numpy": np.__version__, "steps": str(T),
                "seed": str(BASE_SEED + index), "gate_order": "r,z,n"}
    path = os.path.join(OUT_DIR, f"gru_{I}x{H}.safetensors")
    write_safetensors(path, tensors, metadata)
    back, _ = read_safetensors(path)
    for name, value in tensors.items():
        assert back[name].dtype == value.dtype and np.array_equal(back[name], value), f"{path}: {name} did not round-trip"
    gap = np.max(np.abs(out_f32.astype(np.float64) - out_f64))
    print(f"{path}: float32 vs float64 {gap:.2e}, variants differ by {np.max(np.abs(reset_before - out_f64)):.2e}")


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    for index, (i, h) in enumerate(SIZES):
        make(i, h, index)


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Generate golden LSTM reference data for GenLstm.Tests.

Writes tests/GenLstm.Tests/Golden/lstm_{I}x{H}.safetensors for a fixed set of
(input_size I, hidden_size H) pairs. Everything is deterministic: weights, input
and initial state are drawn with NumPy's PCG64 generator seeded per size, and
loaded into a torch.nn.LSTM (so the data does not depend on torch's RNG).

Tensors per file (T = 64 steps, single layer, batch 1, PyTorch gate order i,f,g,o):
  weight_ih_l0 [4H,I]  weight_hh_l0 [4H,H]  bias_ih_l0 [4H]  bias_hh_l0 [4H]   F32
      weight_hh ~ U(-k,k), k = 2.5/sqrt(H) (2.5x PyTorch's default), weight_ih ~
      U(-k,k), k = 2.5/sqrt(I) (so that even a single input feature drives some
      gates into saturation at every size), biases ~ U(-1,1)
  input [T,I] F32                 ~ N(0,1) * 1.5
  output_f32 [T,H] F32            h_t of the float32 torch LSTM from zero state
  output_f64 [T,H] F64            h_t of model.double() fed input.double(), zero state
  h_n_f64 [H], c_n_f64 [H] F64    final state of that float64 run
  h0 [H], c0 [H] F32              random initial state: h0 ~ U(-0.9,0.9), c0 ~ N(0,1)*2
  output_from_state_f64 [T,H] F64, h_n_from_state_f64 [H], c_n_from_state_f64 [H] F64
                                  float64 run starting from (h0, c0) (as float64)
  output_bf16_f64 [T,H] F64       h_t of the bfloat16-weights mode (WeightType.BFloat16): a float64
                                  torch LSTM, zero state, fed input.double(), whose weight_ih/weight_hh are
                                  the weights rounded to bfloat16 (round-to-nearest-even) and whose bias_ih
                                  is (bias_ih + bias_hh, summed in float32) rounded to bfloat16, bias_hh = 0

The float64 outputs are cross-checked against an independent NumPy LSTM
(written from the equations) to 1e-12, the NumPy bfloat16 rounding (bit
manipulation on the float32 bits) must equal torch's bit for bit, and each
file is re-read and compared bit-exactly after writing.

Run:  /usr/bin/python3 tests/scripts/make_golden.py   (from anywhere)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

SIZES = [(1, 40), (3, 20), (16, 32), (64, 64), (37, 61), (128, 256), (5, 24)]  # 5x24: the README's example model
T = 64
BASE_SEED = 20240611
SCRIPT_NAME = "tests/scripts/make_golden.py"
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "GenLstm.Tests", "Golden"))


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def numpy_lstm(x, w_ih, w_hh, b_ih, b_hh, h0, c0):
    """Independent float64 LSTM from the equations. Returns (H_all, h_n, c_n, gate_preacts)."""
    x = x.astype(np.float64)
    w_ih = w_ih.astype(np.float64)
    w_hh = w_hh.astype(np.float64)
    b = b_ih.astype(np.float64) + b_hh.astype(np.float64)
    H = w_hh.shape[1]
    h = h0.astype(np.float64).copy()
    c = c0.astype(np.float64).copy()
    outs = np.empty((x.shape[0], H))
    pre = np.empty((x.shape[0], 4 * H))
    for t in range(x.shape[0]):
        z = w_ih @ x[t] + w_hh @ h + b
        pre[t] = z
        i = sigmoid(z[0:H])
        f = sigmoid(z[H:2 * H])
        g = np.tanh(z[2 * H:3 * H])
        o = sigmoid(z[3 * H:4 * H])
        c = f * c + i * g
        h = o * np.tanh(c)
        outs[t] = h
    return outs, h, c, pre


def bf16_round(a):
    """Round float32 values to the nearest bfloat16 (ties to even), returned as float32.

    Independent of torch: add 0x7FFF + (bit 16) to the float32 bits, then clear the low 16 bits.
    Only for finite values (NaN would need a special case).
    """
    a = np.ascontiguousarray(a, dtype=np.float32)
    assert np.all(np.isfinite(a)), "bf16_round: non-finite input"
    bits = a.view(np.uint32).astype(np.uint64)
    bits = (bits + 0x7FFF + ((bits >> 16) & 1)) & 0xFFFF0000
    return bits.astype(np.uint32).view(np.float32)


def run_torch(lstm, x, h0=None, c0=None):
    """x: [T,I] tensor -> ([T,H], h_n [H], c_n [H]); seq-first layout, batch 1."""
    with torch.no_grad():
        if h0 is None:
            y, (hn, cn) = lstm(x.unsqueeze(1))
        else:
            y, (hn, cn) = lstm(x.unsqueeze(1), (h0.view(1, 1, -1), c0.view(1, 1, -1)))
    return y[:, 0, :].numpy(), hn.view(-1).numpy(), cn.view(-1).numpy()


def make_one(I, H, idx):
    rng = np.random.default_rng(BASE_SEED + 1000 * idx + 7 * I + H)
    k_ih = 2.5 / np.sqrt(I)
    k_hh = 2.5 / np.sqrt(H)
    w_ih = rng.uniform(-k_ih, k_ih, size=(4 * H, I)).astype(np.float32)
    w_hh = rng.uniform(-k_hh, k_hh, size=(4 * H, H)).astype(np.float32)
    b_ih = rng.uniform(-1.0, 1.0, size=(4 * H,)).astype(np.float32)
    b_hh = rng.uniform(-1.0, 1.0, size=(4 * H,)).astype(np.float32)
    x = (rng.standard_normal((T, I)) * 1.5).astype(np.float32)
    h0 = rng.uniform(-0.9, 0.9, size=(H,)).astype(np.float32)
    c0 = (rng.standard_normal(H) * 2.0).astype(np.float32)

    lstm = torch.nn.LSTM(I, H)  # seq-first, 1 layer, biases on
    sd = {"weight_ih_l0": torch.from_numpy(w_ih), "weight_hh_l0": torch.from_numpy(w_hh),
          "bias_ih_l0": torch.from_numpy(b_ih), "bias_hh_l0": torch.from_numpy(b_hh)}
    lstm.load_state_dict(sd)
    lstm.eval()

    out32, _, _ = run_torch(lstm, torch.from_numpy(x))
    lstm64 = lstm.double()  # in-place, but we're done with the f32 run
    x64 = torch.from_numpy(x.astype(np.float64))
    out64, hn64, cn64 = run_torch(lstm64, x64)
    outs64, hns64, cns64 = run_torch(lstm64, x64, torch.from_numpy(h0.astype(np.float64)),
                                     torch.from_numpy(c0.astype(np.float64)))
    assert out32.dtype == np.float32 and out64.dtype == np.float64

    # Independent NumPy reference.
    zero = np.zeros(H)
    ref, ref_hn, ref_cn, pre = numpy_lstm(x, w_ih, w_hh, b_ih, b_hh, zero, zero)
    refs, refs_hn, refs_cn, _ = numpy_lstm(x, w_ih, w_hh, b_ih, b_hh, h0, c0)
    errs = [np.max(np.abs(a - b)) for a, b in
            [(ref, out64), (ref_hn, hn64), (ref_cn, cn64), (refs, outs64), (refs_hn, hns64), (refs_cn, cns64)]]
    np_err = max(errs)
    assert np_err <= 1e-12, "NumPy reference mismatch %g for %dx%d" % (np_err, I, H)
    assert np.array_equal(hn64, out64[-1]) and np.array_equal(hns64, outs64[-1])

    # bfloat16-weights mode: biases summed in float32, then every packed value rounded to bfloat16.
    b_sum = torch.from_numpy(b_ih) + torch.from_numpy(b_hh)  # float32 addition
    bf = {"weight_ih_l0": torch.from_numpy(w_ih).to(torch.bfloat16),
          "weight_hh_l0": torch.from_numpy(w_hh).to(torch.bfloat16),
          "bias_ih_l0": b_sum.to(torch.bfloat16)}
    np_bf = {"weight_ih_l0": bf16_round(w_ih), "weight_hh_l0": bf16_round(w_hh),
             "bias_ih_l0": bf16_round(b_ih + b_hh)}  # NumPy float32 addition
    assert np.array_equal(b_sum.numpy().view(np.uint32), (b_ih + b_hh).view(np.uint32)), "bias sum mismatch"
    for name, t in bf.items():
        assert np.array_equal(t.float().numpy().view(np.uint32), np_bf[name].view(np.uint32)), \
            "bfloat16 rounding mismatch (torch vs NumPy) in %s for %dx%d" % (name, I, H)
    sd_bf = {name: t.double() for name, t in bf.items()}
    sd_bf["bias_hh_l0"] = torch.zeros(4 * H, dtype=torch.float64)
    lstm_bf = torch.nn.LSTM(I, H).double()
    lstm_bf.load_state_dict(sd_bf)
    lstm_bf.eval()
    outbf, _, _ = run_torch(lstm_bf, x64)
    assert outbf.dtype == np.float64
    refbf, _, _, _ = numpy_lstm(x, np_bf["weight_ih_l0"], np_bf["weight_hh_l0"], np_bf["bias_ih_l0"],
                                np.zeros(4 * H), zero, zero)
    bf_err = np.max(np.abs(refbf - outbf))
    assert bf_err <= 1e-12, "NumPy bfloat16-weights reference mismatch %g for %dx%d" % (bf_err, I, H)
    np_err = max(np_err, bf_err)

    tensors = {
        "weight_ih_l0": w_ih, "weight_hh_l0": w_hh, "bias_ih_l0": b_ih, "bias_hh_l0": b_hh,
        "input": x,
        "output_f32": out32,
        "output_f64": out64, "h_n_f64": hn64, "c_n_f64": cn64,
        "h0": h0, "c0": c0,
        "output_from_state_f64": outs64, "h_n_from_state_f64": hns64, "c_n_from_state_f64": cns64,
        "output_bf16_f64": outbf,
    }
    meta = {
        "input_size": str(I), "hidden_size": str(H), "steps": str(T),
        "torch_version": torch.__version__, "numpy_version": np.__version__,
        "generator": SCRIPT_NAME,
        "gate_order": "i,f,g,o",
        "layout": "single layer, batch 1, zero initial state unless *_from_state_*",
    }
    path = os.path.join(OUT_DIR, "lstm_%dx%d.safetensors" % (I, H))
    write_safetensors(path, tensors, meta)

    # Round trip check.
    back, back_meta = read_safetensors(path)
    assert back_meta == meta, "metadata round trip failed"
    assert list(back.keys()) == list(tensors.keys()), "tensor order/name round trip failed"
    for name, arr in tensors.items():
        b = back[name]
        assert b.dtype == arr.dtype and b.shape == arr.shape and np.array_equal(b, arr), name

    # Stats.
    diff = np.max(np.abs(out32.astype(np.float64) - out64))
    bf_diff = np.max(np.abs(outbf - out64))
    sig = sigmoid(np.concatenate([pre[:, 0:H], pre[:, H:2 * H], pre[:, 3 * H:4 * H]], axis=1))
    sat_sig = np.mean((sig > 0.99) | (sig < 0.01))
    sat_tanh = np.mean(np.abs(np.tanh(pre[:, 2 * H:3 * H])) > 0.99)
    zmax = np.max(np.abs(pre))
    size = os.path.getsize(path)
    print("lstm_%dx%d: max|f32-f64| = %.3e   max|bf16w-f64| = %.3e   sigmoid-gate (i,f,o) saturation = %5.1f%%   "
          "|tanh g|>0.99 = %5.1f%%   max|preact| = %5.2f   numpy-vs-torch f64 = %.1e   %d bytes"
          % (I, H, diff, bf_diff, 100 * sat_sig, 100 * sat_tanh, zmax, np_err, size))
    return sat_sig


def main():
    torch.set_num_threads(1)
    torch.manual_seed(0)
    os.makedirs(OUT_DIR, exist_ok=True)
    print("torch %s, numpy %s -> %s" % (torch.__version__, np.__version__, OUT_DIR))
    for idx, (I, H) in enumerate(SIZES):
        sat = make_one(I, H, idx)
        if sat == 0.0:
            raise SystemExit("no saturated sigmoid gate for %dx%d: the golden data must exercise saturation" % (I, H))
    print("all golden files written and verified")


if __name__ == "__main__":
    main()

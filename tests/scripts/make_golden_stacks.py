#!/usr/bin/python3
"""Generate golden data for stacked, bidirectional and reverse LSTMs (GenLstm.Tests' StackTests).

Writes tests/GenLstm.Tests/Golden/stack_{name}.safetensors. Weights, input and initial state are drawn with
NumPy's PCG64 generator seeded per model and loaded into a torch.nn.LSTM(I, H, num_layers=L,
bidirectional=...), so the data does not depend on torch's RNG.

Tensors per file (T = 48 steps, batch 1, PyTorch gate order i,f,g,o, D = 2 if bidirectional else 1):
  {prefix}weight_ih_l{k}[_reverse] [4H, I or D*H], {prefix}weight_hh_l{k}[_reverse] [4H, H],
  {prefix}bias_ih_l{k}[_reverse] [4H], {prefix}bias_hh_l{k}[_reverse] [4H]          F32 (the state dict)
      weight ~ U(-k, k), k = 2.5/sqrt(columns); biases ~ U(-1, 1)
  input [T, I] F32                     ~ N(0, 1) * 1.5
  output_f32 [T, D*H] F32              the float32 torch LSTM from zero state
  output_f64 [T, D*H] F64              model.double() fed input.double(), zero state
  h_n_f64, c_n_f64 [L*D, H] F64        its final state, PyTorch's order (layer by layer, forward then reverse)
  h0, c0 [L*D, H] F32                  a random initial state: h0 ~ U(-0.9, 0.9), c0 ~ N(0, 1) * 2
  output_from_state_f64 [T, D*H], h_n_from_state_f64, c_n_from_state_f64 [L*D, H] F64   the float64 run from (h0, c0)
With a projection (proj_size = P): weight_hh is [4H, P], weight_hr_l{k}[_reverse] [P, H], layer k > 0 reads D*P
features, outputs and h_* are P values per direction (c_* stay H).
With a dense head (nn.Linear(D*H, size) and an activation after the LSTM), {module}.weight [size, D*H] and
{module}.bias [size] are in the state dict too, and every output_* is the head's output [T, size].

A "reverse" model (GenLstm's Direction = Reverse; PyTorch has no such flag) is a forward torch LSTM run on
the time-reversed input, its outputs reversed back: output t is the state after reading x_{T-1} ... x_t.

Every float64 output is cross-checked against an independent NumPy stack built from make_golden.py's
numpy_lstm (written from the equations) to 1e-12, and each file is re-read bit-exactly after writing.

Run:  /usr/bin/python3 tests/scripts/make_golden_stacks.py   (from anywhere)
"""
import os
import sys

import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import numpy_lstm  # noqa: E402
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

# name, I, H, layers, direction ("forward" | "reverse" | "bidirectional"), module prefix of the state dict,
# an optional dense head (size, activation, module name): GenLstm's [LstmOutput(size, activation)], nn.Linear here,
# and the projection size P (PyTorch's proj_size; 0 for none).
MODELS = [
    ("stacked2_3x20", 3, 20, 2, "forward", "", None, 0),
    ("stacked3_5x24", 5, 24, 3, "forward", "lstm.", None, 0),
    ("bidirectional_4x17", 4, 17, 1, "bidirectional", "", None, 0),
    ("bidirectional2_5x24", 5, 24, 2, "bidirectional", "rnn.", None, 0),
    ("bidirectional3_16x32", 16, 32, 3, "bidirectional", "", None, 0),
    ("reverse2_3x20", 3, 20, 2, "reverse", "", None, 0),
    ("head_5x24_none", 5, 24, 1, "forward", "lstm.", (3, "none", "fc"), 0),
    ("head2_3x20_softmax", 3, 20, 2, "forward", "lstm.", (4, "softmax", "output"), 0),
    ("headbi_4x17_tanh", 4, 17, 1, "bidirectional", "rnn.", (5, "tanh", "head"), 0),
    ("head_1x8_sigmoid", 1, 8, 1, "forward", "", (2, "sigmoid", "dense"), 0),
    ("head_2x9_relu", 2, 9, 1, "forward", "", (6, "relu", "lin"), 0),
    ("proj_5x24p8", 5, 24, 1, "forward", "lstm.", None, 8),
    ("proj2bi_3x20p6", 3, 20, 2, "bidirectional", "", None, 6),
    ("proj2head_4x16p5", 4, 16, 2, "forward", "", (3, "softmax", "fc"), 5),
]
ACTIVATIONS = {
    "none": lambda y: y,
    "sigmoid": torch.sigmoid,
    "tanh": torch.tanh,
    "relu": torch.relu,
    "softmax": lambda y: torch.softmax(y, dim=-1),
}
NUMPY_ACTIVATIONS = {
    "none": lambda y: y,
    "sigmoid": lambda y: 1.0 / (1.0 + np.exp(-y)),
    "tanh": np.tanh,
    "relu": lambda y: np.maximum(y, 0.0),
    "softmax": lambda y: np.exp(y - y.max(axis=-1, keepdims=True)) / np.exp(y - y.max(axis=-1, keepdims=True)).sum(axis=-1, keepdims=True),
}
T = 48
BASE_SEED = 20261129
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)),
                                        "..", "GenLstm.Tests", "Golden"))


def run_torch(lstm, x, reverse, h0=None, c0=None):
    """x: [T, I] -> (outputs [T, D*H], h_n [L*D, H], c_n [L*D, H]); seq-first layout, batch 1."""
    if reverse:
        x = torch.flip(x, [0])
    with torch.no_grad():
        if h0 is None:
            y, (hn, cn) = lstm(x.unsqueeze(1))
        else:
            y, (hn, cn) = lstm(x.unsqueeze(1), (h0.unsqueeze(1), c0.unsqueeze(1)))
    y = y[:, 0, :]
    if reverse:
        y = torch.flip(y, [0])
    return y.numpy(), hn[:, 0, :].numpy(), cn[:, 0, :].numpy()


def numpy_lstm_projected(x, w_ih, w_hh, b_ih, b_hh, w_hr, h0, c0):
    """Independent float64 LSTM with projection, from the equations: h_t = W_hr (o * tanh(c_t))."""
    x = x.astype(np.float64)
    b = b_ih.astype(np.float64) + b_hh.astype(np.float64)
    H = w_hh.shape[0] // 4
    h = h0.astype(np.float64).copy()
    c = c0.astype(np.float64).copy()
    outs = []
    for t in range(x.shape[0]):
        z = w_ih.astype(np.float64) @ x[t] + w_hh.astype(np.float64) @ h + b
        i, f = 1 / (1 + np.exp(-z[0:H])), 1 / (1 + np.exp(-z[H:2 * H]))
        g, o = np.tanh(z[2 * H:3 * H]), 1 / (1 + np.exp(-z[3 * H:4 * H]))
        c = f * c + i * g
        h = w_hr.astype(np.float64) @ (o * np.tanh(c))
        outs.append(h)
    return np.array(outs), h, c, None


def numpy_stack(x, sd, H, layers, directions, reverse, h0, c0):
    """Independent float64 stack: each layer and direction is make_golden.numpy_lstm (or the projected one) on the layer's input."""
    x = x.astype(np.float64)
    if reverse:
        x = x[::-1]
    hn, cn = [], []
    for k in range(layers):
        outs = []
        for d in range(directions):
            sfx = "_l%d%s" % (k, "_reverse" if d == 1 else "")
            seq = x[::-1] if d == 1 else x
            if "weight_hr" + sfx in sd:
                y, h, c, _ = numpy_lstm_projected(seq, sd["weight_ih" + sfx], sd["weight_hh" + sfx], sd["bias_ih" + sfx],
                                                  sd["bias_hh" + sfx], sd["weight_hr" + sfx], h0[k * directions + d], c0[k * directions + d])
            else:
                y, h, c, _ = numpy_lstm(seq, sd["weight_ih" + sfx], sd["weight_hh" + sfx], sd["bias_ih" + sfx],
                                        sd["bias_hh" + sfx], h0[k * directions + d], c0[k * directions + d])
            outs.append(y[::-1] if d == 1 else y)
            hn.append(h)
            cn.append(c)
        x = np.concatenate(outs, axis=1)
    if reverse:
        x = x[::-1]
    return x, np.array(hn), np.array(cn)


def make_one(idx, name, I, H, layers, direction, prefix, head, P):
    rng = np.random.default_rng(BASE_SEED + 1000 * idx)
    D = 2 if direction == "bidirectional" else 1
    reverse = direction == "reverse"
    R = P if P else H  # the recurrent input (and output) size of every layer
    sd = {}
    for k in range(layers):
        columns = I if k == 0 else D * R
        for d in range(D):
            sfx = "_l%d%s" % (k, "_reverse" if d == 1 else "")
            sd["weight_ih" + sfx] = rng.uniform(-2.5 / np.sqrt(columns), 2.5 / np.sqrt(columns), size=(4 * H, columns)).astype(np.float32)
            sd["weight_hh" + sfx] = rng.uniform(-2.5 / np.sqrt(R), 2.5 / np.sqrt(R), size=(4 * H, R)).astype(np.float32)
            sd["bias_ih" + sfx] = rng.uniform(-1.0, 1.0, size=(4 * H,)).astype(np.float32)
            sd["bias_hh" + sfx] = rng.uniform(-1.0, 1.0, size=(4 * H,)).astype(np.float32)
            if P:
                sd["weight_hr" + sfx] = rng.uniform(-1.5 / np.sqrt(H), 1.5 / np.sqrt(H), size=(P, H)).astype(np.float32)
    if head is not None:
        size, _, module = head
        k = 1.0 / np.sqrt(D * R)
        head_w = rng.uniform(-3 * k, 3 * k, size=(size, D * R)).astype(np.float32)
        head_b = rng.uniform(-0.5, 0.5, size=(size,)).astype(np.float32)
    x = (rng.standard_normal((T, I)) * 1.5).astype(np.float32)
    h0 = rng.uniform(-0.9, 0.9, size=(layers * D, R)).astype(np.float32)
    c0 = (rng.standard_normal((layers * D, H)) * 2.0).astype(np.float32)

    lstm = torch.nn.LSTM(I, H, num_layers=layers, bidirectional=D == 2, proj_size=P)
    lstm.load_state_dict({n: torch.from_numpy(v) for n, v in sd.items()})
    lstm.eval()
    if head is None:
        def torch_head(y):
            return y.numpy()

        def numpy_head(y):
            return y
    else:
        linear = torch.nn.Linear(D * R, head[0])
        linear.load_state_dict({"weight": torch.from_numpy(head_w), "bias": torch.from_numpy(head_b)})
        linear.eval()

        def torch_head(y):
            with torch.no_grad():
                lin = linear.double() if y.dtype == torch.float64 else linear.float()
                return ACTIVATIONS[head[1]](lin(y)).numpy()

        def numpy_head(y):
            return NUMPY_ACTIVATIONS[head[1]](y @ head_w.astype(np.float64).T + head_b.astype(np.float64))

    out32, _, _ = run_torch(lstm, torch.from_numpy(x), reverse)
    lstm64 = lstm.double()
    x64 = torch.from_numpy(x.astype(np.float64))
    out64, hn64, cn64 = run_torch(lstm64, x64, reverse)
    outs64, hns64, cns64 = run_torch(lstm64, x64, reverse, torch.from_numpy(h0.astype(np.float64)),
                                     torch.from_numpy(c0.astype(np.float64)))
    out32 = torch_head(torch.from_numpy(out32))
    out64 = torch_head(torch.from_numpy(out64))
    outs64 = torch_head(torch.from_numpy(outs64))

    zeros = (np.zeros((layers * D, R)), np.zeros((layers * D, H)))
    checks = [numpy_stack(x, sd, H, layers, D, reverse, *zeros), numpy_stack(x, sd, H, layers, D, reverse, h0, c0)]
    checks = [(numpy_head(y), h, c) for y, h, c in checks]
    err = max(np.max(np.abs(a - b)) for a, b in zip(checks[0] + checks[1], (out64, hn64, cn64, outs64, hns64, cns64)))
    assert err <= 1e-12, "NumPy reference mismatch %g for %s" % (err, name)

    tensors = {prefix + n: v for n, v in sd.items()}
    if head is not None:
        tensors[head[2] + ".weight"] = head_w
        tensors[head[2] + ".bias"] = head_b
    tensors.update({
        "input": x, "output_f32": out32, "output_f64": out64, "h_n_f64": hn64, "c_n_f64": cn64,
        "h0": h0, "c0": c0,
        "output_from_state_f64": outs64, "h_n_from_state_f64": hns64, "c_n_from_state_f64": cns64,
    })
    meta = {
        "head": "none" if head is None else "%s(%d, %s)" % (head[2], head[0], head[1]),
        "input_size": str(I), "hidden_size": str(H), "proj_size": str(P), "layers": str(layers), "direction": direction, "steps": str(T),
        "torch_version": torch.__version__, "generator": "tests/scripts/make_golden_stacks.py", "gate_order": "i,f,g,o",
    }
    path = os.path.join(OUT_DIR, "stack_%s.safetensors" % name)
    write_safetensors(path, tensors, meta)
    back, back_meta = read_safetensors(path)
    assert back_meta == meta and list(back.keys()) == list(tensors.keys())
    for n, arr in tensors.items():
        assert back[n].dtype == arr.dtype and back[n].shape == arr.shape and np.array_equal(back[n], arr), n
    print("%-22s max|f32-f64| = %.2e   numpy-vs-torch f64 = %.1e   %d bytes"
          % (name, np.max(np.abs(out32 - out64)), err, os.path.getsize(path)))


def main():
    torch.set_num_threads(1)
    os.makedirs(OUT_DIR, exist_ok=True)
    for idx, model in enumerate(MODELS):
        make_one(idx, *model)
    print("all stack golden files written and verified")


if __name__ == "__main__":
    main()

#!/usr/bin/python3
"""Train a tiny LSTM "amp model" and export it for the GenLstm C# sample.

Model:  torch.nn.LSTM(1, 40) -> torch.nn.Linear(40, 1), float32, CPU, no skip
        connection: y_hat[t] = lin(h_t).

Target effect (defined here in NumPy, float64, sample rate 48 kHz):
  1. input low-pass:   one-pole LP, fc = 3 kHz
                       u[n] = u[n-1] + a_lp * (x[n] - u[n-1]),  a_lp = 1 - exp(-2*pi*fc/fs)
  2. asymmetric soft clip ("tube-ish"), static:
                       v[n] = tanh(GAIN * u[n] + BIAS) - tanh(BIAS),  GAIN = 4, BIAS = 0.4
     (the bias makes the clipping asymmetric -> even harmonics and a DC shift)
  3. "tone"/coupling high-pass: one-pole HP, fc = 120 Hz
                       w[n] = a_hp * (w[n-1] + v[n] - v[n-1]),  a_hp = exp(-2*pi*fc/fs)
  4. output level:     y[n] = OUT_GAIN * w[n],  OUT_GAIN = 0.5
  All filter states start at zero. The memory comes from the two filters (the HP
  time constant is ~64 samples), the nonlinearity from the clipper.

Training data: a continuous 48 kHz stream (seed TRAIN_SEED) made of segments of
sums of sines at random (log-uniform) frequencies / amplitudes with random
attack/decay envelopes, logarithmic chirps, band-limited noise bursts and
silences. The effect is run over the whole stream; random windows of SEQ_LEN
samples are cut from it, the model is run from zero state on each window and
the first WARMUP samples are excluded from the loss.
Loss: error-to-signal ratio ESR = sum((y - y_hat)^2) / sum(y^2). Adam, fixed
number of steps with cosine LR decay, fixed seeds, 1 thread. If the machine is
too slow to finish STEPS within TIME_CAP_S, the LR schedule switches to
wall-clock progress and training stops at the cap (result then not bit-reproducible;
metadata "train_steps" records how many steps were done).

Test: a FRESH signal never used in training -- 0.5 s (24000 samples) of a
guitar-like plucked tone sequence (decaying harmonics, seed TEST_SEED), run
through the trained float32 model from zero state as ONE sequence.

Output: samples/GenLstm.Sample/amp_model.safetensors (next to this script):
  weight_ih_l0 [160,1], weight_hh_l0 [160,40], bias_ih_l0 [160], bias_hh_l0 [160]
  lin.weight [1,40], lin.bias [1]                                     (F32)
  test_input [24000], test_output_torch [24000], test_target [24000]  (F32)
  metadata: description, sample_rate, train_esr, test_esr, torch_version, ...

Also written, after training: samples/GenLstm.WavSample/amp_model.nam, the same model in
Neural Amp Modeler's format (see export_nam).

Run:  /usr/bin/python3 samples/GenLstm.Sample/train_amp.py   (from anywhere; needs PyTorch)
      /usr/bin/python3 samples/GenLstm.Sample/train_amp.py --export-nam
            (no training, NumPy only: rewrites amp_model.nam from the existing amp_model.safetensors)
"""
import json
import os
import sys
import time

import numpy as np

HERE = os.path.dirname(os.path.abspath(__file__))
sys.path.insert(0, os.path.normpath(os.path.join(HERE, "..", "..", "tests", "scripts")))
from safetensors_io import read_safetensors, write_safetensors  # noqa: E402

FS = 48000
HIDDEN = 40
# effect parameters
LP_FC, HP_FC, GAIN, BIAS, OUT_GAIN = 3000.0, 120.0, 4.0, 0.4, 0.5
# data / training parameters
TRAIN_SEED, TEST_SEED, TORCH_SEED = 1234, 98765, 42
TRAIN_SECONDS = 40.0
SEQ_LEN, WARMUP, BATCH = 1024, 192, 32
STEPS = 300
LR_MAX, LR_MIN = 6e-3, 3e-4
TIME_CAP_S = 200.0  # wall-clock budget for the training loop (~125 s needed on an idle core)
TEST_LEN = 24000
SAFETENSORS_PATH = os.path.join(HERE, "amp_model.safetensors")
NAM_PATH = os.path.normpath(os.path.join(HERE, "..", "GenLstm.WavSample", "amp_model.nam"))

EFFECT_DESCRIPTION = (
    "one-pole low-pass fc=%g Hz -> asymmetric soft clip tanh(%g*x+%g)-tanh(%g) -> "
    "one-pole high-pass fc=%g Hz -> gain %g; fs=48000, zero initial state"
    % (LP_FC, GAIN, BIAS, BIAS, HP_FC, OUT_GAIN))


def effect(x):
    """The reference effect, float64, zero initial state. x: 1-D array."""
    x = np.asarray(x, dtype=np.float64)
    a_lp = 1.0 - np.exp(-2.0 * np.pi * LP_FC / FS)
    a_hp = np.exp(-2.0 * np.pi * HP_FC / FS)
    # one-pole LP: u[n] = (1-a_lp) u[n-1] + a_lp x[n]
    u = np.empty_like(x)
    s = 0.0
    for n in range(len(x)):
        s += a_lp * (x[n] - s)
        u[n] = s
    v = np.tanh(GAIN * u + BIAS) - np.tanh(BIAS)
    w = np.empty_like(v)
    wp = 0.0
    vp = 0.0
    for n in range(len(v)):
        wp = a_hp * (wp + v[n] - vp)
        vp = v[n]
        w[n] = wp
    return OUT_GAIN * w


def _envelope(rng, n):
    att = int(rng.uniform(0.0005, 0.02) * FS)
    t = np.arange(n) / FS
    env = np.exp(-t * rng.uniform(0.0, 12.0))
    if att > 0:
        env[:att] *= np.linspace(0.0, 1.0, att, endpoint=False)
    return env


def make_training_stream(rng, seconds):
    total = int(seconds * FS)
    out = []
    used = 0
    while used < total:
        n = int(rng.uniform(0.05, 0.6) * FS)
        t = np.arange(n) / FS
        kind = rng.choice(["sines", "sines", "chirp", "noise", "silence"], p=[0.3, 0.2, 0.2, 0.2, 0.1])
        if kind == "sines":
            seg = np.zeros(n)
            for _ in range(rng.integers(1, 6)):
                f = np.exp(rng.uniform(np.log(40.0), np.log(6000.0)))
                seg += rng.uniform(0.05, 1.0) * np.sin(2 * np.pi * f * t + rng.uniform(0, 2 * np.pi))
            seg *= _envelope(rng, n)
        elif kind == "chirp":
            f0 = np.exp(rng.uniform(np.log(40.0), np.log(4000.0)))
            f1 = np.exp(rng.uniform(np.log(40.0), np.log(8000.0)))
            dur = n / FS
            k = np.log(f1 / f0) / dur
            phase = 2 * np.pi * f0 * (np.expm1(k * t) / k if abs(k) > 1e-9 else t)
            seg = np.sin(phase) * np.linspace(rng.uniform(0.05, 1.0), rng.uniform(0.05, 1.0), n)
        elif kind == "noise":
            wn = rng.standard_normal(n)
            a = 1.0 - np.exp(-2 * np.pi * np.exp(rng.uniform(np.log(200.0), np.log(12000.0))) / FS)
            seg = np.empty(n)
            s = 0.0
            for i in range(n):
                s += a * (wn[i] - s)
                seg[i] = s
            seg *= rng.uniform(0.05, 0.8) / (np.std(seg) + 1e-12)
            seg *= _envelope(rng, n)
        else:
            seg = np.zeros(n)
        out.append(seg)
        used += n
    x = np.concatenate(out)[:total]
    return np.clip(x, -1.5, 1.5)


def make_test_signal(rng, n):
    """Guitar-like plucks: decaying harmonic series, a few notes, starts at t=0."""
    x = np.zeros(n)
    onsets = [0] + sorted(rng.integers(n // 8, n - n // 8, size=3).tolist())
    for on in onsets:
        f0 = 82.41 * 2 ** (rng.integers(0, 24) / 12.0)  # E2 .. two octaves up
        amp = rng.uniform(0.3, 0.9)
        m = n - on
        t = np.arange(m) / FS
        note = np.zeros(m)
        for k in range(1, 16):
            fk = f0 * k * np.sqrt(1 + 1e-4 * k * k)  # slight inharmonicity
            if fk > 10000:
                break
            decay = 3.0 + 1.5 * k
            note += (1.0 / k) * rng.uniform(0.5, 1.0) * np.sin(2 * np.pi * fk * t + rng.uniform(0, 2 * np.pi)) \
                * np.exp(-decay * t)
        att = int(0.002 * FS)
        note[:att] *= np.linspace(0.0, 1.0, att, endpoint=False)
        x[on:] += amp * note / np.max(np.abs(note))
    return x


def esr(y, yhat):
    return ((y - yhat) ** 2).sum() / ((y ** 2).sum() + 1e-10)


def _sigmoid(z):
    return 1.0 / (1.0 + np.exp(-z))


def nam_initial_state(tensors, samples=FS):
    """The state (h, c) the LSTM reaches after `samples` zero inputs from zero state, float64.

    NAM's exporter stores this state in the file and NAM starts every stream from it.
    Gate order i, f, g, o (PyTorch's)."""
    w_hh = tensors["weight_hh_l0"].astype(np.float64)
    b = tensors["bias_ih_l0"].astype(np.float64) + tensors["bias_hh_l0"].astype(np.float64)
    hidden = w_hh.shape[1]
    h = np.zeros(hidden)
    c = np.zeros(hidden)
    for _ in range(samples):
        z = w_hh @ h + b  # the input is 0, so weight_ih contributes nothing
        i, f, g, o = _sigmoid(z[:hidden]), _sigmoid(z[hidden:2 * hidden]), np.tanh(z[2 * hidden:3 * hidden]), \
            _sigmoid(z[3 * hidden:])
        c = f * c + i * g
        h = o * np.tanh(c)
    return h, c


def export_nam(tensors, meta, path):
    """Write the model in Neural Amp Modeler's format (.nam, file version 0.5.4, "architecture": "LSTM").

    weights, one flat list: [4H][I+H] row-major (each row = weight_ih row | weight_hh row), then
    bias_ih + bias_hh (4H), then h0 (H), then c0 (H); after the layer the head weight [1][H], then its bias [1].
    All values are float32, written as the shortest decimal that reads back as the same float32."""
    w_ih, w_hh = tensors["weight_ih_l0"], tensors["weight_hh_l0"]
    hidden, inputs = w_hh.shape[1], w_ih.shape[1]
    h0, c0 = nam_initial_state(tensors)
    flat = np.concatenate([
        np.concatenate([w_ih, w_hh], axis=1).ravel(),
        tensors["bias_ih_l0"] + tensors["bias_hh_l0"],
        h0.astype(np.float32), c0.astype(np.float32),
        tensors["lin.weight"].ravel(), tensors["lin.bias"]]).astype(np.float32)
    assert len(flat) == 4 * hidden * (inputs + hidden) + 4 * hidden + 2 * hidden + hidden + 1
    nam = {
        "version": "0.5.4",
        "metadata": {
            "name": "GenLstm sample amp",
            "modeled_by": "GenLstm train_amp.py",
            "gear_type": "amp",
            "gear_make": "GenLstm",
            "gear_model": meta["effect"].split(";")[0],  # the effect, without its "; fs=..." note
            "tone_type": "overdrive",
            "training": {"validation_esr": float(meta["test_esr"])},
        },
        "architecture": "LSTM",
        "config": {"input_size": inputs, "hidden_size": hidden, "num_layers": 1},
        "weights": [float(v) for v in flat],
        "sample_rate": int(meta["sample_rate"]),
    }
    with open(path, "w") as f:
        json.dump(nam, f)
    with open(path) as f:
        back = np.array(json.load(f)["weights"], dtype=np.float32)
    assert np.array_equal(back, flat), "the .nam weights do not round-trip to float32"
    print("wrote %s (%d weights, LSTM(%d, %d) + Linear(%d, 1), %s Hz)"
          % (path, len(flat), inputs, hidden, hidden, meta["sample_rate"]))


def train():
    import torch  # only training needs PyTorch; --export-nam runs on NumPy alone

    class AmpModel(torch.nn.Module):
        def __init__(self):
            super().__init__()
            self.lstm = torch.nn.LSTM(1, HIDDEN, batch_first=True)
            self.lin = torch.nn.Linear(HIDDEN, 1)

        def forward(self, x):  # x: [B,T,1]
            h, _ = self.lstm(x)
            return self.lin(h)

    t_start = time.time()
    torch.set_num_threads(1)
    torch.manual_seed(TORCH_SEED)
    rng = np.random.default_rng(TRAIN_SEED)

    x_train = make_training_stream(rng, TRAIN_SECONDS)
    y_train = effect(x_train)
    xt = torch.from_numpy(x_train.astype(np.float32))
    yt = torch.from_numpy(y_train.astype(np.float32))
    print("training stream: %.1f s (%d samples), target rms %.3f, data prep %.1f s"
          % (TRAIN_SECONDS, len(x_train), np.sqrt(np.mean(y_train ** 2)), time.time() - t_start))

    model = AmpModel()
    opt = torch.optim.Adam(model.parameters(), lr=LR_MAX)
    max_start = len(x_train) - SEQ_LEN
    t_train = time.time()
    run_esr = None
    steps_done = 0
    for step in range(STEPS):
        # Schedule progress is step-based (deterministic) unless the machine is so slow
        # that the wall-clock budget would be exceeded; then the cosine schedule is
        # driven by elapsed time instead, so it still anneals before the cap.
        elapsed = time.time() - t_train
        progress = max(step / STEPS, elapsed / TIME_CAP_S)
        if progress >= 1.0:
            print("time cap of %.0f s reached after %d steps (schedule was time-driven)"
                  % (TIME_CAP_S, steps_done))
            break
        lr = LR_MIN + 0.5 * (LR_MAX - LR_MIN) * (1 + np.cos(np.pi * progress))
        for g in opt.param_groups:
            g["lr"] = lr
        starts = rng.integers(0, max_start, size=BATCH)
        idx = torch.from_numpy(starts[:, None] + np.arange(SEQ_LEN)[None, :])
        xb = xt[idx].unsqueeze(-1)
        yb = yt[idx].unsqueeze(-1)
        pred = model(xb)
        loss = esr(yb[:, WARMUP:], pred[:, WARMUP:])
        opt.zero_grad()
        loss.backward()
        torch.nn.utils.clip_grad_norm_(model.parameters(), 1.0)
        opt.step()
        steps_done = step + 1
        run_esr = loss.item() if run_esr is None else 0.9 * run_esr + 0.1 * loss.item()
        if step % 20 == 0 or step == STEPS - 1:
            print("step %4d  lr %.2e  batch ESR %.4f  avg ESR %.4f  %.1f s"
                  % (step, lr, loss.item(), run_esr, time.time() - t_train), flush=True)
    train_time = time.time() - t_train

    model.eval()
    # Training ESR on a fixed set of windows from the training stream (same protocol).
    with torch.no_grad():
        eval_rng = np.random.default_rng(TRAIN_SEED + 1)
        starts = eval_rng.integers(0, max_start, size=64)
        idx = torch.from_numpy(starts[:, None] + np.arange(SEQ_LEN)[None, :])
        pred = model(xt[idx].unsqueeze(-1))
        train_esr = esr(yt[idx].unsqueeze(-1)[:, WARMUP:], pred[:, WARMUP:]).item()

    # Fresh test signal, ONE sequence, zero state, float32.
    x_test = make_test_signal(np.random.default_rng(TEST_SEED), TEST_LEN).astype(np.float32)
    y_true = effect(x_test.astype(np.float64)).astype(np.float32)
    with torch.no_grad():
        y_model = model(torch.from_numpy(x_test).view(1, -1, 1)).view(-1).numpy().astype(np.float32)
    test_esr = float(np.sum((y_true.astype(np.float64) - y_model) ** 2) / np.sum(y_true.astype(np.float64) ** 2))

    sd = model.state_dict()
    tensors = {
        "weight_ih_l0": sd["lstm.weight_ih_l0"].numpy(),
        "weight_hh_l0": sd["lstm.weight_hh_l0"].numpy(),
        "bias_ih_l0": sd["lstm.bias_ih_l0"].numpy(),
        "bias_hh_l0": sd["lstm.bias_hh_l0"].numpy(),
        "lin.weight": sd["lin.weight"].numpy(),
        "lin.bias": sd["lin.bias"].numpy(),
        "test_input": x_test,
        "test_output_torch": y_model,
        "test_target": y_true,
    }
    meta = {
        "description": "LSTM(1,%d)+Linear(%d,1) imitating: %s. test signal: 0.5 s guitar-like plucks "
                       "(seed %d), not used in training; test_output_torch = lin(h_t), zero initial state, "
                       "float32, one sequence" % (HIDDEN, HIDDEN, EFFECT_DESCRIPTION, TEST_SEED),
        "effect": EFFECT_DESCRIPTION,
        "sample_rate": str(FS),
        "hidden_size": str(HIDDEN),
        "train_esr": "%.6g" % train_esr,
        "test_esr": "%.6g" % test_esr,
        "train_steps": str(steps_done),
        "train_seconds_of_audio": "%g" % TRAIN_SECONDS,
        "torch_version": torch.__version__,
        "generator": "samples/GenLstm.Sample/train_amp.py",
    }
    path = SAFETENSORS_PATH
    write_safetensors(path, tensors, meta)
    back, back_meta = read_safetensors(path)
    assert back_meta == meta
    for k, v in tensors.items():
        assert back[k].dtype == v.dtype and back[k].shape == v.shape and np.array_equal(back[k], v), k

    print("training: %d steps in %.1f s; train ESR %.5f" % (steps_done, train_time, train_esr))
    print("test (fresh plucks, 24000 samples, one sequence): ESR model vs true effect = %.5f" % test_esr)
    print("wrote %s (%d bytes); total wall time %.1f s" % (path, os.path.getsize(path), time.time() - t_start))
    export_nam(back, back_meta, NAM_PATH)


if __name__ == "__main__":
    if sys.argv[1:] == ["--export-nam"]:
        export_nam(*read_safetensors(SAFETENSORS_PATH), NAM_PATH)
    elif sys.argv[1:]:
        sys.exit("usage: train_amp.py [--export-nam]")
    else:
        train()

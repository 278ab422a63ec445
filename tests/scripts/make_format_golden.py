#!/usr/bin/python3
"""Generate the weight-file golden data of GenLstm.Tests' FormatTests: one PyTorch model written in every format.

Writes tests/GenLstm.Tests/Formats/:
  stack.reference.safetensors  input [T, 3] F32 ~ N(0, 1); output_f32 [T, 2] (float32 torch), output_f64 [T, 2]
                               (model.double()), from the zero state, T = 40
  stack.safetensors            the state dict of torch.nn.LSTM(3, 12, num_layers=2) as 'lstm.*' + nn.Linear(12, 2) as 'dense.*'
  stack.npz                    the same with numpy.savez (weight_hh_l1 stored in Fortran order, to exercise it)
  stack_compressed.npz         the same with numpy.savez_compressed
  stack.onnx                   torch.onnx.export of the model (opset 14, constants folded): two LSTM nodes and a MatMul + Add
  stack_keras.safetensors      Keras weight names: lstm/lstm_cell/kernel:0 = weight_ih_l0^T, recurrent_kernel:0 = weight_hh_l0^T,
                               bias:0 = bias_ih_l0 + bias_hh_l0 (Keras's one bias), lstm_1/lstm_cell_1/... for layer 1,
                               dense/kernel:0 = dense.weight^T, dense/bias:0
  stack_keras.h5               the same in Keras 2's model.save HDF5 layout (written with h5py; Debian has no Keras):
                               root attributes keras_version, backend, model_config (Sequential JSON); model_weights with
                               layer_names and per layer weight_names, datasets model_weights/lstm/lstm/lstm_cell/kernel:0, ...;
                               an optimizer_weights group that must be ignored
  stack_rtneural.json          RTNeural's Keras JSON: in_shape, layers [lstm, lstm, dense] with Keras-orientation weights
  stack_state_dict.json        GuitarML's layout: model_data (sizes, skip = 1) and state_dict with rec.* and lin.* names
  single.reference.safetensors input [T, 3], output_f32, output_f64 [T, 12] of torch.nn.LSTM(3, 12)
  single_gates.npz             its weights as the TensorFlow tutorial's per-gate tensors Wi, Ui, bi, Wf, ..., Wc, Uc, bc
                               (W_x [3, 12], U_x [12, 12], b_x = the gate's two PyTorch biases summed) and as Keras's
                               kernel [3, 48], recurrent_kernel [12, 48], bias [48]
Weights are drawn with NumPy's PCG64 (seed 2029) so the data does not depend on torch's RNG. Every float64 output is
cross-checked against make_golden.py's NumPy LSTM (written from the equations) to 1e-12.

Run:  /usr/bin/python3 tests/scripts/make_format_golden.py   (needs python3-torch, python3-onnx, python3-h5py)
"""
import json
import os
import sys

import h5py
import numpy as np
import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_golden import numpy_lstm  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Formats")
I, H, OUTPUTS, T = 3, 12, 2, 40


class Stack(torch.nn.Module):
    def __init__(self):
        super().__init__()
        self.lstm = torch.nn.LSTM(I, H, num_layers=2)
        self.dense = torch.nn.Linear(H, OUTPUTS)

    def forward(self, x):
        y, _ = self.lstm(x)
        return self.dense(y)


def fill(module, rng):
    with torch.no_grad():
        for name, p in module.named_parameters():
            k = 2.0 / np.sqrt(p.shape[-1]) if p.dim() == 2 else 1.0
            p.copy_(torch.from_numpy(rng.uniform(-k, k, size=tuple(p.shape)).astype(np.float32)))


def run(model, x):
    """Outputs [T, features] of a float32 and a float64 run; an nn.LSTM's (output, state) gives its output."""
    def call(m, inputs):
        y = m(inputs.unsqueeze(1))
        return (y[0] if isinstance(y, tuple) else y).squeeze(1).numpy()
    with torch.no_grad():
        y32 = call(model, torch.from_numpy(x))
        y64 = call(model.double(), torch.from_numpy(x).double())
        model.float()
    return y32, y64


def state_dict(model):
    return {k: v.detach().numpy().copy() for k, v in model.state_dict().items()}


def keras_layers(sd):
    """(name, cell, kernel, recurrent_kernel, bias) per LSTM layer, then the dense kernel and bias."""
    layers = []
    for k in range(2):
        layers.append((f"lstm{'' if k == 0 else '_' + str(k)}", f"lstm_cell{'' if k == 0 else '_' + str(k)}",
                       sd[f"lstm.weight_ih_l{k}"].T.copy(), sd[f"lstm.weight_hh_l{k}"].T.copy(),
                       sd[f"lstm.bias_ih_l{k}"] + sd[f"lstm.bias_hh_l{k}"]))
    return layers, sd["dense.weight"].T.copy(), sd["dense.bias"].copy()


def write_h5(path, sd):
    layers, dense_kernel, dense_bias = keras_layers(sd)
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "LSTM", "config": {"name": name, "units": H, "activation": "tanh", "recurrent_activation": "sigmoid",
                                          "use_bias": True, "return_sequences": True}} for name, *_ in layers] + [
        {"class_name": "Dense", "config": {"name": "dense", "units": OUTPUTS, "activation": "linear", "use_bias": True}}]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([name.encode() for name, *_ in layers] + [b"dense"])
        for name, cell, kernel, recurrent, bias in layers:
            group = weights.create_group(name)
            names = [f"{name}/{cell}/kernel:0", f"{name}/{cell}/recurrent_kernel:0", f"{name}/{cell}/bias:0"]
            group.attrs["weight_names"] = np.array([n.encode() for n in names])
            for n, value in zip(names, (kernel, recurrent, bias)):
                group.create_dataset(n, data=value.astype(np.float32))
        dense = weights.create_group("dense")
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense.create_dataset("dense/kernel:0", data=dense_kernel)
        dense.create_dataset("dense/bias:0", data=dense_bias)
        f.create_group("optimizer_weights").create_dataset("Adam/iter:0", data=np.int64(100))


def numpy_stack(x, sd):
    zeros = np.zeros(H)
    y = x.astype(np.float64)
    for k in range(2):
        y, _, _, _ = numpy_lstm(y, sd[f"lstm.weight_ih_l{k}"], sd[f"lstm.weight_hh_l{k}"], sd[f"lstm.bias_ih_l{k}"],
                                sd[f"lstm.bias_hh_l{k}"], zeros, zeros)
    return y @ sd["dense.weight"].astype(np.float64).T + sd["dense.bias"].astype(np.float64)


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(2029))
    stack = Stack()
    fill(stack, rng)
    x = rng.normal(size=(T, I)).astype(np.float32)
    y32, y64 = run(stack, x)
    sd = state_dict(stack)
    assert np.abs(numpy_stack(x, sd) - y64).max() < 1e-12
    write_safetensors(os.path.join(OUT, "stack.reference.safetensors"), {"input": x, "output_f32": y32, "output_f64": y64})
    write_safetensors(os.path.join(OUT, "stack.safetensors"), sd)
    npz = dict(sd)
    npz["lstm.weight_hh_l1"] = np.asfortranarray(npz["lstm.weight_hh_l1"])
    np.savez(os.path.join(OUT, "stack.npz"), **npz)
    np.savez_compressed(os.path.join(OUT, "stack_compressed.npz"), **sd)
    torch.onnx.export(stack, torch.from_numpy(x).unsqueeze(1), os.path.join(OUT, "stack.onnx"), opset_version=14,
                      do_constant_folding=True, input_names=["x"], output_names=["y"])

    layers, dense_kernel, dense_bias = keras_layers(sd)
    keras = {}
    for name, cell, kernel, recurrent, bias in layers:
        keras[f"{name}/{cell}/kernel:0"] = kernel
        keras[f"{name}/{cell}/recurrent_kernel:0"] = recurrent
        keras[f"{name}/{cell}/bias:0"] = bias
    keras["dense/kernel:0"] = dense_kernel
    keras["dense/bias:0"] = dense_bias
    write_safetensors(os.path.join(OUT, "stack_keras.safetensors"), keras)
    write_h5(os.path.join(OUT, "stack_keras.h5"), sd)

    rtneural = {"in_shape": [None, None, I], "layers": [
        {"type": "lstm", "activation": "tanh", "shape": [None, None, H],
         "weights": [kernel.tolist(), recurrent.tolist(), bias.tolist()]} for _, _, kernel, recurrent, bias in layers] + [
        {"type": "dense", "activation": "", "shape": [None, None, OUTPUTS], "weights": [dense_kernel.tolist(), dense_bias.tolist()]}]}
    with open(os.path.join(OUT, "stack_rtneural.json"), "w") as f:
        json.dump(rtneural, f)
    guitarml = {"model_data": {"model": "SimpleRNN", "input_size": I, "skip": 1, "output_size": OUTPUTS, "unit_type": "LSTM",
                               "num_layers": 2, "hidden_size": H, "bias_fl": True},
                "state_dict": {k.replace("lstm.", "rec.").replace("dense.", "lin."): v.tolist() for k, v in sd.items()}}
    with open(os.path.join(OUT, "stack_state_dict.json"), "w") as f:
        json.dump(guitarml, f)

    single = torch.nn.LSTM(I, H)
    fill(single, rng)
    xs = rng.normal(size=(T, I)).astype(np.float32)
    ys32, ys64 = run(single, xs)
    ssd = state_dict(single)
    expected, _, _, _ = numpy_lstm(xs, ssd["weight_ih_l0"], ssd["weight_hh_l0"], ssd["bias_ih_l0"], ssd["bias_hh_l0"], np.zeros(H), np.zeros(H))
    assert np.abs(expected - ys64[:, :]).max() < 1e-12
    write_safetensors(os.path.join(OUT, "single.reference.safetensors"), {"input": xs, "output_f32": ys32, "output_f64": ys64})
    bias = ssd["bias_ih_l0"] + ssd["bias_hh_l0"]
    gates = {}
    for index, gate in enumerate("ifco"):  # PyTorch's blocks i, f, g, o; the tutorial calls g "c"
        rows = slice(index * H, (index + 1) * H)
        gates[f"W{gate}"] = ssd["weight_ih_l0"][rows].T.copy()
        gates[f"U{gate}"] = ssd["weight_hh_l0"][rows].T.copy()
        gates[f"b{gate}"] = bias[rows].copy()
    gates["kernel"] = ssd["weight_ih_l0"].T.copy()
    gates["recurrent_kernel"] = ssd["weight_hh_l0"].T.copy()
    gates["bias"] = bias
    np.savez(os.path.join(OUT, "single_gates.npz"), **gates)
    print("wrote", sorted(os.listdir(OUT)))


if __name__ == "__main__":
    main()

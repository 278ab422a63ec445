#!/usr/bin/python3
"""Generate the GRU weight-format data of GenLstm.Tests (issue 16): one GRU model written in each format that carries GRUs.

The model: GRU(3, 5, num_layers=2) + Linear(5, 2), PyTorch's tensors (gate order r, z, n), weights from NumPy's PCG64
(seed 2031), T = 30 steps of N(0, 1) input. Writes tests/GenLstm.Tests/Formats/:

  gru.reference.safetensors     the canonical tensors GenLstm must read from the files of the reset-after model
                                (weight_ih_l0 [15, 3], weight_hh_l0 [15, 5], bias_ih_l0, bias_hh_l0 [15], the same for _l1,
                                output.weight [2, 5], output.bias [2]), input [T, 3] F32 and output_f64 [T, 2]
                                (PyTorch's GRU, n = tanh(W_n x + b_in + r * (U_n h + b_hn)), then the head, float64, zero state)
  gru_keras.h5                  that model in Keras 2's model.save HDF5 layout (written with h5py; Debian has no Keras):
                                model_config (Sequential: GRU gru, GRU gru_1 with reset_after = true, Dense dense),
                                model_weights/gru/gru/gru_cell/kernel:0 [3, 15] = weight_ih^T, recurrent_kernel:0 [5, 15] =
                                weight_hh^T, bias:0 [2, 15] = [bias_ih; bias_hh], columns in Keras's gate order z, r, h
  gru_rtneural.json             the same model in RTNeural's Keras JSON (AIDA-X): in_shape, in_skip = 1, layers gru, gru, dense,
                                GRU weights as RTNeural's loader reads them (kernel [in][3H], recurrent [H][3H], bias [2][3H],
                                row 0 the input bias; z, r, h)
  gru_state_dict.json           the same model as CoreAudioML's SimpleRNN JSON: model_data (unit_type GRU, skip 1) and
                                state_dict rec.* (torch.nn.GRU names) and lin.*
  gru_reset_before.reference.safetensors, gru_keras_reset_before.h5
                                a one-layer Keras GRU(3, 5) with reset_after = False and Dense(5, 2): its one bias [15] (z, r, h)
                                becomes bias_ih_l0 (r, z, n) and bias_hh_l0 zeros; output_f64 [T, 2] with
                                n = tanh(W_n x + U_n (r * h) + b_n)
  gru_onnx.reference.safetensors, gru.onnx
                                an ONNX GRU node (opset 14, linear_before_reset absent: ONNX's default 0) with W [1, 15, 3],
                                R [1, 15, 5], B [1, 30] (Wb then Rb), a constant initial_h [1, 1, 5], then Reshape and a Gemm
                                head (transB = 1); canonical tensors (initial_h_l0 included) and output_f64 [T, 2] from ONNX's
                                own reference GRU (onnx.backend.test.case.node.gru.GRU_Helper) and the head
  gru_bidirectional.reference.safetensors, gru_bidirectional.onnx
                                a bidirectional ONNX GRU node with linear_before_reset = 1, explicit default activations
                                [Sigmoid, Tanh, Sigmoid, Tanh] and clip = 50 (never reached); canonical tensors with _reverse
                                and output_f64 [T, 10] (forward h_t, then the reverse direction's h_t)

Every float64 output is cross-checked: make_gru_golden.py's NumPy GRU against ONNX's GRU_Helper to 1e-12 on the ONNX
model; each file is re-read where a reader is at hand (h5py, onnx.checker).

Run:  /usr/bin/python3 tests/scripts/make_gru_formats.py   (needs python3-numpy, python3-h5py, python3-onnx, python3-torch)
"""
import json
import os
import sys

import h5py
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
from onnx.backend.test.case.node.gru import GRU_Helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_gru_golden import numpy_gru  # noqa: E402
from safetensors_io import write_safetensors  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Formats")
I, H, OUTPUTS, T, LAYERS = 3, 5, 2, 30, 2


def zrh(a):
    """PyTorch's gate blocks r, z, n (rows, or the entries of a bias) in Keras's and ONNX's order z, r, h."""
    return np.concatenate([a[H:2 * H], a[0:H], a[2 * H:]])


def draw(rng):
    """The reset-after model's PyTorch tensors, float32."""
    sd = {}
    for k in range(LAYERS):
        columns = I if k == 0 else H
        sd[f"weight_ih_l{k}"] = rng.uniform(-2 / np.sqrt(columns), 2 / np.sqrt(columns), (3 * H, columns)).astype(np.float32)
        sd[f"weight_hh_l{k}"] = rng.uniform(-2 / np.sqrt(H), 2 / np.sqrt(H), (3 * H, H)).astype(np.float32)
        sd[f"bias_ih_l{k}"] = rng.uniform(-1, 1, 3 * H).astype(np.float32)
        sd[f"bias_hh_l{k}"] = rng.uniform(-1, 1, 3 * H).astype(np.float32)
    sd["output.weight"] = rng.uniform(-1, 1, (OUTPUTS, H)).astype(np.float32)
    sd["output.bias"] = rng.uniform(-1, 1, OUTPUTS).astype(np.float32)
    return sd


def head(y, sd):
    return y @ sd["output.weight"].astype(np.float64).T + sd["output.bias"].astype(np.float64)


def run_stack(x, sd, layers, reset_after):
    y = x
    for k in range(layers):
        y = numpy_gru(y, sd[f"weight_ih_l{k}"], sd[f"weight_hh_l{k}"], sd[f"bias_ih_l{k}"], sd[f"bias_hh_l{k}"],
                      np.zeros(H), reset_after)
    return head(y, sd)


def keras_weights(sd, k, reset_after):
    """kernel [in, 3H], recurrent_kernel [H, 3H], bias [2, 3H] (reset after) or [3H], columns z, r, h."""
    kernel = zrh(sd[f"weight_ih_l{k}"]).T.copy()
    recurrent = zrh(sd[f"weight_hh_l{k}"]).T.copy()
    bias = np.stack([zrh(sd[f"bias_ih_l{k}"]), zrh(sd[f"bias_hh_l{k}"])]) if reset_after else zrh(sd[f"bias_ih_l{k}"]).copy()
    return kernel, recurrent, bias


def write_h5(path, sd, layers, reset_after):
    names = ["gru" if k == 0 else f"gru_{k}" for k in range(layers)]
    config = {"class_name": "Sequential", "config": {"name": "sequential", "layers": [
        {"class_name": "GRU", "config": {"name": name, "units": H, "activation": "tanh", "recurrent_activation": "sigmoid",
                                         "use_bias": True, "return_sequences": True, "reset_after": reset_after}} for name in names] + [
        {"class_name": "Dense", "config": {"name": "dense", "units": OUTPUTS, "activation": "linear", "use_bias": True}}]}}
    with h5py.File(path, "w") as f:
        f.attrs["keras_version"] = b"2.4.0"
        f.attrs["backend"] = b"tensorflow"
        f.attrs["model_config"] = json.dumps(config).encode()
        weights = f.create_group("model_weights")
        weights.attrs["layer_names"] = np.array([name.encode() for name in names] + [b"dense"])
        for k, name in enumerate(names):
            cell = "gru_cell" if k == 0 else f"gru_cell_{k}"
            group = weights.create_group(name)
            paths = [f"{name}/{cell}/kernel:0", f"{name}/{cell}/recurrent_kernel:0", f"{name}/{cell}/bias:0"]
            group.attrs["weight_names"] = np.array([p.encode() for p in paths])
            for p, value in zip(paths, keras_weights(sd, k, reset_after)):
                group.create_dataset(p, data=value.astype(np.float32))
        dense = weights.create_group("dense")
        dense.attrs["weight_names"] = np.array([b"dense/kernel:0", b"dense/bias:0"])
        dense.create_dataset("dense/kernel:0", data=sd["output.weight"].T.copy())
        dense.create_dataset("dense/bias:0", data=sd["output.bias"])
    with h5py.File(path, "r") as f:
        assert f["model_weights/gru/gru/gru_cell/bias:0"].shape == ((2, 3 * H) if reset_after else (3 * H,))


def write_rtneural(path, sd):
    layers = [{"type": "gru", "activation": "tanh", "shape": [None, None, H],
               "weights": [w.tolist() for w in keras_weights(sd, k, reset_after=True)]} for k in range(LAYERS)]
    layers.append({"type": "dense", "activation": "", "shape": [None, None, OUTPUTS],
                   "weights": [sd["output.weight"].T.tolist(), sd["output.bias"].tolist()]})
    with open(path, "w") as f:
        json.dump({"in_shape": [None, None, I], "in_skip": 1, "layers": layers}, f)


def write_simple_rnn(path, sd):
    state_dict = {f"rec.{k}": v.tolist() for k, v in sd.items() if not k.startswith("output.")}
    state_dict["lin.weight"] = sd["output.weight"].tolist()
    state_dict["lin.bias"] = sd["output.bias"].tolist()
    model_data = {"model": "SimpleRNN", "input_size": I, "skip": 1, "output_size": OUTPUTS, "unit_type": "GRU",
                  "num_layers": LAYERS, "hidden_size": H, "bias_fl": True}
    with open(path, "w") as f:
        json.dump({"model_data": model_data, "state_dict": state_dict}, f)


def onnx_tensor(name, value):
    return numpy_helper.from_array(np.ascontiguousarray(value, dtype=np.float32), name)


def write_onnx(path, directions, gru_attributes, initializers, head_of=None):
    """One GRU node reading X [T, 1, I]; with head_of, Reshape to [T, H] and a Gemm head (transB = 1)."""
    inputs = ["X", "W", "R", "B", "", "initial_h" if "initial_h" in initializers else ""]
    while inputs[-1] == "":
        inputs.pop()
    nodes = [helper.make_node("GRU", inputs, ["Y", "Y_h"], name="GRU_0", hidden_size=H, **gru_attributes)]
    tensors = [onnx_tensor(name, value) for name, value in initializers.items()]
    output = helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, directions, 1, H])
    if head_of is not None:
        tensors += [numpy_helper.from_array(np.array([T, H], np.int64), "shape"),
                    onnx_tensor("head_weight", head_of["output.weight"]), onnx_tensor("head_bias", head_of["output.bias"])]
        nodes += [helper.make_node("Reshape", ["Y", "shape"], ["Y2"], name="Reshape_0"),
                  helper.make_node("Gemm", ["Y2", "head_weight", "head_bias"], ["out"], name="Gemm_0", transB=1)]
        output = helper.make_tensor_value_info("out", TensorProto.FLOAT, [T, OUTPUTS])
    graph = helper.make_graph(nodes, "gru", [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, 1, I])], [output], tensors)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)], producer_name="make_gru_formats.py")
    onnx.checker.check_model(model)
    onnx.save(model, path)


def onnx_reference(x, sd, h0, linear_before_reset):
    """ONNX's own GRU (z, r, h) on layer 0 of sd, checked against the NumPy GRU."""
    y, _ = GRU_Helper(X=x.astype(np.float64)[:, None, :], W=zrh(sd["weight_ih_l0"]).astype(np.float64)[None],
                      R=zrh(sd["weight_hh_l0"]).astype(np.float64)[None],
                      B=np.concatenate([zrh(sd["bias_ih_l0"]), zrh(sd["bias_hh_l0"])]).astype(np.float64)[None],
                      initial_h=h0.astype(np.float64)[None, None, :], linear_before_reset=linear_before_reset).step()
    y = y[:, 0, 0, :]
    mine = numpy_gru(x, sd["weight_ih_l0"], sd["weight_hh_l0"], sd["bias_ih_l0"], sd["bias_hh_l0"], h0, linear_before_reset == 1)
    assert np.abs(y - mine).max() < 1e-12, "ONNX's reference GRU and the NumPy GRU differ"
    return y


def main():
    os.makedirs(OUT, exist_ok=True)
    rng = np.random.Generator(np.random.PCG64(2031))
    sd = draw(rng)
    x = rng.normal(size=(T, I)).astype(np.float32)

    # The reset-after model: Keras HDF5, RTNeural JSON, CoreAudioML SimpleRNN JSON.
    write_safetensors(os.path.join(OUT, "gru.reference.safetensors"),
                      {**sd, "input": x, "output_f64": run_stack(x, sd, LAYERS, reset_after=True)})
    write_h5(os.path.join(OUT, "gru_keras.h5"), sd, LAYERS, reset_after=True)
    write_rtneural(os.path.join(OUT, "gru_rtneural.json"), sd)
    write_simple_rnn(os.path.join(OUT, "gru_state_dict.json"), sd)

    # Keras reset_after = False: one bias, read as bias_ih with bias_hh zero.
    before = {name: sd[name] for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "output.weight", "output.bias")}
    before["bias_hh_l0"] = np.zeros(3 * H, np.float32)
    write_safetensors(os.path.join(OUT, "gru_reset_before.reference.safetensors"),
                      {**before, "input": x, "output_f64": run_stack(x, before, 1, reset_after=False)})
    write_h5(os.path.join(OUT, "gru_keras_reset_before.h5"), before, 1, reset_after=False)

    # ONNX, linear_before_reset absent (0), a constant initial_h and a Gemm head.
    h0 = rng.uniform(-0.9, 0.9, H).astype(np.float32)
    layer0 = {name: sd[name] for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "output.weight", "output.bias")}
    write_safetensors(os.path.join(OUT, "gru_onnx.reference.safetensors"),
                      {**layer0, "initial_h_l0": h0, "input": x, "output_f64": head(onnx_reference(x, sd, h0, 0), sd)})
    write_onnx(os.path.join(OUT, "gru.onnx"), 1, {},
               {"W": zrh(sd["weight_ih_l0"])[None], "R": zrh(sd["weight_hh_l0"])[None],
                "B": np.concatenate([zrh(sd["bias_ih_l0"]), zrh(sd["bias_hh_l0"])])[None], "initial_h": h0[None, None, :]},
               head_of=sd)

    # ONNX, bidirectional, linear_before_reset = 1: the reverse direction is layer 1's tensors with I columns drawn anew.
    reverse = {"weight_ih_l0_reverse": rng.uniform(-1, 1, (3 * H, I)).astype(np.float32),
               "weight_hh_l0_reverse": sd["weight_hh_l1"], "bias_ih_l0_reverse": sd["bias_ih_l1"], "bias_hh_l0_reverse": sd["bias_hh_l1"]}
    both = {name: sd[name] for name in ("weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0")}
    both.update(reverse)
    zero = np.zeros(H)
    forward_y = onnx_reference(x, sd, zero, 1)
    reverse_y = numpy_gru(x[::-1], reverse["weight_ih_l0_reverse"], reverse["weight_hh_l0_reverse"], reverse["bias_ih_l0_reverse"],
                          reverse["bias_hh_l0_reverse"], zero, True)[::-1]
    write_safetensors(os.path.join(OUT, "gru_bidirectional.reference.safetensors"),
                      {**both, "input": x, "output_f64": np.concatenate([forward_y, reverse_y], axis=1)})

    def stacked(suffix_names):
        return np.stack([zrh(both[name]) for name in suffix_names])
    write_onnx(os.path.join(OUT, "gru_bidirectional.onnx"), 2,
               {"direction": "bidirectional", "linear_before_reset": 1, "activations": ["Sigmoid", "Tanh", "Sigmoid", "Tanh"], "clip": 50.0},
               {"W": stacked(["weight_ih_l0", "weight_ih_l0_reverse"]), "R": stacked(["weight_hh_l0", "weight_hh_l0_reverse"]),
                "B": np.stack([np.concatenate([zrh(both[f"bias_ih_l0{s}"]), zrh(both[f"bias_hh_l0{s}"])]) for s in ("", "_reverse")])})
    print(f"wrote the GRU format files to {os.path.normpath(OUT)}")


if __name__ == "__main__":
    main()

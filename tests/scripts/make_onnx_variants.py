#!/usr/bin/python3
"""Writes the ONNX LSTM models that VariantOnnxTests runs through ONNX Runtime (tests/GenLstm.Tests/Onnx/).

For every variant (peepholes, input_forget, clip, the activations with alpha/beta, reverse and bidirectional):
  {name}.onnx          one ONNX LSTM node (opset 14) with the weights as initializers, input X [T, 1, I], output Y [T, D, 1, H];
  {name}.safetensors   the same W [D, 4H, I], R [D, 4H, H], B [D, 8H], P [D, 3H] (if peepholes) and a test input X [T, I],
                       which the test gives to GenLstm's FromOnnx; the test runs ONNX Runtime on the .onnx at test time.

The declarations the models must match are in tests/GenLstm.Tests/Harnesses/Models.cs (the C# test names them). The weights
are random, U(-0.6, 0.6) (biases U(-0.5, 0.5), peepholes U(-0.8, 0.8)), from a NumPy generator seeded per model, so
rerunning the script rewrites identical files; every model passes onnx.checker.

Run:  /usr/bin/python3 tests/scripts/make_onnx_variants.py   (needs Debian's python3-onnx)
"""
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from safetensors_io import write_safetensors  # noqa: E402

I, H, T = 4, 12, 32
OPSET = 14
OUT_DIR = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Onnx"))

# name -> node attributes (besides hidden_size), and whether it has peepholes
VARIANTS = {
    "peepholes": ({}, True),
    "input_forget": ({"input_forget": 1}, False),
    "clip": ({"clip": 1.5}, False),
    "activations_a": ({"activations": ["HardSigmoid", "Softsign", "ScaledTanh"],
                       "activation_alpha": [0.3, 0.9], "activation_beta": [0.6, 1.1]}, False),
    "activations_b": ({"activations": ["Sigmoid", "LeakyRelu", "Elu"], "activation_alpha": [0.1, 0.8]}, False),
    "activations_c": ({"activations": ["Sigmoid", "ThresholdedRelu", "Affine"],
                       "activation_alpha": [0.4, 0.7], "activation_beta": [0.1]}, False),
    "activations_d": ({"activations": ["Tanh", "Softplus", "Relu"]}, False),
    "combined": ({"input_forget": 1, "clip": 2.0}, True),
    "bidirectional_peepholes": ({"direction": "bidirectional"}, True),
    "reverse_clip": ({"direction": "reverse", "clip": 1.0}, False),
    # GenLstm's ForgetBias = 1 is this model with 1 added to the forget gate's input bias (ONNX has no forget_bias).
    "forget_bias": ({}, False),
}


def make(index, name, attributes, peepholes):
    rng = np.random.default_rng(20261129 + index)
    d = 2 if attributes.get("direction") == "bidirectional" else 1
    w = rng.uniform(-0.6, 0.6, size=(d, 4 * H, I)).astype(np.float32)
    r = rng.uniform(-0.6, 0.6, size=(d, 4 * H, H)).astype(np.float32)
    b = rng.uniform(-0.5, 0.5, size=(d, 8 * H)).astype(np.float32)
    p = rng.uniform(-0.8, 0.8, size=(d, 3 * H)).astype(np.float32) if peepholes else None
    x = (rng.standard_normal((T, I)) * 1.2).astype(np.float32)

    onnx_b = b.copy()
    if name == "forget_bias":
        onnx_b[:, 2 * H:3 * H] += 1.0  # ONNX gate order i, o, f, c: the input bias of f

    initializers = [numpy_helper.from_array(w, "W"), numpy_helper.from_array(r, "R"), numpy_helper.from_array(onnx_b, "B")]
    inputs = ["X", "W", "R", "B"]
    if peepholes:
        initializers.append(numpy_helper.from_array(p, "P"))
        inputs += ["", "", "", "P"]  # sequence_lens, initial_h, initial_c left out
    node = helper.make_node("LSTM", inputs, ["Y"], hidden_size=H, **attributes)
    graph = helper.make_graph(
        [node], name,
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, 1, I])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, d, 1, H])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", OPSET)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, os.path.join(OUT_DIR, name + ".onnx"))

    tensors = {"W": w, "R": r, "B": b, "X": x}
    if peepholes:
        tensors["P"] = p
    write_safetensors(os.path.join(OUT_DIR, name + ".safetensors"), tensors,
                      {"generator": "tests/scripts/make_onnx_variants.py", "attributes": repr(attributes)})
    print("%-24s D=%d %s" % (name, d, attributes))


def main():
    os.makedirs(OUT_DIR, exist_ok=True)
    for index, (name, (attributes, peepholes)) in enumerate(VARIANTS.items()):
        make(index, name, attributes, peepholes)


if __name__ == "__main__":
    main()

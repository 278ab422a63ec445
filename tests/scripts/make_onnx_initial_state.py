#!/usr/bin/python3
"""Writes tests/GenLstm.Tests/Formats/initial_state.onnx: one ONNX LSTM node (input 2, hidden 5) whose initial_h and
initial_c are constants of the file (initializers [1, 1, 5]), as an exporter writes a model that starts from a stored
state. InferenceTests loads it, starts from the generated model's InitialState and compares with ONNX Runtime running the
same file. Seeded weights: rerunning the script rewrites an identical file; it passes onnx.checker.

Run:  /usr/bin/python3 tests/scripts/make_onnx_initial_state.py   (needs Debian's python3-onnx)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

I, H = 2, 5
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Formats", "initial_state.onnx"))


def main():
    rng = np.random.default_rng(2027)
    u = lambda scale, *shape: rng.uniform(-scale, scale, shape).astype(np.float32)
    initializers = [
        numpy_helper.from_array(u(0.6, 1, 4 * H, I), "W"), numpy_helper.from_array(u(0.6, 1, 4 * H, H), "R"),
        numpy_helper.from_array(u(0.3, 1, 8 * H), "B"),
        numpy_helper.from_array(u(0.9, 1, 1, H), "initial_h"), numpy_helper.from_array(u(2.0, 1, 1, H), "initial_c"),
    ]
    nodes = [helper.make_node("LSTM", ["X", "W", "R", "B", "", "initial_h", "initial_c"], ["Y"], name="lstm", hidden_size=H)]
    graph = helper.make_graph(
        nodes, "initial_state",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", 1, I])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, ["T", 1, 1, H])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

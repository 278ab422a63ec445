#!/usr/bin/python3
"""Writes tests/GenLstm.Tests/Formats/frontend.onnx: an ONNX model whose LSTM does not read the graph's input but the
output of a front end GenLstm does not run (MatMul + Add + Tanh, as a Dense layer before the LSTM exports), then the LSTM
(input 4, hidden 3). FormatTests checks that WeightFile.PrecedingLayers names those nodes (so genlstm inspect warns that
audio cannot go straight in). Seeded weights: rerunning the script rewrites an identical file; it passes onnx.checker.

Run:  /usr/bin/python3 tests/scripts/make_onnx_frontend.py   (needs Debian's python3-onnx)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

I, H, T = 4, 3, 8
OUT = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Formats", "frontend.onnx"))


def main():
    rng = np.random.default_rng(2026)
    u = lambda *shape: rng.uniform(-0.5, 0.5, shape).astype(np.float32)
    initializers = [
        numpy_helper.from_array(u(1, I), "front_kernel"), numpy_helper.from_array(u(I), "front_bias"),
        numpy_helper.from_array(u(1, 4 * H, I), "W"), numpy_helper.from_array(u(1, 4 * H, H), "R"),
        numpy_helper.from_array(u(1, 8 * H), "B"),
    ]
    nodes = [
        helper.make_node("MatMul", ["X", "front_kernel"], ["front_product"], name="front_matmul"),
        helper.make_node("Add", ["front_product", "front_bias"], ["front_sum"], name="front_add"),
        helper.make_node("Tanh", ["front_sum"], ["front_out"], name="front_tanh"),
        helper.make_node("LSTM", ["front_out", "W", "R", "B"], ["Y"], name="lstm", hidden_size=H),
    ]
    graph = helper.make_graph(
        nodes, "frontend",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, [T, 1, 1])],
        [helper.make_tensor_value_info("Y", TensorProto.FLOAT, [T, 1, 1, H])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    onnx.save(model, OUT)
    print("wrote", OUT)


if __name__ == "__main__":
    main()

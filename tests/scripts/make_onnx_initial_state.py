#!/usr/bin/python3
"""Writes two ONNX files into tests/GenLstm.Tests/Formats, which InferenceTests loads and compares with ONNX Runtime
running the same file:
  initial_state.onnx  one LSTM node (input 2, hidden 5) whose initial_h and initial_c are constants of the file
                      (initializers [1, 1, 5]), as an exporter writes a model that starts from a stored state;
  amp.onnx            an amp model as torch.onnx.export writes CoreAudioML's SimpleRNN with skip = 1: LSTM(1, 6), Squeeze,
                      Linear(6, 1) as MatMul + Add, then Add of the input sliced to its first feature (the skip).
Seeded weights: rerunning the script rewrites identical files; they pass onnx.checker.

Run:  /usr/bin/python3 tests/scripts/make_onnx_initial_state.py   (needs Debian's python3-onnx)
"""
import os

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

I, H = 2, 5
FORMATS = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Tests", "Formats"))
OUT = os.path.join(FORMATS, "initial_state.onnx")


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
    amp(rng)


def amp(rng):
    h = 6
    u = lambda scale, *shape: rng.uniform(-scale, scale, shape).astype(np.float32)
    initializers = [
        numpy_helper.from_array(u(0.6, 1, 4 * h, 1), "W"), numpy_helper.from_array(u(0.6, 1, 4 * h, h), "R"),
        numpy_helper.from_array(u(0.3, 1, 8 * h), "B"),
        numpy_helper.from_array(u(0.6, h, 1), "lin_weight_t"), numpy_helper.from_array(u(0.2, 1), "lin_bias"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "squeeze_axes"),
        numpy_helper.from_array(np.array([0], dtype=np.int64), "slice_starts"),
        numpy_helper.from_array(np.array([1], dtype=np.int64), "slice_ends"),
        numpy_helper.from_array(np.array([2], dtype=np.int64), "slice_axes"),
    ]
    nodes = [
        helper.make_node("LSTM", ["X", "W", "R", "B"], ["Y"], name="rec", hidden_size=h),
        helper.make_node("Squeeze", ["Y", "squeeze_axes"], ["rec_out"], name="squeeze"),
        helper.make_node("MatMul", ["rec_out", "lin_weight_t"], ["lin_product"], name="lin_matmul"),
        helper.make_node("Add", ["lin_product", "lin_bias"], ["lin_out"], name="lin_add"),
        helper.make_node("Slice", ["X", "slice_starts", "slice_ends", "slice_axes"], ["res"], name="skip_slice"),
        helper.make_node("Add", ["lin_out", "res"], ["output"], name="skip_add"),
    ]
    graph = helper.make_graph(
        nodes, "amp",
        [helper.make_tensor_value_info("X", TensorProto.FLOAT, ["T", 1, 1])],
        [helper.make_tensor_value_info("output", TensorProto.FLOAT, ["T", 1, 1])],
        initializers)
    model = helper.make_model(graph, opset_imports=[helper.make_opsetid("", 14)])
    model.ir_version = 8
    onnx.checker.check_model(model)
    path = os.path.join(FORMATS, "amp.onnx")
    onnx.save(model, path)
    print("wrote", path)


if __name__ == "__main__":
    main()

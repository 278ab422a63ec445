#!/usr/bin/python3
"""Writes the weights and ONNX models the benchmarks load (benchmarks/GenLstm.Benchmarks/Models/).

For every benchmark size I x H:
  lstm_IxH.safetensors   PyTorch layout (gate order i, f, g, o): weight_ih_l0 [4H, I], weight_hh_l0 [4H, H],
                         bias_ih_l0 [4H], bias_hh_l0 [4H]. GenLstm, the naive loop and the TensorPrimitives LSTM
                         read these.
  lstm_IxH.stream.onnx   the same weights as one ONNX LSTM node with seq_len 1 (one streamed step);
  lstm_IxH.seq128.onnx   the same with seq_len 128 (one call for a whole sequence).

Both ONNX models have inputs X [T, 1, I], initial_h [1, 1, H], initial_c [1, 1, H] and outputs Y [T, 1, 1, H],
Y_h [1, 1, H], Y_c [1, 1, H], so a caller carries the state from one call to the next as it does with GenLstm.
ONNX orders the gates i, o, f, c and takes W [1, 4H, I], R [1, 4H, H], B [1, 8H] = [Wb, Rb].

The weights are random in PyTorch's default range U(-1/sqrt(H), 1/sqrt(H)), from a NumPy generator seeded by the
size, so rerunning the script rewrites identical files. Before writing, each ONNX model is checked with onnx.checker
and run through a NumPy implementation of the ONNX LSTM equations against a NumPy PyTorch-order LSTM on the
safetensors weights. (ONNX Runtime itself is checked against GenLstm in the benchmark's setup.)

Needs Debian's python3-onnx (apt-get install -y python3-onnx); run with /usr/bin/python3:
    /usr/bin/python3 benchmarks/scripts/make_onnx_models.py
"""
import argparse
import os
import sys

import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "tests", "scripts"))
from safetensors_io import write_safetensors  # noqa: E402  (the tests' hand-written safetensors writer)

# The sizes of StepBenchmarks and SquareSweepBenchmarks (benchmarks/GenLstm.Benchmarks/StepBenchmarks.cs).
MAIN_SIZES = [(1, 40), (16, 32), (64, 64), (128, 256)]
SQUARE_SWEEP = [(4, 4), (8, 8), (16, 16), (32, 32), (64, 64)]
SEQUENCE_LENGTH = 128  # LstmBenchmarks.SequenceLength
OPSET = 14             # LSTM-14, the operator's current definition
DEFAULT_OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "GenLstm.Benchmarks", "Models")


def pytorch_weights(input_size, hidden_size):
    """torch.nn.LSTM's four tensors, uniform in PyTorch's default range, deterministic per size."""
    rng = np.random.default_rng([input_size, hidden_size])
    bound = 1.0 / np.sqrt(hidden_size)

    def uniform(*shape):
        return rng.uniform(-bound, bound, size=shape).astype(np.float32)

    return {
        "weight_ih_l0": uniform(4 * hidden_size, input_size),
        "weight_hh_l0": uniform(4 * hidden_size, hidden_size),
        "bias_ih_l0": uniform(4 * hidden_size),
        "bias_hh_l0": uniform(4 * hidden_size),
    }


def to_onnx_gate_order(rows, hidden_size):
    """PyTorch stacks the gate blocks i, f, g, o; ONNX stacks i, o, f, c (c is PyTorch's g)."""
    i, f, g, o = np.split(rows, 4, axis=0)
    assert i.shape[0] == hidden_size
    return np.concatenate([i, o, f, g], axis=0)


def onnx_model(weights, input_size, hidden_size, steps, name):
    """One ONNX LSTM node with the weights as initializers and the state as explicit inputs and outputs."""
    h = hidden_size
    w = to_onnx_gate_order(weights["weight_ih_l0"], h)[np.newaxis]          # [1, 4H, I]
    r = to_onnx_gate_order(weights["weight_hh_l0"], h)[np.newaxis]          # [1, 4H, H]
    b = np.concatenate([to_onnx_gate_order(weights["bias_ih_l0"], h),
                        to_onnx_gate_order(weights["bias_hh_l0"], h)])[np.newaxis]  # [1, 8H]
    node = helper.make_node(
        "LSTM",
        inputs=["X", "W", "R", "B", "", "initial_h", "initial_c"],  # "" = no sequence_lens
        outputs=["Y", "Y_h", "Y_c"],
        hidden_size=h,
        direction="forward",
    )
    graph = helper.make_graph(
        [node],
        name,
        inputs=[
            helper.make_tensor_value_info("X", TensorProto.FLOAT, [steps, 1, input_size]),
            helper.make_tensor_value_info("initial_h", TensorProto.FLOAT, [1, 1, h]),
            helper.make_tensor_value_info("initial_c", TensorProto.FLOAT, [1, 1, h]),
        ],
        outputs=[
            helper.make_tensor_value_info("Y", TensorProto.FLOAT, [steps, 1, 1, h]),
            helper.make_tensor_value_info("Y_h", TensorProto.FLOAT, [1, 1, h]),
            helper.make_tensor_value_info("Y_c", TensorProto.FLOAT, [1, 1, h]),
        ],
        initializer=[
            numpy_helper.from_array(w, "W"),
            numpy_helper.from_array(r, "R"),
            numpy_helper.from_array(b, "B"),
        ],
    )
    model = helper.make_model(graph, producer_name="GenLstm benchmarks/scripts/make_onnx_models.py",
                              opset_imports=[helper.make_opsetid("", OPSET)])
    onnx.checker.check_model(model)
    return model


def sigmoid(x):
    return 1.0 / (1.0 + np.exp(-x))


def run_pytorch_order(weights, xs):
    """h_t for every step, PyTorch's equations (gates i, f, g, o), float64."""
    wih, whh = weights["weight_ih_l0"].astype(np.float64), weights["weight_hh_l0"].astype(np.float64)
    bias = weights["bias_ih_l0"].astype(np.float64) + weights["bias_hh_l0"]
    h = np.zeros(whh.shape[1])
    c = np.zeros_like(h)
    out = []
    for x in xs:
        i, f, g, o = np.split(wih @ x + whh @ h + bias, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        out.append(h)
    return np.array(out)


def run_onnx_order(model, xs):
    """h_t for every step, the ONNX LSTM equations (gates i, o, f, c) on the model's own initializers, float64."""
    init = {t.name: numpy_helper.to_array(t).astype(np.float64) for t in model.graph.initializer}
    w, r, b = init["W"][0], init["R"][0], init["B"][0]
    wb, rb = np.split(b, 2)
    h = np.zeros(r.shape[1])
    c = np.zeros_like(h)
    out = []
    for x in xs:
        i, o, f, g = np.split(w @ x + r @ h + wb + rb, 4)
        c = sigmoid(f) * c + sigmoid(i) * np.tanh(g)
        h = sigmoid(o) * np.tanh(c)
        out.append(h)
    return np.array(out)


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", default=DEFAULT_OUT, help="output folder (default: the benchmark project's Models/)")
    args = parser.parse_args()
    os.makedirs(args.out, exist_ok=True)

    for input_size, hidden_size in dict.fromkeys(MAIN_SIZES + SQUARE_SWEEP):
        size = "%dx%d" % (input_size, hidden_size)
        weights = pytorch_weights(input_size, hidden_size)
        write_safetensors(os.path.join(args.out, "lstm_%s.safetensors" % size), weights,
                          {"format": "pt", "source": "benchmarks/scripts/make_onnx_models.py",
                           "init": "uniform(-1/sqrt(H), 1/sqrt(H)), numpy default_rng([I, H])"})
        xs = np.sin(0.1 * np.arange(8 * input_size)).reshape(8, input_size)
        expected = run_pytorch_order(weights, xs)
        for steps, suffix in ((1, "stream"), (SEQUENCE_LENGTH, "seq%d" % SEQUENCE_LENGTH)):
            model = onnx_model(weights, input_size, hidden_size, steps, "lstm_%s_%s" % (size, suffix))
            error = np.max(np.abs(run_onnx_order(model, xs) - expected))
            if error > 1e-12:
                raise SystemExit("%s %s: the ONNX weights do not reproduce the PyTorch LSTM (max error %g)"
                                 % (size, suffix, error))
            onnx.save(model, os.path.join(args.out, "lstm_%s.%s.onnx" % (size, suffix)))
        print("%-8s safetensors + stream + seq%d ONNX models written" % (size, SEQUENCE_LENGTH))


if __name__ == "__main__":
    main()

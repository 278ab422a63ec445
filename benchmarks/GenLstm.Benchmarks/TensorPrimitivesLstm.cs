using System;
using System.Numerics.Tensors;

namespace GenLstm.Benchmarks;

/// <summary>
/// The LSTM a .NET developer writes with <see cref="TensorPrimitives"/> (System.Numerics.Tensors) instead of
/// GenLstm: sizes known only at run time, every loop body a vectorized library call. PyTorch's two weight matrices
/// are stored once as one [4H, I + H] matrix (row r is <c>weight_ih[r]</c> followed by <c>weight_hh[r]</c>), so
/// each gate preactivation is one <see cref="TensorPrimitives.Dot(ReadOnlySpan{float}, ReadOnlySpan{float})"/> with
/// the vector [x_t, h_{t-1}]; the biases are summed once; the activations and the state update run over whole gate
/// blocks with <c>Sigmoid</c>, <c>Tanh</c>, <c>Multiply</c> and <c>FusedMultiplyAdd</c>. <see cref="Forward"/> is T
/// steps, as in <see cref="NaiveLstm"/>.
/// </summary>
public sealed class TensorPrimitivesLstm : ILstm
{
    private readonly int _inputSize, _hiddenSize;
    private readonly float[] _weights, _bias, _gates, _inputAndHidden, _cell, _scratch;

    public TensorPrimitivesLstm(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
    {
        (_inputSize, _hiddenSize) = (inputSize, hiddenSize);
        int rows = 4 * hiddenSize, width = inputSize + hiddenSize;
        _weights = new float[rows * width];
        for (int row = 0; row < rows; row++)
        {
            weightIh.Slice(row * inputSize, inputSize).CopyTo(_weights.AsSpan(row * width));
            weightHh.Slice(row * hiddenSize, hiddenSize).CopyTo(_weights.AsSpan(row * width + inputSize));
        }
        _bias = new float[rows];
        TensorPrimitives.Add(biasIh, biasHh, _bias);
        _gates = new float[rows];
        _inputAndHidden = new float[width];
        _cell = new float[hiddenSize];
        _scratch = new float[hiddenSize];
    }

    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        int hiddenSize = _hiddenSize, width = _inputSize + hiddenSize;
        float[] weights = _weights;
        Span<float> gates = _gates, inputAndHidden = _inputAndHidden, cell = _cell, scratch = _scratch;
        Span<float> hidden = inputAndHidden[_inputSize..];
        input.CopyTo(inputAndHidden);

        // Preactivations of the gate blocks i, f, g, o (PyTorch's order): W·[x, h] + b.
        for (int row = 0; row < gates.Length; row++)
        {
            gates[row] = TensorPrimitives.Dot(weights.AsSpan(row * width, width), inputAndHidden);
        }
        TensorPrimitives.Add(gates, _bias, gates);

        Span<float> i = gates[..hiddenSize], f = gates.Slice(hiddenSize, hiddenSize);
        Span<float> g = gates.Slice(2 * hiddenSize, hiddenSize), o = gates[(3 * hiddenSize)..];
        TensorPrimitives.Sigmoid(gates[..(2 * hiddenSize)], gates[..(2 * hiddenSize)]); // i and f are adjacent
        TensorPrimitives.Tanh(g, g);
        TensorPrimitives.Sigmoid(o, o);

        TensorPrimitives.Multiply(i, g, g);                // i·g
        TensorPrimitives.FusedMultiplyAdd(f, cell, g, cell); // c = f·c + i·g
        TensorPrimitives.Tanh(cell, scratch);
        TensorPrimitives.Multiply(o, scratch, hidden);    // h = o·tanh(c), kept in place for the next step
        hidden.CopyTo(output);
    }

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        for (int t = 0; t < inputs.Length / _inputSize; t++)
        {
            Step(inputs.Slice(t * _inputSize, _inputSize), outputs.Slice(t * _hiddenSize, _hiddenSize));
        }
    }

    public void Reset()
    {
        Array.Clear(_inputAndHidden);
        Array.Clear(_cell);
    }
}

using System;

namespace GenLstm.Benchmarks;

/// <summary>
/// The baseline every figure is a ratio to: the LSTM as a C# developer writes it without GenLstm — PyTorch's tensors
/// as <c>float[]</c>, plain loops, <see cref="MathF.Exp"/> and <see cref="MathF.Tanh"/>, sizes known only at run time.
/// Written straightforwardly but not carelessly: biases summed once, arrays in locals.
/// </summary>
public sealed class NaiveLstm : ILstm
{
    private readonly int _inputSize, _hiddenSize;
    private readonly float[] _weightIh, _weightHh, _bias, _gates, _hidden, _cell;

    public NaiveLstm(int inputSize, int hiddenSize, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh)
    {
        (_inputSize, _hiddenSize, _weightIh, _weightHh) = (inputSize, hiddenSize, weightIh, weightHh);
        _bias = new float[4 * hiddenSize];
        for (int row = 0; row < _bias.Length; row++)
        {
            _bias[row] = biasIh[row] + biasHh[row];
        }
        _gates = new float[4 * hiddenSize];
        _hidden = new float[hiddenSize];
        _cell = new float[hiddenSize];
    }

    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        int inputSize = _inputSize, hiddenSize = _hiddenSize;
        float[] weightIh = _weightIh, weightHh = _weightHh, gates = _gates, hidden = _hidden, cell = _cell;
        for (int row = 0; row < gates.Length; row++)
        {
            float sum = _bias[row];
            for (int k = 0; k < inputSize; k++)
            {
                sum += weightIh[row * inputSize + k] * input[k];
            }
            for (int k = 0; k < hiddenSize; k++)
            {
                sum += weightHh[row * hiddenSize + k] * hidden[k];
            }
            gates[row] = sum;
        }
        for (int unit = 0; unit < hiddenSize; unit++)
        {
            float i = Sigmoid(gates[unit]);
            float f = Sigmoid(gates[hiddenSize + unit]);
            float g = MathF.Tanh(gates[2 * hiddenSize + unit]);
            float o = Sigmoid(gates[3 * hiddenSize + unit]);
            cell[unit] = f * cell[unit] + i * g;
            hidden[unit] = o * MathF.Tanh(cell[unit]);
        }
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
        Array.Clear(_hidden);
        Array.Clear(_cell);
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

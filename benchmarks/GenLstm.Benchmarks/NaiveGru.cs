using System;

namespace GenLstm.Benchmarks;

/// <summary>
/// The GRU baseline, written as <see cref="NaiveLstm"/> is: PyTorch's tensors (gate order r, z, n) as <c>float[]</c>, plain loops,
/// <see cref="MathF.Exp"/> and <see cref="MathF.Tanh"/>, sizes known only at run time; torch.nn.GRU's equations.
/// </summary>
public sealed class NaiveGru(int inputSize, int hiddenSize, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh)
{
    private readonly float[] _inputPart = new float[3 * hiddenSize], _hiddenPart = new float[3 * hiddenSize], _hidden = new float[hiddenSize];

    /// <summary>H.</summary>
    public int HiddenSize => hiddenSize;

    /// <summary>One step: x_t in, h_t out.</summary>
    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        float[] inputPart = _inputPart, hiddenPart = _hiddenPart, hidden = _hidden;
        for (int row = 0; row < inputPart.Length; row++)
        {
            float x = biasIh[row], h = biasHh[row];
            for (int k = 0; k < inputSize; k++)
            {
                x += weightIh[row * inputSize + k] * input[k];
            }
            for (int k = 0; k < hiddenSize; k++)
            {
                h += weightHh[row * hiddenSize + k] * hidden[k];
            }
            (inputPart[row], hiddenPart[row]) = (x, h);
        }
        for (int unit = 0; unit < hiddenSize; unit++)
        {
            float r = Sigmoid(inputPart[unit] + hiddenPart[unit]);
            float z = Sigmoid(inputPart[hiddenSize + unit] + hiddenPart[hiddenSize + unit]);
            float n = MathF.Tanh(inputPart[2 * hiddenSize + unit] + r * hiddenPart[2 * hiddenSize + unit]);
            hidden[unit] = (1 - z) * n + z * hidden[unit];
        }
        hidden.CopyTo(output);
    }

    private static float Sigmoid(float x) => 1 / (1 + MathF.Exp(-x));
}

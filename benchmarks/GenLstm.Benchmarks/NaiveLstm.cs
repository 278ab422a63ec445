using System;

namespace GenLstm.Benchmarks;

/// <summary>
/// The baseline every figure is a ratio to: the LSTM as a C# developer writes it without GenLstm — PyTorch's tensors
/// as <c>float[]</c>, plain loops, <see cref="MathF.Exp"/> and <see cref="MathF.Tanh"/>. Sizes known only at run time.
/// </summary>
public sealed class NaiveLstm(int inputSize, int hiddenSize, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh)
{
    private readonly float[] _gates = new float[4 * hiddenSize];

    public float[] Hidden { get; } = new float[hiddenSize];
    public float[] Cell { get; } = new float[hiddenSize];

    public void Step(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int row = 0; row < 4 * hiddenSize; row++)
        {
            float sum = biasIh[row] + biasHh[row];
            for (int k = 0; k < inputSize; k++)
            {
                sum += weightIh[row * inputSize + k] * input[k];
            }
            for (int k = 0; k < hiddenSize; k++)
            {
                sum += weightHh[row * hiddenSize + k] * Hidden[k];
            }
            _gates[row] = sum;
        }
        for (int unit = 0; unit < hiddenSize; unit++)
        {
            float i = Sigmoid(_gates[unit]);
            float f = Sigmoid(_gates[hiddenSize + unit]);
            float g = MathF.Tanh(_gates[2 * hiddenSize + unit]);
            float o = Sigmoid(_gates[3 * hiddenSize + unit]);
            Cell[unit] = f * Cell[unit] + i * g;
            Hidden[unit] = o * MathF.Tanh(Cell[unit]);
        }
        Hidden.CopyTo(output);
    }

    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
    {
        for (int t = 0; t < inputs.Length / inputSize; t++)
        {
            Step(inputs.Slice(t * inputSize, inputSize), outputs.Slice(t * hiddenSize, hiddenSize));
        }
    }

    private static float Sigmoid(float x) => 1f / (1f + MathF.Exp(-x));
}

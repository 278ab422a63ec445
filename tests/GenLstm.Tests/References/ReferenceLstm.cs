using System;

namespace GenLstm.Tests;

/// <summary>
/// An independent LSTM in float64, written straight from the equations over PyTorch's tensors (no packing, no SIMD,
/// exact Math.Tanh and Math.Exp): the yardstick for configurations PyTorch did not produce golden data for. With
/// <paramref name="weightHr"/> ([P, H], PyTorch's proj_size), h_t = W_hr (o ⊙ tanh(c_t)) has P values.
/// </summary>
internal sealed class ReferenceLstm(int inputSize, int hiddenSize, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh,
    float[]? weightHr = null)
{
    private readonly int _recurrentSize = weightHr is null ? hiddenSize : weightHr.Length / hiddenSize;

    /// <summary>Runs T steps from (h0, c0) or zero; returns h_0 … h_{T-1} row-major and the final h and c.</summary>
    public (double[] Outputs, double[] Hidden, double[] Cell) Run(float[] inputs, float[]? h0 = null, float[]? c0 = null)
    {
        int steps = inputs.Length / inputSize;
        int r = _recurrentSize;
        double[] h = h0 is null ? new double[r] : Array.ConvertAll(h0, v => (double)v);
        double[] c = c0 is null ? new double[hiddenSize] : Array.ConvertAll(c0, v => (double)v);
        var outputs = new double[steps * r];
        var z = new double[4 * hiddenSize];
        var unprojected = new double[hiddenSize];
        for (int t = 0; t < steps; t++)
        {
            for (int row = 0; row < 4 * hiddenSize; row++)
            {
                double sum = (double)biasIh[row] + biasHh[row];
                for (int k = 0; k < inputSize; k++)
                {
                    sum += (double)weightIh[row * inputSize + k] * inputs[t * inputSize + k];
                }
                for (int k = 0; k < r; k++)
                {
                    sum += (double)weightHh[row * r + k] * h[k];
                }
                z[row] = sum;
            }
            for (int u = 0; u < hiddenSize; u++)
            {
                double i = Sigmoid(z[u]);
                double f = Sigmoid(z[hiddenSize + u]);
                double g = Math.Tanh(z[2 * hiddenSize + u]);
                double o = Sigmoid(z[3 * hiddenSize + u]);
                c[u] = f * c[u] + i * g;
                unprojected[u] = o * Math.Tanh(c[u]);
            }
            for (int p = 0; p < r; p++)
            {
                double value = unprojected[p];
                if (weightHr is not null)
                {
                    value = 0;
                    for (int u = 0; u < hiddenSize; u++)
                    {
                        value += (double)weightHr[p * hiddenSize + u] * unprojected[u];
                    }
                }
                h[p] = value;
                outputs[t * r + p] = value;
            }
        }
        return (outputs, h, c);
    }

    public static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}

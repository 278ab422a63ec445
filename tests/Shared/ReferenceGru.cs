using System;

namespace GenLstm.TestSupport;

/// <summary>
/// An independent GRU in float64, written straight from the equations over PyTorch's tensors (gate order r, z, n; no
/// packing, no SIMD, exact Math.Tanh and Math.Exp): the yardstick for the GRU kernels of issue 16. Linked into GenLstm.Tests
/// (against PyTorch's and ONNX's golden data) and GenLstm.Conformance (the real GRU files).
/// <list type="bullet">
/// <item><paramref name="resetAfter"/> true: PyTorch's <c>torch.nn.GRU</c>, Keras <c>reset_after = True</c>, ONNX
/// <c>linear_before_reset = 1</c>: n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)).</item>
/// <item>false: Keras <c>reset_after = False</c>, ONNX <c>linear_before_reset = 0</c>: n = tanh(W_n x + b_in + U_n (r ⊙ h) + b_hn),
/// a second product that depends on r.</item>
/// </list>
/// Then r = σ(W_r x + b_ir + U_r h + b_hr), z = σ(W_z x + b_iz + U_z h + b_hz) and h_t = (1 − z) ⊙ n + z ⊙ h.
/// </summary>
internal sealed class ReferenceGru(int inputSize, int hiddenSize, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh,
    bool resetAfter = true)
{
    /// <summary>Runs T steps from h0 or zero; returns h_0 … h_{T-1} row-major and the final h.</summary>
    public (double[] Outputs, double[] Hidden) Run(float[] inputs, float[]? h0 = null) => Run(Array.ConvertAll(inputs, v => (double)v), h0);

    /// <summary>Runs T steps of float64 inputs (a lower float64 layer's outputs) from h0 or zero.</summary>
    public (double[] Outputs, double[] Hidden) Run(double[] x, float[]? h0 = null)
    {
        int steps = x.Length / inputSize, n = hiddenSize;
        double[] h = h0 is null ? new double[n] : Array.ConvertAll(h0, v => (double)v);
        var outputs = new double[steps * n];
        var r = new double[n];
        var resetHidden = new double[n];
        var next = new double[n];
        for (int t = 0; t < steps; t++)
        {
            // W x + b_i for row, the input side of every gate.
            double Input(int row) => biasIh[row] + Dot(weightIh, row, inputSize, x, t * inputSize);
            for (int u = 0; u < n; u++)
            {
                r[u] = Sigmoid(Input(u) + biasHh[u] + Dot(weightHh, u, n, h, 0));
                resetHidden[u] = r[u] * h[u];
            }
            for (int u = 0; u < n; u++)
            {
                double z = Sigmoid(Input(n + u) + biasHh[n + u] + Dot(weightHh, n + u, n, h, 0));
                double candidate = resetAfter
                    ? Math.Tanh(Input(2 * n + u) + r[u] * (Dot(weightHh, 2 * n + u, n, h, 0) + biasHh[2 * n + u]))
                    : Math.Tanh(Input(2 * n + u) + Dot(weightHh, 2 * n + u, n, resetHidden, 0) + biasHh[2 * n + u]);
                next[u] = (1 - z) * candidate + z * h[u];
            }
            next.CopyTo(h, 0);
            h.CopyTo(outputs, t * n);
        }
        return (outputs, h);
    }

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));

    /// <summary>Row <paramref name="row"/> of a row-major [rows, columns] matrix times values[offset … offset + columns).</summary>
    private static double Dot(float[] weights, int row, int columns, double[] values, int offset)
    {
        double sum = 0;
        for (int k = 0; k < columns; k++)
        {
            sum += weights[row * columns + k] * values[offset + k];
        }
        return sum;
    }
}

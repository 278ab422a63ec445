using System;

namespace GenLstm.Tests;

/// <summary>
/// An independent float64 LSTM with ONNX's and TFLite's variants, written from the ONNX operator's equations (no packing,
/// no SIMD, exact Math functions): peepholes, input_forget, clip, cell clip, forget bias and every ONNX activation.
/// </summary>
internal static class ReferenceVariantLstm
{
    /// <summary>The declaration's variant options; activations as (ONNX name, α, β).</summary>
    public sealed record Options
    {
        public bool Peepholes { get; init; }
        public bool CoupledInputForget { get; init; }
        public double ActivationClip { get; init; }
        public double CellClip { get; init; }
        public double ForgetBias { get; init; }
        public bool Reverse { get; init; }
        public (string Name, double Alpha, double Beta) Gate { get; init; } = ("Sigmoid", 0, 0);
        public (string Name, double Alpha, double Beta) Cell { get; init; } = ("Tanh", 0, 0);
        public (string Name, double Alpha, double Beta) Hidden { get; init; } = ("Tanh", 0, 0);

        /// <summary>[LstmGate]s: name, activation, and their W [H, I], U [H, H], b [H].</summary>
        public (string Name, (string Name, double Alpha, double Beta) Activation, float[] W, float[] U, float[] B)[] ExtraGates { get; init; } = [];

        /// <summary>[LstmCell]'s expression of c_t, or null for f c_prev + i g.</summary>
        public string? CellExpression { get; init; }

        /// <summary>[LstmHidden]'s expression of h_t, or null for o · hidden(c_t).</summary>
        public string? HiddenExpression { get; init; }
    }

    /// <summary>One direction's weights per gate: W [H, I], R [H, H], b [H] (both biases summed), p [H] (or null).</summary>
    private sealed record Gate(Func<int, int, double> W, Func<int, int, double> R, Func<int, double> B, Func<int, double>? P);

    /// <summary>
    /// ONNX tensors (gate order i, o, f, c): W [D, 4H, I], R [D, 4H, H], B [D, 8H], P [D, 3H] (i, o, f) or null; returns
    /// Y as [T, D·H] (forward then reverse half per step), from the zero state. <c>CoupledInputForget</c> is ONNX's
    /// input_forget here, as ONNX Runtime computes it: f = 1 − i.
    /// </summary>
    public static double[] RunOnnx(float[] w, float[] r, float[] b, float[]? p, float[] x, int inputSize, int hiddenSize, int directions, Options options)
    {
        int steps = x.Length / inputSize;
        var y = new double[steps * directions * hiddenSize];
        for (int d = 0; d < directions; d++)
        {
            // ONNX gate index of i, o, f, c; P holds i, o, f.
            Gate Onnx(int gate, int peephole)
            {
                int wBase = (d * 4 + gate) * hiddenSize * inputSize, rBase = (d * 4 + gate) * hiddenSize * hiddenSize;
                int bBase = d * 8 * hiddenSize + gate * hiddenSize;
                return new Gate(
                    (u, k) => w[wBase + u * inputSize + k],
                    (u, k) => r[rBase + u * hiddenSize + k],
                    u => (double)b[bBase + u] + b[bBase + 4 * hiddenSize + u],
                    p is null || peephole < 0 ? null : u => p[d * 3 * hiddenSize + peephole * hiddenSize + u]);
            }
            double[] h = Run(Onnx(0, 0), Onnx(2, 2), Onnx(3, -1), Onnx(1, 1), x, inputSize, hiddenSize,
                options with { Reverse = options.Reverse || d == 1 }, forgetFromInput: options.CoupledInputForget);
            for (int t = 0; t < steps; t++)
            {
                Array.Copy(h, t * hiddenSize, y, (t * directions + d) * hiddenSize, hiddenSize);
            }
        }
        return y;
    }

    /// <summary>
    /// PyTorch-order tensors (i, f, g, o) with peepholes p_i, p_f, p_o ([3, H]) or null; returns [T, H] from the zero state.
    /// <c>CoupledInputForget</c> is TFLite's CIFG here: i = 1 − f.
    /// </summary>
    public static double[] Run(float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh, float[]? peepholes, float[] x,
        int inputSize, int hiddenSize, Options options)
    {
        Gate Torch(int gate, int peephole) => new(
            (u, k) => weightIh[(gate * hiddenSize + u) * inputSize + k],
            (u, k) => weightHh[(gate * hiddenSize + u) * hiddenSize + k],
            u => (double)biasIh[gate * hiddenSize + u] + biasHh[gate * hiddenSize + u],
            peepholes is null || peephole < 0 ? null : u => peepholes[peephole * hiddenSize + u]);
        return Run(Torch(0, 0), Torch(1, 1), Torch(2, -1), Torch(3, 2), x, inputSize, hiddenSize, options, forgetFromInput: false);
    }

    /// <param name="forgetFromInput">With CoupledInputForget: ONNX's f = 1 − i if true, TFLite's i = 1 − f if false.</param>
    private static double[] Run(Gate gi, Gate gf, Gate gc, Gate go, float[] x, int inputSize, int hiddenSize, Options options, bool forgetFromInput)
    {
        int steps = x.Length / inputSize;
        var h = new double[hiddenSize];
        var c = new double[hiddenSize];
        var output = new double[steps * hiddenSize];
        var next = new double[hiddenSize];
        for (int step = 0; step < steps; step++)
        {
            int t = options.Reverse ? steps - 1 - step : step;
            double Z(Gate gate, int u)
            {
                double z = gate.B(u);
                for (int k = 0; k < inputSize; k++)
                {
                    z += gate.W(u, k) * x[t * inputSize + k];
                }
                for (int k = 0; k < hiddenSize; k++)
                {
                    z += gate.R(u, k) * h[k];
                }
                return z;
            }
            double Clip(double v) => options.ActivationClip > 0 ? Math.Clamp(v, -options.ActivationClip, options.ActivationClip) : v;
            for (int u = 0; u < hiddenSize; u++)
            {
                double peepholeI = options.Peepholes ? gi.P!(u) * c[u] : 0, peepholeF = options.Peepholes ? gf.P!(u) * c[u] : 0;
                double i, f;
                if (options.CoupledInputForget && forgetFromInput)
                {
                    i = Activate(options.Gate, Clip(Z(gi, u) + peepholeI));
                    f = 1 - i;
                }
                else
                {
                    f = Activate(options.Gate, Clip(Z(gf, u) + peepholeF + options.ForgetBias));
                    i = options.CoupledInputForget ? 1 - f : Activate(options.Gate, Clip(Z(gi, u) + peepholeI));
                }
                double g = Activate(options.Cell, Clip(Z(gc, u)));
                var names = new System.Collections.Generic.Dictionary<string, double> { ["i"] = i, ["f"] = f, ["g"] = g, ["c_prev"] = c[u] };
                foreach (var extra in options.ExtraGates)
                {
                    names[extra.Name] = Activate(extra.Activation, Clip(Z(new Gate((v, k) => extra.W[v * inputSize + k], (v, k) => extra.U[v * hiddenSize + k], v => extra.B[v], null), u)));
                }
                if (!options.Peepholes)
                {
                    names["o"] = Activate(options.Gate, Clip(Z(go, u)));   // without an output peephole o does not depend on c_t
                }
                double cell = options.CellExpression is { } cellExpression ? ReferenceExpression.Evaluate(cellExpression, names) : f * c[u] + i * g;
                if (options.CellClip > 0)
                {
                    cell = Math.Clamp(cell, -options.CellClip, options.CellClip);
                }
                double o = Activate(options.Gate, Clip(Z(go, u) + (options.Peepholes ? go.P!(u) * cell : 0)));
                names["o"] = o;
                names["c"] = cell;
                next[u] = options.HiddenExpression is { } hiddenExpression ? ReferenceExpression.Evaluate(hiddenExpression, names) : o * Activate(options.Hidden, cell);
                c[u] = cell;  // c[u] is read only by unit u, so updating it in place is safe
            }
            Array.Copy(next, h, hiddenSize);
            Array.Copy(h, 0, output, t * hiddenSize, hiddenSize);
        }
        return output;
    }

    /// <summary>The ONNX activation functions, from the operator's definitions.</summary>
    private static double Activate((string Name, double Alpha, double Beta) f, double x) => f.Name switch
    {
        "Sigmoid" => 1 / (1 + Math.Exp(-x)),
        "Tanh" => Math.Tanh(x),
        "Relu" => Math.Max(x, 0),
        "HardSigmoid" => Math.Max(0, Math.Min(1, f.Alpha * x + f.Beta)),
        "LeakyRelu" => x < 0 ? f.Alpha * x : x,
        "ThresholdedRelu" => x > f.Alpha ? x : 0,
        "ScaledTanh" => f.Alpha * Math.Tanh(f.Beta * x),
        "Affine" => f.Alpha * x + f.Beta,
        "Elu" => x < 0 ? f.Alpha * (Math.Exp(x) - 1) : x,
        "Softsign" => x / (1 + Math.Abs(x)),
        // log(1 + e^x), evaluated without overflow for large x (e^x is infinite past 709).
        "Softplus" => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x))),
        _ => throw new ArgumentOutOfRangeException(nameof(f), f.Name, "not an ONNX activation"),
    };
}

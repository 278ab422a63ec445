using System;
using System.Runtime.Intrinsics;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// The activations against float64 <see cref="Math.Tanh"/> and 1/(1+e^-x): the documented bounds hold on every width
/// this process can run (scalar always; the vector widths the hardware accelerates), over every 181st float in
/// [-20, 20] (about 12 million inputs) plus the edges of the clamps. Vector code on hardware without fused
/// multiply-add has its own, looser documented bound.
/// </summary>
public sealed class LstmMathTests
{
    private const int Stride = 181;

    public static TheoryData<string> Widths => new() { "scalar", "Vector128", "Vector256", "Vector512" };

    [Theory]
    [MemberData(nameof(Widths))]
    public void Tanh_is_within_its_documented_bound(string width)
    {
        double error = MaxError(width, LstmMath.Tanh, LstmMath.Tanh, LstmMath.Tanh, LstmMath.Tanh, Math.Tanh, out bool fused);

        Assert.InRange(error, 0, fused ? LstmMath.TanhMaxAbsError : LstmMath.TanhMaxAbsErrorWithoutFma);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Sigmoid_is_within_its_documented_bound(string width)
    {
        double error = MaxError(width, LstmMath.Sigmoid, LstmMath.Sigmoid, LstmMath.Sigmoid, LstmMath.Sigmoid, x => 1 / (1 + Math.Exp(-x)), out bool fused);

        Assert.InRange(error, 0, fused ? LstmMath.SigmoidMaxAbsError : LstmMath.SigmoidMaxAbsErrorWithoutFma);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void FastTanh_is_within_its_documented_bound(string width)
    {
        double error = MaxError(width, LstmMath.FastTanh, LstmMath.FastTanh, LstmMath.FastTanh, LstmMath.FastTanh, Math.Tanh, out _);

        // Within the bound, and the bound is not a loose blanket: the fit's own error is 1.56e-4.
        Assert.InRange(error, 1e-4, LstmMath.FastTanhMaxAbsError);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void FastSigmoid_is_within_its_documented_bound(string width)
    {
        double error = MaxError(width, LstmMath.FastSigmoid, LstmMath.FastSigmoid, LstmMath.FastSigmoid, LstmMath.FastSigmoid, x => 1 / (1 + Math.Exp(-x)), out _);

        Assert.InRange(error, 0, LstmMath.FastSigmoidMaxAbsError);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Elu_is_within_its_documented_bound(string width)
    {
        const float alpha = 1.7f;
        double Exact(double x) => x >= 0 ? x : alpha * (Math.Exp(x) - 1);
        double error = MaxError(width, x => LstmMath.Elu(x, alpha), x => LstmMath.Elu(x, alpha), x => LstmMath.Elu(x, alpha), x => LstmMath.Elu(x, alpha),
            Exact, out _, relative: true);

        Assert.InRange(error, 0, LstmMath.EluMaxError);
    }

    [Theory]
    [MemberData(nameof(Widths))]
    public void Softplus_is_within_its_documented_bound(string width)
    {
        double Exact(double x) => Math.Max(x, 0) + Math.Log(1 + Math.Exp(-Math.Abs(x)));
        double error = MaxError(width, LstmMath.Softplus, LstmMath.Softplus, LstmMath.Softplus, LstmMath.Softplus, Exact, out _, relative: true);

        Assert.InRange(error, 0, LstmMath.SoftplusMaxError);
    }

    [Fact]
    public void Elu_and_Softplus_at_their_limits()
    {
        Assert.Equal(-2f, LstmMath.Elu(-1000f, 2f));
        Assert.Equal(3f, LstmMath.Elu(3f, 2f));
        Assert.Equal(0f, LstmMath.Elu(0f, 2f));
        Assert.Equal(1e30f, LstmMath.Softplus(1e30f));
        Assert.InRange(LstmMath.Softplus(-1000f), 0f, 1e-37f);   // e^-1000, flushed to about 1e-38
        Assert.Equal((float)Math.Log(2), LstmMath.Softplus(Vector256<float>.Zero).GetElement(0), 6);
        Assert.True(float.IsNaN(LstmMath.Softplus(float.NaN)));
        Assert.True(float.IsNaN(LstmMath.Elu(Vector256.Create(float.NaN), 1f).GetElement(2)));
    }

    [Fact]
    public void Fast_activations_saturate_and_propagate_NaN()
    {
        Assert.InRange(LstmMath.FastTanh(1e30f), 1f - 2e-4f, 1f);
        Assert.InRange(LstmMath.FastTanh(float.NegativeInfinity), -1f, -1f + 2e-4f);
        Assert.Equal(0f, LstmMath.FastTanh(0f));
        Assert.Equal(0.5f, LstmMath.FastSigmoid(0f));
        Assert.True(float.IsNaN(LstmMath.FastTanh(float.NaN)));
        Assert.True(float.IsNaN(LstmMath.FastSigmoid(Vector256.Create(float.NaN)).GetElement(5)));
    }

    [Fact]
    public void Saturation_limits_and_NaN()
    {
        Assert.Equal(1f, LstmMath.Tanh(1e30f), 6);
        Assert.Equal(-1f, LstmMath.Tanh(float.NegativeInfinity), 6);
        Assert.Equal(0f, LstmMath.Tanh(0f));
        Assert.Equal(0.5f, LstmMath.Sigmoid(0f));
        Assert.InRange(LstmMath.Sigmoid(-100f), 0f, 1e-6f);
        Assert.True(float.IsNaN(LstmMath.Tanh(float.NaN)));
        Assert.True(float.IsNaN(LstmMath.Sigmoid(float.NaN)));
        Assert.True(float.IsNaN(LstmMath.Tanh(Vector256.Create(float.NaN)).GetElement(3)));
    }

    private static double MaxError(string width, Func<float, float> scalar, Func<Vector128<float>, Vector128<float>> v128,
        Func<Vector256<float>, Vector256<float>> v256, Func<Vector512<float>, Vector512<float>> v512, Func<double, double> exact,
        out bool fused, bool relative = false)
    {
        int lanes = width switch { "Vector128" => 4, "Vector256" => 8, "Vector512" => 16, _ => 1 };
        bool accelerated = width switch
        {
            "Vector128" => Vector128.IsHardwareAccelerated,
            "Vector256" => Vector256.IsHardwareAccelerated,
            "Vector512" => Vector512.IsHardwareAccelerated,
            _ => true,
        };
        if (!accelerated)
        {
            // The software fallback of an unaccelerated width is the runtime's, not ours; checking scalar instead
            // still asserts the bound on the code that runs.
            lanes = 1;
        }
        // Scalars are evaluated in double, so only vector code depends on fused multiply-add.
        fused = lanes == 1 || System.Runtime.Intrinsics.X86.Fma.IsSupported || System.Runtime.Intrinsics.Arm.AdvSimd.IsSupported;

        var inputs = new float[16];
        var results = new float[16];
        double max = 0;
        int filled = 0;
        void Flush()
        {
            switch (lanes)
            {
                case 4: v128(Vector128.Create(inputs)).CopyTo(results); break;
                case 8: v256(Vector256.Create(inputs)).CopyTo(results); break;
                case 16: v512(Vector512.Create(inputs)).CopyTo(results); break;
                default: results[0] = scalar(inputs[0]); break;
            }
            for (int i = 0; i < filled; i++)
            {
                double expected = exact(inputs[i]);
                max = Math.Max(max, Math.Abs(results[i] - expected) / (relative ? Math.Max(1, Math.Abs(expected)) : 1));
            }
            filled = 0;
        }
        void Check(float x)
        {
            inputs[filled++] = x;
            if (filled == lanes)
            {
                Flush();
            }
        }

        foreach (float edge in new[] { LstmMath.TanhClamp, -LstmMath.TanhClamp, 2 * LstmMath.TanhClamp, LstmMath.FastTanhClamp, -LstmMath.FastTanhClamp, 1e-30f, -1e-30f, 0f })
        {
            Check(edge);
            Check(MathF.BitIncrement(edge));
            Check(MathF.BitDecrement(edge));
        }
        for (int sign = -1; sign <= 1; sign += 2)
        {
            for (int bits = 0; bits <= BitConverter.SingleToInt32Bits(20f); bits += Stride)
            {
                Check(sign * BitConverter.Int32BitsToSingle(bits));
            }
        }
        if (filled > 0)
        {
            Array.Clear(inputs, filled, inputs.Length - filled);
            Flush();
        }
        return max;
    }
}

using System;
using Xunit;
using Mode = GenLstm.Tests.ReferenceRateCorrectionMode;

namespace GenLstm.Tests;

/// <summary>
/// Checks of the float64 sample-rate-corrected reference itself: against the plain <see cref="ReferenceLstm"/> at
/// ratio 1, against hand-unrolled recurrences of 1-unit layers (RTNeural's delay lines written out step by step), and
/// the identities between its modes, head, input skip and initial state.
/// </summary>
public sealed class ReferenceRateCorrectedLstmTests
{
    // A 1-unit layer: weight_ih, weight_hh, bias_ih, bias_hh, each [4] (i, f, g, o).
    private static readonly float[] Wi = [0.9f, -0.6f, 1.3f, 0.7f];
    private static readonly float[] Wh = [-0.8f, 0.5f, 1.1f, -0.4f];
    private static readonly float[] Bi = [0.1f, 0.6f, -0.2f, 0.3f];
    private static readonly float[] Bh = [-0.3f, 0.2f, 0.15f, -0.1f];

    // A second 1-unit layer, for the stacked hand case.
    private static readonly float[] Wi2 = [-1.2f, 0.4f, 0.8f, 1.1f];
    private static readonly float[] Wh2 = [0.3f, -0.9f, -0.7f, 0.6f];
    private static readonly float[] Bi2 = [0.05f, 0.9f, 0.25f, -0.35f];
    private static readonly float[] Bh2 = [0.2f, -0.15f, -0.1f, 0.4f];

    private static readonly float[] X = [0.5f, -1.0f, 0.75f, 0.25f, -0.4f];

    private const float H0 = 0.3f;
    private const float C0 = -0.7f;

    private static ReferenceRateCorrectedLstm.Layer Unit(float[]? h0 = null, float[]? c0 = null) => new(Wi, Wh, Bi, Bh, h0, c0);

    private static ReferenceRateCorrectedLstm OneUnit(double ratio, Mode mode, float[]? h0 = null, float[]? c0 = null) =>
        new(1, [Unit(h0, c0)], null, null, 0, ratio, mode);

    /// <summary>One 1-unit PyTorch LSTM step, scalar: (c', h').</summary>
    private static (double C, double H) Step(float[] wi, float[] wh, float[] bi, float[] bh, double x, (double C, double H) state)
    {
        double Z(int gate) => (double)wi[gate] * x + (double)wh[gate] * state.H + bi[gate] + bh[gate];
        static double S(double v) => 1 / (1 + Math.Exp(-v));
        double c = S(Z(1)) * state.C + S(Z(0)) * Math.Tanh(Z(2));
        return (c, S(Z(3)) * Math.Tanh(c));
    }

    private static (double C, double H) Step1(double x, (double C, double H) state) => Step(Wi, Wh, Bi, Bh, x, state);

    private static (double C, double H) Mix(double a, (double C, double H) p, double b, (double C, double H) q) =>
        (a * p.C + b * q.C, a * p.H + b * q.H);

    private static void Near(double[] expected, double[] actual, double tolerance)
    {
        Assert.Equal(expected.Length, actual.Length);
        for (int i = 0; i < expected.Length; i++)
        {
            Assert.True(Math.Abs(expected[i] - actual[i]) <= tolerance, $"[{i}]: expected {expected[i]:R}, got {actual[i]:R}");
        }
    }

    private static float[] RandomArray(Random random, int length, float scale = 0.5f)
    {
        var values = new float[length];
        for (int i = 0; i < length; i++) values[i] = (random.NextSingle() * 2 - 1) * scale;
        return values;
    }

    private sealed record RandomModel(int InputSize, int[] Hidden, ReferenceRateCorrectedLstm.Layer[] Layers, float[] HeadW, float[] HeadB, float[] Inputs, int Steps);

    private static RandomModel MakeRandom(int seed, bool initialState)
    {
        var random = new Random(seed);
        const int inputSize = 3, steps = 24, outputs = 2;
        int[] hidden = [5, 4];
        var layers = new ReferenceRateCorrectedLstm.Layer[hidden.Length];
        int width = inputSize;
        for (int l = 0; l < hidden.Length; l++)
        {
            int h = hidden[l];
            layers[l] = new(RandomArray(random, 4 * h * width), RandomArray(random, 4 * h * h), RandomArray(random, 4 * h), RandomArray(random, 4 * h),
                initialState ? RandomArray(random, h, 0.8f) : null, initialState ? RandomArray(random, h, 1.5f) : null);
            width = h;
        }
        return new(inputSize, hidden, layers, RandomArray(random, outputs * width), RandomArray(random, outputs), RandomArray(random, inputSize * steps, 1f), steps);
    }

    private static ReferenceRateCorrectedLstm Build(RandomModel m, double ratio, Mode mode, int inputSkip = 0) =>
        new(m.InputSize, m.Layers, m.HeadW, m.HeadB, inputSkip, ratio, mode);

    [Theory]
    [InlineData(Mode.None, 1.0, false)]
    [InlineData(Mode.None, 2.7, false)] // None ignores the ratio
    [InlineData(Mode.NoInterpolation, 1.0, false)]
    [InlineData(Mode.NoInterpolation, 1.4, false)] // rounds to 1
    [InlineData(Mode.LinearInterpolation, 1.0, false)]
    [InlineData(Mode.NoInterpolation, 1.0, true)]
    [InlineData(Mode.LinearInterpolation, 1.0, true)]
    public void Ratio_1_equals_the_plain_reference_stack_with_head(Mode mode, double ratio, bool initialState)
    {
        RandomModel m = MakeRandom(31, initialState);
        double[] actual = Build(m, ratio, mode).Run(m.Inputs, m.Steps);

        // Layer by layer through ReferenceLstm (its inputs are float32, hence the tolerance for the second layer), then the head.
        float[] layerInput = m.Inputs;
        int width = m.InputSize;
        double[] h = [];
        for (int l = 0; l < m.Layers.Length; l++)
        {
            var layer = m.Layers[l];
            h = new ReferenceLstm(width, m.Hidden[l], layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh)
                .Run(layerInput, layer.InitialH, layer.InitialC).Outputs;
            layerInput = Array.ConvertAll(h, v => (float)v);
            width = m.Hidden[l];
        }
        int outputs = m.HeadB.Length;
        var expected = new double[m.Steps * outputs];
        for (int t = 0; t < m.Steps; t++)
        {
            for (int o = 0; o < outputs; o++)
            {
                double y = m.HeadB[o];
                for (int k = 0; k < width; k++) y += (double)m.HeadW[o * width + k] * h[t * width + k];
                expected[t * outputs + o] = y;
            }
        }
        Near(expected, actual, 1e-5);
    }

    [Theory]
    [InlineData(Mode.NoInterpolation)]
    [InlineData(Mode.LinearInterpolation)]
    public void Ratio_1_single_layer_equals_the_plain_reference_to_double_precision(Mode mode)
    {
        RandomModel m = MakeRandom(32, initialState: true);
        var layer = m.Layers[0];
        double[] expected = new ReferenceLstm(m.InputSize, m.Hidden[0], layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh)
            .Run(m.Inputs, layer.InitialH, layer.InitialC).Outputs;
        double[] actual = new ReferenceRateCorrectedLstm(m.InputSize, [layer], null, null, 0, 1.0, mode).Run(m.Inputs, m.Steps);

        Near(expected, actual, 1e-14);
    }

    [Fact]
    public void NoInterp_ratio_2_is_the_hand_unrolled_delay()
    {
        // Two slots: n_t = cell(x_t, n_{t-2}) (zero before t = 0), and the output at t is h(n_{t-1}).
        var zero = (0.0, 0.0);
        var n0 = Step1(X[0], zero);
        var n1 = Step1(X[1], zero);
        var n2 = Step1(X[2], n0);
        var n3 = Step1(X[3], n1);
        double[] expected = [0, n0.H, n1.H, n2.H, n3.H];

        Near(expected, OneUnit(2, Mode.NoInterpolation).Run(X, 5), 1e-15);
        Near(expected, OneUnit(2.4, Mode.NoInterpolation).Run(X, 5), 1e-15); // rounds to 2
    }

    [Fact]
    public void NoInterp_ratio_3_is_the_hand_unrolled_delay()
    {
        // Three slots: n_t = cell(x_t, n_{t-3}), the output at t is h(n_{t-2}).
        var zero = (0.0, 0.0);
        var n0 = Step1(X[0], zero);
        var n1 = Step1(X[1], zero);
        var n2 = Step1(X[2], zero);
        double[] expected = [0, 0, n0.H, n1.H, n2.H];

        Near(expected, OneUnit(2.5, Mode.NoInterpolation).Run(X, 5), 1e-15); // 2.5 rounds half away from zero, as std::round
    }

    [Fact]
    public void NoInterp_ratio_2_stack_feeds_the_next_layer_the_delayed_output()
    {
        var zero = (0.0, 0.0);
        // Layer 1 as above; layer 2 reads layer 1's delayed output: its input at t is h(n_{t-1}) (0 at t = 0).
        var n = new (double C, double H)[4];
        n[0] = Step1(X[0], zero);
        n[1] = Step1(X[1], zero);
        n[2] = Step1(X[2], n[0]);
        n[3] = Step1(X[3], n[1]);
        double[] layer1Out = [0, n[0].H, n[1].H, n[2].H];
        var m = new (double C, double H)[4];
        m[0] = Step(Wi2, Wh2, Bi2, Bh2, layer1Out[0], zero);
        m[1] = Step(Wi2, Wh2, Bi2, Bh2, layer1Out[1], zero);
        m[2] = Step(Wi2, Wh2, Bi2, Bh2, layer1Out[2], m[0]);
        m[3] = Step(Wi2, Wh2, Bi2, Bh2, layer1Out[3], m[1]);
        double[] expected = [0, m[0].H, m[1].H, m[2].H];

        var stack = new ReferenceRateCorrectedLstm(1, [Unit(), new(Wi2, Wh2, Bi2, Bh2)], null, null, 0, 2, Mode.NoInterpolation);
        Near(expected, stack.Run(X, 4), 1e-15);
    }

    [Theory]
    [InlineData(2.0)]
    [InlineData(3.0)]
    [InlineData(4.0)]
    public void LinInterp_at_an_integer_ratio_equals_NoInterp(double ratio)
    {
        RandomModel m = MakeRandom(33, initialState: true);
        double[] noInterp = Build(m, ratio, Mode.NoInterpolation, inputSkip: 1).Run(m.Inputs, m.Steps);
        double[] linInterp = Build(m, ratio, Mode.LinearInterpolation, inputSkip: 1).Run(m.Inputs, m.Steps);
        double[] plain = Build(m, 1, Mode.None, inputSkip: 1).Run(m.Inputs, m.Steps);

        Assert.Equal(noInterp, linInterp);
        Assert.NotEqual(plain, noInterp);
    }

    [Fact]
    public void LinInterp_ratio_1_25_is_the_hand_unrolled_interpolation()
    {
        // delayMult 0.75, delayPlus1Mult 0.25, two slots: the state for step t+1 is r = 0.25 n_{t-1} + 0.75 n_t (c and h alike).
        var zero = (0.0, 0.0);
        var n0 = Step1(X[0], zero);
        var r1 = Mix(0.25, zero, 0.75, n0);
        var n1 = Step1(X[1], r1);
        var r2 = Mix(0.25, n0, 0.75, n1);
        var n2 = Step1(X[2], r2);
        var r3 = Mix(0.25, n1, 0.75, n2);
        var n3 = Step1(X[3], r3);
        var r4 = Mix(0.25, n2, 0.75, n3);
        double[] expected = [r1.H, r2.H, r3.H, r4.H];

        var reference = OneUnit(1.25, Mode.LinearInterpolation);
        Assert.Equal(2, reference.DelaySlots);
        Near(expected, reference.Run(X, 4), 1e-15);
    }

    [Fact]
    public void LinInterp_ratio_2_25_is_the_hand_unrolled_interpolation()
    {
        // Three slots (delayWriteIdx 2): the state for step t+1 is 0.25 n_{t-2} + 0.75 n_{t-1}.
        var zero = (0.0, 0.0);
        var n0 = Step1(X[0], zero);
        var n1 = Step1(X[1], zero);          // the state for t = 1 is 0.25·0 + 0.75·0
        var r2 = Mix(0.25, zero, 0.75, n0);
        var n2 = Step1(X[2], r2);
        var r3 = Mix(0.25, n0, 0.75, n1);
        var r4 = Mix(0.25, n1, 0.75, n2);
        double[] expected = [0, r2.H, r3.H, r4.H];

        var reference = OneUnit(2.25, Mode.LinearInterpolation);
        Assert.Equal(3, reference.DelaySlots);
        Near(expected, reference.Run(X, 4), 1e-15);
    }

    [Fact]
    public void Input_skip_adds_x0_to_y0_after_the_head()
    {
        RandomModel m = MakeRandom(34, initialState: false);
        foreach (var (mode, ratio) in new[] { (Mode.None, 1.0), (Mode.NoInterpolation, 2.0), (Mode.LinearInterpolation, 1.5) })
        {
            double[] without = Build(m, ratio, mode, inputSkip: 0).Run(m.Inputs, m.Steps);
            double[] with = Build(m, ratio, mode, inputSkip: 1).Run(m.Inputs, m.Steps);
            for (int t = 0; t < m.Steps; t++)
            {
                Assert.Equal(without[t * 2] + m.Inputs[t * m.InputSize], with[t * 2], 14);
                Assert.Equal(without[t * 2 + 1], with[t * 2 + 1]);
            }
        }

        // Without a head: y = h + x on one unit.
        double[] plain = OneUnit(1, Mode.None).Run(X, 5);
        double[] skipped = new ReferenceRateCorrectedLstm(1, [Unit()], null, null, 1, 1, Mode.None).Run(X, 5);
        for (int t = 0; t < X.Length; t++) Assert.Equal(plain[t] + X[t], skipped[t], 15);
    }

    [Fact]
    public void The_initial_state_is_used()
    {
        float[] h0 = [H0], c0 = [C0];
        var init = ((double)C0, (double)H0);

        // Plain: the first step starts from (h0, c0).
        double[] plain = OneUnit(1, Mode.None, h0, c0).Run(X, 2);
        var p0 = Step1(X[0], init);
        Near([p0.H, Step1(X[1], p0).H], plain, 1e-15);
        Assert.NotEqual(OneUnit(1, Mode.None).Run(X, 1)[0], plain[0]);

        // NoInterp 2: every slot holds (h0, c0), so the first output is h0 and the first two steps both start from it.
        double[] delayed = OneUnit(2, Mode.NoInterpolation, h0, c0).Run(X, 4);
        var n0 = Step1(X[0], init);
        var n1 = Step1(X[1], init);
        var n2 = Step1(X[2], n0);
        Near([H0, n0.H, n1.H, n2.H], delayed, 1e-15);
        Assert.NotEqual(OneUnit(2, Mode.NoInterpolation).Run(X, 1)[0], delayed[0]);

        // LinInterp 1.25: the first state mixes the held initial state and the first step.
        double[] interpolated = OneUnit(1.25, Mode.LinearInterpolation, h0, c0).Run(X, 3);
        var m0 = Step1(X[0], init);
        var r1 = Mix(0.25, init, 0.75, m0);
        var m1 = Step1(X[1], r1);
        var r2 = Mix(0.25, m0, 0.75, m1);
        var r3 = Mix(0.25, m1, 0.75, Step1(X[2], r2));
        Near([r1.H, r2.H, r3.H], interpolated, 1e-15);
    }

    [Fact]
    public void Ratios_below_one_are_rejected()
    {
        Assert.Throws<ArgumentOutOfRangeException>(() => OneUnit(0.5, Mode.LinearInterpolation));
        Assert.Throws<ArgumentOutOfRangeException>(() => OneUnit(0.4, Mode.NoInterpolation));
    }
}

using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>A two-layer amp-like model with a head, an input skip and sample-rate correction up to 4×.</summary>
[Lstm(inputSize: 2, hiddenSize: 9, Layers = 2, MaxSampleRateRatio = 4)]
[LstmOutput(2, InputSkip = 1)]
public sealed partial class CorrectedLstm2x9 { }

/// <summary>The same model without the correction: what a stream at ratio 1 must equal bit for bit.</summary>
[Lstm(inputSize: 2, hiddenSize: 9, Layers = 2)]
[LstmOutput(2, InputSkip = 1)]
public sealed partial class UncorrectedLstm2x9 { }

/// <summary>A one-layer model with the correction and no head: the correction makes it a stack of one layer.</summary>
[Lstm(inputSize: 1, hiddenSize: 12, MaxSampleRateRatio = 2)]
public sealed partial class CorrectedLstm1x12 { }

/// <summary>
/// Sample-rate correction, the input skip and the stored initial state, against the independent float64 reference
/// (<see cref="ReferenceRateCorrectedLstm"/>, written from RTNeural's <c>LSTMLayerT</c>): at the ratios hosts meet, in both
/// modes, through Step, Forward and StepBatch, bit for bit among themselves, with no allocation.
/// </summary>
public sealed class SampleRateCorrectionTests(ITestOutputHelper log)
{
    /// <summary>
    /// float32 kernels against float64 over 300 steps of a 2-layer model with weights of ±0.5 and inputs of ±1: the plain
    /// model's error is about 1e-6 (the activations' 3e-7 and the sums' rounding); interpolating states mixes errors of
    /// neighbouring steps and adds nothing larger. A wrong delay or slot is off by 1e-2 or more.
    /// </summary>
    private const double Tolerance = 1e-5;

    private const int Steps = 300;

    public static TheoryData<double, SampleRateCorrectionMode> Ratios => new()
    {
        { 1, SampleRateCorrectionMode.LinearInterpolation },
        { 2, SampleRateCorrectionMode.LinearInterpolation },
        { 48.0 / 44.1, SampleRateCorrectionMode.LinearInterpolation },
        { 96.0 / 44.1, SampleRateCorrectionMode.LinearInterpolation },
        { 4, SampleRateCorrectionMode.LinearInterpolation },
        { 2, SampleRateCorrectionMode.NoInterpolation },
        { 96.0 / 44.1, SampleRateCorrectionMode.NoInterpolation },
        { 3.6, SampleRateCorrectionMode.NoInterpolation },
    };

    [Theory]
    [MemberData(nameof(Ratios))]
    public void A_corrected_stack_matches_the_float64_reference_and_its_entry_points_agree(double ratio, SampleRateCorrectionMode mode)
    {
        var weights = new RandomStack(seed: 7);
        CorrectedLstm2x9 model = CorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers);
        float[] inputs = Signal(Steps, 2);

        var state = model.InitialState;
        state.SetSampleRateRatio(ratio, mode);
        Assert.Equal(ratio, state.SampleRateDelay.Ratio);
        float[] forward = new float[Steps * 2];
        model.Forward(inputs, ref state, forward);

        double[] expected = weights.Reference(ratio, mode).Run(inputs, Steps);
        double error = forward.Select((value, k) => Math.Abs(value - expected[k])).Max();
        log.WriteLine($"ratio {ratio:0.####} {mode}: max |GenLstm - float64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        if (ratio != 1)
        {
            // The correction changes the outputs by far more than the tolerance: the comparison can tell a wrong delay.
            double[] uncorrected = weights.Reference(1, SampleRateCorrectionMode.None).Run(inputs, Steps);
            Assert.InRange(forward.Select((value, k) => Math.Abs(value - uncorrected[k])).Max(), 1e-2, double.PositiveInfinity);
        }

        // Step, and StepBatch with streams at different ratios, give Forward's numbers bit for bit.
        var stepped = model.InitialState;
        stepped.SetSampleRateRatio(ratio, mode);
        var other = model.InitialState;
        other.SetSampleRateRatio(3, mode);
        var streams = new[] { stepped, other };
        float[] step = new float[Steps * 2], batch = new float[Steps * 2], batchInputs = new float[4], batchOutputs = new float[4];
        var single = model.InitialState;
        single.SetSampleRateRatio(ratio, mode);
        for (int t = 0; t < Steps; t++)
        {
            model.Step(inputs.AsSpan(t * 2, 2), ref single, step.AsSpan(t * 2, 2));
            inputs.AsSpan(t * 2, 2).CopyTo(batchInputs);
            inputs.AsSpan(t * 2, 2).CopyTo(batchInputs.AsSpan(2));
            model.StepBatch(batchInputs, streams, batchOutputs);
            batchOutputs.AsSpan(0, 2).CopyTo(batch.AsSpan(t * 2));
        }
        Assert.Equal(forward, step);
        Assert.Equal(forward, batch);
    }

    [Fact]
    public void Ratio_1_is_the_uncorrected_model_bit_for_bit_and_the_skip_adds_the_input()
    {
        var weights = new RandomStack(seed: 8);
        float[] inputs = Signal(Steps, 2);
        float[] corrected = new float[Steps * 2], uncorrected = new float[Steps * 2];
        var state = CorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers).InitialState;
        CorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers).Forward(inputs, ref state, corrected);
        var plain = UncorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers).InitialState;
        UncorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers).Forward(inputs, ref plain, uncorrected);
        Assert.Equal(uncorrected, corrected);
        Assert.False(state.SampleRateDelay.IsActive);

        // Without the skip (the reference run with inputSkip 0), y_t[0] would lack x_t[0].
        double[] headOnly = weights.Reference(1, SampleRateCorrectionMode.None, inputSkip: 0).Run(inputs, Steps);
        for (int t = 0; t < Steps; t++)
        {
            Assert.Equal(headOnly[t * 2] + inputs[t * 2], corrected[t * 2], 1e-5);
            Assert.Equal(headOnly[t * 2 + 1], corrected[t * 2 + 1], 1e-5);
        }
    }

    [Fact]
    public void The_initial_state_is_what_streams_start_from_and_Reset_returns_to_it()
    {
        var weights = new RandomStack(seed: 9);
        CorrectedLstm2x9 model = CorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers);
        Assert.Equal(weights.Layers[1].InitialHidden, model.InitialState.Hidden(1).ToArray());
        Assert.Equal(weights.Layers[0].InitialCell, model.InitialState.Cell(0).ToArray());

        float[] inputs = Signal(40, 2);
        var state = model.InitialState;
        state.SetSampleRateRatio(2.5);
        float[] first = new float[80], again = new float[80];
        model.Forward(inputs, ref state, first);
        model.Reset(ref state);
        Assert.Equal(2.5, state.SampleRateDelay.Ratio);
        model.Forward(inputs, ref state, again);
        Assert.Equal(first, again);

        // State.Reset() is the zero state, keeping the ratio.
        state.Reset();
        Assert.Equal(2.5, state.SampleRateDelay.Ratio);
        Assert.All(state.Hidden(0).ToArray(), value => Assert.Equal(0, value));
    }

    [Fact]
    public void Ratios_outside_1_to_MaxSampleRateRatio_are_refused_with_the_reason()
    {
        var state = new CorrectedLstm2x9.State();
        var slower = Assert.Throws<ArgumentOutOfRangeException>(() => state.SetSampleRateRatio(44.1 / 48));
        Assert.Contains("resampled", slower.Message, StringComparison.Ordinal);
        var faster = Assert.Throws<ArgumentOutOfRangeException>(() => state.SetSampleRateRatio(4.5));
        Assert.Contains("MaxSampleRateRatio", faster.Message, StringComparison.Ordinal);
        Assert.Throws<ArgumentOutOfRangeException>(() => state.SetSampleRateRatio(double.NaN));
        Assert.Equal(4, CorrectedLstm2x9.MaxSampleRateRatio);
    }

    [Fact]
    public void A_headless_single_layer_is_corrected_too()
    {
        var rng = new Random(10);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() - 0.5))];
        var layer = new PyTorchLstmTensors(Values(48), Values(48 * 12), Values(48), Values(48));
        CorrectedLstm1x12 model = CorrectedLstm1x12.FromPyTorch(layer);
        float[] inputs = Signal(200, 1);
        var state = model.InitialState;
        state.SetSampleRateRatio(1.5);
        float[] outputs = new float[200 * 12];
        model.Forward(inputs, ref state, outputs);
        var reference = new ReferenceRateCorrectedLstm(1, [new(layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh)], null, null, 0, 1.5,
            ReferenceRateCorrectionMode.LinearInterpolation);
        double[] expected = reference.Run(inputs, 200);
        Assert.InRange(outputs.Select((value, k) => Math.Abs(value - expected[k])).Max(), 0, Tolerance);
    }

    [Fact]
    public void A_corrected_stream_allocates_nothing()
    {
        var weights = new RandomStack(seed: 11);
        CorrectedLstm2x9 model = CorrectedLstm2x9.FromPyTorch(weights.Head, weights.Layers);
        var state = model.InitialState;
        state.SetSampleRateRatio(96.0 / 44.1);
        var streams = new[] { state, state };
        float[] inputs = Signal(64, 2), outputs = new float[128];
        long allocated = SteadyState.AllocatedBytes(() =>
        {
            model.Forward(inputs, ref state, outputs);
            model.Step(inputs.AsSpan(0, 2), ref state, outputs.AsSpan(0, 2));
            model.StepBatch(inputs.AsSpan(0, 4), streams, outputs.AsSpan(0, 4));
        });
        Assert.Equal(0, allocated);
    }

    private static float[] Signal(int steps, int inputSize)
        => [.. Enumerable.Range(0, steps * inputSize).Select(k => k % inputSize == 0 ? 0.8f * MathF.Sin(0.05f * k) * MathF.Exp(-0.002f * k) : 0.5f)];

    /// <summary>Random weights of a 2 → 9, 2-layer stack with a head of 2, each layer with a stored initial state.</summary>
    private sealed class RandomStack
    {
        public RandomStack(int seed)
        {
            var rng = new Random(seed);
            float[] Values(int count, double scale = 1) => [.. Enumerable.Range(0, count).Select(_ => (float)((rng.NextDouble() - 0.5) * scale))];
            Layers = [.. Enumerable.Range(0, 2).Select(layer => new PyTorchLstmTensors(Values(36 * (layer == 0 ? 2 : 9)), Values(36 * 9), Values(36), Values(36))
            {
                InitialHidden = Values(9, 0.8),
                InitialCell = Values(9, 2),
            })];
            HeadWeight = Values(2 * 9);
            HeadBias = Values(2);
            Head = DenseLayer.FromPyTorch(9, 2, Activation.None, HeadWeight, HeadBias);
        }

        public PyTorchLstmTensors[] Layers { get; }

        public float[] HeadWeight { get; }

        public float[] HeadBias { get; }

        public DenseLayer Head { get; }

        public ReferenceRateCorrectedLstm Reference(double ratio, SampleRateCorrectionMode mode, int inputSkip = 1)
            => new(2, [.. Layers.Select(l => new ReferenceRateCorrectedLstm.Layer(l.WeightIh, l.WeightHh, l.BiasIh, l.BiasHh, l.InitialHidden, l.InitialCell))],
                HeadWeight, HeadBias, inputSkip, ratio, (ReferenceRateCorrectionMode)(int)mode);
    }
}

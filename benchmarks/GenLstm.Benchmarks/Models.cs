using System;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace GenLstm.Benchmarks;

// StepBenchmarks' sizes.
[Lstm(inputSize: 1, hiddenSize: 40)] public sealed partial class Lstm1x40 { }
[Lstm(inputSize: 16, hiddenSize: 32)] public sealed partial class Lstm16x32 { }
[Lstm(inputSize: 64, hiddenSize: 64)] public sealed partial class Lstm64x64 { }
[Lstm(inputSize: 128, hiddenSize: 256)] public sealed partial class Lstm128x256 { }

// SquareSweepBenchmarks' sizes (and 64x64 above).
[Lstm(inputSize: 4, hiddenSize: 4)] public sealed partial class Lstm4x4 { }
[Lstm(inputSize: 8, hiddenSize: 8)] public sealed partial class Lstm8x8 { }
[Lstm(inputSize: 16, hiddenSize: 16)] public sealed partial class Lstm16x16 { }
[Lstm(inputSize: 32, hiddenSize: 32)] public sealed partial class Lstm32x32 { }

// VariantBenchmarks' models: the opt-in weight storage and activations at StepBenchmarks' sizes.
[Lstm(1, 40, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm1x40 { }
[Lstm(16, 32, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm16x32 { }
[Lstm(64, 64, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm64x64 { }
[Lstm(128, 256, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm128x256 { }
[Lstm(1, 40, Precision = Precision.Fast)] public sealed partial class FastLstm1x40 { }
[Lstm(16, 32, Precision = Precision.Fast)] public sealed partial class FastLstm16x32 { }
[Lstm(64, 64, Precision = Precision.Fast)] public sealed partial class FastLstm64x64 { }
[Lstm(128, 256, Precision = Precision.Fast)] public sealed partial class FastLstm128x256 { }

/// <summary>
/// A generated model behind <see cref="ILstm"/>, so one benchmark class measures every size. Each generated type has
/// its own <c>State</c> and no common interface: the runner binds the model's <c>Step</c> and <c>Forward</c> as
/// delegates once and keeps the state. Adding a size is one line in <see cref="FromPyTorch"/> and one <c>Of</c>.
/// </summary>
public abstract class GeneratedRunner : ILstm
{
    public delegate void StepFunction<TState>(ReadOnlySpan<float> input, ref TState state, Span<float> output);

    public delegate void ForwardFunction<TState>(ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs);

    public delegate void BatchFunction<TState>(ReadOnlySpan<float> inputs, Span<TState> states, Span<float> outputs);

    public delegate void SplitStepFunction<TState>(ReadOnlySpan<float> input, ref TState state, Span<float> output, LstmWorker worker);

    public delegate void SplitForwardFunction<TState>(ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs, LstmWorker worker);

    /// <summary>The most streams <see cref="StepEach"/> and <see cref="StepBatch"/> serve.</summary>
    public const int MaxStreams = 16;

    /// <summary>
    /// Builds the generated model of a size "IxH" with its <c>FromPyTorch</c> (what <c>FromSafeTensors</c> calls after
    /// reading the same tensors).
    /// </summary>
    public static GeneratedRunner FromPyTorch(string size, PyTorchLstmTensors w) => size switch
    {
        "1x40" => Of(Lstm1x40.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "16x32" => Of(Lstm16x32.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "64x64" => Of(Lstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "128x256" => Of(Lstm128x256.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "4x4" => Of(Lstm4x4.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "8x8" => Of(Lstm8x8.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "16x16" => Of(Lstm16x16.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "32x32" => Of(Lstm32x32.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "no generated model of that size: declare one above"),
    };

    /// <summary>The same for a model declared with <c>WeightType = WeightType.BFloat16</c>.</summary>
    public static GeneratedRunner BFloat16FromPyTorch(string size, PyTorchLstmTensors w) => size switch
    {
        "1x40" => Of(BFloat16Lstm1x40.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "16x32" => Of(BFloat16Lstm16x32.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "64x64" => Of(BFloat16Lstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "128x256" => Of(BFloat16Lstm128x256.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "no bfloat16 model of that size: declare one above"),
    };

    /// <summary>The same for a model declared with <c>Precision = Precision.Fast</c>.</summary>
    public static GeneratedRunner FastFromPyTorch(string size, PyTorchLstmTensors w) => size switch
    {
        "1x40" => Of(FastLstm1x40.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "16x32" => Of(FastLstm16x32.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "64x64" => Of(FastLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "128x256" => Of(FastLstm128x256.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "no fast-activation model of that size: declare one above"),
    };

    public abstract void Step(ReadOnlySpan<float> input, Span<float> output);

    public abstract void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);

    public abstract void Reset();

    /// <summary><see cref="Step"/> split over two cores with the runner's <see cref="LstmWorker"/> (started on first use).</summary>
    public abstract void StepOnTwoCores(ReadOnlySpan<float> input, Span<float> output);

    /// <summary><see cref="Forward"/> split over two cores, every step as <see cref="StepOnTwoCores"/>.</summary>
    public abstract void ForwardOnTwoCores(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>One step of each of <paramref name="streams"/> streams with its own state: one <c>Step</c> call per stream.</summary>
    public abstract void StepEach(ReadOnlySpan<float> inputs, Span<float> outputs, int streams);

    /// <summary>The same with one <c>StepBatch</c> call.</summary>
    public abstract void StepBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int streams);

    private static GeneratedRunner Of(Lstm1x40 m) => new Bound<Lstm1x40.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm1x40.InputSize, Lstm1x40.OutputSize);
    private static GeneratedRunner Of(Lstm16x32 m) => new Bound<Lstm16x32.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm16x32.InputSize, Lstm16x32.OutputSize);
    private static GeneratedRunner Of(Lstm64x64 m) => new Bound<Lstm64x64.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm64x64.InputSize, Lstm64x64.OutputSize);
    private static GeneratedRunner Of(Lstm128x256 m) => new Bound<Lstm128x256.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm128x256.InputSize, Lstm128x256.OutputSize);
    private static GeneratedRunner Of(Lstm4x4 m) => new Bound<Lstm4x4.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm4x4.InputSize, Lstm4x4.OutputSize);
    private static GeneratedRunner Of(Lstm8x8 m) => new Bound<Lstm8x8.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm8x8.InputSize, Lstm8x8.OutputSize);
    private static GeneratedRunner Of(Lstm16x16 m) => new Bound<Lstm16x16.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm16x16.InputSize, Lstm16x16.OutputSize);
    private static GeneratedRunner Of(Lstm32x32 m) => new Bound<Lstm32x32.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, Lstm32x32.InputSize, Lstm32x32.OutputSize);

    private static GeneratedRunner Of(BFloat16Lstm1x40 m) => new Bound<BFloat16Lstm1x40.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, BFloat16Lstm1x40.InputSize, BFloat16Lstm1x40.OutputSize);
    private static GeneratedRunner Of(BFloat16Lstm16x32 m) => new Bound<BFloat16Lstm16x32.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, BFloat16Lstm16x32.InputSize, BFloat16Lstm16x32.OutputSize);
    private static GeneratedRunner Of(BFloat16Lstm64x64 m) => new Bound<BFloat16Lstm64x64.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, BFloat16Lstm64x64.InputSize, BFloat16Lstm64x64.OutputSize);
    private static GeneratedRunner Of(BFloat16Lstm128x256 m) => new Bound<BFloat16Lstm128x256.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, BFloat16Lstm128x256.InputSize, BFloat16Lstm128x256.OutputSize);
    private static GeneratedRunner Of(FastLstm1x40 m) => new Bound<FastLstm1x40.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, FastLstm1x40.InputSize, FastLstm1x40.OutputSize);
    private static GeneratedRunner Of(FastLstm16x32 m) => new Bound<FastLstm16x32.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, FastLstm16x32.InputSize, FastLstm16x32.OutputSize);
    private static GeneratedRunner Of(FastLstm64x64 m) => new Bound<FastLstm64x64.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, FastLstm64x64.InputSize, FastLstm64x64.OutputSize);
    private static GeneratedRunner Of(FastLstm128x256 m) => new Bound<FastLstm128x256.State>(m.Step, m.Forward, m.StepBatch, m.Step, m.Forward, FastLstm128x256.InputSize, FastLstm128x256.OutputSize);

    private sealed class Bound<TState>(StepFunction<TState> step, ForwardFunction<TState> forward, BatchFunction<TState> stepBatch,
        SplitStepFunction<TState> splitStep, SplitForwardFunction<TState> splitForward, int inputSize, int outputSize) : GeneratedRunner
        where TState : struct
    {
        private readonly TState[] _streams = new TState[MaxStreams];
        private TState _state;
        private LstmWorker? _worker;

        public override void StepOnTwoCores(ReadOnlySpan<float> input, Span<float> output)
            => splitStep(input, ref _state, output, _worker ??= new LstmWorker());

        public override void ForwardOnTwoCores(ReadOnlySpan<float> inputs, Span<float> outputs)
            => splitForward(inputs, ref _state, outputs, _worker ??= new LstmWorker());

        public override void StepEach(ReadOnlySpan<float> inputs, Span<float> outputs, int streams)
        {
            for (int s = 0; s < streams; s++)
            {
                step(inputs.Slice(s * inputSize, inputSize), ref _streams[s], outputs.Slice(s * outputSize, outputSize));
            }
        }

        public override void StepBatch(ReadOnlySpan<float> inputs, Span<float> outputs, int streams)
            => stepBatch(inputs[..(streams * inputSize)], _streams.AsSpan(0, streams), outputs[..(streams * outputSize)]);

        public override void Step(ReadOnlySpan<float> input, Span<float> output) => step(input, ref _state, output);

        public override void Forward(ReadOnlySpan<float> inputs, Span<float> outputs) => forward(inputs, ref _state, outputs);

        public override void Reset() => _state = default;
    }
}

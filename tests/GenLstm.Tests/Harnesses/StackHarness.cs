using System;
using System.Collections.Generic;
using System.IO;

namespace GenLstm.Tests;

/// <summary>
/// Runs any stacked, bidirectional or reverse test model through the same test code (each generated type has its own
/// State and no common interface): the model's members captured as delegates, as <see cref="ModelHarness"/> does.
/// </summary>
internal sealed class StackHarness
{
    public delegate void SequenceFunction<TState>(ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs);
    public delegate void StepFunction<TState>(ReadOnlySpan<float> input, ref TState state, Span<float> output);
    public delegate void BatchFunction<TState>(ReadOnlySpan<float> inputs, Span<TState> states, Span<float> outputs);
    public delegate Span<float> LayerVector<TState>(ref TState state, int layer, int direction);

    /// <summary>Outputs for every step (row-major) and the final h and c of every layer and direction, in PyTorch's h_n order.</summary>
    public sealed record Result(float[] Outputs, float[] Hidden, float[] Cell);

    private static readonly Dictionary<string, Func<SafeTensorsFile, StackHarness>> FromFile = new()
    {
        ["stacked2_3x20"] = file => Of(Stacked2Lstm3x20.FromSafeTensors(file)),
        ["stacked3_5x24"] = file => Of(Stacked3Lstm5x24.FromSafeTensors(file)),
        ["bidirectional_4x17"] = file => Of(BidirectionalLstm4x17.FromSafeTensors(file)),
        ["bidirectional2_5x24"] = file => Of(Bidirectional2Lstm5x24.FromSafeTensors(file)),
        ["bidirectional3_16x32"] = file => Of(Bidirectional3Lstm16x32.FromSafeTensors(file)),
        ["reverse2_3x20"] = file => Of(Reverse2Lstm3x20.FromSafeTensors(file)),
        ["head_5x24_none"] = file => Of(HeadLstm5x24.FromSafeTensors(file)),
        ["head2_3x20_softmax"] = file => Of(HeadSoftmaxStacked2Lstm3x20.FromSafeTensors(file)),
        ["headbi_4x17_tanh"] = file => Of(HeadTanhBidirectionalLstm4x17.FromSafeTensors(file)),
        ["head_1x8_sigmoid"] = file => Of(HeadSigmoidLstm1x8.FromSafeTensors(file)),
        ["head_2x9_relu"] = file => Of(HeadReluLstm2x9.FromSafeTensors(file)),
        ["proj_5x24p8"] = file => Of(ProjectedLstm5x24.FromSafeTensors(file)),
        ["proj2bi_3x20p6"] = file => Of(ProjectedBidirectional2Lstm3x20.FromSafeTensors(file)),
        ["proj2head_4x16p5"] = file => Of(ProjectedHeadStacked2Lstm4x16.FromSafeTensors(file)),
    };

    private readonly Func<float[], float[]?, float[]?, Result> _forward;
    private readonly Func<float[], float[], float[], bool, Result>? _steps;

    private StackHarness(int inputSize, int hiddenSize, int projectionSize, int outputSize, int layers, LstmDirection direction,
        Func<float[], float[]?, float[]?, Result> forward, Func<float[], float[], float[], bool, Result>? steps)
    {
        InputSize = inputSize;
        ProjectionSize = projectionSize;
        OutputSize = outputSize;
        HiddenSize = hiddenSize;
        Layers = layers;
        Direction = direction;
        _forward = forward;
        _steps = steps;
    }

    /// <summary>The golden files, by name: Golden/stack_{name}.safetensors.</summary>
    public static IEnumerable<string> Names => FromFile.Keys;

    public int InputSize { get; }
    public int HiddenSize { get; }
    public int OutputSize { get; }

    /// <summary>P, or 0 without projection.</summary>
    public int ProjectionSize { get; }
    public int Layers { get; }
    public LstmDirection Direction { get; }

    public static SafeTensorsFile Golden(string name)
        => SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Golden", $"stack_{name}.safetensors"));

    public static StackHarness Load(string name, SafeTensorsFile file) => FromFile[name](file);

    /// <summary>One Forward call over the sequence from (h0, c0) ([layers × directions, H] row-major), or from zero.</summary>
    public Result Forward(float[] inputs, float[]? h0 = null, float[]? c0 = null) => _forward(inputs, h0, c0);

    /// <summary>One Step (or StepBatch of one stream) per time step; forward models only.</summary>
    public Result Steps(float[] inputs, float[] h0, float[] c0, bool batch)
        => (_steps ?? throw new InvalidOperationException("a reverse or bidirectional model has no Step"))(inputs, h0, c0, batch);

    private static StackHarness Create<TState>(int inputSize, int hiddenSize, int projectionSize, int outputSize, int layers, LstmDirection direction,
        SequenceFunction<TState> forward, StepFunction<TState>? step, BatchFunction<TState>? stepBatch,
        LayerVector<TState> hidden, LayerVector<TState> cell)
        where TState : struct
    {
        int directions = direction == LstmDirection.Bidirectional ? 2 : 1;
        int hLength = projectionSize > 0 ? projectionSize : hiddenSize;

        TState Start(float[]? h0, float[]? c0)
        {
            var state = default(TState);
            for (int index = 0; index < layers * directions; index++)
            {
                h0?.AsSpan(index * hLength, hLength).CopyTo(hidden(ref state, index / directions, index % directions));
                c0?.AsSpan(index * hiddenSize, hiddenSize).CopyTo(cell(ref state, index / directions, index % directions));
            }
            return state;
        }

        Result Finish(float[] outputs, ref TState state)
        {
            var h = new float[layers * directions * hLength];
            var c = new float[layers * directions * hiddenSize];
            for (int index = 0; index < layers * directions; index++)
            {
                hidden(ref state, index / directions, index % directions).CopyTo(h.AsSpan(index * hLength));
                cell(ref state, index / directions, index % directions).CopyTo(c.AsSpan(index * hiddenSize));
            }
            return new Result(outputs, h, c);
        }

        Result Forward(float[] inputs, float[]? h0, float[]? c0)
        {
            TState state = Start(h0, c0);
            var outputs = new float[inputs.Length / inputSize * outputSize];
            forward(inputs, ref state, outputs);
            return Finish(outputs, ref state);
        }

        Result Steps(float[] inputs, float[] h0, float[] c0, bool batch)
        {
            TState[] states = [Start(h0, c0)];
            int steps = inputs.Length / inputSize;
            var outputs = new float[steps * outputSize];
            for (int t = 0; t < steps; t++)
            {
                if (batch)
                {
                    stepBatch!(inputs.AsSpan(t * inputSize, inputSize), states, outputs.AsSpan(t * outputSize, outputSize));
                }
                else
                {
                    step!(inputs.AsSpan(t * inputSize, inputSize), ref states[0], outputs.AsSpan(t * outputSize, outputSize));
                }
            }
            return Finish(outputs, ref states[0]);
        }

        return new StackHarness(inputSize, hiddenSize, projectionSize, outputSize, layers, direction, Forward, step is null ? null : Steps);
    }

    private static StackHarness Of(Stacked2Lstm3x20 m) => Create<Stacked2Lstm3x20.State>(Stacked2Lstm3x20.InputSize, Stacked2Lstm3x20.HiddenSize, 0, Stacked2Lstm3x20.OutputSize, Stacked2Lstm3x20.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref Stacked2Lstm3x20.State s, int l, int d) => s.Hidden(l, d), (ref Stacked2Lstm3x20.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(Stacked3Lstm5x24 m) => Create<Stacked3Lstm5x24.State>(Stacked3Lstm5x24.InputSize, Stacked3Lstm5x24.HiddenSize, 0, Stacked3Lstm5x24.OutputSize, Stacked3Lstm5x24.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref Stacked3Lstm5x24.State s, int l, int d) => s.Hidden(l, d), (ref Stacked3Lstm5x24.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(BidirectionalLstm4x17 m) => Create<BidirectionalLstm4x17.State>(BidirectionalLstm4x17.InputSize, BidirectionalLstm4x17.HiddenSize, 0, BidirectionalLstm4x17.OutputSize, BidirectionalLstm4x17.Layers, LstmDirection.Bidirectional,
        m.Forward, null, null, (ref BidirectionalLstm4x17.State s, int l, int d) => s.Hidden(l, d), (ref BidirectionalLstm4x17.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(Bidirectional2Lstm5x24 m) => Create<Bidirectional2Lstm5x24.State>(Bidirectional2Lstm5x24.InputSize, Bidirectional2Lstm5x24.HiddenSize, 0, Bidirectional2Lstm5x24.OutputSize, Bidirectional2Lstm5x24.Layers, LstmDirection.Bidirectional,
        m.Forward, null, null, (ref Bidirectional2Lstm5x24.State s, int l, int d) => s.Hidden(l, d), (ref Bidirectional2Lstm5x24.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(Bidirectional3Lstm16x32 m) => Create<Bidirectional3Lstm16x32.State>(Bidirectional3Lstm16x32.InputSize, Bidirectional3Lstm16x32.HiddenSize, 0, Bidirectional3Lstm16x32.OutputSize, Bidirectional3Lstm16x32.Layers, LstmDirection.Bidirectional,
        m.Forward, null, null, (ref Bidirectional3Lstm16x32.State s, int l, int d) => s.Hidden(l, d), (ref Bidirectional3Lstm16x32.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(Reverse2Lstm3x20 m) => Create<Reverse2Lstm3x20.State>(Reverse2Lstm3x20.InputSize, Reverse2Lstm3x20.HiddenSize, 0, Reverse2Lstm3x20.OutputSize, Reverse2Lstm3x20.Layers, LstmDirection.Reverse,
        m.Forward, null, null, (ref Reverse2Lstm3x20.State s, int l, int d) => s.Hidden(l, d), (ref Reverse2Lstm3x20.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(HeadLstm5x24 m) => Create<HeadLstm5x24.State>(HeadLstm5x24.InputSize, HeadLstm5x24.HiddenSize, 0, HeadLstm5x24.OutputSize, HeadLstm5x24.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref HeadLstm5x24.State s, int l, int d) => s.Hidden(l, d), (ref HeadLstm5x24.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(HeadSoftmaxStacked2Lstm3x20 m) => Create<HeadSoftmaxStacked2Lstm3x20.State>(HeadSoftmaxStacked2Lstm3x20.InputSize, HeadSoftmaxStacked2Lstm3x20.HiddenSize, 0, HeadSoftmaxStacked2Lstm3x20.OutputSize, HeadSoftmaxStacked2Lstm3x20.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref HeadSoftmaxStacked2Lstm3x20.State s, int l, int d) => s.Hidden(l, d), (ref HeadSoftmaxStacked2Lstm3x20.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(HeadTanhBidirectionalLstm4x17 m) => Create<HeadTanhBidirectionalLstm4x17.State>(HeadTanhBidirectionalLstm4x17.InputSize, HeadTanhBidirectionalLstm4x17.HiddenSize, 0, HeadTanhBidirectionalLstm4x17.OutputSize, HeadTanhBidirectionalLstm4x17.Layers, LstmDirection.Bidirectional,
        m.Forward, null, null, (ref HeadTanhBidirectionalLstm4x17.State s, int l, int d) => s.Hidden(l, d), (ref HeadTanhBidirectionalLstm4x17.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(HeadSigmoidLstm1x8 m) => Create<HeadSigmoidLstm1x8.State>(HeadSigmoidLstm1x8.InputSize, HeadSigmoidLstm1x8.HiddenSize, 0, HeadSigmoidLstm1x8.OutputSize, HeadSigmoidLstm1x8.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref HeadSigmoidLstm1x8.State s, int l, int d) => s.Hidden(l, d), (ref HeadSigmoidLstm1x8.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(HeadReluLstm2x9 m) => Create<HeadReluLstm2x9.State>(HeadReluLstm2x9.InputSize, HeadReluLstm2x9.HiddenSize, 0, HeadReluLstm2x9.OutputSize, HeadReluLstm2x9.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref HeadReluLstm2x9.State s, int l, int d) => s.Hidden(l, d), (ref HeadReluLstm2x9.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(ProjectedLstm5x24 m) => Create<ProjectedLstm5x24.State>(ProjectedLstm5x24.InputSize, ProjectedLstm5x24.HiddenSize, ProjectedLstm5x24.ProjectionSize, ProjectedLstm5x24.OutputSize, ProjectedLstm5x24.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref ProjectedLstm5x24.State s, int l, int d) => s.Hidden(l, d), (ref ProjectedLstm5x24.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(ProjectedBidirectional2Lstm3x20 m) => Create<ProjectedBidirectional2Lstm3x20.State>(ProjectedBidirectional2Lstm3x20.InputSize, ProjectedBidirectional2Lstm3x20.HiddenSize, ProjectedBidirectional2Lstm3x20.ProjectionSize, ProjectedBidirectional2Lstm3x20.OutputSize, ProjectedBidirectional2Lstm3x20.Layers, LstmDirection.Bidirectional,
        m.Forward, null, null, (ref ProjectedBidirectional2Lstm3x20.State s, int l, int d) => s.Hidden(l, d), (ref ProjectedBidirectional2Lstm3x20.State s, int l, int d) => s.Cell(l, d));
    private static StackHarness Of(ProjectedHeadStacked2Lstm4x16 m) => Create<ProjectedHeadStacked2Lstm4x16.State>(ProjectedHeadStacked2Lstm4x16.InputSize, ProjectedHeadStacked2Lstm4x16.HiddenSize, ProjectedHeadStacked2Lstm4x16.ProjectionSize, ProjectedHeadStacked2Lstm4x16.OutputSize, ProjectedHeadStacked2Lstm4x16.Layers, LstmDirection.Forward,
        m.Forward, m.Step, m.StepBatch, (ref ProjectedHeadStacked2Lstm4x16.State s, int l, int d) => s.Hidden(l, d), (ref ProjectedHeadStacked2Lstm4x16.State s, int l, int d) => s.Cell(l, d));
}

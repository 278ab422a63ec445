using System;
using System.Linq;
using System.Threading;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// <see cref="LstmWorker"/>: a step split between two threads gives bit for bit the numbers of <c>Step</c> (each block's
/// sums are the same, only the thread that computes them differs), on every path .ci/run runs, for block counts from 1
/// (the worker's half is empty) to 32, float32 and bfloat16 weights.
/// </summary>
public sealed class WorkerTests
{
    [Fact]
    public void A_split_step_is_bit_identical_to_Step_at_every_block_count()
    {
        using var worker = new LstmWorker();
        Check(Model<Lstm1x1>(1, 1, Lstm1x1.FromPyTorch), (m, i, ref s, o) => m.Step(i, ref s, o), (m, i, ref s, o, w) => m.Step(i, ref s, o, w),
            (m, i, ref s, o, w) => m.Forward(i, ref s, o, w), (ref Lstm1x1.State s) => s.Cell().ToArray(), 1, 1, worker);
        Check(Model<Lstm5x24>(5, 24, Lstm5x24.FromPyTorch), (m, i, ref s, o) => m.Step(i, ref s, o), (m, i, ref s, o, w) => m.Step(i, ref s, o, w),
            (m, i, ref s, o, w) => m.Forward(i, ref s, o, w), (ref Lstm5x24.State s) => s.Cell().ToArray(), 5, 24, worker);
        Check(Model<Lstm37x61>(37, 61, Lstm37x61.FromPyTorch), (m, i, ref s, o) => m.Step(i, ref s, o), (m, i, ref s, o, w) => m.Step(i, ref s, o, w),
            (m, i, ref s, o, w) => m.Forward(i, ref s, o, w), (ref Lstm37x61.State s) => s.Cell().ToArray(), 37, 61, worker);
        Check(Model<Lstm128x256>(128, 256, Lstm128x256.FromPyTorch), (m, i, ref s, o) => m.Step(i, ref s, o), (m, i, ref s, o, w) => m.Step(i, ref s, o, w),
            (m, i, ref s, o, w) => m.Forward(i, ref s, o, w), (ref Lstm128x256.State s) => s.Cell().ToArray(), 128, 256, worker);
        Check(Model<BFloat16Lstm64x64>(64, 64, BFloat16Lstm64x64.FromPyTorch), (m, i, ref s, o) => m.Step(i, ref s, o), (m, i, ref s, o, w) => m.Step(i, ref s, o, w),
            (m, i, ref s, o, w) => m.Forward(i, ref s, o, w), (ref BFloat16Lstm64x64.State s) => s.Cell().ToArray(), 64, 64, worker);
    }

    [Fact]
    public void A_worker_that_went_to_sleep_wakes_up_for_the_next_step()
    {
        using var worker = new LstmWorker();
        var model = Model<Lstm64x64>(64, 64, Lstm64x64.FromPyTorch);
        var alone = new Lstm64x64.State();
        var split = new Lstm64x64.State();
        float[] input = [.. Enumerable.Range(0, 64).Select(k => MathF.Cos(k))], expected = new float[64], actual = new float[64];

        for (int t = 0; t < 3; t++)
        {
            Thread.Sleep(LstmWorker.IdleMilliseconds * 3); // long enough for the worker to stop spinning and sleep
            model.Step(input, ref alone, expected);
            model.Step(input, ref split, actual, worker);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Misuse_is_reported()
    {
        var model = Model<Lstm5x24>(5, 24, Lstm5x24.FromPyTorch);
        var state = new Lstm5x24.State();
        float[] input = new float[5], output = new float[24];
        var worker = new LstmWorker();
        worker.Dispose();
        worker.Dispose(); // twice is harmless

        Assert.Equal("worker", Assert.Throws<ArgumentNullException>(() => model.Step(input, ref state, output, null!)).ParamName);
        Assert.Throws<ObjectDisposedException>(() => model.Step(input, ref state, output, worker));
        Assert.Equal("input", Assert.Throws<ArgumentException>(() => model.Step(new float[4], ref state, output, worker)).ParamName);
    }

    [Fact]
    public void A_split_step_allocates_nothing()
    {
        using var worker = new LstmWorker();
        var model = Model<Lstm128x256>(128, 256, Lstm128x256.FromPyTorch);
        var state = new Lstm128x256.State();
        float[] input = new float[128], output = new float[256], inputs = new float[4 * 128], outputs = new float[4 * 256];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 2_000; i++)
            {
                input[i % input.Length] = MathF.Sin(i);
                model.Step(input, ref state, output, worker);
            }
            model.Forward(inputs, ref state, outputs, worker);
        });

        Assert.Equal(0, allocated);
    }

    private delegate TModel Factory<TModel>(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh);
    private delegate void Stepper<TModel, TState>(TModel model, ReadOnlySpan<float> input, ref TState state, Span<float> output);
    private delegate void SplitStepper<TModel, TState>(TModel model, ReadOnlySpan<float> input, ref TState state, Span<float> output, LstmWorker worker);
    private delegate void SplitForward<TModel, TState>(TModel model, ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs, LstmWorker worker);
    private delegate float[] CellOf<TState>(ref TState state);

    private static TModel Model<TModel>(int inputSize, int hiddenSize, Factory<TModel> create)
    {
        SafeTensorsWriter.RandomLstm(inputSize, hiddenSize, seed: inputSize * 1000 + hiddenSize, out var w);
        return create(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
    }

    private static void Check<TModel, TState>(TModel model, Stepper<TModel, TState> step, SplitStepper<TModel, TState> splitStep,
        SplitForward<TModel, TState> splitForward, CellOf<TState> cell, int inputSize, int hiddenSize, LstmWorker worker)
        where TState : struct
    {
        const int steps = 20;
        float[] inputs = [.. Enumerable.Range(0, steps * inputSize).Select(i => 1.5f * MathF.Sin(0.7f * i))];
        float[] expected = new float[steps * hiddenSize], split = new float[steps * hiddenSize], forward = new float[steps * hiddenSize];
        TState alone = default, twoCores = default, sequence = default;

        for (int t = 0; t < steps; t++)
        {
            step(model, inputs.AsSpan(t * inputSize, inputSize), ref alone, expected.AsSpan(t * hiddenSize, hiddenSize));
            splitStep(model, inputs.AsSpan(t * inputSize, inputSize), ref twoCores, split.AsSpan(t * hiddenSize, hiddenSize), worker);
        }
        splitForward(model, inputs, ref sequence, forward, worker);

        Assert.Equal(expected, split);
        Assert.Equal(expected, forward);
        Assert.Equal(cell(ref alone), cell(ref twoCores));
        Assert.Equal(cell(ref alone), cell(ref sequence));
    }
}

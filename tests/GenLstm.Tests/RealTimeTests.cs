using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Threading;
using Xunit;

namespace GenLstm.Tests;

/// <summary>Tests that measure the whole process (GC counts): they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(RunsAlone), DisableParallelization = true)]
public sealed class RunsAlone;

/// <summary>
/// What a real-time loop relies on: no allocation and no collection in a long run, one model shared by threads with their
/// own states giving exactly the single-threaded numbers, and a stated behaviour for NaN and infinite inputs.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class RealTimeTests
{
    private static Lstm1x40 SmallModel() => Lstm1x40.FromSafeTensors(Golden.Open("1x40"));

    [Fact]
    public void A_million_steps_allocate_nothing_and_cause_no_collection()
    {
        Lstm1x40 model = SmallModel();
        var state = new Lstm1x40.State();
        float[] input = new float[1], output = new float[40];
        // The loop is compiled fully optimized up front, as a real-time loop should be (a tier-0 loop would be replaced on the
        // stack during the run), and warmed for 200,000 steps first: the runtime's own lazy work (tiering the library's
        // callees, one CI run measured 3.6 KB) happens early in a process's life, not in the model.
        Loop(model, ref state, input, output, 200_000);
        // The collection count is process-wide: start the measured run with an empty generation 0, so that the small
        // allocations of the test runner's own threads during the run cannot exhaust a budget the earlier tests used up
        // (one CI run saw a collection here with zero bytes allocated by the loop's thread).
        GC.Collect();
        GC.WaitForPendingFinalizers();
        GC.Collect();

        int collections = GC.CollectionCount(0);
        long allocated = GC.GetAllocatedBytesForCurrentThread();
        Loop(model, ref state, input, output, 1_000_000);
        Assert.Equal(0, GC.GetAllocatedBytesForCurrentThread() - allocated);
        Assert.Equal(0, GC.CollectionCount(0) - collections);
        Assert.All(output, value => Assert.True(float.IsFinite(value)));

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        static void Loop(Lstm1x40 model, ref Lstm1x40.State state, float[] input, float[] output, int steps)
        {
            for (int t = 0; t < steps; t++)
            {
                input[0] = (t & 1023) / 1024f - 0.5f;
                model.Step(input, ref state, output);
            }
        }
    }

    [Fact]
    public void Eight_threads_sharing_one_model_get_the_single_threaded_numbers_bit_for_bit()
    {
        var model = Lstm64x64.FromSafeTensors(Golden.Open("64x64"));
        const int Threads = 8, Steps = 300;
        float[][] inputs = [.. Enumerable.Range(0, Threads).Select(thread =>
            Enumerable.Range(0, Steps * 64).Select(k => MathF.Sin(0.01f * k * (thread + 1)) * (1 + thread % 3)).ToArray())];

        float[] Run(float[] sequence)
        {
            var state = new Lstm64x64.State();
            var outputs = new float[Steps * 64];
            for (int t = 0; t < Steps; t++)
            {
                model.Step(sequence.AsSpan(t * 64, 64), ref state, outputs.AsSpan(t * 64, 64));
            }
            return outputs;
        }
        float[][] expected = [.. inputs.Select(Run)];

        var actual = new float[Threads][];
        using var start = new Barrier(Threads);
        Thread[] threads = [.. Enumerable.Range(0, Threads).Select(thread => new Thread(() =>
        {
            start.SignalAndWait();
            actual[thread] = Run(inputs[thread]);
        }))];
        foreach (Thread thread in threads)
        {
            thread.Start();
        }
        foreach (Thread thread in threads)
        {
            thread.Join();
        }
        for (int thread = 0; thread < Threads; thread++)
        {
            Assert.Equal(expected[thread], actual[thread]);
        }
    }

    [Fact]
    public void The_same_inputs_give_the_same_bits_on_every_call_and_through_Step_or_Forward()
    {
        var model = Lstm64x64.FromSafeTensors(Golden.Open("64x64"));
        float[] inputs = [.. Enumerable.Range(0, 100 * 64).Select(k => MathF.Cos(0.37f * k))];
        float[] Forward()
        {
            var outputs = new float[inputs.Length];
            var state = new Lstm64x64.State();
            model.Forward(inputs, ref state, outputs);
            return outputs;
        }
        var stepped = new float[inputs.Length];
        var stepState = new Lstm64x64.State();
        for (int t = 0; t < 100; t++)
        {
            model.Step(inputs.AsSpan(t * 64, 64), ref stepState, stepped.AsSpan(t * 64, 64));
        }
        float[] first = Forward();
        Assert.Equal(first, Forward());
        Assert.Equal(first, stepped);
        Assert.Equal(first, Run(Lstm64x64.FromSafeTensors(Golden.Open("64x64"))));   // a second load of the same file

        float[] Run(Lstm64x64 other)
        {
            var outputs = new float[inputs.Length];
            var state = new Lstm64x64.State();
            other.Forward(inputs, ref state, outputs);
            return outputs;
        }
    }

    [Fact]
    public void A_NaN_input_makes_the_state_NaN_until_Reset()
    {
        // Documented behaviour: inputs are not checked per step (it would cost every caller). NaN propagates into h and c and
        // stays there; Reset (or a fresh State) recovers.
        Lstm1x40 model = SmallModel();
        var state = new Lstm1x40.State();
        var output = new float[40];
        model.Step([0.25f], ref state, output);
        model.Step([float.NaN], ref state, output);
        Assert.All(output, value => Assert.True(float.IsNaN(value)));
        model.Step([0.25f], ref state, output);
        Assert.All(output, value => Assert.True(float.IsNaN(value)));

        state.Reset();
        model.Step([0.25f], ref state, output);
        var fresh = new Lstm1x40.State();
        var expected = new float[40];
        model.Step([0.25f], ref fresh, expected);
        Assert.Equal(expected, output);
    }

    [Fact]
    public void An_infinite_input_saturates_the_gates_like_a_huge_finite_one()
    {
        // ±∞ times a weight is ±∞, which the activations take to 0, 1 or ±1 (their inputs are clamped), exactly as a huge
        // finite input: the state stays finite. (Two infinite inputs meeting weights of opposite signs would give ∞ − ∞ = NaN.)
        Lstm1x40 model = SmallModel();
        float[] Run(float x)
        {
            var state = new Lstm1x40.State();
            var output = new float[40];
            model.Step([0.25f], ref state, output);
            model.Step([x], ref state, output);
            model.Step([0.25f], ref state, output);
            return output;
        }
        float[] infinite = Run(float.PositiveInfinity);
        Assert.All(infinite, value => Assert.True(float.IsFinite(value)));
        Assert.Equal(Run(1e30f), infinite);
    }
}

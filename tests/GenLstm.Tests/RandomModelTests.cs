using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// Every generated test model, including odd shapes PyTorch has no golden file for (H = 1, H = 9 = one unit past a
/// block, a nested record), against the independent float64 reference with random weights and a random initial state.
/// </summary>
public sealed class RandomModelTests(ITestOutputHelper log)
{
    /// <summary>Same budget as the golden tests: float32 rounding over up to 384-term dot products and 80 steps.</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Sizes => new(Harnesses.Sizes);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Matches_the_float64_reference_from_a_random_state(string size)
    {
        int[] dims = size.Split('x').Select(int.Parse).ToArray();
        int inputSize = dims[0], hiddenSize = dims[1];
        var random = new Random(size.GetHashCode(StringComparison.Ordinal) & 0xFFFF);
        SafeTensorsFile file = SafeTensorsWriter.RandomLstm(inputSize, hiddenSize, seed: random.Next(), out var weights).ToFile();
        ModelHarness model = Harnesses.Load(size, file);
        float[] inputs = Enumerable.Range(0, 80 * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2)).ToArray();
        float[] h0 = Enumerable.Range(0, hiddenSize).Select(_ => (float)(random.NextDouble() * 1.8 - 0.9)).ToArray();
        float[] c0 = Enumerable.Range(0, hiddenSize).Select(_ => (float)(random.NextDouble() * 6 - 3)).ToArray();

        ModelHarness.Result actual = model.Run(inputs, h0, c0);
        var expected = weights.Reference(inputSize, hiddenSize).Run(inputs, h0, c0);

        double error = Golden.MaxAbsDifference(actual.Outputs, expected.Outputs);
        log.WriteLine($"{size}: max |h - float64 reference| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(actual.Cell, expected.Cell), 0, 10 * Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void StepBatch_gives_every_stream_bit_for_bit_the_numbers_of_Step(string size)
    {
        int[] dims = size.Split('x').Select(int.Parse).ToArray();
        int inputSize = dims[0], hiddenSize = dims[1];
        SafeTensorsFile file = SafeTensorsWriter.RandomLstm(inputSize, hiddenSize, seed: 21, out _).ToFile();
        ModelHarness model = Harnesses.Load(size, file);
        var random = new Random(22);
        float[] Random(int count, float scale) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)];

        // 1 to 7 streams cover every group size of every path (2 and 3) with and without streams left over.
        for (int streams = 1; streams <= 7; streams++)
        {
            float[][] inputs = [.. Enumerable.Range(0, streams).Select(_ => Random(12 * inputSize, 2))];
            float[][] h0 = [.. Enumerable.Range(0, streams).Select(_ => Random(hiddenSize, 0.9f))];
            float[][] c0 = [.. Enumerable.Range(0, streams).Select(_ => Random(hiddenSize, 3))];

            ModelHarness.Result[] batched = model.RunBatch(inputs, h0, c0);

            for (int s = 0; s < streams; s++)
            {
                ModelHarness.Result alone = model.Run(inputs[s], h0[s], c0[s]);
                Assert.Equal(alone.Outputs, batched[s].Outputs);
                Assert.Equal(alone.Cell, batched[s].Cell);
            }
        }
    }

    [Fact]
    public void Padded_units_stay_zero_and_never_reach_the_output()
    {
        // H = 9: one full block and one block with a single real unit and seven padded ones.
        SafeTensorsWriter.RandomLstm(Lstm2x9.InputSize, Lstm2x9.HiddenSize, seed: 7, out var w);
        var model = Lstm2x9.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        var state = new Lstm2x9.State();
        Span<float> output = stackalloc float[Lstm2x9.OutputSize + 1];
        output[^1] = 12345f; // a sentinel just past the output the model is given

        for (int t = 0; t < 500; t++)
        {
            model.Step([MathF.Sin(t), 3 * MathF.Cos(t / 7f)], ref state, output[..Lstm2x9.OutputSize]);
        }

        Assert.Equal(12345f, output[^1]);
        Assert.Contains(output[..Lstm2x9.OutputSize].ToArray(), v => v != 0); // the real units did work
        for (int unit = Lstm2x9.HiddenSize; unit < 16; unit++)
        {
            Assert.Equal(0f, state._hidden[unit]);
            Assert.Equal(0f, state._hidden[16 + unit]);
            Assert.Equal(0f, state._cell[unit]);
        }
    }

    [Fact]
    public void State_accessors_expose_exactly_h_and_c_and_Reset_zeroes_them()
    {
        SafeTensorsWriter.RandomLstm(Lstm5x24.InputSize, Lstm5x24.HiddenSize, seed: 3, out var w);
        var model = Lstm5x24.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        var state = new Lstm5x24.State();
        var output = new float[Lstm5x24.OutputSize];

        model.Step([1, 2, 3, 4, 5], ref state, output);

        Assert.Equal(Lstm5x24.HiddenSize, state.Hidden().Length);
        Assert.Equal(Lstm5x24.HiddenSize, state.Cell().Length);
        Assert.Equal(output, state.Hidden().ToArray());
        Assert.Contains(state.Cell().ToArray(), v => v != 0);

        state.Reset();

        Assert.All(state.Hidden().ToArray(), v => Assert.Equal(0f, v));
        Assert.All(state.Cell().ToArray(), v => Assert.Equal(0f, v));
    }
}

using System;
using Xunit;

namespace GenLstm.Tests;

/// <summary>Wrong span lengths and non-finite weights are caught at the API edge, naming the argument and the expectation.</summary>
public sealed class ValidationTests
{
    private static readonly Lstm5x24 Model = CreateModel();

    private static Lstm5x24 CreateModel()
    {
        SafeTensorsWriter.RandomLstm(Lstm5x24.InputSize, Lstm5x24.HiddenSize, seed: 1, out var w);
        return Lstm5x24.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
    }

    [Theory]
    [InlineData(4, 24, "input", 5)]
    [InlineData(6, 24, "input", 5)]
    [InlineData(0, 24, "input", 5)]
    [InlineData(5, 23, "output", 24)]
    [InlineData(5, 40, "output", 24)]
    public void Step_rejects_wrong_lengths(int inputLength, int outputLength, string parameter, int expected)
    {
        var state = new Lstm5x24.State();
        var input = new float[inputLength];
        var output = new float[outputLength];

        var error = Assert.Throws<ArgumentException>(() => Model.Step(input, ref state, output));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains($"Expected length {expected}", error.Message);
    }

    [Theory]
    [InlineData(11, 48, "inputs", "T × 5")]
    [InlineData(10, 47, "outputs", "Expected length 48")]
    [InlineData(10, 0, "outputs", "Expected length 48")]
    public void Forward_rejects_lengths_that_do_not_fit_one_sequence(int inputLength, int outputLength, string parameter, string expected)
    {
        var state = new Lstm5x24.State();

        var error = Assert.Throws<ArgumentException>(() => Model.Forward(new float[inputLength], ref state, new float[outputLength]));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains(expected, error.Message);
    }

    [Theory]
    [InlineData(3, 14, 72, "inputs", 15)]
    [InlineData(3, 15, 71, "outputs", 72)]
    [InlineData(0, 5, 0, "inputs", 0)]
    public void StepBatch_rejects_lengths_that_do_not_fit_the_number_of_states(int streams, int inputLength, int outputLength, string parameter, int expected)
    {
        var states = new Lstm5x24.State[streams];

        var error = Assert.Throws<ArgumentException>(() => Model.StepBatch(new float[inputLength], states, new float[outputLength]));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains($"Expected length {expected}", error.Message);
    }

    [Fact]
    public void Forward_over_zero_steps_does_nothing()
    {
        var state = new Lstm5x24.State();
        state.Hidden()[0] = 0.5f;

        Model.Forward([], ref state, []);

        Assert.Equal(0.5f, state.Hidden()[0]);
    }

    [Theory]
    [InlineData("weightIh", "[96, 5]")]
    [InlineData("weightHh", "[96, 24]")]
    [InlineData("biasIh", "[96]")]
    [InlineData("biasHh", "[96]")]
    public void FromPyTorch_rejects_a_wrong_length_naming_the_tensor_and_shape(string parameter, string shape)
    {
        SafeTensorsWriter.RandomLstm(5, 24, seed: 2, out var w);
        float[] Pick(string name, float[] values) => name == parameter ? values[..^1] : values;

        var error = Assert.Throws<ArgumentException>(() => Lstm5x24.FromPyTorch(
            Pick("weightIh", w.WeightIh), Pick("weightHh", w.WeightHh), Pick("biasIh", w.BiasIh), Pick("biasHh", w.BiasHh)));

        Assert.Equal(parameter, error.ParamName);
        Assert.Contains($"shape {shape}", error.Message);
    }

    [Theory]
    [InlineData(float.NaN)]
    [InlineData(float.PositiveInfinity)]
    [InlineData(float.NegativeInfinity)]
    public void FromPyTorch_rejects_non_finite_weights_naming_the_index(float bad)
    {
        SafeTensorsWriter.RandomLstm(5, 24, seed: 2, out var w);
        w.WeightHh[3 * 24 + 7] = bad;

        var error = Assert.Throws<ArgumentException>(() => Lstm5x24.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh));

        Assert.Equal("weightHh", error.ParamName);
        Assert.Contains("[3, 7]", error.Message);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// Neural Amp Modeler (<c>.nam</c>) LSTM files at the <see cref="WeightFile"/> level: NAM Core's real example model
/// (<c>nam-core/lstm.nam</c> of the real-data folder, in the conformance suite's <c>NamFileTests</c>) and small files written here, whose flat weights are cut into the canonical
/// tensors, with the expected position of every value computed here from NAM's layout; and every refusal, each naming its reason first.
/// </summary>
public sealed class NamReaderTests
{
    private const string Source = "model.nam";

    private static WeightFile Parse(string json) => WeightFile.Parse(Encoding.UTF8.GetBytes(json), Source);

    private static WeightFormatException Refusal(string json) => Assert.Throws<WeightFormatException>(() => Parse(json));

    private static string Numbers(IEnumerable<double> values) => "[" + string.Join(", ", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";

    /// <summary>A NAM LSTM file with the given config members and weights (and, unless null, sample rate).</summary>
    private static string Nam(string config, string weights, string? sampleRate = "48000", string version = "0.5.4", string architecture = "LSTM")
        => $$"""
            {"version": "{{version}}", "metadata": {"name": "Synthetic", "gear_type": "amp"}, "architecture": "{{architecture}}",
             "config": {{{config}}}, "weights": {{weights}}{{(sampleRate is null ? "" : $", \"sample_rate\": {sampleRate}")}}}
            """;

    /// <summary>A file of the right length for 1 input, 3 hidden, 1 layer, 1 output: 4·3·4 + 12 + 6 + 3 + 1 = 70 numbers.</summary>
    internal static string SmallNam(string? sampleRate = "48000", string weights = "")
        => Nam("\"input_size\": 1, \"hidden_size\": 3, \"num_layers\": 1", weights.Length > 0 ? weights : Numbers(Enumerable.Range(0, 70).Select(k => k * 0.01)), sampleRate);

    [Fact]
    public void Every_value_of_a_two_layer_file_lands_at_its_place_and_layer_1_reads_H_inputs()
    {
        // I = 2, H = 3, 2 layers, 2 outputs. Layer 0: 12·(2 + 3) + 12 + 3 + 3 = 78; layer 1: 12·(3 + 3) + 12 + 3 + 3 = 90; head 2·3 + 2 = 8.
        const int count = 78 + 90 + 8;
        static float Value(int k) => k * 0.5f;   // exact in float32, and distinct
        WeightFile file = Parse(Nam("\"input_size\": 2, \"hidden_size\": 3, \"num_layers\": 2, \"out_channels\": 2",
            Numbers(Enumerable.Range(0, count).Select(k => (double)Value(k))), sampleRate: null, version: "0.5.1"));

        Assert.Equal(WeightFileFormat.Nam, file.Format);
        Assert.Equal(
            ["weight_ih_l0 [12, 2]", "weight_hh_l0 [12, 3]", "bias_ih_l0 [12]", "bias_hh_l0 [12]", "initial_h_l0 [3]", "initial_c_l0 [3]",
             "weight_ih_l1 [12, 3]", "weight_hh_l1 [12, 3]", "bias_ih_l1 [12]", "bias_hh_l1 [12]", "initial_h_l1 [3]", "initial_c_l1 [3]",
             "output.weight [2, 3]", "output.bias [2]"],
            file.Tensors.Select(t => $"{t.Name} {t.ShapeText}"));
        void Expect(string tensor, int index, int flatIndex) => Assert.True(Value(flatIndex) == file.GetTensor(tensor).Values[index],
            $"{tensor}[{index}] should be weights[{flatIndex}] = {Value(flatIndex)}, found {file.GetTensor(tensor).Values[index]}");

        for (int row = 0; row < 12; row++)
        {
            for (int j = 0; j < 2; j++) Expect("weight_ih_l0", row * 2 + j, row * 5 + j);
            for (int j = 0; j < 3; j++) Expect("weight_hh_l0", row * 3 + j, row * 5 + 2 + j);
            Expect("bias_ih_l0", row, 60 + row);
            for (int j = 0; j < 3; j++) Expect("weight_ih_l1", row * 3 + j, 78 + row * 6 + j);
            for (int j = 0; j < 3; j++) Expect("weight_hh_l1", row * 3 + j, 78 + row * 6 + 3 + j);
            Expect("bias_ih_l1", row, 78 + 72 + row);
        }
        for (int j = 0; j < 3; j++)
        {
            Expect("initial_h_l0", j, 72 + j);
            Expect("initial_c_l0", j, 75 + j);
            Expect("initial_h_l1", j, 78 + 84 + j);
            Expect("initial_c_l1", j, 78 + 87 + j);
            for (int o = 0; o < 2; o++) Expect("output.weight", o * 3 + j, 168 + o * 3 + j);
        }
        Expect("output.bias", 0, 174);
        Expect("output.bias", 1, 175);
        Assert.All(file.GetTensor("bias_hh_l1").Values, b => Assert.Equal(0f, b));

        // Before version 0.5.2 a file states no sample rate: NAM assumes 48 kHz, and the metadata says so.
        Assert.Equal(48000, file.SampleRate);
        Assert.Contains(file.Metadata, entry => entry.Key == "sample_rate" && entry.Value.Contains("NAM assumes 48000", StringComparison.Ordinal));
        Assert.Contains(new KeyValuePair<string, string>("version", "0.5.1"), file.Metadata);
        Assert.Equal(new LstmDeclaration(2, 3) { Layers = 2, OutputSize = 2 }, file.InferDeclaration());
    }

    [Fact]
    public void A_stated_sample_rate_is_the_files()
        => Assert.Equal(44100, Parse(SmallNam(sampleRate: "44100")).SampleRate);

    [Fact]
    public void The_config_is_checked_against_a_declaration_naming_the_attribute()
    {
        WeightFile file = Parse(SmallNam());
        Assert.Equal(["input_size = 1", "hidden_size = 3", "num_layers = 1", "out_channels = 1"], file.Statements.Select(a => $"{a.Name} = {a.Value}"));
        Assert.All(file.Statements, a => Assert.True(a.IsChecked));
        file.RequireDeclaration(new LstmDeclaration(1, 3) { OutputSize = 1 });

        (LstmDeclaration Declaration, string Attribute, string Declared)[] cases =
        [
            (new LstmDeclaration(2, 3) { OutputSize = 1 }, "input_size = 1", "InputSize = 2"),
            (new LstmDeclaration(1, 8) { OutputSize = 1 }, "hidden_size = 3", "HiddenSize = 8"),
            (new LstmDeclaration(1, 3) { Layers = 2, OutputSize = 1 }, "num_layers = 1", "Layers = 2"),
            (new LstmDeclaration(1, 3), "out_channels = 1", "OutputSize = 0"),
            (new LstmDeclaration(1, 3) { OutputSize = 1, OutputActivation = Activation.Tanh }, "out_channels = 1", "OutputActivation = Tanh"),
        ];
        foreach ((LstmDeclaration declaration, string attribute, string declared) in cases)
        {
            var error = Assert.Throws<WeightFormatException>(() => file.RequireDeclaration(declaration));
            Assert.Contains($"NAM config has {attribute}, but the declaration has {declared}", error.Message);
        }
    }

    [Fact]
    public void Another_architecture_is_refused_naming_it_and_what_the_file_holds()
    {
        var error = Refusal(Nam("\"layers\": [], \"head\": null, \"head_scale\": 0.02", "[0.1, 0.2]", architecture: "WaveNet"));
        Assert.StartsWith($"{Source}: a Neural Amp Modeler (.nam) file with architecture 'WaveNet'; GenLstm runs only NAM's LSTM architecture", error.Message);
        Assert.Contains("config keys [layers, head, head_scale]", error.Message);
        Assert.Contains("version '0.5.4'", error.Message);
        Assert.Contains("2 weights", error.Message);
        Assert.Null(error.TensorName);
    }

    [Theory]
    [InlineData("\"hidden_size\": 3, \"num_layers\": 1", "has no 'input_size'")]
    [InlineData("\"input_size\": 1, \"num_layers\": 1", "has no 'hidden_size'")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 3", "has no 'num_layers'")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 1.5, \"num_layers\": 1", "config.hidden_size is 1.5; it must be a whole number from 1 to 2048")]
    [InlineData("\"input_size\": 1, \"hidden_size\": \"3\", \"num_layers\": 1", "config.hidden_size is the string '3'; it must be a whole number from 1 to 2048")]
    [InlineData("\"input_size\": 0, \"hidden_size\": 3, \"num_layers\": 1", "config.input_size is 0; it must be a whole number from 1 to 65536")]
    [InlineData("\"input_size\": 1, \"hidden_size\": -3, \"num_layers\": 1", "config.hidden_size is -3; it must be a whole number from 1 to 2048")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 4096, \"num_layers\": 1", "config.hidden_size is 4096; it must be a whole number from 1 to 2048")]
    [InlineData("\"input_size\": 99999999999, \"hidden_size\": 3, \"num_layers\": 1", "config.input_size is 99999999999; it must be a whole number from 1 to 65536")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 3, \"num_layers\": 17", "config.num_layers is 17; it must be a whole number from 1 to 16")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 3, \"num_layers\": 1, \"out_channels\": 65537", "config.out_channels is 65537; it must be a whole number from 1 to 65536")]
    [InlineData("\"input_size\": 1, \"hidden_size\": 3, \"num_layers\": 1, \"out_channels\": 0", "config.out_channels is 0")]
    public void A_config_size_that_is_missing_not_whole_or_out_of_bounds_is_refused(string config, string reason)
    {
        var error = Refusal(Nam(config, Numbers(Enumerable.Range(0, 70).Select(k => k * 0.01))));
        Assert.StartsWith($"{Source}: the NAM LSTM's config", error.Message);
        Assert.Contains(reason, error.Message);
    }

    [Fact]
    public void A_config_that_is_not_an_object_is_refused()
        => Assert.StartsWith($"{Source}: the NAM LSTM's 'config' is a list; it must be an object",
            Refusal("""{"architecture": "LSTM", "config": [1, 3, 1], "weights": [0.5]}""").Message);

    [Theory]
    [InlineData(5, "\"0.5\"", "weights[5] is the string '0.5', not a number")]
    [InlineData(69, "null", "weights[69] is null, not a number")]
    [InlineData(0, "[0.5]", "weights[0] is a list, not a number")]
    public void A_weight_that_is_not_a_number_is_refused_naming_its_index(int index, string item, string reason)
    {
        string[] items = [.. Enumerable.Range(0, 70).Select(k => (k * 0.01).ToString("R", CultureInfo.InvariantCulture))];
        items[index] = item;
        var error = Refusal(SmallNam(weights: "[" + string.Join(", ", items) + "]"));
        Assert.StartsWith($"{Source}: {reason}", error.Message);
    }

    [Fact]
    public void A_weight_count_other_than_the_configs_is_refused_with_both_counts_and_the_formula()
    {
        var error = Refusal(SmallNam(weights: Numbers(Enumerable.Range(0, 69).Select(k => k * 0.01))));
        Assert.StartsWith($"{Source}: the NAM LSTM's 'weights' holds 69 numbers, but its config (input_size 1, hidden_size 3, num_layers 1, out_channels 1) implies 70", error.Message);
        Assert.Contains("4H·(I + H) matrix + 4H bias + H h0 + H c0", error.Message);
        Assert.Contains("4·3·(1 + 3) + 4·3 + 2·3 = 66 for layer 0", error.Message);
        Assert.Contains("1·3 + 1 = 4 for the head", error.Message);

        var stacked = Refusal(Nam("\"input_size\": 2, \"hidden_size\": 3, \"num_layers\": 3", "[]"));
        Assert.Contains("holds 0 numbers, but its config (input_size 2, hidden_size 3, num_layers 3, out_channels 1) implies 262", stacked.Message);
        Assert.Contains("= 90 for each of layers 1 to 2", stacked.Message);
    }

    [Fact]
    public void The_largest_config_with_a_short_list_is_refused_without_allocating_what_it_claims()
    {
        string json = Nam("\"input_size\": 65536, \"hidden_size\": 2048, \"num_layers\": 16, \"out_channels\": 65536", "[0.1, 0.2, 0.3]");
        long before = GC.GetAllocatedBytesForCurrentThread();
        var error = Refusal(json);
        long allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        // 4·2048·(65536 + 2048) + 6·2048 for layer 0, 4·2048·4096 + 6·2048 for each of 15 more, 65536·2048 + 65536 for the head.
        long expected = 4L * 2048 * (65536 + 2048) + 6 * 2048 + 15 * (4L * 2048 * 4096 + 6 * 2048) + 65536L * 2048 + 65536;
        Assert.Contains($"holds 3 numbers, but its config (input_size 65536, hidden_size 2048, num_layers 16, out_channels 65536) implies {expected}", error.Message);
        Assert.InRange(allocated, 0, 1 << 20);
    }

    [Theory]
    [InlineData("\"48k\"")]
    [InlineData("0")]
    [InlineData("-44100")]
    [InlineData("null")]
    public void A_sample_rate_that_is_not_a_positive_number_is_refused(string sampleRate)
        => Assert.StartsWith($"{Source}: the NAM file's sample_rate is", Refusal(SmallNam(sampleRate)).Message);

    [Fact]
    public void A_weight_beyond_float_range_reads_and_is_refused_naming_the_tensor_when_a_model_reads_it()
    {
        string[] items = [.. Enumerable.Range(0, 70).Select(k => (k * 0.01).ToString("R", CultureInfo.InvariantCulture))];
        items[2] = "1e999";   // row 0 of the matrix is [w_ih | w_hh w_hh w_hh]: weights[2] is weight_hh_l0[0, 1]
        WeightFile file = Parse(SmallNam(weights: "[" + string.Join(", ", items) + "]"));
        var error = Assert.Throws<WeightFormatException>(file.InferDeclaration);
        Assert.Equal("weight_hh_l0", error.TensorName);
        Assert.Contains("weights must be finite; element [0, 1]", error.Message);
    }
}

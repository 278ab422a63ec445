using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using GenLstm.TestSupport;
using Xunit;

using static GenLstm.Conformance.RealDataValues;

namespace GenLstm.Conformance;

/// <summary>
/// The float64 GRU reference (issue 16's yardstick) on the real GRU files, against the outputs their authors' PyTorch
/// produced: RTNeural's four chained layers (<c>rtneural-gru/gru_torch.json</c>, PyTorch's float32 outputs) and
/// NeuralSeed's trained GRU(1, 4) pedal with its input skip (<c>neuralseed/gru4_ts9_pytorch.json</c>, float64 PyTorch).
/// The files are read here as plain JSON, apart from GenLstm's readers (GruFileTests reads them through the readers).
/// </summary>
public sealed class GruReferenceTests
{
    [Fact]
    public void RTNeurals_four_GRU_layers_and_dense_head_reproduce_PyTorchs_outputs()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(RealData.FileAt("rtneural-gru/gru_torch.json")));
        JsonElement stateDict = json.RootElement;
        float[] x = ReadColumn("rtneural-gru/gru_torch_x_python.csv");
        double[] expected = [.. ReadColumn("rtneural-gru/gru_torch_y_python.csv").Select(v => (double)v)];

        // gru: GRU(1, 8); gru2: GRU(8, 8, num_layers = 3) (all three layers: RTNeural issue #148); dense: Linear(8, 1).
        float[] sequence = x;
        foreach ((string module, int layer) in new[] { ("gru", 0), ("gru2", 0), ("gru2", 1), ("gru2", 2) })
        {
            sequence = [.. Layer(stateDict, $"{module}.", layer, sequence.Length / x.Length).Run(sequence).Outputs.Select(v => (float)v)];
        }
        double[] actual = Dense(stateDict, "dense.", [.. sequence.Select(v => (double)v)], 8);
        // PyTorch ran in float32: its outputs are within a few float32 roundings of the float64 model (3.1e-8 measured).
        Assert.InRange(MaxAbsDifference(actual, expected), 0, 1e-6);
    }

    [Fact]
    public void NeuralSeeds_GRU_pedal_with_its_input_skip_reproduces_PyTorch_in_float64()
    {
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(RealData.FileAt("neuralseed/gru4_ts9_pytorch.json")));
        JsonElement stateDict = json.RootElement.GetProperty("state_dict");
        ReferenceCsv reference = ReferenceCsv.Read("neuralseed/gru4_ref.csv", "x0", "y_f64");
        float[] x = reference.Interleaved(["x0"]);
        double[] head = Dense(stateDict, "lin.", Layer(stateDict, "rec.", 0, 1).Run(x).Outputs, 4);
        double[] actual = [.. head.Select((y, t) => y + x[t])];   // skip = 1: y_t = lin(h_t) + x_t
        // Both float64 on the same float32 weights and inputs: only the order of sums and the last bits of tanh and exp differ.
        Assert.InRange(MaxAbsDifference(actual, reference.Column("y_f64")), 0, 1e-12);
    }

    /// <summary>One layer of a PyTorch GRU module from a state dict as JSON.</summary>
    private static ReferenceGru Layer(JsonElement stateDict, string prefix, int layer, int inputSize)
    {
        float[] Read(string name) => [.. Flatten(stateDict.GetProperty($"{prefix}{name}_l{layer}"))];
        float[] biasIh = Read("bias_ih");
        return new ReferenceGru(inputSize, biasIh.Length / 3, Read("weight_ih"), Read("weight_hh"), biasIh, Read("bias_hh"));
    }

    /// <summary>A torch.nn.Linear with one output over each step's <paramref name="width"/> values, in float64.</summary>
    private static double[] Dense(JsonElement stateDict, string prefix, double[] inputs, int width)
    {
        float[] weight = [.. Flatten(stateDict.GetProperty(prefix + "weight"))];
        double bias = Flatten(stateDict.GetProperty(prefix + "bias")).Single();
        return [.. Enumerable.Range(0, inputs.Length / width).Select(t => bias + Enumerable.Range(0, width).Sum(k => weight[k] * inputs[t * width + k]))];
    }
}

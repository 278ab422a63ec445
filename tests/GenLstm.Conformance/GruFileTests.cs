using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using GenLstm.TestSupport;
using GenLstm.Tool;
using Xunit;

using static GenLstm.Conformance.RealDataValues;

namespace GenLstm.Conformance;

/// <summary>
/// The real GRU files read by GenLstm's readers (issue 16): NeuralSeed's trained GRU(1, 4) pedal in CoreAudioML's SimpleRNN JSON
/// and RTNeural's four chained PyTorch GRU layers (<c>gru</c>, then the 3-layer <c>gru2</c>) as a state dict. The tensors read
/// are the file's own, the declaration is the model's, and the float64 references run on what was read reproduce the outputs
/// the files' authors' PyTorch produced (<see cref="GruReferenceTests"/> reads the same files as plain JSON).
/// </summary>
public sealed class GruFileTests
{
    [Fact]
    public void NeuralSeeds_GRU_pedal_reads_as_a_GRU_with_its_skip_and_reproduces_PyTorch_in_float64()
    {
        string path = RealData.FileAt("neuralseed/gru4_ts9_pytorch.json");
        WeightFile file = WeightFile.Open(path);
        LstmDeclaration declaration = file.InferDeclaration();
        Assert.Equal((RecurrentCell.Gru, 1, 4, 1, true), (declaration.Cell, declaration.InputSize, declaration.HiddenSize, declaration.Layers, declaration.ResetAfter));
        Assert.Equal((1, 1), (declaration.OutputSize, declaration.InputSkip));

        PyTorchLstmTensors layer = PyTorchLstmTensors.ReadLayers(file, declaration).Single();
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        AssertLayerIs(json.RootElement.GetProperty("state_dict"), "rec.", 0, layer);

        ReferenceCsv reference = ReferenceCsv.Read("neuralseed/gru4_ref.csv", "x0", "y_f64");
        float[] x = reference.Interleaved(["x0"]);
        double[] h = new ReferenceGru(1, 4, layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh).Run(x).Outputs;
        DenseLayer head = DenseLayer.Read(file, 4, 1, Activation.None);
        double[] actual = [.. Enumerable.Range(0, x.Length).Select(t => head.Bias[0] + Enumerable.Range(0, 4).Sum(k => (double)head.Weight[k] * h[t * 4 + k]) + x[t])];
        Assert.InRange(MaxAbsDifference(actual, reference.Column("y_f64")), 0, 1e-12);

        // genlstm check: the same model, skip included, by the tool's own float64 reference.
        double[][] tool = ReferenceRunner.Create(file, declaration).Run([.. x.Select(v => new[] { (double)v })]);
        Assert.InRange(MaxAbsDifference([.. tool.Select(row => row.Single())], reference.Column("y_f64")), 0, 1e-12);
    }

    [Fact]
    public void RTNeurals_four_chained_GRU_layers_are_all_read_and_reproduce_PyTorch()
    {
        string path = RealData.FileAt("rtneural-gru/gru_torch.json");
        WeightFile file = WeightFile.Open(path);
        LstmDeclaration declaration = file.InferDeclaration();
        Assert.Equal((RecurrentCell.Gru, 1, 8, 4, 1), (declaration.Cell, declaration.InputSize, declaration.HiddenSize, declaration.Layers, declaration.OutputSize));

        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(file, declaration);
        using JsonDocument json = JsonDocument.Parse(File.ReadAllText(path));
        foreach ((PyTorchLstmTensors layer, (string module, int index)) in layers.Zip(new[] { ("gru.", 0), ("gru2.", 0), ("gru2.", 1), ("gru2.", 2) }))
        {
            AssertLayerIs(json.RootElement, module, index, layer);
        }

        float[] x = ReadColumn("rtneural-gru/gru_torch_x_python.csv");
        double[] expected = [.. ReadColumn("rtneural-gru/gru_torch_y_python.csv").Select(v => (double)v)];
        float[] sequence = x;
        foreach (PyTorchLstmTensors layer in layers)
        {
            int columns = sequence.Length / x.Length;
            sequence = [.. new ReferenceGru(columns, 8, layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh).Run(sequence).Outputs.Select(v => (float)v)];
        }
        DenseLayer head = DenseLayer.Read(file, 8, 1, Activation.None);
        double[] actual = [.. Enumerable.Range(0, x.Length).Select(t => head.Bias[0] + Enumerable.Range(0, 8).Sum(k => (double)head.Weight[k] * sequence[t * 8 + k]))];
        // PyTorch ran in float32: its outputs are within a few float32 roundings of the float64 model (3.1e-8 measured).
        Assert.InRange(MaxAbsDifference(actual, expected), 0, 1e-6);

        double[][] tool = ReferenceRunner.Create(file, declaration).Run([.. x.Select(v => new[] { (double)v })]);
        Assert.InRange(MaxAbsDifference([.. tool.Select(row => row.Single())], expected), 0, 1e-6);
    }

    [Fact]
    public void A_declared_LSTM_is_refused_by_the_SimpleRNN_files_unit_type()
    {
        WeightFile file = WeightFile.Open(RealData.FileAt("neuralseed/gru4_ts9_pytorch.json"));
        var error = Assert.Throws<WeightFormatException>(() => file.RequireDeclaration(file.InferDeclaration() with { Cell = RecurrentCell.Lstm }));
        Assert.Contains("gru4_ts9_pytorch.json", error.Message);
        Assert.Contains("model_data has unit_type = GRU, but the declaration has [Lstm] (an LSTM)", error.Message);
    }

    /// <summary>The layer read equals the file's tensors of <paramref name="module"/> layer <paramref name="index"/>, as PyTorch wrote them (r, z, n).</summary>
    private static void AssertLayerIs(JsonElement stateDict, string module, int index, PyTorchLstmTensors layer)
    {
        float[] Read(string name) => [.. Flatten(stateDict.GetProperty($"{module}{name}_l{index}"))];
        Assert.Equal(Read("weight_ih"), layer.WeightIh);
        Assert.Equal(Read("weight_hh"), layer.WeightHh);
        Assert.Equal(Read("bias_ih"), layer.BiasIh);
        Assert.Equal(Read("bias_hh"), layer.BiasHh);
    }
}

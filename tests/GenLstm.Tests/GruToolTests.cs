using System;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.Tool;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// <c>genlstm inspect</c>, <c>convert</c> and <c>check</c> on the GRU format files (tests/scripts/make_gru_formats.py); the HDF5
/// files need <c>KerasHdf5.Register()</c>, which the tool calls and these tests do not (it is global), so GruFormatTests covers them.
/// </summary>
public sealed class GruToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-gru-tool-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static FileInfo FormatFile(string name) => new(FormatTests.PathOf(name));

    [Theory]
    [InlineData("gru_rtneural.json", "[Gru(inputSize: 3, hiddenSize: 5, Layers = 2)]\n[OutputHead(size: 2, InputSkip = 1)]")]
    [InlineData("gru_state_dict.json", "[Gru(inputSize: 3, hiddenSize: 5, Layers = 2)]\n[OutputHead(size: 2, InputSkip = 1)]")]
    [InlineData("gru.onnx", "[Gru(inputSize: 3, hiddenSize: 5, ResetAfter = false)]\n[OutputHead(size: 2)]")]
    [InlineData("gru_bidirectional.onnx", "[Gru(inputSize: 3, hiddenSize: 5, Direction = LstmDirection.Bidirectional, ActivationClip = 50f)]")]
    public void Inspect_prints_the_Gru_declaration_that_loads_the_file(string name, string declaration)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Commands.Inspect(FormatFile(name), output, error);

        Assert.True(exit == 0, error.ToString());
        string text = output.ToString().ReplaceLineEndings("\n");
        Assert.Contains($"{declaration}\npublic sealed partial class MyModel {{ }}", text);
        Assert.Contains("model       GRU 3 -> 5", text);
        Assert.Contains("weight_hh_l0", text);
    }

    [Fact]
    public void Inspect_says_where_the_reset_gate_applies_and_that_the_initial_state_is_h0_alone()
    {
        var output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(FormatFile("gru.onnx"), output, new StringWriter()));

        Assert.Contains("model       GRU 3 -> 5, 1 layer(s), forward, reset gate before the recurrent product, dense head -> 2", output.ToString());
        Assert.Contains("ONNX node 'GRU_0': linear_before_reset = 0 (ONNX's default) (checked", output.ToString());
        Assert.Contains("// The file stores the state its streams start from (h0): start every stream from it,", output.ToString());
    }

    [Fact]
    public void Convert_writes_the_GRU_tensors_in_PyTorchs_layout()
    {
        var destination = new FileInfo(Path.Combine(_folder, "gru.safetensors"));
        var output = new StringWriter();
        Assert.Equal(0, Commands.Convert(FormatFile("gru.onnx"), destination, output, new StringWriter()));
        Assert.Contains("7 tensors from Onnx", output.ToString());

        SafeTensorsFile converted = SafeTensorsFile.Open(destination.FullName);
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf("gru_onnx.reference.safetensors"));
        foreach (string name in new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "initial_h_l0", "output.weight", "output.bias" })
        {
            Assert.Equal(reference.ReadFloat32(name), converted.ReadFloat32(name));
        }
        Assert.Equal([15L, 3], converted.Tensors.Single(t => t.Name == "weight_ih_l0").Shape);
        // The tensors alone are PyTorch's GRU: the reset variant was a statement of the ONNX file (a declaration says it again).
        Assert.Equal((RecurrentCell.Gru, true), (WeightFile.Open(destination.FullName).InferDeclaration().Cell, WeightFile.Open(destination.FullName).InferDeclaration().ResetAfter));
    }

    [Theory]
    [InlineData("gru.onnx", "gru_onnx.reference.safetensors", 0)]
    [InlineData("gru_rtneural.json", "gru.reference.safetensors", 1)]
    [InlineData("gru_bidirectional.onnx", "gru_bidirectional.reference.safetensors", 0)]
    public void Check_runs_the_GRU_in_float64_as_the_script_did(string name, string referenceName, int inputSkip)
    {
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(referenceName));
        float[] inputs = reference.ReadFloat32("input");
        string csv = Path.Combine(_folder, "input.csv");
        File.WriteAllLines(csv, [.. inputs.Chunk(3).Select(row => string.Join(",", row.Select(v => ((double)v).ToString("R", CultureInfo.InvariantCulture))))]);
        var output = new StringWriter();
        var error = new StringWriter();

        Assert.True(Commands.Check(FormatFile(name), new FileInfo(csv), null, output, error) == 0, error.ToString());
        Assert.StartsWith("running GRU 3 -> 5", error.ToString());
        double[][] rows = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())];
        double[] expected = reference.ReadFloat64("output_f64");
        int width = rows[0].Length;
        for (int t = 0; t < rows.Length; t++)
        {
            for (int j = 0; j < width; j++)
            {
                double skip = j < inputSkip ? inputs[t * 3 + j] : 0;
                Assert.Equal(expected[t * width + j] + skip, rows[t][j], 1e-12);
            }
        }
    }
}

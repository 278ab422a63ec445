using System;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.Tool;
using Xunit;

namespace GenLstm.Tests;

/// <summary>The <c>genlstm</c> commands on the format golden files (tests/scripts/make_format_golden.py).</summary>
public sealed class ToolTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-tool-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static FileInfo GoldenFile(string name) => new(FormatTests.PathOf(name));

    [Theory]
    [InlineData("stack.onnx")]
    [InlineData("stack_state_dict.json")]
    [InlineData("stack_keras.safetensors")]
    public void Inspect_prints_the_declaration_that_loads_the_file(string name)
    {
        var output = new StringWriter();
        int exit = Commands.Inspect(GoldenFile(name), output, new StringWriter());

        Assert.Equal(0, exit);
        Assert.Contains("""
            [Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
            [LstmOutput(size: 2)]
            public sealed partial class MyModel { }
            """.ReplaceLineEndings(), output.ToString());
        Assert.Contains("weight_hh_l1  ", output.ToString());
    }

    [Fact]
    public void Inspect_lists_what_a_file_states_and_skips()
    {
        var output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(GoldenFile("stack_state_dict.json"), output, new StringWriter()));
        Assert.Contains("model_data: skip = 1", output.ToString());
        Assert.Contains("skipped     nothing", output.ToString());
    }

    [Fact]
    public void Convert_writes_canonical_safetensors_that_load_to_the_same_model()
    {
        var destination = new FileInfo(Path.Combine(_folder, "stack.safetensors"));
        var output = new StringWriter();
        Assert.Equal(0, Commands.Convert(GoldenFile("stack.onnx"), destination, output, new StringWriter()));
        Assert.Contains("10 tensors from Onnx", output.ToString());

        SafeTensorsFile converted = SafeTensorsFile.Open(destination.FullName);
        Assert.Equal("Onnx", converted.Metadata["format"]);
        float[] inputs = SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors")).ReadFloat32("input");
        Assert.Equal(Run(FormatStack.Load(GoldenFile("stack.onnx").FullName), inputs), Run(FormatStack.Load(destination.FullName), inputs));
    }

    /// <summary>
    /// Both are float64 runs of the same float32 weights, so they differ by rounding only (1e-16 measured); Keras's files hold
    /// the two PyTorch biases summed in float32, which moves the outputs by up to 1e-8 (measured 9.7e-9).
    /// </summary>
    [Theory]
    [InlineData("stack.safetensors", 1e-12)]
    [InlineData("stack.onnx", 1e-12)]
    [InlineData("stack_rtneural.json", 5e-8)]
    public void Check_runs_the_file_in_float64_and_matches_PyTorchs_float64_run(string name, double tolerance)
    {
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors"));
        float[] inputs = reference.ReadFloat32("input");
        string csv = Path.Combine(_folder, "input.csv");
        File.WriteAllLines(csv, ["x0,x1,x2", .. inputs.Chunk(3).Select(row => string.Join(",", row.Select(v => ((double)v).ToString("R", CultureInfo.InvariantCulture))))]);

        var output = new StringWriter();
        Assert.Equal(0, Commands.Check(GoldenFile(name), new FileInfo(csv), null, output, new StringWriter()));

        double[] printed = [.. output.ToString().Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(line => line.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        Assert.Equal(inputs.Length / 3 * 2, printed.Length);
        Assert.InRange(printed.Zip(reference.ReadFloat64("output_f64"), (a, b) => Math.Abs(a - b)).Max(), 0, tolerance);
    }

    [Fact]
    public void Failures_have_their_own_exit_codes_and_messages()
    {
        string bad = Path.Combine(_folder, "bad.bin");
        File.WriteAllText(bad, "not weights");
        var error = new StringWriter();
        Assert.Equal(2, Commands.Inspect(new FileInfo(bad), new StringWriter(), error));
        Assert.Contains("not a weight file", error.ToString());

        error = new StringWriter();
        Assert.Equal(3, Commands.Inspect(new FileInfo(Path.Combine(_folder, "missing.onnx")), new StringWriter(), error));
        Assert.Contains("missing.onnx", error.ToString());

        string narrow = Path.Combine(_folder, "narrow.csv");
        File.WriteAllText(narrow, "1,2\n3,4\n");
        error = new StringWriter();
        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(narrow), null, new StringWriter(), error));
        Assert.Contains("reads 3 per step", error.ToString());
    }

    private static float[] Run(FormatStack model, float[] inputs)
    {
        var outputs = new float[inputs.Length / 3 * 2];
        var state = new FormatStack.State();
        model.Forward(inputs, outputs, ref state);
        return outputs;
    }
}

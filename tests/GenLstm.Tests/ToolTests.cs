using System;
using System.Collections.Generic;
using System.CommandLine;
using System.CommandLine.Help;
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
        // GuitarML's JSON states its input skip, and the declaration carries it.
        string skip = name == "stack_state_dict.json" ? ", InputSkip = 1" : "";
        Assert.Contains($$"""
            [Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
            [OutputHead(size: 2{{skip}})]
            public sealed partial class MyModel { }
            """.ReplaceLineEndings(), output.ToString());
        Assert.Contains("weight_hh_l1  ", output.ToString());
    }

    [Fact]
    public void Inspect_lists_what_a_file_states_and_skips()
    {
        var output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(GoldenFile("stack_state_dict.json"), output, new StringWriter()));
        Assert.Contains("input skip  1: y_t[0] = head(h_t)[0] + x_t[0]", output.ToString());
        Assert.Contains("InputSkip = 1 below does it", output.ToString());
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

    /// <summary>
    /// A CSV as a newcomer has it: the inputs among other columns (a step number, the framework's float32 and float64
    /// outputs), in any order; <c>--columns</c> picks the inputs by header name or by zero-based index, in the order given.
    /// </summary>
    [Theory]
    [InlineData("step,x0,x1,x2,y_f32,y_f64", "x0,x1,x2")]
    [InlineData("step,x0,x1,x2,y_f32,y_f64", "1,2,3")]
    [InlineData("x2,x1,x0,y_f32", "x0,x1,x2")]
    [InlineData("x2,x1,x0,y_f32", "2, 1, 0")]
    [InlineData("X0,X1,X2,Y", "x0,x1,x2")]
    [InlineData("y_f64,x0,x1,x2", "x0,2,x2")]
    [InlineData("-y_f64,x0,x1,x2", "1,2,3")]
    [InlineData("-x0,x1,x2", "0,1,2")]
    public void Check_chooses_the_input_columns_by_header_name_or_index(string layout, string columns)
    {
        string csv = WriteInputCsv(layout);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(0 == Commands.Check(GoldenFile("stack.onnx"), new FileInfo(csv), null, output, error, columns), error.ToString());

        AssertMatchesReference(output.ToString());
    }

    [Fact]
    public void Check_takes_columns_from_the_command_line()
    {
        string csv = WriteInputCsv("step,x0,x1,x2,y_f32,y_f64");
        var output = new StringWriter();
        var error = new StringWriter();

        int exit = CommandLine.Build().Parse(["check", GoldenFile("stack.onnx").FullName, "-i", csv, "--columns", "x0,x1,x2"])
            .Invoke(new InvocationConfiguration { Output = output, Error = error });

        Assert.True(exit == 0, error.ToString());
        AssertMatchesReference(output.ToString());

        error = new StringWriter();
        exit = CommandLine.Build().Parse(["check", GoldenFile("stack.onnx").FullName, "-i", csv])
            .Invoke(new InvocationConfiguration { Output = new StringWriter(), Error = error });
        Assert.Equal(4, exit);
        Assert.Contains("use --columns step,x0,x1 (or --columns 0,1,2) to choose them", error.ToString());
    }

    [Theory]
    [InlineData("step,x0,x1,x2,y_f32,y_f64", "each step has 6 values; the model reads 3 per step. If the other columns are references or labels, use --columns step,x0,x1 (or --columns 0,1,2) to choose them.")]
    [InlineData("-x0,x1,x2,y_f32,y_f64", "each step has 5 values; the model reads 3 per step. If the other columns are references or labels, use --columns 0,1,2 to choose them.")]
    [InlineData("x0,x1,x2,a,a", "each step has 5 values; the model reads 3 per step. If the other columns are references or labels, use --columns 0,1,2 to choose them.")]
    public void Check_without_columns_on_wider_rows_suggests_columns(string layout, string message)
    {
        string csv = WriteInputCsv(layout);
        var error = new StringWriter();

        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(csv), null, new StringWriter(), error));

        Assert.Contains($"{csv}: {message}", error.ToString());
    }

    [Theory]
    [InlineData("step,x0,x1,x2,y_f32", "x0,x1,z", "no column is named 'z'; the header's names are step, x0, x1, x2, y_f32 (zero-based indexes work too).")]
    [InlineData("step,x0,x1,x2,y_f32", "x0,x1", "--columns x0,x1 chooses 2 columns; the model reads 3 per step.")]
    [InlineData("step,x0,x1,x2,y_f32", "x0,,x2", "--columns 'x0,,x2': expected a comma-separated list of zero-based column indexes or header names, such as --columns step,x0,x1.")]
    [InlineData("step,x0,x1,x2,y_f32", "1,2,9", "--columns: there is no column 9; the rows have 5 values (indexes 0 to 4).")]
    [InlineData("-x0,x1,x2,y_f32", "x0,x1,x2", "--columns: 'x0' is not a column index, and the file has no header line to name its columns; give zero-based indexes, such as --columns 0,1,2.")]
    public void Check_rejects_columns_that_name_no_column(string layout, string columns, string message)
    {
        string csv = WriteInputCsv(layout);
        var error = new StringWriter();

        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(csv), null, new StringWriter(), error, columns));

        Assert.Contains(message, error.ToString());
    }

    [Fact]
    public void Check_counts_values_in_good_grammar()
    {
        string one = Path.Combine(_folder, "one.csv");
        File.WriteAllText(one, "1\n2\n");
        var error = new StringWriter();
        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(one), null, new StringWriter(), error));
        Assert.Contains("each step has 1 value; the model reads 3 per step.", error.ToString());

        string ragged = Path.Combine(_folder, "ragged.csv");
        File.WriteAllText(ragged, "1,2,3\n4\n");
        error = new StringWriter();
        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(ragged), null, new StringWriter(), error));
        Assert.Contains("step 1 has 1 value; the model reads 3 per step.", error.ToString());
        Assert.DoesNotContain("1 values", error.ToString());
    }

    /// <summary>A .npy array [T, 5] of the inputs and two other columns: <c>--columns</c> indexes its last axis; it has no names.</summary>
    [Fact]
    public void Check_chooses_the_columns_of_an_npy_array_by_index()
    {
        float[] inputs = SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors")).ReadFloat32("input");
        int steps = inputs.Length / 3;
        var values = new float[steps * 5];
        for (int t = 0; t < steps; t++)
        {
            values[t * 5] = -1;                                    // a step number, say
            values[(t * 5) + 1] = inputs[(t * 3) + 2];
            values[(t * 5) + 2] = inputs[t * 3];
            values[(t * 5) + 3] = inputs[(t * 3) + 1];
            values[(t * 5) + 4] = 42;
        }
        string npy = Path.Combine(_folder, "input.npy");
        WriteNpy(npy, [steps, 5], values);

        var output = new StringWriter();
        var error = new StringWriter();
        Assert.True(0 == Commands.Check(GoldenFile("stack.onnx"), new FileInfo(npy), null, output, error, "2,3,1"), error.ToString());
        AssertMatchesReference(output.ToString());

        error = new StringWriter();
        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(npy), null, new StringWriter(), error));
        Assert.Contains("each step has 5 values; the model reads 3 per step. If the other columns are references or labels, use --columns 0,1,2 to choose them.", error.ToString());

        error = new StringWriter();
        Assert.Equal(4, Commands.Check(GoldenFile("stack.onnx"), new FileInfo(npy), null, new StringWriter(), error, "x0,x1,x2"));
        Assert.Contains("'x0' is not a column index; a .npy array has no column names, so give zero-based indexes along its last axis", error.ToString());
    }

    [Fact]
    public void Help_names_the_command_genlstm()
    {
        string help = Help("--help");
        string[] lines = help.ReplaceLineEndings("\n").Split('\n');
        string usage = lines[Array.IndexOf(lines, "Usage:") + 1].Trim();

        Assert.Equal("genlstm [command] [options]", usage);
        Assert.DoesNotContain("GenLstm.Tool", help);
        Assert.Contains("genlstm check <file> [options]", Help("check", "--help"));
    }

    /// <summary><c>check</c> and <c>convert</c> each describe their own <c>-o</c>: check prints to standard output without it.</summary>
    [Fact]
    public void Check_help_says_its_output_defaults_to_standard_output()
    {
        string check = Help("check", "--help");
        string checkOutput = check.ReplaceLineEndings("\n").Split('\n').Single(line => line.Contains("--output"));
        Assert.Contains("-o, --output", checkOutput);
        Assert.Contains("default: standard output", checkOutput);
        Assert.DoesNotContain("the input's name", check);
        Assert.Contains("--columns", check);

        string convert = Help("convert", "--help");
        Assert.Contains("default: the input's name with the new extension", convert.ReplaceLineEndings("\n").Split('\n').Single(line => line.Contains("--output")));
    }

    private static string Help(params string[] args)
    {
        Command root = CommandLine.Build();
        foreach (HelpOption option in root.Options.OfType<HelpOption>())
        {
            ((HelpAction)option.Action!).MaxWidth = int.MaxValue;   // one line per option, whatever the console's width
        }
        var output = new StringWriter();
        Assert.Equal(0, root.Parse(args).Invoke(new InvocationConfiguration { Output = output, Error = output }));
        return output.ToString();
    }

    /// <summary>
    /// The reference inputs as a CSV of the columns <paramref name="layout"/> names: x0, x1, x2 are the inputs (any case),
    /// others filler; a layout starting with '-' has no header line.
    /// </summary>
    private string WriteInputCsv(string layout)
    {
        bool header = !layout.StartsWith('-');
        string[] names = layout.TrimStart('-').Split(',');
        float[] inputs = SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors")).ReadFloat32("input");
        string csv = Path.Combine(_folder, $"input-{Guid.NewGuid():N}.csv");
        var lines = header ? new List<string> { layout } : [];
        for (int t = 0; t < inputs.Length / 3; t++)
        {
            lines.Add(string.Join(",", names.Select((name, column) => name.ToLowerInvariant() switch
            {
                "x0" or "x1" or "x2" => ((double)inputs[(t * 3) + (name[1] - '0')]).ToString("R", CultureInfo.InvariantCulture),
                "step" => t.ToString(CultureInfo.InvariantCulture),
                _ => (0.5 + column).ToString("R", CultureInfo.InvariantCulture),
            })));
        }
        File.WriteAllLines(csv, lines);
        return csv;
    }

    /// <summary>Check's output is PyTorch's float64 run of stack.onnx on the reference inputs.</summary>
    private static void AssertMatchesReference(string output)
    {
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors"));
        double[] printed = [.. output.Split('\n', StringSplitOptions.RemoveEmptyEntries).SelectMany(line => line.Split(',')).Select(v => double.Parse(v, CultureInfo.InvariantCulture))];
        double[] expected = reference.ReadFloat64("output_f64");
        Assert.Equal(expected.Length, printed.Length);
        Assert.InRange(printed.Zip(expected, (a, b) => Math.Abs(a - b)).Max(), 0, 1e-12);
    }

    /// <summary>A little-endian float32 .npy file, version 1.0, as numpy.save writes it.</summary>
    private static void WriteNpy(string path, int[] shape, float[] values)
    {
        string dict = $"{{'descr': '<f4', 'fortran_order': False, 'shape': ({string.Join(", ", shape)}{(shape.Length == 1 ? "," : "")}), }}";
        int padding = 64 - ((10 + dict.Length + 1) % 64);
        string header = dict + new string(' ', padding % 64) + "\n";
        using var writer = new BinaryWriter(File.Create(path));
        writer.Write([0x93, .. "NUMPY"u8, 1, 0]);
        writer.Write((ushort)header.Length);
        writer.Write(System.Text.Encoding.Latin1.GetBytes(header));
        foreach (float value in values)
        {
            writer.Write(value);
        }
    }

    private static float[] Run(FormatStack model, float[] inputs)
    {
        var outputs = new float[inputs.Length / 3 * 2];
        var state = new FormatStack.State();
        model.Forward(inputs, ref state, outputs);
        return outputs;
    }
}

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// <c>genlstm inspect</c> on every model file of the real-data folder (<see cref="InspectRun.ModelFiles"/>): either it
/// prints a declaration that, pasted as printed into a project, compiles without a warning, loads that very file and runs
/// it to finite outputs; or the file is one of <see cref="ExpectedRefusals"/> and the tool refuses it with a message
/// that names the file and says why, without a stack trace.
/// </summary>
public sealed partial class InspectDeclarationTests(ITestOutputHelper log)
{
    /// <summary>Steps of input the declared model runs: a quarter of silence, then small values.</summary>
    private const int Steps = 16;

    /// <summary>
    /// The files the tool must refuse (relative path under the real-data folder → a substring of its message). Every other
    /// model file must give a declaration; a new file in the folder is checked without being listed here.
    /// </summary>
    internal static readonly Dictionary<string, string> ExpectedRefusals = new(StringComparer.Ordinal)
    {
        // ONNX's operator tests feed W, R, B as graph inputs (stored beside the model as .pb), not as constants of the file.
        ["onnx-node-tests/test_lstm_batchwise/model.onnx"] = "is an input of the graph, fed at run time",
        ["onnx-node-tests/test_lstm_defaults/model.onnx"] = "is an input of the graph, fed at run time",
        ["onnx-node-tests/test_lstm_with_initial_bias/model.onnx"] = "is an input of the graph, fed at run time",
        ["onnx-node-tests/test_lstm_with_peepholes/model.onnx"] = "is an input of the graph, fed at run time",
        // RTNeural's deliberately malformed model: 16 units declared, weights for 20.
        ["rtneural/bad_lstm.json"] = "the layer declares 16 units",
    };

    public static TheoryData<string> ModelFiles => InspectRun.ModelFiles();

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void Inspect_prints_a_declaration_that_compiles_loads_and_runs_or_refuses_as_expected(string file)
    {
        InspectRun run = InspectRun.Of(file);
        log.WriteLine($"{file}: exit code {run.ExitCode}");
        if (!string.IsNullOrEmpty(run.Error))
        {
            log.WriteLine("stderr: " + run.Error);
        }

        if (ExpectedRefusals.TryGetValue(file, out string? reason))
        {
            AssertRefused(run, reason);
        }
        else
        {
            AssertDeclarationRuns(run);
        }
    }

    public static TheoryData<string> FilesWithReferences => new(FileReference.Files);

    /// <summary>
    /// The issue's bar for amp and pedal models: declared exactly as <c>inspect</c> prints (skip included), loaded with
    /// <c>Load</c> and run from <c>InitialState</c> (the stored state included), the outputs are the reference's within 4× the
    /// file's own float32-vs-float64 gap. Forgetting the skip costs 0.1 or more, the stored state 0.3.
    /// </summary>
    [Theory]
    [MemberData(nameof(FilesWithReferences))]
    public void The_pasted_declaration_reproduces_the_files_reference_with_no_other_code(string file)
    {
        FileReference reference = FileReference.Of(file);
        InspectRun run = InspectRun.Of(file);
        Assert.Equal(0, run.ExitCode);
        byte[] assembly = PastedDeclaration.Compile(PastedDeclaration.Extract(run.Output));
        (int inputSize, _, float[] outputs) = PastedDeclaration.Run(assembly, run.FullPath, _ => reference.Inputs);
        Assert.Equal(reference.InputSize, inputSize);

        double error = reference.MaxError(outputs);
        log.WriteLine($"{file}: max |pasted MyModel - PyTorch float64| = {error:E2}; the file's float32 gap {reference.Float32Gap:E2}");
        Assert.InRange(error, 0, 4 * reference.Float32Gap);

        // The same file through RecurrentModel, which the pasted type registered itself with: its generated kernel, bit for bit.
        (_, _, float[] throughEntryPoint) = PastedDeclaration.Run(assembly, run.FullPath, _ => reference.Inputs, throughRecurrentModel: true);
        Assert.Equal(outputs, throughEntryPoint);
    }

    [Fact]
    public void Every_expected_refusal_is_a_model_file_of_the_folder()
    {
        HashSet<string> files = [.. InspectRun.ModelFilePaths()];
        Assert.All(ExpectedRefusals.Keys, file => Assert.True(files.Contains(file),
            $"The expected refusal '{file}' is not a model file under '{InspectRun.RealDataFolder}' (renamed or removed?)."));
    }

    [Fact]
    public void The_compile_check_is_live_a_declaration_without_its_using_fails()
    {
        const string WithoutUsing = "[Lstm(inputSize: 1, hiddenSize: 4)]\npublic sealed partial class MyModel { }\n";
        var failure = Assert.ThrowsAny<Xunit.Sdk.XunitException>(() => PastedDeclaration.Compile(WithoutUsing));
        Assert.Contains("CS0246", failure.Message, StringComparison.Ordinal); // the type or namespace name 'Lstm' could not be found
    }

    private void AssertDeclarationRuns(InspectRun run)
    {
        Assert.True(run.ExitCode == 0,
            $"inspect refused '{run.RelativePath}' (exit code {run.ExitCode}), which is not one of the expected refusals; "
            + $"fix the tool, or add the file to {nameof(ExpectedRefusals)} if it should be refused.\nstderr:\n{run.Error}\nstdout:\n{run.Output}");

        string block = PastedDeclaration.Extract(run.Output);
        log.WriteLine($"--- {PastedDeclaration.FileName} ---\n{block}");
        var clock = Stopwatch.StartNew();
        byte[] assembly = PastedDeclaration.Compile(block);
        log.WriteLine($"compiled with the generator in {clock.ElapsedMilliseconds} ms");

        (int inputSize, int outputSize, float[] outputs) = PastedDeclaration.Run(assembly, run.FullPath, Steps);
        log.WriteLine($"MyModel: InputSize {inputSize}, OutputSize {outputSize}; {Steps} steps, last output row: "
            + string.Join(", ", outputs.Skip(outputs.Length - outputSize)));
        Assert.True(inputSize > 0 && outputSize > 0, $"MyModel's sizes: InputSize {inputSize}, OutputSize {outputSize}.");
        Assert.Equal(Steps * outputSize, outputs.Length);
        int firstBad = Array.FindIndex(outputs, v => !float.IsFinite(v));
        Assert.True(firstBad < 0, $"Output {firstBad} (step {firstBad / outputSize}, unit {firstBad % outputSize}) is {(firstBad < 0 ? 0 : outputs[firstBad])}, not finite.");
    }

    private static void AssertRefused(InspectRun run, string reason)
    {
        Assert.True(run.ExitCode != 0,
            $"'{run.RelativePath}' is an expected refusal ('{reason}'), but inspect exited 0; if the tool now handles it, "
            + $"remove it from {nameof(ExpectedRefusals)}.\nstdout:\n{run.Output}");
        Assert.True(run.ExitCode is 2 or 4, $"A refusal is exit code 2 (bad or unsupported file) or 4 (cannot run its model), not {run.ExitCode}.\nstderr:\n{run.Error}");

        Assert.False(string.IsNullOrWhiteSpace(run.Error), $"inspect exited {run.ExitCode} without a message on standard error.");
        string name = Path.GetFileName(run.FullPath);
        Assert.True(run.Error.Contains(name, StringComparison.Ordinal), $"The message does not name the file '{name}':\n{run.Error}");
        Assert.False(StackTraceLine().IsMatch(run.Error), $"The message holds a stack trace:\n{run.Error}");
        Assert.DoesNotContain(PastedDeclaration.Introduction, run.Output, StringComparison.Ordinal);
        Assert.True(run.Error.Contains(reason, StringComparison.Ordinal),
            $"The refusal of '{run.RelativePath}' does not say '{reason}' (update {nameof(ExpectedRefusals)} if the message was improved):\n{run.Error}");
    }

    /// <summary>A frame of a .NET stack trace ("   at Namespace.Type.Method(…)"), or the exception type that heads one.</summary>
    [GeneratedRegex(@"(^\s*at\s+[\w.`<>\[\],+|]+\(|--- End of|\b(System|GenLstm)(\.\w+)*\.\w*Exception\b)", RegexOptions.Multiline)]
    private static partial Regex StackTraceLine();
}

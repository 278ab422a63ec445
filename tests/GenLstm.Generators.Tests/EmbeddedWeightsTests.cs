using System;
using System.Collections.Immutable;
using System.IO;
using System.Linq;
using System.Threading;
using GenLstm.Tests;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>[LstmWeights]: the weights file read at build time from AdditionalFiles, checked, embedded; or a diagnostic.</summary>
public sealed class EmbeddedWeightsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Declaration(int hiddenSize, string path) => $$"""
        using GenLstm;
        namespace Demo;
        [Lstm(inputSize: 3, hiddenSize: {{hiddenSize}})]
        [LstmWeights("{{path}}")]
        public sealed partial class Baked { }
        """;

    private string WriteFile(string name, byte[] bytes)
    {
        string path = Path.Combine(_folder, "models", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static GeneratorRun Run(GeneratorDriver driver, params string[] sources) => GeneratorDriverHelper.Run(driver, GeneratorDriverHelper.CreateCompilation(sources));

    private static GeneratorDriver Driver(params string[] additionalFiles)
        => GeneratorDriverHelper.CreateDriver().AddAdditionalTexts([.. additionalFiles.Select(path => (AdditionalText)new AdditionalFileOnDisk(path))]);

    [Fact]
    public void The_file_is_embedded_and_Default_compiles()
    {
        string file = WriteFile("amp.safetensors", SafeTensorsWriter.RandomLstm(3, 12, seed: 1, out _, prefix: "lstm.").ToBytes());
        GeneratorRun run = Run(Driver(file), Declaration(12, "models/amp.safetensors"));

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
        string weights = Assert.Single(run.Result.GeneratedSources, s => s.HintName.EndsWith(".Weights.g.cs", StringComparison.Ordinal)).SourceText.ToString();
        Assert.Contains("public static Baked Default => EmbeddedWeights.Model;", weights);
        Assert.Contains("private static global::System.ReadOnlySpan<float> WeightIhL0 => new float[]", weights);
        Assert.Contains("the file's <c>lstm.weight_ih_l0</c>", weights);
    }

    [Fact]
    public void A_file_missing_from_AdditionalFiles_is_GLSTM014_on_the_path()
    {
        string source = Declaration(12, "models/amp.safetensors");
        GeneratorRun run = Run(Driver(), source);
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("GLSTM014", diagnostic.Id);
        Assert.Contains("<AdditionalFiles Include=\"models/amp.safetensors\" />", diagnostic.GetMessage());
        Assert.Equal("\"models/amp.safetensors\"", source.Substring(diagnostic.Location.SourceSpan.Start, diagnostic.Location.SourceSpan.Length));
    }

    [Fact]
    public void A_format_the_generator_cannot_read_is_GLSTM014_pointing_to_convert()
    {
        GeneratorRun run = Run(Driver(), Declaration(12, "models/amp.onnx"));
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("GLSTM014", diagnostic.Id);
        Assert.Contains("genlstm convert", diagnostic.GetMessage());
    }

    [Fact]
    public void A_misshaped_tensor_is_GLSTM015_naming_it_and_both_shapes()
    {
        string file = WriteFile("amp.safetensors", SafeTensorsWriter.RandomLstm(3, 12, seed: 1, out _).ToBytes());
        GeneratorRun run = Run(Driver(file), Declaration(16, "models/amp.safetensors"));
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("GLSTM015", diagnostic.Id);
        Assert.Contains("tensor 'weight_ih_l0' has shape [48, 3]; the declaration needs [64, 3]", diagnostic.GetMessage());
        Assert.DoesNotContain(run.Result.GeneratedSources, s => s.HintName.EndsWith(".Weights.g.cs", StringComparison.Ordinal));
    }

    [Fact]
    public void A_non_finite_weight_is_GLSTM015()
    {
        SafeTensorsWriter.RandomLstm(3, 12, seed: 1, out SafeTensorsWriter.PyTorchWeights weights);
        weights.BiasHh[5] = float.NaN;
        string file = WriteFile("amp.safetensors", new SafeTensorsWriter()
            .Add("weight_ih_l0", weights.WeightIh, 48, 3).Add("weight_hh_l0", weights.WeightHh, 48, 12)
            .Add("bias_ih_l0", weights.BiasIh).Add("bias_hh_l0", weights.BiasHh).ToBytes());
        Diagnostic diagnostic = Assert.Single(Run(Driver(file), Declaration(12, "models/amp.safetensors")).Diagnostics);
        Assert.Equal("GLSTM015", diagnostic.Id);
        Assert.Contains("'bias_hh_l0' holds NaN at element 5", diagnostic.GetMessage());
    }

    [Fact]
    public void Weights_beyond_the_limit_are_GLSTM016_pointing_to_Load()
    {
        // 4 × 256 × (3 + 256) + 2 × 1024 = 267,264 floats, just over the 262,144 limit.
        string file = WriteFile("big.safetensors", SafeTensorsWriter.RandomLstm(3, 256, seed: 2, out _).ToBytes());
        GeneratorRun run = Run(Driver(file), Declaration(256, "models/big.safetensors"));
        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("GLSTM016", diagnostic.Id);
        Assert.Contains("267,264", diagnostic.GetMessage());
        Assert.Contains("Baked.Load(path)", diagnostic.GetMessage());
    }

    [Fact]
    public void Editing_an_unrelated_file_neither_rereads_the_weights_nor_regenerates_them()
    {
        string file = WriteFile("amp.safetensors", SafeTensorsWriter.RandomLstm(3, 12, seed: 1, out _).ToBytes());
        GeneratorRun first = Run(Driver(file), Declaration(12, "models/amp.safetensors"), "class Other { }");
        GeneratorRun second = Run(first.Driver, Declaration(12, "models/amp.safetensors"), "class Other { int x; }");

        Assert.All(second.StepOutputs(TrackingNames.WeightsFiles), output => Assert.Equal(IncrementalStepRunReason.Cached, output.Reason));
        Assert.All(second.StepOutputs(TrackingNames.EmbeddedWeights), output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
        Assert.NotEmpty(second.StepOutputs(TrackingNames.EmbeddedWeights));

        // Moving the attribute (a line above it) changes the diagnostics stage's input, never the embedded source.
        GeneratorRun third = Run(second.Driver, "\n" + Declaration(12, "models/amp.safetensors"), "class Other { int x; }");
        Assert.All(third.StepOutputs(TrackingNames.EmbeddedWeights), output => Assert.True(output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, output.Reason.ToString()));
    }

}

using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Models;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The pipeline caches: a rerun after an edit that does not change a model's spec reuses the spec and its source;
/// an edit that does change it produces a new one; and no step output holds compilation objects.
/// </summary>
public sealed class IncrementalityTests
{
    private const string ModelPath = "Model.cs";
    private const string OtherPath = "Other.cs";

    private const string Model = """
        using GenLstm;

        namespace Demo;

        [Lstm(inputSize: 5, hiddenSize: 24)]
        public sealed partial class MyModel
        {
            public int Twice(int value)
            {
                return value * 2;
            }
        }
        """;

    private const string Other = """
        namespace Demo;

        public static class Other
        {
            public static int One() => 1;
        }
        """;

    /// <summary>The pipeline steps whose outputs must be reused when the spec did not change.</summary>
    private static readonly string[] CachedSteps = [TrackingNames.Parse, TrackingNames.Specs];

    /// <summary>Edits that leave the model's spec as it was, by name.</summary>
    private static readonly IReadOnlyDictionary<string, System.Func<Compilation, Compilation>> SpecPreservingEdits =
        new Dictionary<string, System.Func<Compilation, Compilation>>
        {
            ["CloneCompilation"] = compilation => compilation.Clone(),
            ["AddUnrelatedFile"] = compilation => compilation.AddSyntaxTrees(
                GeneratorDriverHelper.ParseSource("namespace Demo; public static class Added { }", "Added.cs")),
            ["EditUnrelatedFile"] = compilation => ReplaceFile(compilation, OtherPath, Other.Replace("=> 1;", "=> 2;")),
            ["AddCommentInModelMethod"] = compilation => ReplaceFile(compilation, ModelPath,
                Model.Replace("return value * 2;", "// Doubles.\n        return value * 2;")),
            ["AddStatementInModelMethod"] = compilation => ReplaceFile(compilation, ModelPath,
                Model.Replace("return value * 2;", "value += 0;\n        return value * 2;")),
        };

    public static TheoryData<string> SpecPreservingEditNames => [.. SpecPreservingEdits.Keys];

    [Theory]
    [MemberData(nameof(SpecPreservingEditNames))]
    public void EditThatKeepsTheSpec_ReusesTrackedStepsAndSource(string edit)
    {
        (GeneratorRun first, Compilation compilation) = RunOnModelAndOther();

        GeneratorRun second = GeneratorDriverHelper.Run(first.Driver, SpecPreservingEdits[edit](compilation));

        foreach (string step in CachedSteps)
        {
            var outputs = second.StepOutputs(step);
            Assert.NotEmpty(outputs);
            Assert.All(outputs, output => Assert.True(
                output.Reason is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged,
                $"Step {step} output was {output.Reason}."));
        }
        Assert.Equal(first.SingleGeneratedSource, second.SingleGeneratedSource);
    }

    [Fact]
    public void ChangingHiddenSize_ModifiesTheSpec()
    {
        (GeneratorRun first, Compilation compilation) = RunOnModelAndOther();

        GeneratorRun second = GeneratorDriverHelper.Run(first.Driver,
            ReplaceFile(compilation, ModelPath, Model.Replace("hiddenSize: 24", "hiddenSize: 25")));

        var output = Assert.Single(second.StepOutputs(TrackingNames.Specs));
        Assert.Equal(IncrementalStepRunReason.Modified, output.Reason);
        Assert.Equal(25, ((LstmSpec)output.Value).HiddenSize);
        Assert.Contains("public const int HiddenSize = 25;", second.SingleGeneratedSource);
    }

    [Theory]
    [InlineData("[Lstm(inputSize: 5, hiddenSize: 24)]", "[Lstm(inputSize: 5, hiddenSize: 24)]\n[LstmOutput(3)]", "public const int OutputSize = 3;")]
    [InlineData("[Lstm(inputSize: 5, hiddenSize: 24)]", "[Lstm(inputSize: 5, hiddenSize: 24, Layers = 2, Peepholes = true)]", "public const int Layers = 2;")]
    [InlineData("[Lstm(inputSize: 5, hiddenSize: 24)]", "[Lstm(inputSize: 5, hiddenSize: 24, GateActivation = Activation.HardSigmoid)]", "i   = HardSigmoid(0.2, 0.5)(z_i)")]
    public void ChangingAVariantOrTheHead_ModifiesTheSpec(string before, string after, string generated)
    {
        (GeneratorRun first, Compilation compilation) = RunOnModelAndOther();

        GeneratorRun second = GeneratorDriverHelper.Run(first.Driver, ReplaceFile(compilation, ModelPath, Model.Replace(before, after)));

        var output = Assert.Single(second.StepOutputs(TrackingNames.Specs));
        Assert.Equal(IncrementalStepRunReason.Modified, output.Reason);
        Assert.Contains(generated, second.SingleGeneratedSource);
    }

    [Fact]
    public void AddingASecondModel_AddsANewSpecAndKeepsTheFirst()
    {
        (GeneratorRun first, Compilation compilation) = RunOnModelAndOther();

        GeneratorRun second = GeneratorDriverHelper.Run(first.Driver, compilation.AddSyntaxTrees(GeneratorDriverHelper.ParseSource("""
            using GenLstm;

            namespace Demo;

            [Lstm(1, 40)]
            public sealed partial class SecondModel { }
            """, "Second.cs")));

        var outputs = second.StepOutputs(TrackingNames.Specs).ToDictionary(output => ((LstmSpec)output.Value).TypeName, output => output.Reason);
        Assert.Equal(2, outputs.Count);
        Assert.Equal(IncrementalStepRunReason.New, outputs["SecondModel"]);
        Assert.True(outputs["MyModel"] is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"MyModel's spec was {outputs["MyModel"]}.");
        Assert.Equal(2, second.Result.GeneratedSources.Length);
    }

    [Fact]
    public void ChangingOneModelsAttribute_RegeneratesOnlyThatModel()
    {
        const string Second = """
            using GenLstm;

            namespace Demo;

            [Lstm(1, 40)]
            public sealed partial class SecondModel { }
            """;
        (GeneratorRun first, Compilation compilation) = RunOnModelAndOther();
        compilation = compilation.AddSyntaxTrees(GeneratorDriverHelper.ParseSource(Second, "Second.cs"));
        GeneratorRun withBoth = GeneratorDriverHelper.Run(first.Driver, compilation);

        GeneratorRun edited = GeneratorDriverHelper.Run(withBoth.Driver, ReplaceFile(compilation, "Second.cs", Second.Replace("[Lstm(1, 40)]", "[Lstm(1, 48)]")));

        var outputs = edited.StepOutputs(TrackingNames.Specs).ToDictionary(output => ((LstmSpec)output.Value).TypeName, output => output.Reason);
        Assert.Equal(IncrementalStepRunReason.Modified, outputs["SecondModel"]);
        Assert.True(outputs["MyModel"] is IncrementalStepRunReason.Cached or IncrementalStepRunReason.Unchanged, $"MyModel's spec was {outputs["MyModel"]}.");
    }

    [Fact]
    public void TrackedStepOutputs_HoldNoCompilationObjects()
    {
        // A valid model (a spec) and an invalid one (a diagnostic with a location), so that every step has outputs.
        GeneratorRun run = GeneratorDriverHelper.Run(Model, """
            using GenLstm;

            [Lstm(0, 24)]
            public sealed class Invalid { }
            """);

        foreach (string step in new[] { TrackingNames.Parse, TrackingNames.Diagnostics, TrackingNames.Specs })
        {
            var outputs = run.StepOutputs(step);
            Assert.NotEmpty(outputs);
            for (int i = 0; i < outputs.Count; i++)
            {
                ObjectGraph.AssertHoldsNoCompilationObjects(outputs[i].Value, $"{step}[{i}]");
            }
        }
    }

    private static (GeneratorRun Run, Compilation Compilation) RunOnModelAndOther()
    {
        Compilation compilation = GeneratorDriverHelper.CreateCompilation(
            GeneratorDriverHelper.ParseSource(Model, ModelPath), GeneratorDriverHelper.ParseSource(Other, OtherPath));
        return (GeneratorDriverHelper.Run(GeneratorDriverHelper.CreateDriver(), compilation), compilation);
    }

    private static Compilation ReplaceFile(Compilation compilation, string path, string text)
    {
        SyntaxTree old = compilation.SyntaxTrees.Single(tree => tree.FilePath == path);
        return compilation.ReplaceSyntaxTree(old, GeneratorDriverHelper.ParseSource(text, path));
    }
}

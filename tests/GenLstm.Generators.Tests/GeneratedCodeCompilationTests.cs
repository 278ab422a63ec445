using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>The generated code compiles without a single warning, with nullable, documentation and every warning wave on.</summary>
public sealed class GeneratedCodeCompilationTests
{
    [Theory]
    [MemberData(nameof(ModelDeclarations.AllNames), MemberType = typeof(ModelDeclarations))]
    public void GeneratedCodeCompilesWithoutWarnings(string declaration)
    {
        GeneratorRun run = GeneratorDriverHelper.Run(ModelDeclarations.All[declaration]);

        Assert.Single(run.Result.GeneratedSources);
        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning));
    }

    [Theory]
    [InlineData("Bidirectional", "Step")]
    [InlineData("Bidirectional", "StepBatch")]
    [InlineData("Reverse", "Step")]
    public void A_model_that_needs_the_whole_sequence_has_no_Step(string direction, string method)
    {
        GeneratorRun run = GeneratorDriverHelper.Run($$"""
            using GenLstm;

            [Lstm(3, 8, Direction = LstmDirection.{{direction}})]
            public sealed partial class Model { }

            public static class Use
            {
                public static void Run(Model model, float[] input, float[] output)
                {
                    var state = new Model.State();
                    model.Forward(input, output, ref state);
                    model.{{method}}(input, ref state, output);
                }
            }
            """);

        Assert.Empty(run.Diagnostics);
        Diagnostic error = Assert.Single(run.OutputCompilation.GetDiagnostics(), d => d.Severity == DiagnosticSeverity.Error);
        Assert.Equal("CS1061", error.Id);
        Assert.Contains($"'{method}'", error.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }
}

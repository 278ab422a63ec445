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
    [MemberData(nameof(ModelDeclarations.AllNames), MemberType = typeof(ModelDeclarations))]
    public void Every_public_generated_member_has_XML_documentation(string declaration)
    {
        // CS1591 (missing XML comment on a publicly visible member) is reported only where a documentation file is written.
        var options = GeneratorDriverHelper.CompilationOptions.WithSpecificDiagnosticOptions([new("CS1591", ReportDiagnostic.Error)]);
        Compilation compilation = GeneratorDriverHelper.CreateCompilation(ModelDeclarations.All[declaration], "namespace Probe; public class Undocumented { }")
            .WithOptions(options);
        GeneratorRun run = GeneratorDriverHelper.Run(GeneratorDriverHelper.CreateDriver(), compilation);
        using var documentation = new System.IO.MemoryStream();
        Microsoft.CodeAnalysis.Emit.EmitResult emitted = run.OutputCompilation.Emit(new System.IO.MemoryStream(), xmlDocumentationStream: documentation);

        // Only the generated files count.
        Diagnostic[] missing = [.. emitted.Diagnostics.Where(d => d.Id == "CS1591" && d.Location.SourceTree?.FilePath.EndsWith(".g.cs", System.StringComparison.Ordinal) == true)];
        Assert.True(missing.Length == 0, string.Join("\n", missing.Take(5)));
        Assert.Contains(emitted.Diagnostics, d => d.Id == "CS1591" && d.GetMessage(System.Globalization.CultureInfo.InvariantCulture).Contains("Undocumented"));   // the check is live
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
                    model.Forward(input, ref state, output);
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

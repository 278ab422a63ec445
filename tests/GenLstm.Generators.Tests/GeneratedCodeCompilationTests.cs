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
}

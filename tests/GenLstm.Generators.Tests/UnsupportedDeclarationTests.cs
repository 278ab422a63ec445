using System.Collections.Generic;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// Declarations that the compiler accepts but that the generated members cannot be added to. The generator must
/// not crash and must never emit code that fails to compile: it either generates working code or generates
/// nothing and reports a GLSTM error on the declaration.
/// </summary>
public sealed class UnsupportedDeclarationTests
{
    private static readonly IReadOnlyDictionary<string, string> Cases = new Dictionary<string, string>
    {
        // The generated nested struct State would have the name of its enclosing type (CS0542).
        ["ModelNamedState"] = """
            [Lstm(5, 24)]
            public sealed partial class State { }
            """,

        // The generated method Step would have the name of its enclosing type (CS0542).
        ["ModelNamedStep"] = """
            [Lstm(5, 24)]
            public sealed partial class Step { }
            """,

        // A field and the generated method Forward cannot share a name (CS0102).
        ["FieldNamedForward"] = """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                public int Forward = 0;
            }
            """,

        // The generated private CompileKernel() would be defined twice (CS0111).
        ["MethodWithGeneratedSignature"] = """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                private void CompileKernel() { }
            }
            """,

        // The generated constructor does not chain to the primary constructor (CS8862).
        ["PositionalRecord"] = """
            [Lstm(5, 24)]
            public sealed partial record Model(int Channels);
            """,

        // The generated constructor calls base(), which does not exist (CS7036).
        ["BaseWithoutParameterlessConstructor"] = """
            public class Base
            {
                public Base(int channels) { }
            }

            [Lstm(5, 24)]
            public sealed partial class Model : Base { }
            """,

        // A file-local type cannot be extended from the generated file, and its metadata name is not a valid hint name.
        ["FileLocalModel"] = """
            [Lstm(5, 24)]
            file sealed partial class Model { }
            """,
    };

    public static TheoryData<string> CaseNames => [.. Cases.Keys];

    [Theory]
    [MemberData(nameof(CaseNames))]
    public void GeneratesWorkingCodeOrReportsTheDeclaration(string caseName)
    {
        GeneratorRun run = GeneratorDriverHelper.Run("using GenLstm;\n\n" + Cases[caseName]);

        Diagnostic[] errorsInGeneratedCode = [.. run.OutputCompilation.GetDiagnostics()
            .Where(d => d.Severity == DiagnosticSeverity.Error && run.Result.GeneratedSources.Any(s => s.SyntaxTree == d.Location.SourceTree))];
        Assert.Empty(errorsInGeneratedCode);
        if (run.Result.GeneratedSources.IsEmpty)
        {
            Assert.Contains(run.Diagnostics, d => d.Id.StartsWith("GLSTM", System.StringComparison.Ordinal) && d.Severity == DiagnosticSeverity.Error);
        }
    }
}

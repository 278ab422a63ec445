using System.Collections.Immutable;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;

namespace GenLstm.TestSupport;

/// <summary>
/// How the tests compile C# with the generator in memory: linked into GenLstm.Generators.Tests and GenLstm.Conformance, so that
/// generated code and pasted declarations are held to the same compiler settings.
/// </summary>
internal static class TestCompilation
{
    /// <summary>
    /// The preview language version (at least what a .NET 10 project uses); documentation comments are checked, as in a project
    /// that sets GenerateDocumentationFile, so that a broken <c>cref</c> in generated code is a warning.
    /// </summary>
    public static readonly CSharpParseOptions ParseOptions = new(LanguageVersion.Preview, DocumentationMode.Diagnose);

    /// <summary>A library with nullable enabled, no unsafe code, and every warning wave on.</summary>
    public static readonly CSharpCompilationOptions CompilationOptions = new(
        OutputKind.DynamicallyLinkedLibrary,
        nullableContextOptions: NullableContextOptions.Enable,
        allowUnsafe: false,
        warningLevel: 9999,
        deterministic: true);

    /// <summary>.NET 10's reference assemblies and GenLstm's runtime; built once (reading them is the slow part).</summary>
    public static readonly ImmutableArray<MetadataReference> References =
    [
        .. Net100.References.All,
        MetadataReference.CreateFromFile(typeof(LstmAttribute).Assembly.Location),
    ];
}

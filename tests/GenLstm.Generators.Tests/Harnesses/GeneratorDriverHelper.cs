using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using Basic.Reference.Assemblies;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using GenLstm.TestSupport;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>One run of <see cref="LstmGenerator"/> over a compilation.</summary>
/// <param name="Driver">The driver after the run; run it again on an edited compilation to test incrementality.</param>
/// <param name="Result">The generator's own result: generated sources, diagnostics, tracked steps.</param>
/// <param name="OutputCompilation">The input compilation plus the generated sources.</param>
/// <param name="Diagnostics">The diagnostics the driver reported (the generator's, and CS8784/CS8785 if it failed).</param>
internal sealed record GeneratorRun(
    GeneratorDriver Driver,
    GeneratorRunResult Result,
    Compilation OutputCompilation,
    ImmutableArray<Diagnostic> Diagnostics)
{
    /// <summary>The text of the single generated file.</summary>
    public string SingleGeneratedSource => Assert.Single(Result.GeneratedSources).SourceText.ToString();

    /// <summary>The outputs of one tracked pipeline step (see <see cref="TrackingNames"/>) with why each was produced.</summary>
    public IReadOnlyList<(object Value, IncrementalStepRunReason Reason)> StepOutputs(string trackingName)
        => Result.TrackedSteps.TryGetValue(trackingName, out ImmutableArray<IncrementalGeneratorRunStep> steps)
            ? steps.SelectMany(step => step.Outputs).ToList()
            : [];
}

/// <summary>Compiles test sources against .NET 10 and the GenLstm runtime, and runs <see cref="LstmGenerator"/> on them.</summary>
internal static class GeneratorDriverHelper
{
    /// <summary>The tests' parse options (<see cref="TestCompilation.ParseOptions"/>).</summary>
    public static CSharpParseOptions ParseOptions => TestCompilation.ParseOptions;

    /// <summary>The tests' compilation options (<see cref="TestCompilation.CompilationOptions"/>).</summary>
    public static CSharpCompilationOptions CompilationOptions => TestCompilation.CompilationOptions;

    private static ImmutableArray<MetadataReference> References => TestCompilation.References;

    /// <summary>Compiles <paramref name="sources"/>, the i-th as <c>Source{i}.cs</c>.</summary>
    public static CSharpCompilation CreateCompilation(params string[] sources)
        => CreateCompilation([.. sources.Select((source, index) => ParseSource(source, $"Source{index}.cs"))]);

    /// <summary>Compiles syntax trees parsed by <see cref="ParseSource"/>.</summary>
    public static CSharpCompilation CreateCompilation(params SyntaxTree[] trees)
        => CSharpCompilation.Create("GeneratorTests", trees, References, CompilationOptions);

    /// <summary>Parses one source file with the options every test compilation uses.</summary>
    public static SyntaxTree ParseSource(string source, string path)
        => CSharpSyntaxTree.ParseText(source, ParseOptions, path);

    /// <summary>A driver for <see cref="LstmGenerator"/> that tracks every incremental step.</summary>
    public static GeneratorDriver CreateDriver()
        => CSharpGeneratorDriver.Create(
            [new LstmGenerator().AsSourceGenerator()],
            parseOptions: ParseOptions,
            driverOptions: new GeneratorDriverOptions(IncrementalGeneratorOutputKind.None, trackIncrementalGeneratorSteps: true));

    /// <summary>Runs the generator on a compilation of <paramref name="sources"/>.</summary>
    public static GeneratorRun Run(params string[] sources) => Run(CreateDriver(), CreateCompilation(sources));

    /// <summary>
    /// Runs <paramref name="driver"/> (fresh, or one that already ran, to reuse its cached state) on
    /// <paramref name="compilation"/>, and asserts that the generator did not throw.
    /// </summary>
    public static GeneratorRun Run(GeneratorDriver driver, Compilation compilation)
    {
        driver = driver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> diagnostics);
        GeneratorRunResult result = Assert.Single(driver.GetRunResult().Results);

        // A generator that throws is reported as CS8784 (initialization) or CS8785 (generation), with no output.
        Assert.Null(result.Exception);
        Assert.DoesNotContain(diagnostics, diagnostic => diagnostic.Id is "CS8784" or "CS8785");

        return new GeneratorRun(driver, result, output, diagnostics);
    }
}

/// <summary>An AdditionalFiles item as the compiler passes it: a path (the generator reads binary files by path).</summary>
internal sealed class AdditionalFileOnDisk(string path) : AdditionalText
{
    public override string Path { get; } = path;

    public override Microsoft.CodeAnalysis.Text.SourceText? GetText(System.Threading.CancellationToken cancellationToken = default)
        => Microsoft.CodeAnalysis.Text.SourceText.From(System.IO.File.ReadAllText(Path));
}

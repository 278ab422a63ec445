using System;
using System.Diagnostics;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Generators.Tests;

/// <summary>Tests that measure the whole process (memory, time): they run alone, after the parallel ones.</summary>
[CollectionDefinition(nameof(GeneratorPerformanceTests), DisableParallelization = true)]
public sealed class RunsAloneCollection;

/// <summary>
/// The generator in an IDE's loop: many models in one compilation, and a long typing session whose memory must not grow
/// (the pipeline must not hold on to old compilations, syntax trees or symbols).
/// </summary>
[Collection(nameof(GeneratorPerformanceTests))]
public sealed class GeneratorPerformanceTests(ITestOutputHelper log)
{
    /// <summary>
    /// The documented bound for generating 50 models (sizes 1…50 × 8…57, every tenth a 2-layer stack with a head) from a cold
    /// driver: measured 0.8 s on a 2-core Zen 4 (most of it the first run of the generator's own code), so the
    /// bound is generous against a slow CI machine, and an accidental quadratic pass would still blow it.
    /// </summary>
    private static readonly TimeSpan FiftyModelsBound = TimeSpan.FromSeconds(20);

    private static string Models(int count) => "using GenLstm;\nnamespace Demo;\n" + string.Join("\n", Enumerable.Range(1, count).Select(k => k % 10 == 0
        ? $"[Lstm(inputSize: {k}, hiddenSize: {k + 7}, Layers = 2)] [LstmOutput(size: 3)] public sealed partial class Model{k} {{ }}"
        : $"[Lstm(inputSize: {k}, hiddenSize: {k + 7})] public sealed partial class Model{k} {{ }}"));

    [Fact]
    public void Fifty_models_generate_within_the_documented_time()
    {
        Compilation compilation = GeneratorDriverHelper.CreateCompilation(Models(50));
        var stopwatch = Stopwatch.StartNew();
        GeneratorRun run = GeneratorDriverHelper.Run(GeneratorDriverHelper.CreateDriver(), compilation);
        stopwatch.Stop();

        log.WriteLine($"50 models: {run.Result.GeneratedSources.Length} files, {run.Result.GeneratedSources.Sum(s => s.SourceText.Length) / 1024} KiB, in {stopwatch.Elapsed.TotalSeconds:F2} s");
        Assert.Equal(50, run.Result.GeneratedSources.Length);
        Assert.Empty(run.Diagnostics);
        Assert.True(stopwatch.Elapsed < FiftyModelsBound, $"generating 50 models took {stopwatch.Elapsed}, over the documented {FiftyModelsBound}");
    }

    [Fact]
    public void A_thousand_edit_typing_session_does_not_grow_memory()
    {
        const string Other = "namespace Demo;\npublic static class Other\n{\n    public static string Typed() => \"\";\n}\n";
        SyntaxTree other = GeneratorDriverHelper.ParseSource(Other, "Other.cs");
        Compilation compilation = GeneratorDriverHelper.CreateCompilation(GeneratorDriverHelper.ParseSource(Models(5), "Models.cs"), other);
        GeneratorDriver driver = GeneratorDriverHelper.CreateDriver();

        long Session(int from, int to)
        {
            for (int edit = from; edit < to; edit++)
            {
                // One keystroke in an unrelated file: the text grows by one character each time.
                SyntaxTree typed = GeneratorDriverHelper.ParseSource(Other.Replace("\"\"", "\"" + new string('x', edit) + "\""), "Other.cs");
                compilation = compilation.ReplaceSyntaxTree(other, typed);
                other = typed;
                driver = driver.RunGenerators(compilation);
            }
            GC.Collect();
            GC.WaitForPendingFinalizers();
            GC.Collect();
            return GC.GetTotalMemory(forceFullCollection: true);
        }

        long afterWarmUp = Session(0, 100);
        long afterThousand = Session(100, 1100);
        log.WriteLine($"managed memory after 100 edits {afterWarmUp >> 20} MiB, after 1,100 {afterThousand >> 20} MiB");
        Assert.Equal(5, driver.GetRunResult().Results.Single().GeneratedSources.Length);
        // The typed text itself grows by 1,000 characters; anything the pipeline kept per edit would be far more.
        Assert.True(afterThousand - afterWarmUp < 8 << 20, $"memory grew by {(afterThousand - afterWarmUp) >> 10} KiB over 1,000 edits");
    }
}

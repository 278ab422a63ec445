using System;
using System.Linq;
using System.Reflection;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Exporters.Json;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Running;

namespace GenLstm.Benchmarks;

/// <summary>
/// Runs the benchmarks; see benchmarks/README.md. Arguments go to BenchmarkDotNet (e.g. <c>--filter *StepBenchmarks*</c>;
/// without job options such as <c>--job</c> or <c>--iterationCount</c>, the job is <see cref="ShortJob"/>), except for
/// three modes:
/// <c>check [IxH ...]</c> runs only the benchmarks' setup and <see cref="CrossCheck"/> (every size by default, a few
/// seconds); <c>firstcall [--runs N] [IxH ...]</c> is <see cref="FirstCallBenchmark"/>, and
/// <c>firstcall-child IxH</c> the fresh process it starts.
/// </summary>
public static class Program
{
    /// <summary>Command-line options that choose or shape the job; without any, <see cref="ShortJob"/> runs.</summary>
    private static readonly string[] JobOptions =
    [
        "-j", "--job", "--launchCount", "--warmupCount", "--minWarmupCount", "--maxWarmupCount", "--iterationTime",
        "--iterationCount", "--minIterationCount", "--maxIterationCount", "--invocationCount", "--unrollFactor",
        "--strategy", "--runOncePerIteration", "-i", "--inProcess",
    ];

    /// <summary>Warm-up 3, 10 iterations: the README's figures, and every benchmark within 15 minutes on 2 cores.</summary>
    private static readonly Job ShortJob = Job.Default.WithWarmupCount(3).WithIterationCount(10).WithId("Short");

    public static int Main(string[] args) => args switch
    {
        ["check", .. var sizes] => Check(sizes.Length > 0 ? sizes : AllSizes()),
        ["firstcall", .. var rest] => FirstCallBenchmark.Run(rest),
        ["firstcall-child", var size] => FirstCallBenchmark.Child(size),
        _ => RunBenchmarkDotNet(args),
    };

    /// <summary>Builds every implementation of each size and cross-checks them, as each benchmark's setup does.</summary>
    private static int Check(string[] sizes)
    {
        foreach (string size in sizes)
        {
            var benchmarks = new StepBenchmarks { Size = size }; // any size: Size is only a [Params] list
            try
            {
                benchmarks.Setup(); // prints the cross-check's line, or throws
            }
            finally
            {
                benchmarks.Cleanup();
            }
            if (VariantSizes.Contains(size))
            {
                new VariantBenchmarks { Size = size }.Setup(); // cross-checks the bf16 and Fast models, or throws
            }
        }
        return 0;
    }

    private static readonly object?[] VariantSizes = typeof(VariantBenchmarks).GetProperty(nameof(VariantBenchmarks.Size))!
        .GetCustomAttribute<ParamsAttribute>()!.Values;

    /// <summary>The sizes of every benchmark class, read from their [Params].</summary>
    private static string[] AllSizes() => typeof(Program).Assembly.GetTypes()
        .Where(type => type.IsSubclassOf(typeof(LstmBenchmarks)) && !type.IsAbstract)
        .SelectMany(type => type.GetProperty(nameof(LstmBenchmarks.Size))!.GetCustomAttribute<ParamsAttribute>()!.Values)
        .Cast<string>().Distinct().ToArray();

    private static int RunBenchmarkDotNet(string[] args)
    {
        // The full JSON export carries the machine, the date and every statistic for benchmarks/scripts/make_report.py.
        IConfig config = DefaultConfig.Instance.AddExporter(JsonExporter.Full);
        if (!args.Any(arg => JobOptions.Contains(arg.Split('=')[0], StringComparer.OrdinalIgnoreCase)))
        {
            config = config.AddJob(ShortJob);
        }
        var summaries = BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args, config).ToList();
        bool failed = summaries.Any(s => s.HasCriticalValidationErrors || s.Reports.Any(r => !r.Success));
        return failed ? 1 : 0;
    }
}

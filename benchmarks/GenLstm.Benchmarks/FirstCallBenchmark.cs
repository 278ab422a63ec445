using System;
using System.Collections;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.Json;
using System.Threading;
using BenchmarkDotNet.Environments;

namespace GenLstm.Benchmarks;

/// <summary>
/// What a real-time loop sees right after it loads a model, which BenchmarkDotNet (warmed-up, steady state) cannot
/// show: with default tiered compilation a method is first compiled quickly and unoptimized, and only later
/// recompiled. For each size, <c>firstcall</c> starts a fresh process <see cref="Runs"/> times
/// (<c>dotnet GenLstm.Benchmarks.dll firstcall-child IxH</c>); each process reads the weights, times
/// <c>FromPyTorch</c>, then times every one of the first 100,000 <c>Step</c> calls (the first right after
/// <c>FromPyTorch</c> returns, with nothing of the harness compiled in between) with <see cref="Stopwatch"/>,
/// runs on for a second, and times 100,000 more (the steady state). Reported: the medians over the processes of
/// the load time, the 1st, 10th and 100th step, the median of the first 100,000 steps, and the steady-state median.
/// The yardstick, from the same process after the steady state: the median of <see cref="Sleeps"/> steps, each timed
/// right after the thread sleeps <see cref="SleepMilliseconds"/> ms. That is the same fully warmed-up <c>Step</c>,
/// with the same code and weights, after the core has spent a moment elsewhere: what the first call after a pause
/// pays on this machine (caches, address translations, prefetchers and clock), which no library can avoid.
/// </summary>
/// <remarks>
/// The child inherits the environment unchanged, so tiering is the runtime's default (a warning is printed if a
/// DOTNET_ variable that changes compilation is set). Each timed step includes one <see cref="Stopwatch.GetTimestamp"/>
/// (about 20 ns; measured and reported as "timer"). Results: a Markdown table on the console and
/// <c>BenchmarkDotNet.Artifacts/results/FirstCall-report.json</c> (read by <c>benchmarks/scripts/make_report.py</c>).
/// </remarks>
public static class FirstCallBenchmark
{
    private const int Runs = 10;
    private const int TimedSteps = 100_000;
    private const int Sleeps = 20;
    private const int SleepMilliseconds = 10;
    private static readonly string[] DefaultSizes = ["1x40", "16x32", "64x64", "128x256"];
    private static readonly TimeSpan WarmUp = TimeSpan.FromSeconds(1);

    /// <summary>The parent: <c>firstcall [--runs N] [IxH ...]</c>.</summary>
    public static int Run(string[] args)
    {
        int runs = Runs;
        var sizes = new List<string>();
        for (int i = 0; i < args.Length; i++)
        {
            if (args[i] == "--runs" && i + 1 < args.Length)
            {
                runs = int.Parse(args[++i], CultureInfo.InvariantCulture);
            }
            else
            {
                ModelFiles.For(args[i]); // validates the size
                sizes.Add(args[i]);
            }
        }
        if (sizes.Count == 0)
        {
            sizes.AddRange(DefaultSizes);
        }

        HostEnvironmentInfo host = HostEnvironmentInfo.GetCurrent();
        string[] machine = [.. host.ToFormattedString(), $"{host.RuntimeVersion}, {host.JitInfo}, {host.HardwareIntrinsicsShort}"];
        foreach (string line in machine)
        {
            Console.WriteLine(line);
        }
        foreach (DictionaryEntry variable in Environment.GetEnvironmentVariables())
        {
            string name = (string)variable.Key;
            if (name.StartsWith("DOTNET_", StringComparison.OrdinalIgnoreCase) && (name.Contains("Tiered", StringComparison.OrdinalIgnoreCase)
                || name.Contains("TC_", StringComparison.OrdinalIgnoreCase) || name.Contains("ReadyToRun", StringComparison.OrdinalIgnoreCase)
                || name.Contains("OSR", StringComparison.OrdinalIgnoreCase)))
            {
                Console.WriteLine($"WARNING: {name}={variable.Value} changes compilation; the figures are not the default runtime's.");
            }
        }

        var rows = new List<FirstCallRow>();
        foreach (string size in sizes)
        {
            Console.Write($"{size}: {runs} processes ");
            var samples = new List<ChildResult>();
            for (int run = 0; run < runs; run++)
            {
                samples.Add(RunChild(size));
                Console.Write('.');
            }
            rows.Add(FirstCallRow.MedianOf(size, samples));
            Console.WriteLine();
        }

        string date = DateTime.Now.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);
        Console.WriteLine();
        Console.WriteLine($"First calls after loading, default tiered compilation; medians of {runs} fresh processes per size; {date}.");
        Console.WriteLine();
        Console.WriteLine("| I × H | FromPyTorch (ms) | 1st Step (µs) | 10th Step (µs) | 100th Step (µs) | median of steps 1–100k (ns) | steady state (ns) | after a 10 ms sleep (ns) | timer (ns) |");
        Console.WriteLine("| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (FirstCallRow row in rows)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"| {row.Size.Replace("x", " × ")} | {row.LoadMs:F2} | {row.Step1Ns / 1000:F1} | {row.Step10Ns / 1000:F2} | {row.Step100Ns / 1000:F2} | {row.First100kMedianNs:F0} | {row.SteadyMedianNs:F0} | {row.AfterSleepNs:F0} | {row.TimerNs:F0} |"));
        }

        string folder = Path.Combine("BenchmarkDotNet.Artifacts", "results");
        Directory.CreateDirectory(folder);
        string path = Path.Combine(folder, "FirstCall-report.json");
        File.WriteAllText(path, JsonSerializer.Serialize(new { Date = date, Runs = runs, Machine = machine, Rows = rows },
            new JsonSerializerOptions { WriteIndented = true }));
        Console.WriteLine();
        Console.WriteLine($"Written: {Path.GetFullPath(path)}");
        return 0;
    }

    /// <summary>The child: <c>firstcall-child IxH</c>; prints one JSON <see cref="ChildResult"/> as its last line.</summary>
    public static int Child(string size) => size switch
    {
        "1x40" => Measure<Lstm1x40, Lstm1x40.State>(size, w => Lstm1x40.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "16x32" => Measure<Lstm16x32, Lstm16x32.State>(size, w => Lstm16x32.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "64x64" => Measure<Lstm64x64, Lstm64x64.State>(size, w => Lstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        "128x256" => Measure<Lstm128x256, Lstm128x256.State>(size, w => Lstm128x256.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "firstcall measures 1x40, 16x32, 64x64 and 128x256"),
    };

    /// <summary>A generated model's <c>Step</c> as an open-instance delegate: bound before the model exists.</summary>
    private delegate void OpenStep<TModel, TState>(TModel model, ReadOnlySpan<float> input, ref TState state, Span<float> output);

    /// <summary>
    /// Loads the model and times its first steps. Everything the harness itself needs (this method, the timing loop,
    /// the delegate, the buffers) is compiled and allocated before the load starts, so nothing is compiled, allocated or
    /// type-loaded between <c>FromPyTorch</c> returning and the first timed <c>Step</c>: the first call measures what the
    /// library left behind. (Compiling the harness's own loop in between, as an earlier version did, evicted enough
    /// of the caches to add 1-2 us to the first step at 1x40.)
    /// </summary>
    private static int Measure<TModel, TState>(string size, Func<PyTorchLstmTensors, TModel> load)
        where TModel : class
        where TState : struct
    {
        ModelFiles files = ModelFiles.For(size);
        PyTorchLstmTensors weights = files.ReadWeights();
        var input = new float[files.InputSize];
        var output = new float[files.HiddenSize];
        for (int i = 0; i < input.Length; i++)
        {
            input[i] = MathF.Sin(0.1f * i);
        }
        var first = new long[TimedSteps];
        var steady = new long[TimedSteps];
        Array.Fill(first, 1); // touches every page, so no page fault lands in a timed step
        Array.Fill(steady, 1);
        var step = typeof(TModel).GetMethod("Step", [typeof(ReadOnlySpan<float>), typeof(TState).MakeByRefType(), typeof(Span<float>)])!
            .CreateDelegate<OpenStep<TModel, TState>>();
        TState state = default;
        TimeSteps(null!, step, input, output, ref state, []); // compiles the loop; calls nothing
        OpenStep<TModel, TState> noStep = NoStep;
        TimeSteps(null!, noStep, input, output, ref state, first.AsSpan(0, 1));
        double timerNs = TimerOverheadNs();

        long start = Stopwatch.GetTimestamp();
        TModel model = load(weights);
        TimeSpan loadTime = Stopwatch.GetElapsedTime(start);

        // The timer and the loop are the harness's, not the library's: their first run after the load (which costs
        // about 0.6 us at 1x40 here) times an empty step, so that the first timed Step measures only the model.
        TimeSteps(model, noStep, input, output, ref state, first.AsSpan(0, 1));
        TimeSteps(model, step, input, output, ref state, first);
        long warmUpStart = Stopwatch.GetTimestamp();
        do
        {
            TimeSteps(model, step, input, output, ref state, steady);
        }
        while (Stopwatch.GetElapsedTime(warmUpStart) < WarmUp);
        TimeSteps(model, step, input, output, ref state, steady);

        var afterSleep = new long[Sleeps];
        for (int i = 0; i < afterSleep.Length; i++)
        {
            Thread.Sleep(SleepMilliseconds);
            TimeSteps(model, noStep, input, output, ref state, afterSleep.AsSpan(i, 1));
            TimeSteps(model, step, input, output, ref state, afterSleep.AsSpan(i, 1));
        }

        var result = new ChildResult(loadTime.TotalMilliseconds, Ns(first[0]), Ns(first[9]), Ns(first[99]),
            MedianNs(first), MedianNs(steady), MedianNs(afterSleep), timerNs);
        Console.WriteLine(JsonSerializer.Serialize(result));
        return 0;
    }

    /// <summary>Does nothing: timed once before the first <c>Step</c>, so that the harness's own timing code is warm.</summary>
    private static void NoStep<TModel, TState>(TModel model, ReadOnlySpan<float> input, ref TState state, Span<float> output)
    {
    }

    /// <summary>
    /// Calls <paramref name="step"/> once per element of <paramref name="ticks"/>, storing each call's duration in
    /// <see cref="Stopwatch"/> ticks (plus the cost of one timestamp). Compiled fully optimized on its first call.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]
    private static void TimeSteps<TModel, TState>(TModel model, OpenStep<TModel, TState> step, ReadOnlySpan<float> input,
        Span<float> output, ref TState state, Span<long> ticks)
    {
        long previous = Stopwatch.GetTimestamp();
        for (int i = 0; i < ticks.Length; i++)
        {
            step(model, input, ref state, output);
            long now = Stopwatch.GetTimestamp();
            ticks[i] = now - previous;
            previous = now;
        }
    }

    private static ChildResult RunChild(string size)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add(typeof(FirstCallBenchmark).Assembly.Location);
        start.ArgumentList.Add("firstcall-child");
        start.ArgumentList.Add(size);
        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        string stdout = process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"firstcall-child {size} exited with {process.ExitCode}: {stdout}");
        }
        return JsonSerializer.Deserialize<ChildResult>(stdout.Trim().Split('\n')[^1])
            ?? throw new InvalidOperationException($"firstcall-child {size} printed no result: {stdout}");
    }

    /// <summary>The median cost of the timestamp that every timed step includes.</summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static double TimerOverheadNs()
    {
        var ticks = new long[10_000];
        long previous = Stopwatch.GetTimestamp();
        for (int i = 0; i < ticks.Length; i++)
        {
            long now = Stopwatch.GetTimestamp();
            ticks[i] = now - previous;
            previous = now;
        }
        return MedianNs(ticks);
    }

    private static double Ns(long ticks) => ticks * 1e9 / Stopwatch.Frequency;

    private static double MedianNs(long[] ticks)
    {
        long[] sorted = (long[])ticks.Clone();
        Array.Sort(sorted);
        return Ns(sorted[sorted.Length / 2]);
    }

    private static double Median(IEnumerable<double> values)
    {
        double[] sorted = values.Order().ToArray();
        int middle = sorted.Length / 2;
        return sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
    }

    /// <summary>What one fresh process measured.</summary>
    public sealed record ChildResult(double LoadMs, double Step1Ns, double Step10Ns, double Step100Ns,
        double First100kMedianNs, double SteadyMedianNs, double AfterSleepNs, double TimerNs);

    /// <summary>The medians over the processes of one size.</summary>
    public sealed record FirstCallRow(string Size, int Runs, double LoadMs, double Step1Ns, double Step10Ns, double Step100Ns,
        double First100kMedianNs, double SteadyMedianNs, double AfterSleepNs, double TimerNs)
    {
        public static FirstCallRow MedianOf(string size, IReadOnlyList<ChildResult> runs) => new(size, runs.Count,
            Median(runs.Select(r => r.LoadMs)), Median(runs.Select(r => r.Step1Ns)), Median(runs.Select(r => r.Step10Ns)),
            Median(runs.Select(r => r.Step100Ns)), Median(runs.Select(r => r.First100kMedianNs)),
            Median(runs.Select(r => r.SteadyMedianNs)), Median(runs.Select(r => r.AfterSleepNs)), Median(runs.Select(r => r.TimerNs)));
    }
}

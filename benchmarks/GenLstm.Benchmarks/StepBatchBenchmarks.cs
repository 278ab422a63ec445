using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

/// <summary>
/// N independent streams (channels, voices, agents) advanced by one time step: N calls of the generated <c>Step</c>,
/// each stream with its own state (the baseline), against one call of <c>StepBatch</c>, which loads every weight once
/// for a group of streams. Times are per call: divide by <see cref="Streams"/> for ns per stream-step (the report
/// script does).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByParams)]
public class StepBatchBenchmarks
{
    private GeneratedRunner _genLstm = null!;
    private float[] _inputs = null!, _outputs = null!;

    [Params("1x40", "16x32", "64x64", "128x256")]
    public string Size { get; set; } = "64x64";

    [Params(1, 2, 4, 8, 16)]
    public int Streams { get; set; } = 4;

    [GlobalSetup]
    public void Setup()
    {
        ModelFiles files = ModelFiles.For(Size);
        _genLstm = GeneratedRunner.FromPyTorch(Size, files.ReadWeights());
        _inputs = [.. Enumerable.Range(0, GeneratedRunner.MaxStreams * files.InputSize).Select(i => MathF.Sin(0.37f * i))];
        _outputs = new float[GeneratedRunner.MaxStreams * files.HiddenSize];
    }

    [Benchmark(Baseline = true)]
    public void StepEachStream() => _genLstm.StepEach(_inputs, _outputs, Streams);

    [Benchmark]
    public void StepBatch() => _genLstm.StepBatch(_inputs, _outputs, Streams);
}

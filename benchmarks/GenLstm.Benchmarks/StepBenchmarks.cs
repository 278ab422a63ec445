using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

/// <summary>
/// Batch-1 streaming (one <c>Step</c>) and a whole sequence (<c>Forward</c>, T = 128), generated kernel against the
/// naive scalar loop, per size (I×H). Weights are random in PyTorch's default range; the speed does not depend on them.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class StepBenchmarks
{
    private const int SequenceLength = 128;

    private NaiveLstm _naive = null!;
    private GeneratedRunner _generated = null!;
    private float[] _input = null!, _output = null!, _inputs = null!, _outputs = null!;

    [Params("1x40", "16x32", "64x64", "128x256")]
    public string Size { get; set; } = "1x40";

    [GlobalSetup]
    public void Setup()
    {
        int[] dims = Size.Split('x').Select(int.Parse).ToArray();
        int inputSize = dims[0], hiddenSize = dims[1];
        var random = new Random(42);
        float[] Uniform(int count) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) / Math.Sqrt(hiddenSize))).ToArray();
        float[] wih = Uniform(4 * hiddenSize * inputSize), whh = Uniform(4 * hiddenSize * hiddenSize);
        float[] bih = Uniform(4 * hiddenSize), bhh = Uniform(4 * hiddenSize);

        _naive = new NaiveLstm(inputSize, hiddenSize, wih, whh, bih, bhh);
        _generated = GeneratedRunner.Create(Size, wih, whh, bih, bhh);
        _input = Enumerable.Range(0, inputSize).Select(i => MathF.Sin(i)).ToArray();
        _output = new float[hiddenSize];
        _inputs = Enumerable.Range(0, SequenceLength * inputSize).Select(i => MathF.Sin(0.1f * i)).ToArray();
        _outputs = new float[SequenceLength * hiddenSize];
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void NaiveStep() => _naive.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmStep() => _generated.Step(_input, _output);

    [Benchmark(Baseline = true, OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void NaiveForward() => _naive.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void GenLstmForward() => _generated.Forward(_inputs, _outputs);
}

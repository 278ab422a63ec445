using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

/// <summary>
/// The opt-in variants at <see cref="StepBenchmarks"/>' sizes, each against the naive scalar loop in the same run:
/// <c>WeightType = WeightType.BFloat16</c> (half the bytes of weights per step) for <c>Step</c>, <c>Forward</c> over
/// T = 128 and <c>StepBatch</c> of 4 streams (reported per stream-step); <c>Precision = Precision.Fast</c> (cheaper
/// activations) for <c>Step</c>; and the float32 model's <c>Step</c> and <c>Forward</c> split over two cores by an
/// <see cref="LstmWorker"/> (also with bfloat16 weights). The float32, exact-activation, one-core model is
/// <see cref="StepBenchmarks"/>' <c>GenLstm</c>.
/// </summary>
/// <remarks>
/// The setup cross-checks each variant against the naive loop with the variant's own tolerance: bfloat16 weights change
/// h by up to about 1e-2 on these models, the fast activations by about 1e-4.
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class VariantBenchmarks
{
    private const int SequenceLength = ModelFiles.SequenceLength;
    private const int BatchStreams = 4;

    private NaiveLstm _naive = null!;
    private GeneratedRunner _float32 = null!, _bfloat16 = null!, _fast = null!;
    private float[] _input = null!, _output = null!, _inputs = null!, _outputs = null!;

    [Params("1x40", "16x32", "64x64", "128x256")]
    public string Size { get; set; } = "64x64";

    [GlobalSetup]
    public void Setup()
    {
        ModelFiles files = ModelFiles.For(Size);
        PyTorchLstmTensors w = files.ReadWeights();
        int inputSize = files.InputSize, hiddenSize = files.HiddenSize;
        _input = new float[inputSize];
        _output = new float[hiddenSize];
        _inputs = files.SequenceInputs();
        _outputs = new float[SequenceLength * hiddenSize];

        _naive = new NaiveLstm(inputSize, hiddenSize, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _bfloat16 = GeneratedRunner.BFloat16FromPyTorch(Size, w);
        _fast = GeneratedRunner.FastFromPyTorch(Size, w);
        _float32 = GeneratedRunner.FromPyTorch(Size, w);
        Console.WriteLine(CrossCheck.Run(Size + " bf16", _bfloat16, [("Naive", _naive)], _input, _output, _inputs, _outputs, tolerance: 3e-2f));
        Console.WriteLine(CrossCheck.Run(Size + " fast", _fast, [("Naive", _naive)], _input, _output, _inputs, _outputs, tolerance: 1e-3f));
        _inputs.AsSpan(0, inputSize).CopyTo(_input);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void NaiveStep() => _naive.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmBFloat16Step() => _bfloat16.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmFastStep() => _fast.Step(_input, _output);

    /// <summary>One StepBatch of 4 streams, reported per stream-step (so comparable with a Step).</summary>
    [Benchmark(OperationsPerInvoke = BatchStreams), BenchmarkCategory("Step")]
    public void GenLstmBFloat16StepBatch4() => _bfloat16.StepBatch(_inputs, _outputs, BatchStreams);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmTwoCoresStep() => _float32.StepOnTwoCores(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmBFloat16TwoCoresStep() => _bfloat16.StepOnTwoCores(_input, _output);

    [Benchmark(Baseline = true, OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void NaiveForward() => _naive.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void GenLstmBFloat16Forward() => _bfloat16.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void GenLstmTwoCoresForward() => _float32.ForwardOnTwoCores(_inputs, _outputs);
}

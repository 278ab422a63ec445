using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

// AmpModelBenchmarks' models: NAM's and GuitarML's usual shape, LSTM(1, 40) and a dense head, with the 1x40 weights.
[Lstm(1, 40)][LstmOutput(1)] public sealed partial class HeadLstm1x40 { }
[Lstm(1, 40, MaxSampleRateRatio = 4)][LstmOutput(1, InputSkip = 1)] public sealed partial class AmpLstm1x40 { }

/// <summary>
/// What the amp-model options cost per step, against the same LSTM(1, 40) + head without them, in one run: the input skip
/// and a stream at ratio 1 of a type declared with sample-rate correction (which must cost about nothing), and streams at
/// the ratios hosts meet, 2 (48 → 96 kHz, a whole delay) and 96 / 44.1 (interpolated). <c>Step</c>, batch 1, and
/// <c>Forward</c> over T = 128 (a corrected stream's Forward runs step by step).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class AmpModelBenchmarks
{
    private const int SequenceLength = ModelFiles.SequenceLength;

    private readonly float[] _input = [0.25f], _output = new float[1];
    private float[] _inputs = null!, _outputs = null!;
    private HeadLstm1x40 _plain = null!;
    private AmpLstm1x40 _amp = null!;
    private HeadLstm1x40.State _plainState;
    private AmpLstm1x40.State _ratio1, _ratio2, _ratioFractional;

    [GlobalSetup]
    public void Setup()
    {
        ModelFiles files = ModelFiles.For("1x40");
        PyTorchLstmTensors w = files.ReadWeights();
        var random = new Random(40);
        float[] headWeight = [.. Enumerable.Range(0, 40).Select(_ => (float)(random.NextDouble() - 0.5))];
        _plain = HeadLstm1x40.FromPyTorch(DenseLayer.FromPyTorch(40, 1, Activation.None, headWeight, [0.1f]), w);
        _amp = AmpLstm1x40.FromPyTorch(DenseLayer.FromPyTorch(40, 1, Activation.None, headWeight, [0.1f]), w);
        _inputs = files.SequenceInputs();
        _outputs = new float[SequenceLength];
        _ratio2.SetSampleRateRatio(2);
        _ratioFractional.SetSampleRateRatio(96.0 / 44.1);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void Plain() => _plain.Step(_input, ref _plainState, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void SkipRatio1() => _amp.Step(_input, ref _ratio1, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void SkipRatio2() => _amp.Step(_input, ref _ratio2, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void SkipRatio96Over44() => _amp.Step(_input, ref _ratioFractional, _output);

    [Benchmark(Baseline = true, OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void PlainForward() => _plain.Forward(_inputs, ref _plainState, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void SkipRatio1Forward() => _amp.Forward(_inputs, ref _ratio1, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void SkipRatio2Forward() => _amp.Forward(_inputs, ref _ratio2, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void SkipRatio96Over44Forward() => _amp.Forward(_inputs, ref _ratioFractional, _outputs);
}

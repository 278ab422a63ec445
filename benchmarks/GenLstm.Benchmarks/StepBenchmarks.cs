using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

/// <summary>
/// Batch 1, one stream, float32. Per size (I×H) and implementation: one <c>Step</c> (category <c>Step</c>: the
/// streaming, real-time call), and <c>Forward</c> over T = 128 steps reported per step (category
/// <c>Forward T=128</c>: a whole sequence in one call). The naive scalar loop is the baseline of each category, so
/// every Ratio is a speed ratio to <see cref="NaiveLstm"/> measured in the same run.
/// </summary>
/// <remarks>
/// <para>Implementations (all on the weights in <c>Models/lstm_IxH.safetensors</c>):</para>
/// <list type="bullet">
/// <item><c>Naive</c>: <see cref="NaiveLstm"/>, plain scalar loops (the baseline).</item>
/// <item><c>GenLstm</c>: the generated model (<see cref="GeneratedRunner"/>).</item>
/// <item><c>TensorPrimitives</c>: <see cref="TensorPrimitivesLstm"/>, vectorized library calls, sizes at run time.</item>
/// <item><c>OnnxRuntime</c>: <see cref="OnnxRuntimeLstm"/>, ONNX Runtime's LSTM operator on one thread; <c>Step</c>
/// runs the seq_len-1 model (one inference per step), <c>Forward</c> the seq_len-128 model (one inference per
/// sequence).</item>
/// </list>
/// <para>
/// Every implementation keeps its state across calls (a stream that goes on). The setup first runs
/// <see cref="CrossCheck"/>: it throws, and the benchmark fails, unless all implementations agree with GenLstm to
/// 1e-4. <c>[MemoryDiagnoser]</c> counts managed allocations only (not ONNX Runtime's native ones).
/// </para>
/// </remarks>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public abstract class LstmBenchmarks
{
    private const int SequenceLength = ModelFiles.SequenceLength;

    private NaiveLstm _naive = null!;
    private GeneratedRunner _genLstm = null!;
    private TensorPrimitivesLstm _tensorPrimitives = null!;
    private OnnxRuntimeLstm _onnxRuntime = null!;
    private float[] _input = null!, _output = null!, _inputs = null!, _outputs = null!;

    /// <summary>I×H; each derived class lists its sizes.</summary>
    public abstract string Size { get; set; }

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
        _genLstm = GeneratedRunner.FromPyTorch(Size, w);
        _tensorPrimitives = new TensorPrimitivesLstm(inputSize, hiddenSize, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _onnxRuntime = new OnnxRuntimeLstm(files, _input, _output, _inputs, _outputs);

        Console.WriteLine(CrossCheck.Run(Size, _genLstm,
            [("Naive", _naive), ("TensorPrimitives", _tensorPrimitives), ("OnnxRuntime", _onnxRuntime)],
            _input, _output, _inputs, _outputs));
        _inputs.AsSpan(0, inputSize).CopyTo(_input); // x for the Step benchmarks: the sequence's first input
    }

    [GlobalCleanup]
    public void Cleanup() => _onnxRuntime?.Dispose();

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void NaiveStep() => _naive.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmStep() => _genLstm.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void TensorPrimitivesStep() => _tensorPrimitives.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void OnnxRuntimeStep() => _onnxRuntime.Step(_input, _output);

    [Benchmark(Baseline = true, OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void NaiveForward() => _naive.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void GenLstmForward() => _genLstm.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void TensorPrimitivesForward() => _tensorPrimitives.Forward(_inputs, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void OnnxRuntimeForward() => _onnxRuntime.Forward(_inputs, _outputs);
}

/// <summary>
/// <see cref="LstmBenchmarks"/> at the four sizes of the README's table: 1×40 and 16×32 (small real-time models
/// such as guitar-amp emulations), 64×64 (weights in L2) and 128×256 (weights larger than L2).
/// </summary>
public class StepBenchmarks : LstmBenchmarks
{
    [Params("1x40", "16x32", "64x64", "128x256")]
    public override string Size { get; set; } = "1x40";
}

/// <summary>
/// <see cref="LstmBenchmarks"/> over square sizes I = H = 4 … 64, the sweep RTNeural's published comparison uses:
/// how each implementation's fixed cost per call and its cost per weight trade off as the model grows.
/// </summary>
public class SquareSweepBenchmarks : LstmBenchmarks
{
    [Params("4x4", "8x8", "16x16", "32x32")] // 64x64, the sweep's last point, is StepBenchmarks'

    public override string Size { get; set; } = "4x4";
}

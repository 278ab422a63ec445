using System;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

// DeclarationBenchmarks' models: the plain 64x64 LSTM's weights under each declaration the variants issue adds.
[Lstm(64, 64, Peepholes = true)] public sealed partial class PeepholeLstm64x64 { }
[Lstm(64, 64, CoupledInputForget = true)] public sealed partial class CoupledLstm64x64 { }
[Lstm(64, 64, ActivationClip = 3f, CellClip = 10f, ForgetBias = 1f)] public sealed partial class ClippedLstm64x64 { }
[Lstm(64, 64, GateActivation = Activation.HardSigmoid, CellActivation = Activation.Softsign, HiddenActivation = Activation.Softsign)]
public sealed partial class HardSigmoidLstm64x64 { }
[Lstm(64, 64, CellActivation = Activation.Elu, HiddenActivation = Activation.Softplus)] public sealed partial class ExpActivationsLstm64x64 { }
[Lstm(64, 64, LayerNorm = true)] public sealed partial class LayerNormLstm64x64 { }
[Lstm(64, 64)][LstmGate("z")][LstmCell("f * c_prev + i * g + z * tanh(c_prev)")] public sealed partial class AddedGateLstm64x64 { }
[Lstm(64, 64, Layers = 2)] public sealed partial class Stacked2Lstm64x64 { }
[Lstm(64, 64, Direction = LstmDirection.Bidirectional)] public sealed partial class BidirectionalLstm64x64 { }
[Lstm(64, 64, ProjectionSize = 32)] public sealed partial class ProjectedLstm64x64 { }
[Lstm(64, 64)][LstmOutput(10, Activation.Softmax)] public sealed partial class HeadLstm64x64 { }

/// <summary>
/// What each variant of the declaration costs against the plain 64x64 LSTM with the same weights, all in one run:
/// <c>Step</c> (batch 1) and <c>Forward</c> over T = 128. The element-wise variants (peepholes, CIFG, clips and forget
/// bias, other activations) run in the same register tiles and should stay within 1.3x of the plain step; the structural
/// ones do more work by definition (two layers: 2x; bidirectional: two sweeps; a projection: W_hr after each step; a head:
/// a dense layer after each step; layer normalization: a second pass over the gates for their statistics).
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory)]
[CategoriesColumn]
public class DeclarationBenchmarks
{
    private const int SequenceLength = ModelFiles.SequenceLength;
    private const int Size = 64;

    private float[] _input = null!, _output = null!, _inputs = null!, _outputs = null!;
    private Lstm64x64 _plain = null!;
    private Lstm64x64.State _plainState;
    private PeepholeLstm64x64 _peepholes = null!;
    private PeepholeLstm64x64.State _peepholeState;
    private CoupledLstm64x64 _coupled = null!;
    private CoupledLstm64x64.State _coupledState;
    private ClippedLstm64x64 _clipped = null!;
    private ClippedLstm64x64.State _clippedState;
    private HardSigmoidLstm64x64 _hardSigmoid = null!;
    private HardSigmoidLstm64x64.State _hardSigmoidState;
    private ExpActivationsLstm64x64 _exp = null!;
    private ExpActivationsLstm64x64.State _expState;
    private AddedGateLstm64x64 _addedGate = null!;
    private AddedGateLstm64x64.State _addedGateState;
    private LayerNormLstm64x64 _layerNorm = null!;
    private LayerNormLstm64x64.State _layerNormState;
    private Stacked2Lstm64x64 _stacked = null!;
    private Stacked2Lstm64x64.State _stackedState;
    private BidirectionalLstm64x64 _bidirectional = null!;
    private BidirectionalLstm64x64.State _bidirectionalState;
    private ProjectedLstm64x64 _projected = null!;
    private ProjectedLstm64x64.State _projectedState;
    private HeadLstm64x64 _head = null!;
    private HeadLstm64x64.State _headState;

    [GlobalSetup]
    public void Setup()
    {
        ModelFiles files = ModelFiles.For("64x64");
        PyTorchLstmTensors w = files.ReadWeights();
        var random = new Random(64);
        float[] Draw(int count, double scale) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale))];
        float[] peepholes = Draw(3 * Size, 0.5);
        _input = new float[Size];
        _output = new float[2 * Size];
        _inputs = files.SequenceInputs();
        _outputs = new float[SequenceLength * 2 * Size];

        _plain = Lstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _peepholes = PeepholeLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, peepholes);
        _coupled = CoupledLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _clipped = ClippedLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _hardSigmoid = HardSigmoidLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _exp = ExpActivationsLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        _addedGate = AddedGateLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, Draw(Size * Size, 0.1), Draw(Size * Size, 0.1), Draw(Size, 0.5));
        _layerNorm = LayerNormLstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, Draw(4 * Size, 1.0));
        _stacked = Stacked2Lstm64x64.FromPyTorch(w, w);
        _bidirectional = BidirectionalLstm64x64.FromPyTorch(w, w);
        _projected = ProjectedLstm64x64.FromPyTorch(new PyTorchLstmTensors(w.WeightIh, Draw(4 * Size * 32, 0.2), w.BiasIh, w.BiasHh, Draw(32 * Size, 0.2)));
        _head = HeadLstm64x64.FromPyTorch(DenseLayer.FromPyTorch(Size, 10, Activation.Softmax, Draw(10 * Size, 0.3), Draw(10, 0.1)), w);
        _inputs.AsSpan(0, Size).CopyTo(_input);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void Plain() => _plain.Step(_input, ref _plainState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void Peepholes() => _peepholes.Step(_input, ref _peepholeState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void CoupledInputForget() => _coupled.Step(_input, ref _coupledState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void ClipsAndForgetBias() => _clipped.Step(_input, ref _clippedState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void HardSigmoidSoftsign() => _hardSigmoid.Step(_input, ref _hardSigmoidState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void EluSoftplus() => _exp.Step(_input, ref _expState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void AddedGateAndCellExpression() => _addedGate.Step(_input, ref _addedGateState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void LayerNorm() => _layerNorm.Step(_input, ref _layerNormState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void TwoLayers() => _stacked.Step(_input, ref _stackedState, _output.AsSpan(0, Size));

    [Benchmark, BenchmarkCategory("Step")]
    public void Projection32() => _projected.Step(_input, ref _projectedState, _output.AsSpan(0, 32));

    [Benchmark, BenchmarkCategory("Step")]
    public void SoftmaxHead10() => _head.Step(_input, ref _headState, _output.AsSpan(0, 10));

    [Benchmark(Baseline = true, OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void PlainForward() => _plain.Forward(_inputs, ref _plainState, _outputs.AsSpan(0, SequenceLength * Size));

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void PeepholesForward() => _peepholes.Forward(_inputs, ref _peepholeState, _outputs.AsSpan(0, SequenceLength * Size));

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void HardSigmoidSoftsignForward() => _hardSigmoid.Forward(_inputs, ref _hardSigmoidState, _outputs.AsSpan(0, SequenceLength * Size));

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void LayerNormForward() => _layerNorm.Forward(_inputs, ref _layerNormState, _outputs.AsSpan(0, SequenceLength * Size));

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void TwoLayersForward() => _stacked.Forward(_inputs, ref _stackedState, _outputs.AsSpan(0, SequenceLength * Size));

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void BidirectionalForward() => _bidirectional.Forward(_inputs, ref _bidirectionalState, _outputs);

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void Projection32Forward() => _projected.Forward(_inputs, ref _projectedState, _outputs.AsSpan(0, SequenceLength * 32));
}

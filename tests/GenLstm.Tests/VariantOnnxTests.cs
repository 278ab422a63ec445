using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Microsoft.ML.OnnxRuntime;
using Microsoft.ML.OnnxRuntime.Tensors;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// The element-wise variants (peepholes, CIFG, clips, forget bias, every ONNX activation with α and β, reverse and
/// bidirectional) against ONNX Runtime running the same weights as an ONNX LSTM node (tests/scripts/make_onnx_variants.py),
/// and against <see cref="ReferenceVariantLstm"/>, an independent float64 implementation of the ONNX equations.
/// </summary>
public sealed class VariantOnnxTests(ITestOutputHelper log)
{
    /// <summary>
    /// Both sides compute in float32 with activations within 3e-7 (ours) and ONNX Runtime's own approximations (its
    /// sigmoid and tanh are within about 1e-6); over 32 steps of a 12-unit model the outputs agree to about 1e-6. 2e-5 leaves
    /// room for the paths without fused multiply-add.
    /// </summary>
    private const double OnnxTolerance = 2e-5;

    /// <summary>Against float64: our float32 rounding only (as <see cref="GoldenTests"/>).</summary>
    private const double ReferenceTolerance = 1e-5;

    private delegate float[] Run(float[] inputs);

    /// <summary>ONNX model name → how GenLstm builds and runs the matching declaration from its W, R, B, P.</summary>
    private static readonly Dictionary<string, (Func<Tensors, Run> Model, ReferenceVariantLstm.Options Options, int Directions)> Variants = new()
    {
        ["peepholes"] = (t => Forward(PeepholeLstm4x12.FromOnnx(t.W, t.R, t.B, t.P!)), new() { Peepholes = true }, 1),
        ["input_forget"] = (t => Forward(CoupledLstm4x12.FromOnnx(t.W, t.R, t.B)), new() { CoupledInputForget = true }, 1),
        ["clip"] = (t => Forward(ClippedLstm4x12.FromOnnx(t.W, t.R, t.B)), new() { ActivationClip = 1.5 }, 1),
        ["activations_a"] = (t => Forward(ActivationsALstm4x12.FromOnnx(t.W, t.R, t.B)),
            new() { Gate = ("HardSigmoid", 0.3, 0.6), Cell = ("Softsign", 0, 0), Hidden = ("ScaledTanh", 0.9, 1.1) }, 1),
        ["activations_b"] = (t => Forward(ActivationsBLstm4x12.FromOnnx(t.W, t.R, t.B)),
            new() { Cell = ("LeakyRelu", 0.1, 0), Hidden = ("Elu", 0.8, 0) }, 1),
        ["activations_c"] = (t => Forward(ActivationsCLstm4x12.FromOnnx(t.W, t.R, t.B)),
            new() { Cell = ("ThresholdedRelu", 0.4, 0), Hidden = ("Affine", 0.7, 0.1) }, 1),
        ["activations_d"] = (t => Forward(ActivationsDLstm4x12.FromOnnx(t.W, t.R, t.B)),
            new() { Gate = ("Tanh", 0, 0), Cell = ("Softplus", 0, 0), Hidden = ("Relu", 0, 0) }, 1),
        ["combined"] = (t => Forward(CombinedLstm4x12.FromOnnx(t.W, t.R, t.B, t.P!)),
            new() { Peepholes = true, CoupledInputForget = true, ActivationClip = 2 }, 1),
        ["bidirectional_peepholes"] = (t => Forward(PeepholeBidirectionalLstm4x12.FromOnnx(new OnnxLstmTensors(t.W, t.R, t.B, t.P))),
            new() { Peepholes = true }, 2),
        ["reverse_clip"] = (t => Forward(ClippedReverseLstm4x12.FromOnnx(new OnnxLstmTensors(t.W, t.R, t.B))),
            new() { ActivationClip = 1, Reverse = true }, 1),
        ["forget_bias"] = (t => Forward(ForgetBiasLstm4x12.FromOnnx(t.W, t.R, t.B)), new() { ForgetBias = 1 }, 1),
    };

    public static TheoryData<string> Names => new(Variants.Keys);

    /// <summary>The same models read by <c>FromWeights</c> from the <c>.onnx</c> files themselves (attributes checked).</summary>
    private static readonly Dictionary<string, Func<WeightFile, Run>> FromFile = new()
    {
        ["peepholes"] = f => Forward(PeepholeLstm4x12.FromWeights(f)),
        ["input_forget"] = f => Forward(CoupledLstm4x12.FromWeights(f)),
        ["clip"] = f => Forward(ClippedLstm4x12.FromWeights(f)),
        ["activations_a"] = f => Forward(ActivationsALstm4x12.FromWeights(f)),
        ["activations_b"] = f => Forward(ActivationsBLstm4x12.FromWeights(f)),
        ["activations_c"] = f => Forward(ActivationsCLstm4x12.FromWeights(f)),
        ["activations_d"] = f => Forward(ActivationsDLstm4x12.FromWeights(f)),
        ["combined"] = f => Forward(CombinedLstm4x12.FromWeights(f)),
        ["bidirectional_peepholes"] = f => Forward(PeepholeBidirectionalLstm4x12.FromWeights(f)),
        ["reverse_clip"] = f => Forward(ClippedReverseLstm4x12.FromWeights(f)),
        // forget_bias.onnx is the reference: its B holds the + 1 that the declared ForgetBias adds (ONNX has no forget bias).
    };

    public static TheoryData<string> FileNames => new(FromFile.Keys);

    [Theory]
    [MemberData(nameof(FileNames))]
    public void The_ONNX_file_loads_by_itself_its_attributes_agree_and_its_weights_are_those_FromOnnx_takes(string name)
    {
        Tensors tensors = Tensors.Load(name);
        WeightFile file = WeightFile.Open(Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".onnx"));
        Assert.Equal(WeightFileFormat.Onnx, file.Format);
        Assert.Equal(Variants[name].Model(tensors)(tensors.X), FromFile[name](file)(tensors.X));
    }

    /// <summary>The ONNX files whose model an inferred declaration holds: RecurrentModel runs them with no declaration.</summary>
    public static TheoryData<string> GenericFiles => ["peepholes", "input_forget", "clip", "activations_d", "combined", "forget_bias", "bidirectional_peepholes", "reverse_clip"];

    [Theory]
    [MemberData(nameof(GenericFiles))]
    public void With_no_declaration_the_generic_kernel_runs_the_ONNX_file_and_matches_ONNX_Runtime_and_float64(string name)
    {
        Tensors tensors = Tensors.Load(name);
        int directions = Variants[name].Directions;
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".onnx")), RecurrentKernel.Generic);
        Assert.Equal(directions * 12, model.OutputSize);
        var ours = new float[tensors.X.Length / 4 * model.OutputSize];
        RecurrentStream stream = model.CreateStream();
        stream.Forward(tensors.X, ours);

        double onnxError = Golden.MaxAbsDifference(ours, RunOnnxRuntime(name, tensors.X, directions));
        // forget_bias.onnx holds in its B the + 1 that the declared ForgetBias adds to the script's B: a plain LSTM to the file.
        double referenceError = Golden.MaxAbsDifference(ours,
            ReferenceVariantLstm.RunOnnx(tensors.W, tensors.R, tensors.B, tensors.P, tensors.X, 4, 12, directions, Variants[name].Options));
        log.WriteLine($"{name}: {model.KernelDescription}; max |generic - ONNX Runtime| = {onnxError:E2}, |generic - float64| = {referenceError:E2}");
        Assert.InRange(onnxError, 0, OnnxTolerance);
        Assert.InRange(referenceError, 0, ReferenceTolerance);

        // After Reset, the same bits, step by step when the model streams; and no allocation once running.
        var again = new float[ours.Length];
        long allocated = SteadyState.AllocatedBytes(() =>
        {
            stream.Reset();
            if (!model.IsStreaming)
            {
                stream.Forward(tensors.X, again);
                return;
            }
            for (int t = 0; t < tensors.X.Length / 4; t++)
            {
                stream.Step(tensors.X.AsSpan(t * 4, 4), again.AsSpan(t * 12, 12));
            }
        });
        Assert.Equal(ours, again);
        Assert.Equal(0, allocated);
    }

    /// <summary>
    /// Every gate activation through the generic kernel's variant path, with ONNX's default α and β (what a declaration inferred
    /// from a file runs): the tensors of clip.onnx in PyTorch's names under a declaration with those activations, against the
    /// float64 reference given the same defaults (HardSigmoid 0.2, 0.5; LeakyRelu 0.01; ThresholdedRelu 1; ScaledTanh 1, 1;
    /// Affine 1, 0; Elu 1), with Step and Forward the same bits.
    /// </summary>
    [Theory]
    [InlineData(Activation.HardSigmoid, Activation.Softsign, Activation.ScaledTanh)]
    [InlineData(Activation.Sigmoid, Activation.LeakyRelu, Activation.Elu)]
    [InlineData(Activation.Sigmoid, Activation.ThresholdedRelu, Activation.Affine)]
    [InlineData(Activation.Tanh, Activation.Softplus, Activation.Relu)]
    public void The_generic_kernel_runs_every_gate_activation_with_ONNXs_defaults(Activation gate, Activation cell, Activation hidden)
    {
        Tensors tensors = Tensors.Load("clip");
        PyTorchLstmTensors layer = new OnnxLstmTensors(tensors.W, tensors.R, tensors.B).ToPyTorch(4, 12, 1)[0];
        var file = new WeightFile("activations", WeightFileFormat.SafeTensors,
        [
            new WeightTensor("weight_ih_l0", [48, 4], layer.WeightIh), new WeightTensor("weight_hh_l0", [48, 12], layer.WeightHh),
            new WeightTensor("bias_ih_l0", [48], layer.BiasIh), new WeightTensor("bias_hh_l0", [48], layer.BiasHh),
        ]);
        var declaration = new LstmDeclaration(4, 12) { GateActivation = gate, CellActivation = cell, HiddenActivation = hidden };
        RecurrentModel model = Runtime.GenericRecurrentModel.Create(file, declaration);

        var ours = new float[tensors.X.Length / 4 * 12];
        RecurrentStream stream = model.CreateStream();
        stream.Forward(tensors.X, ours);
        static (string, double, double) WithDefaults(Activation a) => a switch
        {
            Activation.HardSigmoid => ("HardSigmoid", 0.2, 0.5),
            Activation.LeakyRelu => ("LeakyRelu", 0.01, 0),
            Activation.ThresholdedRelu => ("ThresholdedRelu", 1, 0),
            Activation.ScaledTanh => ("ScaledTanh", 1, 1),
            Activation.Affine => ("Affine", 1, 0),
            Activation.Elu => ("Elu", 1, 0),
            _ => (a.ToString(), 0, 0),
        };
        double[] reference = ReferenceVariantLstm.RunOnnx(tensors.W, tensors.R, tensors.B, null, tensors.X, 4, 12, 1,
            new() { Gate = WithDefaults(gate), Cell = WithDefaults(cell), Hidden = WithDefaults(hidden) });
        double error = Golden.MaxAbsDifference(ours, reference);
        log.WriteLine($"{model.KernelDescription}: max |generic - float64| = {error:E2}");
        Assert.InRange(error, 0, ReferenceTolerance);
        Assert.True(reference.Any(v => Math.Abs(v) > 0.05), "the outputs must not all be near zero");

        stream.Reset();
        var stepped = new float[ours.Length];
        for (int t = 0; t < tensors.X.Length / 4; t++)
        {
            stream.Step(tensors.X.AsSpan(t * 4, 4), stepped.AsSpan(t * 12, 12));
        }
        Assert.Equal(ours, stepped);
    }

    [Theory]
    [InlineData("activations_a", "activation_alpha/beta = [0.3, 0.9] / [0.6, 1.1]")]
    [InlineData("activations_b", "activation_alpha/beta = [0.1, 0.8]")]
    public void The_generic_kernel_refuses_what_an_inferred_declaration_cannot_hold(string name, string reason)
    {
        string path = Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".onnx");
        var error = Assert.Throws<NotSupportedException>(() => RecurrentModel.FromWeights(WeightFile.Open(path), RecurrentKernel.Generic));
        Assert.StartsWith(path, error.Message, StringComparison.Ordinal);
        Assert.Contains(reason, error.Message, StringComparison.Ordinal);
        Assert.Contains("[Lstm(inputSize: 4, hiddenSize: 12", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_ONNX_attribute_that_differs_from_the_declaration_is_named()
    {
        string clip = Path.Combine(AppContext.BaseDirectory, "Onnx", "clip.onnx");
        var error = Assert.Throws<WeightFormatException>(() => PeepholeLstm4x12.Load(clip));   // declared without clip, and with peepholes
        Assert.Contains("clip = 1.5", error.Message);
        Assert.Contains("ActivationClip = 0", error.Message);

        error = Assert.Throws<WeightFormatException>(() => ClippedLstm4x12.Load(Path.Combine(AppContext.BaseDirectory, "Onnx", "activations_a.onnx")));
        Assert.Contains("activations = [", error.Message);
        Assert.Contains("GateActivation, CellActivation, HiddenActivation = [Sigmoid, Tanh, Tanh]", error.Message);

        error = Assert.Throws<WeightFormatException>(() => ClippedLstm4x12.Load(Path.Combine(AppContext.BaseDirectory, "Onnx", "reverse_clip.onnx")));
        Assert.Contains("direction = reverse", error.Message);
        Assert.Contains("Direction = LstmDirection.Forward", error.Message);

        error = Assert.Throws<WeightFormatException>(() => PeepholeLstm4x12.Load(Path.Combine(AppContext.BaseDirectory, "Onnx", "input_forget.onnx")));
        Assert.Contains("input_forget = 1", error.Message);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_variant_matches_ONNX_Runtime_running_the_same_weights(string name)
    {
        Tensors tensors = Tensors.Load(name);
        (Func<Tensors, Run> model, _, int directions) = Variants[name];

        float[] ours = model(tensors)(tensors.X);
        float[] onnx = RunOnnxRuntime(name, tensors.X, directions);

        double error = Golden.MaxAbsDifference(ours, onnx);
        log.WriteLine($"{name}: max |GenLstm - ONNX Runtime| = {error:E2}, outputs up to {onnx.Max(Math.Abs):F3}");
        Assert.InRange(error, 0, OnnxTolerance);
        Assert.True(onnx.Any(v => Math.Abs(v) > 0.05), "the model's outputs must not all be near zero, or the comparison proves little");
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_variant_matches_the_float64_reference(string name)
    {
        Tensors tensors = Tensors.Load(name);
        (Func<Tensors, Run> model, ReferenceVariantLstm.Options options, int directions) = Variants[name];

        float[] ours = model(tensors)(tensors.X);
        double[] reference = ReferenceVariantLstm.RunOnnx(tensors.W, tensors.R, tensors.B, tensors.P, tensors.X, 4, 12, directions, options);

        Assert.InRange(Golden.MaxAbsDifference(ours, reference), 0, ReferenceTolerance);
    }

    [Fact]
    public void CellClip_with_bfloat16_peepholes_matches_the_float64_reference_on_the_rounded_weights()
    {
        // TFLite's cell_clip has no ONNX counterpart: the float64 reference is the yardstick, fed the weights the model
        // stores (rounded to bfloat16), so only float32 rounding separates them.
        Tensors tensors = Tensors.Load("peepholes");
        var model = CellClipBFloat16Lstm4x12.FromOnnx(tensors.W, tensors.R, tensors.B, tensors.P!);
        float[] ours = Forward(model)(tensors.X);

        PyTorchLstmTensors layer = new OnnxLstmTensors(tensors.W, tensors.R, tensors.B, tensors.P).ToPyTorch(4, 12, 1)[0];
        float[] Round(float[] values) => Array.ConvertAll(values, v => BitConverter.UInt32BitsToSingle((uint)PackedBFloat16LstmWeights.RoundToBFloat16(v) << 16));
        float[] bias = Round([.. layer.BiasIh.Zip(layer.BiasHh, (a, b) => a + b)]);
        var options = new ReferenceVariantLstm.Options { Peepholes = true, CellClip = 0.5 };
        double[] reference = ReferenceVariantLstm.Run(Round(layer.WeightIh), Round(layer.WeightHh), bias, new float[bias.Length],
            Round(layer.Peepholes!), tensors.X, 4, 12, options);

        double error = Golden.MaxAbsDifference(ours, reference);
        log.WriteLine($"cell clip 0.5, bf16: max |GenLstm - float64| = {error:E2}");
        Assert.InRange(error, 0, ReferenceTolerance);
    }

    [Fact]
    public void The_variant_kernels_allocate_nothing_and_Step_equals_Forward_bit_for_bit()
    {
        Tensors tensors = Tensors.Load("combined");
        var model = CombinedLstm4x12.FromOnnx(tensors.W, tensors.R, tensors.B, tensors.P!);
        float[] forward = Forward(model)(tensors.X);
        var stepped = new float[forward.Length];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            var state = new CombinedLstm4x12.State();
            for (int t = 0; t < tensors.X.Length / 4; t++)
            {
                model.Step(tensors.X.AsSpan(t * 4, 4), ref state, stepped.AsSpan(t * 12, 12));
            }
        });

        Assert.Equal(0, allocated);
        Assert.Equal(forward, stepped);
    }

    private static Run Forward(PeepholeLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new PeepholeLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(CoupledLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new CoupledLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ClippedLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ClippedLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ActivationsALstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ActivationsALstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ActivationsBLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ActivationsBLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ActivationsCLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ActivationsCLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ActivationsDLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ActivationsDLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(CombinedLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new CombinedLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(PeepholeBidirectionalLstm4x12 m) => x => RunForward(x, 24, (i, o) => { var s = new PeepholeBidirectionalLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ClippedReverseLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ClippedReverseLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(ForgetBiasLstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new ForgetBiasLstm4x12.State(); m.Forward(i, ref s, o); });
    private static Run Forward(CellClipBFloat16Lstm4x12 m) => x => RunForward(x, 12, (i, o) => { var s = new CellClipBFloat16Lstm4x12.State(); m.Forward(i, ref s, o); });

    private static float[] RunForward(float[] inputs, int outputSize, Action<float[], float[]> forward)
    {
        var outputs = new float[inputs.Length / 4 * outputSize];
        forward(inputs, outputs);
        return outputs;
    }

    /// <summary>ONNX Runtime on the model file, one intra-op thread; Y [T, D, 1, H] read as [T, D·H].</summary>
    private static float[] RunOnnxRuntime(string name, float[] x, int directions)
    {
        using var options = new SessionOptions { IntraOpNumThreads = 1 };
        using var session = new InferenceSession(Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".onnx"), options);
        int steps = x.Length / 4;
        var input = new DenseTensor<float>(x, [steps, 1, 4]);
        using var results = session.Run([NamedOnnxValue.CreateFromTensor("X", input)]);
        float[] y = [.. results.Single(r => r.Name == "Y").AsTensor<float>()];
        Assert.Equal(steps * directions * 12, y.Length);
        return y;
    }

    /// <summary>The ONNX tensors and test input of one model, as the script wrote them.</summary>
    private sealed record Tensors(float[] W, float[] R, float[] B, float[]? P, float[] X)
    {
        public static Tensors Load(string name)
        {
            SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".safetensors"));
            return new Tensors(file.ReadFloat32("W"), file.ReadFloat32("R"), file.ReadFloat32("B"),
                file.Tensors.Any(t => t.Name == "P") ? file.ReadFloat32("P") : null, file.ReadFloat32("X"));
        }
    }
}

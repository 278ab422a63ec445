using System;

namespace GenLstm;

/// <summary>
/// Declares that the annotated <c>partial</c> class is an LSTM whose forward pass is generated at compile time.
/// </summary>
/// <remarks>
/// <para>
/// The GenLstm source generator adds to the class the sizes as constants, a <c>State</c> struct, <c>Step</c>
/// (one time step), <c>Forward</c> (a whole sequence), and factories that load trained weights
/// (<c>Load</c> for safetensors files, <c>FromPyTorch</c> for tensors in PyTorch's layout).
/// </para>
/// <para>
/// Semantics are those of PyTorch's <c>torch.nn.LSTM</c> (one layer unless <see cref="Layers"/> says more): gates i, f, g, o;
/// i = σ(W_i x + U_i h + b_i), f = σ(…), g = tanh(…), o = σ(…); c' = f ⊙ c + i ⊙ g; h' = o ⊙ tanh(c').
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Lstm(inputSize: 5, hiddenSize: 24)]
/// public sealed partial class MyModel { }
///
/// var model = MyModel.Load("my_model.safetensors");
/// var state = new MyModel.State();
/// model.Step(input, ref state, output);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmAttribute : Attribute
{
    /// <summary>The largest supported <see cref="InputSize"/>.</summary>
    public const int MaxInputSize = Contract.LstmLimits.MaxInputSize;

    /// <summary>The largest supported <see cref="HiddenSize"/> (the state struct holds three vectors of this size).</summary>
    public const int MaxHiddenSize = Contract.LstmLimits.MaxHiddenSize;

    /// <summary>The largest supported <see cref="Layers"/>.</summary>
    public const int MaxLayers = Contract.LstmLimits.MaxLayers;

    /// <summary>The largest supported <see cref="MaxSampleRateRatio"/>.</summary>
    public const int MaxSampleRateRatioLimit = Contract.LstmLimits.MaxSampleRateRatio;

    /// <summary>Declares an LSTM with the given sizes.</summary>
    /// <param name="inputSize">Number of features of the input vector x_t, from 1 to <see cref="MaxInputSize"/>.</param>
    /// <param name="hiddenSize">Number of hidden units (the size of h_t and c_t), from 1 to <see cref="MaxHiddenSize"/>.</param>
    public LstmAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Number of features of the input vector x_t.</summary>
    public int InputSize { get; }

    /// <summary>Number of hidden units: the size of h_t and c_t.</summary>
    public int HiddenSize { get; }

    /// <summary>
    /// Number of stacked layers, from 1 (the default) to <see cref="MaxLayers"/>: layer k &gt; 0 reads the output of layer k − 1,
    /// as PyTorch's <c>num_layers</c>. Every layer has <see cref="HiddenSize"/> units.
    /// </summary>
    public int Layers { get; set; } = 1;

    /// <summary>
    /// Which way the layers read the sequence: <see cref="LstmDirection.Forward"/> (the default),
    /// <see cref="LstmDirection.Reverse"/> or <see cref="LstmDirection.Bidirectional"/> (PyTorch's <c>bidirectional=True</c>).
    /// The last two need the whole sequence, so their models have <c>Forward</c> but no <c>Step</c> or <c>StepBatch</c>.
    /// </summary>
    public LstmDirection Direction { get; set; }

    /// <summary>
    /// The size P of the projection of every layer's output (PyTorch's <c>proj_size</c>, an LSTMP): h_t = W_hr (o ⊙ tanh(c_t)),
    /// P values, which are both the layer's output and its recurrent input; c_t keeps H values. From 1 to H − 1; 0 (the
    /// default) means no projection. Models with a projection run every step through the Step kernel (Forward does not
    /// hoist their input product).
    /// </summary>
    public int ProjectionSize { get; set; }

    /// <summary>
    /// Peephole connections (ONNX and TFLite semantics): i and f also see c_{t-1}, o sees c_t, each through a vector of H
    /// weights: i = σ(W_i x + U_i h + p_i ⊙ c_{t-1} + b_i), f likewise with p_f, o = σ(… + p_o ⊙ c_t). The weights are
    /// <c>weight_ci_l{k}</c>, <c>weight_cf_l{k}</c>, <c>weight_co_l{k}</c> [H] (ONNX's <c>P</c> in <c>FromOnnx</c>).
    /// </summary>
    public bool Peepholes { get; set; }

    /// <summary>
    /// Coupled input and forget gates (CIFG; ONNX's <c>input_forget</c>): i = 1 − f. The input gate's rows of the weights
    /// are read but not used.
    /// </summary>
    public bool CoupledInputForget { get; set; }

    /// <summary>
    /// Layer normalization of the preactivations (TFLite's layer-norm LSTM): for each gate, z = W x + U h (+ peephole) is
    /// normalized over the H units, (z − mean) / sqrt(variance + 1e-8), scaled by γ (<c>layer_norm_weight_l{k}</c>, [4H] in
    /// gate order i, f, g, o) and then offset by the bias (bias_ih + bias_hh), before the activation.
    /// </summary>
    public bool LayerNorm { get; set; }

    /// <summary>TFLite's <c>cell_clip</c>: c_t is clamped to [−CellClip, CellClip] after the update. 0 (the default) means no clipping.</summary>
    public float CellClip { get; set; }

    /// <summary>
    /// ONNX's <c>clip</c>: the inputs of the gate and cell-candidate activations are clamped to [−ActivationClip, ActivationClip].
    /// 0 (the default) means no clipping.
    /// </summary>
    public float ActivationClip { get; set; }

    /// <summary>A constant added to the forget gate's preactivation at every step, as TensorFlow 1's <c>BasicLSTMCell(forget_bias=…)</c>. Default 0.</summary>
    public float ForgetBias { get; set; }

    /// <summary>The activation of the gates i, f, o (ONNX's f): <see cref="Activation.Sigmoid"/> by default.</summary>
    public Activation GateActivation { get; set; } = Activation.Sigmoid;

    /// <summary>The activation of the cell candidate g (ONNX's g): <see cref="Activation.Tanh"/> by default.</summary>
    public Activation CellActivation { get; set; } = Activation.Tanh;

    /// <summary>The activation applied to c_t in h_t = o ⊙ act(c_t) (ONNX's h): <see cref="Activation.Tanh"/> by default.</summary>
    public Activation HiddenActivation { get; set; } = Activation.Tanh;

    /// <summary>α of <see cref="GateActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float GateAlpha { get; set; } = float.NaN;

    /// <summary>β of <see cref="GateActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float GateBeta { get; set; } = float.NaN;

    /// <summary>α of <see cref="CellActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float CellAlpha { get; set; } = float.NaN;

    /// <summary>β of <see cref="CellActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float CellBeta { get; set; } = float.NaN;

    /// <summary>α of <see cref="HiddenActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float HiddenAlpha { get; set; } = float.NaN;

    /// <summary>β of <see cref="HiddenActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float HiddenBeta { get; set; } = float.NaN;

    /// <summary>
    /// The activation approximations: <see cref="GenLstm.Precision.Exact"/> (the default, within 3e-7 of float64) or
    /// <see cref="GenLstm.Precision.Fast"/> (cheaper, within <see cref="LstmMath.FastTanhMaxAbsError"/>).
    /// </summary>
    public Precision Precision { get; set; }

    /// <summary>
    /// How the weights are stored: <see cref="GenLstm.WeightType.Float32"/> (the default) or
    /// <see cref="GenLstm.WeightType.BFloat16"/> (half the memory traffic per step, outputs off by about 1e-3).
    /// </summary>
    public WeightType WeightType { get; set; }

    /// <summary>
    /// Sample-rate correction, as RTNeural's <c>SampleRateCorrectionMode</c>: the largest ratio r / R (host rate over the model's
    /// training rate) a stream may run at, from 2 to <see cref="MaxSampleRateRatioLimit"/>; 0 (the default) means none. A stream
    /// set to ratio d with the state's <c>SetSampleRateRatio(d)</c> reads every layer's recurrent h and c from d steps back instead
    /// of 1 (interpolated between the two neighbouring steps, or rounded), which keeps the model's time constants when the host
    /// runs faster than the model was trained; each layer's output is that delayed state, as in RTNeural. The <c>State</c> then holds
    /// a history of MaxSampleRateRatio + 1 steps of every layer's h and c, so it stays a fixed-size value with no heap. Streams at
    /// ratio 1 run the uncorrected kernels. Forward models only; for a host slower than the model (d &lt; 1), resample.
    /// </summary>
    public int MaxSampleRateRatio { get; set; }
}

using System;

namespace GenLstm;

/// <summary>
/// Declares that the annotated <c>partial</c> class is a GRU whose forward pass is generated at compile time: the same
/// members, loaders and composition as an <see cref="LstmAttribute"/> model (<c>Step</c>, <c>Forward</c>, <c>StepBatch</c>,
/// <c>Load</c>, <see cref="LstmOutputAttribute"/>, <see cref="LstmWeightsAttribute"/>), with a GRU cell.
/// </summary>
/// <remarks>
/// <para>
/// Semantics are those of PyTorch's <c>torch.nn.GRU</c> (ONNX's <c>GRU</c> with <c>linear_before_reset = 1</c>, Keras's GRU with
/// <c>reset_after = True</c>); gates r, z, n with PyTorch's tensor names (<c>weight_ih_l{k}</c> [3H, I], gate order r, z, n):
/// </para>
/// <code>
/// r  = σ(W_r x + b_ir + U_r h + b_hr)
/// z  = σ(W_z x + b_iz + U_z h + b_hz)
/// n  = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn))
/// h' = (1 − z) ⊙ n + z ⊙ h
/// </code>
/// <para>
/// With <see cref="ResetAfter"/> = false (Keras's <c>reset_after = False</c>, ONNX's <c>linear_before_reset = 0</c>) the reset gate
/// applies to h before the product: n = tanh(W_n x + U_n (r ⊙ h) + b_in + b_hn). The state holds h only.
/// </para>
/// </remarks>
/// <example>
/// <code>
/// [Gru(inputSize: 1, hiddenSize: 40)]
/// [LstmOutput(size: 1, InputSkip = 1)]
/// public sealed partial class Pedal { }
///
/// var model = Pedal.Load("aida_x_model.json");
/// var state = model.InitialState;
/// model.Step(input, ref state, output);
/// </code>
/// </example>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class GruAttribute : Attribute
{
    /// <summary>Declares a GRU with the given sizes.</summary>
    /// <param name="inputSize">Number of features of the input vector x_t, from 1 to <see cref="LstmAttribute.MaxInputSize"/>.</param>
    /// <param name="hiddenSize">Number of hidden units (the size of h_t), from 1 to <see cref="LstmAttribute.MaxHiddenSize"/>.</param>
    public GruAttribute(int inputSize, int hiddenSize)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>Number of features of the input vector x_t.</summary>
    public int InputSize { get; }

    /// <summary>Number of hidden units: the size of h_t.</summary>
    public int HiddenSize { get; }

    /// <summary>Number of stacked layers, from 1 (the default) to <see cref="LstmAttribute.MaxLayers"/>, as PyTorch's <c>num_layers</c>.</summary>
    public int Layers { get; set; } = 1;

    /// <summary>
    /// Which way the layers read the sequence: <see cref="LstmDirection.Forward"/> (the default), <see cref="LstmDirection.Reverse"/>
    /// or <see cref="LstmDirection.Bidirectional"/>; the last two have <c>Forward</c> but no <c>Step</c>.
    /// </summary>
    public LstmDirection Direction { get; set; }

    /// <summary>
    /// Where the reset gate applies: true (the default) to U_n h + b_hn, as PyTorch, ONNX's <c>linear_before_reset = 1</c> and Keras's
    /// <c>reset_after = True</c>; false to h before the product, as Keras's <c>reset_after = False</c> and ONNX's default
    /// <c>linear_before_reset = 0</c>.
    /// </summary>
    public bool ResetAfter { get; set; } = true;

    /// <summary>ONNX's <c>clip</c>: the inputs of every activation are clamped to [−ActivationClip, ActivationClip]; 0 (the default) for none.</summary>
    public float ActivationClip { get; set; }

    /// <summary>The activation of the gates r and z (ONNX's f): <see cref="Activation.Sigmoid"/> by default.</summary>
    public Activation GateActivation { get; set; } = Activation.Sigmoid;

    /// <summary>The activation of the new gate n (ONNX's g): <see cref="Activation.Tanh"/> by default.</summary>
    public Activation CellActivation { get; set; } = Activation.Tanh;

    /// <summary>α of <see cref="GateActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float GateAlpha { get; set; } = float.NaN;

    /// <summary>β of <see cref="GateActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float GateBeta { get; set; } = float.NaN;

    /// <summary>α of <see cref="CellActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float CellAlpha { get; set; } = float.NaN;

    /// <summary>β of <see cref="CellActivation"/>; NaN (the default) means ONNX's default for that activation.</summary>
    public float CellBeta { get; set; } = float.NaN;

    /// <summary>The activation approximations, as <see cref="LstmAttribute.Precision"/>.</summary>
    public Precision Precision { get; set; }

    /// <summary>How the weights are stored, as <see cref="LstmAttribute.WeightType"/>.</summary>
    public WeightType WeightType { get; set; }

    /// <summary>
    /// Sample-rate correction, as <see cref="LstmAttribute.MaxSampleRateRatio"/>: the largest host-to-model rate ratio a stream may run
    /// at (every layer's h is read from that many steps back); 0 (the default) for none.
    /// </summary>
    public int MaxSampleRateRatio { get; set; }
}

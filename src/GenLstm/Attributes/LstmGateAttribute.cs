using System;

namespace GenLstm;

/// <summary>
/// Adds a gate to an <see cref="LstmAttribute"/> model: <c>name = activation(W x + U h + b)</c> with its own weights, which
/// <see cref="LstmCellAttribute"/> and <see cref="LstmHiddenAttribute"/> expressions read by its name. Repeat the attribute for
/// several gates; they are read in declaration order.
/// </summary>
/// <remarks>
/// The weights are <c>weight_ih_{name}_l{k}</c> [H, I], <c>weight_hh_{name}_l{k}</c> [H, H] (P with a projection) and
/// <c>bias_{name}_l{k}</c> [H]. <c>ActivationClip</c> clamps its input like the standard gates'. Example:
/// <c>[LstmGate("z", Activation.Sigmoid)] [LstmCell("f * c_prev + i * g + z * tanh(c_prev)")]</c>.
/// </remarks>
/// <param name="name">The gate's name in the expressions: a letter or '_', then letters, digits or '_'; not i, f, g, o, c, c_prev or a function.</param>
/// <param name="activation">Its activation (every <see cref="Activation"/> but None and Softmax); Sigmoid by default.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = true, Inherited = false)]
public sealed class LstmGateAttribute(string name, Activation activation = Activation.Sigmoid) : Attribute
{
    /// <summary>The gate's name.</summary>
    public string Name { get; } = name;

    /// <summary>The gate's activation.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>α of the activation; NaN (the default) means ONNX's default.</summary>
    public float Alpha { get; set; } = float.NaN;

    /// <summary>β of the activation; NaN (the default) means ONNX's default.</summary>
    public float Beta { get; set; } = float.NaN;
}

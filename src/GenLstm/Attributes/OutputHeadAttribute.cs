using System;

namespace GenLstm;

/// <summary>
/// Adds a dense output head to an <see cref="LstmAttribute"/> or <see cref="GruAttribute"/> model: y_t = activation(W h_t + b), computed on the last
/// layer's output at every step (PyTorch's <c>nn.Linear</c> after the LSTM or GRU, the original tutorial's "output unit").
/// The model's <c>OutputSize</c> becomes <paramref name="size"/>.
/// </summary>
/// <remarks>
/// The weights are W = <c>output.weight</c> [size, H] (2H when bidirectional) and b = <c>output.bias</c> [size]. <c>Load</c>
/// also accepts any one <c>&lt;module&gt;.weight</c> of that shape with its <c>&lt;module&gt;.bias</c> (as <c>nn.Linear</c>
/// inside a larger module writes them: <c>fc.weight</c>, <c>head.weight</c>); a missing bias is zero.
/// </remarks>
/// <param name="size">The number of outputs, from 1 to <see cref="MaxSize"/>.</param>
/// <param name="activation">
/// <see cref="Activation.None"/> (the default), <see cref="Activation.Sigmoid"/>, <see cref="Activation.Tanh"/>,
/// <see cref="Activation.Relu"/> or <see cref="Activation.Softmax"/>.
/// </param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public class OutputHeadAttribute(int size, Activation activation = Activation.None) : Attribute
{
    /// <summary>The largest supported <see cref="Size"/>.</summary>
    public const int MaxSize = Contract.LstmLimits.MaxOutputSize;

    /// <summary>The number of outputs.</summary>
    public int Size { get; } = size;

    /// <summary>The activation applied to W h_t + b.</summary>
    public Activation Activation { get; } = activation;

    /// <summary>
    /// The input skip of amp and pedal models (CoreAudioML's and GuitarML's <c>skip</c>, AIDA-X's <c>in_skip</c>): the first
    /// InputSkip inputs are added to the first InputSkip outputs, y_t[j] = head(h_t)[j] + x_t[j], so the network learns the
    /// difference from the dry signal. From 0 (the default, none) to the smaller of the input and output sizes. <c>Load</c>
    /// checks it against a file that states its skip, and fails naming both when they differ.
    /// </summary>
    public int InputSkip { get; set; }
}

/// <summary>
/// The LSTM-named spelling of <see cref="OutputHeadAttribute"/>, kept so that declarations written before the GRU compile
/// unchanged: <c>[LstmOutput(1)]</c> and <c>[OutputHead(1)]</c> declare the same head, on either cell. A type takes one of them.
/// </summary>
/// <param name="size">The number of outputs, from 1 to <see cref="OutputHeadAttribute.MaxSize"/>.</param>
/// <param name="activation">The activation applied to W h_t + b; see <see cref="OutputHeadAttribute"/>.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmOutputAttribute(int size, Activation activation = Activation.None) : OutputHeadAttribute(size, activation);

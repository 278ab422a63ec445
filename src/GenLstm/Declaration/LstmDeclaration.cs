using System.Collections.Generic;
using System.Linq;
using GenLstm.Contract;

namespace GenLstm;

/// <summary>
/// What an <c>[Lstm]</c> or <c>[Gru]</c> declaration says, for checking a weight file's own statements against it
/// (<see cref="WeightFile.RequireDeclaration"/>). Generated <c>FromWeights</c> methods pass their model's.
/// </summary>
/// <param name="InputSize">I.</param>
/// <param name="HiddenSize">H.</param>
public sealed record LstmDeclaration(int InputSize, int HiddenSize)
{
    /// <summary>The recurrent cell: <see cref="RecurrentCell.Lstm"/> for <c>[Lstm]</c>, <see cref="RecurrentCell.Gru"/> for <c>[Gru]</c>.</summary>
    public RecurrentCell Cell { get; init; } = RecurrentCell.Lstm;

    /// <summary>
    /// For a GRU, where the reset gate applies: true (PyTorch, ONNX <c>linear_before_reset = 1</c>, Keras <c>reset_after = True</c>)
    /// to U_n h + b_hn, n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)); false (Keras <c>reset_after = False</c>, ONNX
    /// <c>linear_before_reset = 0</c>) to h, n = tanh(W_n x + U_n (r ⊙ h) + b_n). Ignored for an LSTM.
    /// </summary>
    public bool ResetAfter { get; init; } = true;

    /// <summary>The number of stacked layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>The direction of every layer.</summary>
    public LstmDirection Direction { get; init; } = LstmDirection.Forward;

    /// <summary>The activation of the gates i, f, o.</summary>
    public Activation GateActivation { get; init; } = Activation.Sigmoid;

    /// <summary>The activation of the cell candidate.</summary>
    public Activation CellActivation { get; init; } = Activation.Tanh;

    /// <summary>The activation of c_t in h_t.</summary>
    public Activation HiddenActivation { get; init; } = Activation.Tanh;

    /// <summary>ONNX's <c>clip</c>: the bound on the activations' inputs; 0 for none.</summary>
    public float ActivationClip { get; init; }

    /// <summary>Whether the input and forget gates are coupled (ONNX's <c>input_forget</c>).</summary>
    public bool CoupledInputForget { get; init; }

    /// <summary>Whether the cell has peepholes.</summary>
    public bool Peepholes { get; init; }

    /// <summary>PyTorch's <c>proj_size</c>; 0 without a projection.</summary>
    public int ProjectionSize { get; init; }

    /// <summary>Whether every gate is layer-normalized.</summary>
    public bool LayerNorm { get; init; }

    /// <summary>The output head's size (<c>[OutputHead]</c>); 0 without a head.</summary>
    public int OutputSize { get; init; }

    /// <summary>The output head's activation.</summary>
    public Activation OutputActivation { get; init; } = Activation.None;

    /// <summary>
    /// The names of the gates <c>[LstmGate]</c> adds, in declaration order (their tensors are <c>weight_ih_{name}_l{k}</c>,
    /// <c>weight_hh_{name}_l{k}</c>, <c>bias_{name}_l{k}</c>); empty for none.
    /// </summary>
    public IReadOnlyList<string> ExtraGates { get; init; } = [];

    /// <summary>How many of the first inputs the head adds to its first outputs (<c>[OutputHead(InputSkip = …)]</c>); 0 for none.</summary>
    public int InputSkip { get; init; }

    /// <summary>The C# declaration of this model, to paste: <c>[Lstm(...)]</c> or <c>[Gru(...)]</c>, <c>[OutputHead(...)]</c> and a partial class.</summary>
    /// <param name="typeName">The class's name.</param>
    public string ToCSharp(string typeName = "MyModel")
    {
        var options = new List<string>();
        if (Layers != 1) options.Add($"Layers = {Layers}");
        if (Cell == RecurrentCell.Gru && !ResetAfter) options.Add("ResetAfter = false");
        if (Direction != LstmDirection.Forward) options.Add($"Direction = LstmDirection.{Direction}");
        if (ProjectionSize > 0) options.Add($"ProjectionSize = {ProjectionSize}");
        if (Peepholes) options.Add("Peepholes = true");
        if (CoupledInputForget) options.Add("CoupledInputForget = true");
        if (LayerNorm) options.Add("LayerNorm = true");
        if (ActivationClip > 0) options.Add($"ActivationClip = {ActivationClip.ToString("R", System.Globalization.CultureInfo.InvariantCulture)}f");
        if (GateActivation != Activation.Sigmoid) options.Add($"GateActivation = Activation.{GateActivation}");
        if (CellActivation != Activation.Tanh) options.Add($"CellActivation = Activation.{CellActivation}");
        if (HiddenActivation != Activation.Tanh) options.Add($"HiddenActivation = Activation.{HiddenActivation}");
        string lstm = $"[{Cell.AttributeName()}(inputSize: {InputSize}, hiddenSize: {HiddenSize}{string.Concat(options.Select(o => ", " + o))})]";
        string head = OutputSize == 0 ? "" : $"\n[OutputHead(size: {OutputSize}{(OutputActivation == Activation.None ? "" : $", Activation.{OutputActivation}")}{(InputSkip == 0 ? "" : $", InputSkip = {InputSkip}")})]";
        return $"{lstm}{head}\npublic sealed partial class {typeName} {{ }}";
    }

    /// <summary>Every tensor this model reads from a file of PyTorch's names, per layer and direction.</summary>
    internal PyTorchLstmLayout Layout()
        => new(InputSize, HiddenSize, Layers, Direction == LstmDirection.Bidirectional ? 2 : 1, ProjectionSize, Peepholes, LayerNorm, [.. ExtraGates], Cell);

    /// <summary>How many weights the model reads from a file: its layers' tensors (the initial states included) and its head's.</summary>
    internal long WeightCount()
    {
        long recurrent = Layout().Layers.SelectMany(l => l.Required.Concat(l.Optional)).Sum(t => t.Shape.Aggregate(1L, (product, d) => product * d));
        long columns = (Direction == LstmDirection.Bidirectional ? 2L : 1L) * (ProjectionSize > 0 ? ProjectionSize : HiddenSize);
        return recurrent + (long)OutputSize * (columns + 1);
    }
}

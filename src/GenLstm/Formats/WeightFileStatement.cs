using System;

namespace GenLstm;

/// <summary>
/// Something a weight file states about the model besides its tensors: an ONNX node's attribute (<c>hidden_size</c>,
/// <c>direction</c>, <c>activations</c>, <c>clip</c>, <c>input_forget</c>), a JSON model's field (RTNeural's <c>shape</c>,
/// GuitarML's <c>hidden_size</c>, <c>skip</c>), a Keras layer's configuration. Loading checks each against the declaration.
/// (Named a statement, not an attribute: it is data read from a file, not a C# attribute.)
/// </summary>
/// <param name="Origin">Where in the file it is stated, e.g. <c>ONNX node 'LSTM_0'</c>.</param>
/// <param name="Name">The name of what is stated (an attribute, a field, a setting) as the file spells it.</param>
/// <param name="Value">Its value, as text.</param>
public sealed record WeightFileStatement(string Origin, string Name, string Value)
{
    /// <summary>
    /// Compares the statement with a declaration: null when they agree (or the attribute constrains nothing), else the
    /// declaration's conflicting setting, e.g. <c>HiddenSize = 16</c>.
    /// </summary>
    internal Func<LstmDeclaration, string?>? Disagreement { get; init; }

    /// <summary>What the statement says about the model, applied to a declaration inferred from the tensors (<see cref="WeightFile.InferDeclaration"/>).</summary>
    internal Func<LstmDeclaration, LstmDeclaration>? Implies { get; init; }

    /// <summary>
    /// Whether the statement says something an <see cref="LstmDeclaration"/> cannot hold (ONNX's activation α and β): a model
    /// inferred from the file (<see cref="WeightFile.InferDeclaration"/>) would run without it, so RecurrentModel's generic kernel
    /// refuses the file and asks for a declaration that states it.
    /// </summary>
    internal bool IsBeyondDeclaration { get; init; }

    /// <summary>Whether loading checks this statement against the declaration (otherwise it is reported only, like GuitarML's <c>skip</c>).</summary>
    public bool IsChecked => Disagreement is not null;
}

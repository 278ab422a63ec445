namespace GenLstm.Formats;

/// <summary>
/// The statements every GRU reader makes: which cell the file holds, and where its reset gate applies. A declared LSTM then
/// fails on the statement, with the file's own words for the cell, before any tensor shape is compared.
/// </summary>
internal static class CellStatements
{
    /// <summary>The file's recurrent layers are GRUs.</summary>
    /// <param name="origin">Where the file says it, e.g. <c>Keras layer 'gru'</c>.</param>
    /// <param name="name">What the file calls it (<c>type</c>, <c>unit_type</c>, <c>op_type</c>).</param>
    /// <param name="value">The file's own value (<c>gru</c>, <c>GRU</c>).</param>
    public static WeightFileStatement Gru(string origin, string name, string value) => new(origin, name, value)
    {
        Disagreement = d => d.Cell == RecurrentCell.Gru ? null : $"[{d.Cell.AttributeName()}] (an LSTM)",
        Implies = d => d with { Cell = RecurrentCell.Gru },
    };

    /// <summary>Where the file's GRU applies its reset gate: Keras's <c>reset_after</c>, ONNX's <c>linear_before_reset</c>.</summary>
    /// <param name="origin">Where the file says it.</param>
    /// <param name="name">The setting as the file spells it.</param>
    /// <param name="value">Its value as the file writes it.</param>
    /// <param name="resetAfter">What the value means for <see cref="LstmDeclaration.ResetAfter"/>.</param>
    public static WeightFileStatement ResetAfter(string origin, string name, string value, bool resetAfter) => new(origin, name, value)
    {
        Disagreement = d => d.Cell != RecurrentCell.Gru || d.ResetAfter == resetAfter ? null : $"ResetAfter = {(d.ResetAfter ? "true" : "false")}",
        Implies = d => d with { ResetAfter = resetAfter },
    };
}

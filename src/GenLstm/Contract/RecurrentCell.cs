// One enum for the runtime and the generator (see README.md here).
#if GENLSTM_GENERATOR
namespace GenLstm.Generators;
#else
namespace GenLstm;
#endif

/// <summary>
/// The recurrent cell of a model: <c>[Lstm]</c> declares an LSTM, <c>[Gru]</c> a GRU. Both use PyTorch's tensor names
/// (<c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>, <c>bias_hh_l{k}</c>), with 4 gates of H rows for an LSTM
/// (i, f, g, o) and 3 for a GRU (r, z, n).
/// </summary>
#if GENLSTM_GENERATOR
internal
#else
public
#endif
enum RecurrentCell
{
    /// <summary>Long short-term memory: <c>torch.nn.LSTM</c>, four gates i, f, g, o, a hidden and a cell state.</summary>
    Lstm = 0,

    /// <summary>Gated recurrent unit: <c>torch.nn.GRU</c>, three gates r, z, n, a hidden state only.</summary>
    Gru = 1,
}

/// <summary>What the tensor layout and the declarations say about each cell.</summary>
internal static class RecurrentCellExtensions
{
    /// <summary>The gates of the cell, each H rows of <c>weight_ih</c>, <c>weight_hh</c> and the biases: 4 for an LSTM, 3 for a GRU.</summary>
    public static int GateCount(this RecurrentCell cell) => cell == RecurrentCell.Gru ? 3 : 4;

    /// <summary>The attribute that declares the cell, without brackets: <c>Lstm</c> or <c>Gru</c>.</summary>
    public static string AttributeName(this RecurrentCell cell) => cell == RecurrentCell.Gru ? "Gru" : "Lstm";
}

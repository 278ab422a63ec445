using System;

namespace GenLstm.Formats;

/// <summary>
/// The tensors of one ONNX <c>GRU</c> node (one layer, one or two directions): <c>W</c> [D, 3H, I], <c>R</c> [D, 3H, H] and
/// optionally <c>B</c> [D, 6H] (Wb then Rb), in ONNX's gate order z, r, h, converted to PyTorch's r, z, n. The biases stay
/// apart as ONNX keeps them: Wb is bias_ih, Rb bias_hh, which is exact for both values of <c>linear_before_reset</c>
/// (0 adds Rb_h outside r ⊙, as <see cref="LstmDeclaration.ResetAfter"/> = false does with bias_hh).
/// </summary>
/// <remarks>The LSTM's counterpart is <see cref="OnnxLstmTensors"/>; the order conversion is <see cref="GateBlocks"/>.</remarks>
internal static class OnnxGruTensors
{
    /// <summary>The node's directions as PyTorch tensors (row-major, gate order r, z, n), forward first.</summary>
    /// <param name="w">W, [D, 3H, I].</param>
    /// <param name="r">R, [D, 3H, H].</param>
    /// <param name="b">B, [D, 6H], or empty for zero biases.</param>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="directions">D: 1, or 2 for a bidirectional node.</param>
    /// <exception cref="ArgumentException">A tensor's length is not the ONNX shape for these sizes; the parameter name is the tensor's.</exception>
    public static PyTorchLstmTensors[] ToPyTorch(float[] w, float[] r, float[] b, int inputSize, int hiddenSize, int directions)
    {
        int gateRows = 3 * hiddenSize;
        OnnxLstmTensors.Require(w, directions * gateRows * inputSize, $"[{directions}, {gateRows}, {inputSize}]", "W");
        OnnxLstmTensors.Require(r, directions * gateRows * hiddenSize, $"[{directions}, {gateRows}, {hiddenSize}]", "R");
        if (b.Length > 0)
        {
            OnnxLstmTensors.Require(b, directions * 2 * gateRows, $"[{directions}, {2 * gateRows}]", "B");
        }

        var result = new PyTorchLstmTensors[directions];
        for (int d = 0; d < directions; d++)
        {
            float[] Reorder(float[] tensor, int offset, int columns)
                => GateBlocks.Reorder(tensor.AsSpan(offset, gateRows * columns), GateBlocks.GruFromZrh, hiddenSize, columns);
            result[d] = new PyTorchLstmTensors(
                Reorder(w, d * gateRows * inputSize, inputSize),
                Reorder(r, d * gateRows * hiddenSize, hiddenSize),
                b.Length == 0 ? new float[gateRows] : Reorder(b, d * 2 * gateRows, 1),
                b.Length == 0 ? new float[gateRows] : Reorder(b, d * 2 * gateRows + gateRows, 1));
        }
        return result;
    }
}

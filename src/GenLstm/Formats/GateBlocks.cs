using System;

namespace GenLstm.Formats;

/// <summary>
/// The gate order of each framework, and the reorder to PyTorch's. A recurrent layer's tensors are blocks of H rows, one per
/// gate (a bias: one block of H entries per gate); only the order of the blocks differs between frameworks.
/// </summary>
internal static class GateBlocks
{
    /// <summary>
    /// Keras's and ONNX's GRU blocks z, r, h, as the source block of each of PyTorch's r, z, n: the first two swap, the new gate
    /// stays last.
    /// </summary>
    public static readonly int[] GruFromZrh = [1, 0, 2];

    /// <summary>
    /// A row-major [G·H, columns] tensor (a bias: columns = 1) with its gate blocks put in PyTorch's order:
    /// target block g is source block <paramref name="sourceBlockOfTarget"/>[g].
    /// </summary>
    /// <param name="source">The tensor in the source framework's gate order.</param>
    /// <param name="sourceBlockOfTarget">For each PyTorch gate, the index of its block in <paramref name="source"/>.</param>
    /// <param name="hiddenSize">H, the rows of a block.</param>
    /// <param name="columns">The columns of a row.</param>
    public static float[] Reorder(ReadOnlySpan<float> source, int[] sourceBlockOfTarget, long hiddenSize, long columns)
    {
        int block = checked((int)(hiddenSize * columns));
        var result = new float[sourceBlockOfTarget.Length * block];
        for (int gate = 0; gate < sourceBlockOfTarget.Length; gate++)
        {
            source.Slice(sourceBlockOfTarget[gate] * block, block).CopyTo(result.AsSpan(gate * block));
        }
        return result;
    }
}

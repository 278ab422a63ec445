using System;
using System.ComponentModel;

namespace GenLstm;

/// <summary>
/// An LSTM's weights packed like <see cref="PackedLstmWeights"/>, but rounded to bfloat16 and stored in pairs, for
/// models declared with <see cref="WeightType.BFloat16"/>: half the bytes per step for the kernel to read.
/// </summary>
/// <remarks>
/// <para>
/// Blocks and rows are those of <see cref="PackedLstmWeights"/> (the bias row, then one row per column of W and U), but a
/// row is <see cref="RowLength"/> 32-bit words instead of 32 floats: word u (u = 0 … 7) holds gate i of unit u in its high
/// half and gate f in its low half; word 8 + u holds gates g and o the same way:
/// </para>
/// <code>
/// row: [ (i₀|f₀) (i₁|f₁) … (i₇|f₇) ] [ (g₀|o₀) … (g₇|o₇) ]      each (high 16 bits | low 16 bits) a bfloat16
/// </code>
/// <para>
/// A bfloat16 is the high half of a float32, so the kernel widens a vector of words into two vectors of floats with one
/// AND (clearing the low halves: the high gates, exactly) and one left shift by 16 (the low gates, exactly); no conversion
/// instruction is needed on any hardware. Each value, including the summed bias b_ih + b_hh, is rounded to the nearest
/// bfloat16 (ties to even), as PyTorch's <c>tensor.to(torch.bfloat16)</c>.
/// </para>
/// </remarks>
public sealed class PackedBFloat16LstmWeights
{
    /// <summary>32-bit words in one row of a block: two bfloat16 gates of 8 units per word.</summary>
    public const int RowLength = PackedLstmWeights.RowLength / 2;

    private readonly AlignedBuffer<uint> _buffer;

    private PackedBFloat16LstmWeights(PackedLstmWeights source)
    {
        InputSize = source.InputSize;
        HiddenSize = source.HiddenSize;
        PaddedHiddenSize = source.PaddedHiddenSize;
        BlockStride = source.BlockStride / 2;
        _buffer = new AlignedBuffer<uint>(source.Length / 2);
    }

    /// <summary>The input size I.</summary>
    public int InputSize { get; }

    /// <summary>The hidden size H.</summary>
    public int HiddenSize { get; }

    /// <summary>H rounded up to a multiple of <see cref="PackedLstmWeights.BlockSize"/>.</summary>
    public int PaddedHiddenSize { get; }

    /// <summary>Words per block: (1 + I + R) rows of <see cref="RowLength"/>, one more with peepholes.</summary>
    public int BlockStride { get; }

    /// <summary>Total packed words.</summary>
    public int Length => _buffer.Length;

    /// <summary>The packed words (read-only), starting at a 64-byte aligned address.</summary>
    public ReadOnlySpan<uint> Span => _buffer.Span;

    /// <summary>A reference to the first packed word, for the kernels. Callers must not write through it.</summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ref uint Start => ref _buffer.Start;

    /// <summary>Packs the weights of PyTorch's <c>torch.nn.LSTM</c> as bfloat16; see <see cref="PackedLstmWeights.FromPyTorch(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, H].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length or holds a NaN or infinity, or a value is beyond bfloat16's range (±3.39e38).
    /// </exception>
    public static PackedBFloat16LstmWeights FromPyTorch(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
        => From(PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh));

    /// <summary>Packs the weights of a layer with projection as bfloat16; see <see cref="PackedLstmWeights.FromPyTorch(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length or holds a NaN or infinity, or a value is beyond bfloat16's range (±3.39e38).
    /// </exception>
    public static PackedBFloat16LstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
        => From(PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh));

    /// <summary>Packs the weights of a layer with peephole connections as bfloat16 (the peepholes rounded too); see <see cref="PackedLstmWeights.FromPyTorch(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <param name="peepholes">p_i, p_f, p_o: shape [3, H].</param>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length or holds a NaN or infinity, or a value is beyond bfloat16's range (±3.39e38).
    /// </exception>
    public static PackedBFloat16LstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholes)
        => From(PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh, peepholes));

    /// <summary>Packs the weights of a layer with peepholes and/or layer normalization as bfloat16; see <see cref="PackedLstmWeights.FromPyTorch(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.</summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <param name="peepholes">p_i, p_f, p_o: shape [3, H]; or empty.</param>
    /// <param name="layerNorm">The layer-norm scales of gates i, f, g, o: shape [4, H]; or empty.</param>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length or holds a NaN or infinity, or a value is beyond bfloat16's range (±3.39e38).
    /// </exception>
    public static PackedBFloat16LstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholes, ReadOnlySpan<float> layerNorm)
        => From(PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh, peepholes, layerNorm));

    /// <summary>
    /// Packs the weights of PyTorch's <c>torch.nn.GRU</c> as bfloat16, in an LSTM's rows: slots r, z, n's input part and n's
    /// hidden part, paired r|z and n's two parts; see <see cref="PackedLstmWeights.FromPyTorchGru"/> for the equations.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [3H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [3H, H].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [3H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [3H].</param>
    /// <param name="resetAfter">Whether the reset gate applies after U_n h (PyTorch's GRU) or before it.</param>
    /// <exception cref="ArgumentException">
    /// A span has the wrong length or holds a NaN or infinity, or a value is beyond bfloat16's range (±3.39e38).
    /// </exception>
    public static PackedBFloat16LstmWeights FromPyTorchGru(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, bool resetAfter = true)
        => From(PackedLstmWeights.FromPyTorchGruInLstmRows(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh, resetAfter));

    /// <summary>Rounds float32 packed weights to bfloat16 and pairs the gates.</summary>
    /// <param name="weights">The float32 packing of the same model.</param>
    /// <exception cref="ArgumentException">A value is beyond bfloat16's range (±3.39e38), or the weights are a GRU's rows of three gates.</exception>
    public static PackedBFloat16LstmWeights From(PackedLstmWeights weights)
    {
        ArgumentNullException.ThrowIfNull(weights);
        if (weights.PackedRowLength != PackedLstmWeights.RowLength)
        {
            throw new ArgumentException(
                $"The weights are packed in rows of {weights.PackedRowLength} floats (a GRU's r, z, n); bfloat16 pairs the four slots of {PackedLstmWeights.RowLength}-float rows. Use FromPyTorchGru.", nameof(weights));
        }
        var packed = new PackedBFloat16LstmWeights(weights);
        ReadOnlySpan<float> source = weights.Span;
        Span<uint> target = packed._buffer.Span;
        const int blockSize = PackedLstmWeights.BlockSize;
        for (int row = 0; row < target.Length / RowLength; row++)
        {
            ReadOnlySpan<float> gates = source.Slice(row * PackedLstmWeights.RowLength, PackedLstmWeights.RowLength);
            for (int unit = 0; unit < blockSize; unit++)
            {
                // Gates i, f, g, o sit at 0, 8, 16, 24 in a float row.
                target[row * RowLength + unit] = Pair(gates[unit], gates[blockSize + unit]);
                target[row * RowLength + blockSize + unit] = Pair(gates[2 * blockSize + unit], gates[3 * blockSize + unit]);
            }
        }
        return packed;

        uint Pair(float high, float low) => (uint)RoundToBFloat16(high) << 16 | RoundToBFloat16(low);
    }

    /// <summary>The bits of the bfloat16 nearest to <paramref name="value"/> (ties to even).</summary>
    /// <param name="value">A finite float.</param>
    /// <exception cref="ArgumentException">The value rounds to infinity or is not finite.</exception>
    public static ushort RoundToBFloat16(float value)
    {
        uint bits = BitConverter.SingleToUInt32Bits(value);
        uint rounded = (bits + 0x7FFFu + ((bits >> 16) & 1u)) >> 16;
        if (!float.IsFinite(value) || (rounded & 0x7F80u) == 0x7F80u)
        {
            throw new ArgumentException($"{value} is beyond bfloat16's range (±3.39e38); weights that large cannot be stored as bfloat16.", nameof(value));
        }
        return (ushort)rounded;
    }
}

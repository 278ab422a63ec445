using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenLstm;

/// <summary>
/// An LSTM's weights repacked, once, into the layout the generated kernels read: gate-interleaved blocks of
/// <see cref="BlockSize"/> hidden units, 64-byte aligned. Immutable after construction; generated model types
/// hold one and read it from any number of threads.
/// </summary>
/// <remarks>
/// <para>
/// The hidden size H is padded to a multiple of <see cref="BlockSize"/> (Hp). Block b covers units 8b … 8b+7 and is
/// one contiguous segment of <see cref="BlockStride"/> floats: first the summed bias, then one row per input column
/// k = 0 … I+H−1 (the I input features, then the H previous hidden values). Every row holds the four gates in the
/// order i, f, g, o, each as 8 consecutive floats for the block's 8 units:
/// </para>
/// <code>
/// block b: [ b_i(8) b_f(8) b_g(8) b_o(8) ] [ W_i[·,0](8) W_f[·,0](8) W_g[·,0](8) W_o[·,0](8) ] … one row per column k
/// </code>
/// <para>
/// So the kernel accumulates all four gates of 8 units with one broadcast of x_k (or h_k) and four fused
/// multiply-adds on consecutive memory, and reads the weights strictly sequentially. Padded units have zero weights
/// and bias, which keeps their cell and hidden values at zero; they are never read as inputs nor written to outputs.
/// </para>
/// </remarks>
public sealed class PackedLstmWeights
{
    /// <summary>Hidden units per block: one Vector256 of float.</summary>
    public const int BlockSize = 8;

    /// <summary>Gates per block, in the order i, f, g, o.</summary>
    public const int GateCount = 4;

    /// <summary>Floats in one row of a block: every gate of its 8 units.</summary>
    public const int RowLength = BlockSize * GateCount;

    private readonly AlignedBuffer<float> _buffer;

    private PackedLstmWeights(int inputSize, int hiddenSize, int recurrentSize, bool hasPeepholes, bool hasLayerNorm)
        : this(inputSize, hiddenSize, recurrentSize, hasPeepholes, hasLayerNorm, RowLength, ComputeBlockStride(inputSize, recurrentSize, hasPeepholes, hasLayerNorm))
    {
    }

    private PackedLstmWeights(int inputSize, int hiddenSize, int recurrentSize, bool hasPeepholes, bool hasLayerNorm, int packedRowLength, int blockStride)
    {
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        RecurrentSize = recurrentSize;
        HasPeepholes = hasPeepholes;
        HasLayerNorm = hasLayerNorm;
        PaddedHiddenSize = PadHiddenSize(hiddenSize);
        PackedRowLength = packedRowLength;
        BlockStride = blockStride;
        _buffer = new AlignedBuffer<float>(PaddedHiddenSize / BlockSize * BlockStride);
    }

    /// <summary>Floats in one row of a GRU's block (<see cref="FromPyTorchGru"/>): r, z and n of its 8 units.</summary>
    public const int GruRowLength = BlockSize * 3;

    /// <summary>The input size I.</summary>
    public int InputSize { get; }

    /// <summary>The hidden size H.</summary>
    public int HiddenSize { get; }

    /// <summary>
    /// The number of columns of U: the length of the recurrent input h_{t-1}, H, or the projection size P of an LSTM with
    /// projection (PyTorch's <c>proj_size</c>).
    /// </summary>
    public int RecurrentSize { get; }

    /// <summary>
    /// Whether each block ends with a row of peephole weights (after the rows of U): p_i, p_f, 0, p_o in the gate slots
    /// i, f, g, o of the block's units.
    /// </summary>
    public bool HasPeepholes { get; }

    /// <summary>
    /// Whether the layer normalizes its preactivations (TFLite's layer-norm LSTM): then row 0 of each block is zero (the
    /// bias is added after the normalization), and the block ends with two rows, the scales γ and the biases β of the
    /// four gates.
    /// </summary>
    public bool HasLayerNorm { get; }

    /// <summary>H rounded up to a multiple of <see cref="BlockSize"/>.</summary>
    public int PaddedHiddenSize { get; }

    /// <summary>Floats per row of a block: <see cref="RowLength"/>, or <see cref="GruRowLength"/> for a GRU.</summary>
    public int PackedRowLength { get; }

    /// <summary>Floats per block: (1 + I + H) rows of <see cref="PackedRowLength"/> (plus the rows of the variants).</summary>
    public int BlockStride { get; }

    /// <summary>Total packed floats.</summary>
    public int Length => _buffer.Length;

    /// <summary>The packed data (read-only), starting at a 64-byte aligned address.</summary>
    public ReadOnlySpan<float> Span => MemoryMarshal.CreateReadOnlySpan(ref Start, Length);

    /// <summary>
    /// A reference to the first packed float, for kernels that index with <see cref="Unsafe.Add{T}(ref T, nuint)"/>.
    /// Callers must not write through it.
    /// </summary>
    [EditorBrowsable(EditorBrowsableState.Never)]
    public ref float Start => ref _buffer.Start;

    /// <summary>H rounded up to a multiple of <see cref="BlockSize"/>.</summary>
    public static int PadHiddenSize(int hiddenSize) => (hiddenSize + BlockSize - 1) / BlockSize * BlockSize;

    /// <summary>Floats per block for the given sizes: (1 + I + H) × <see cref="RowLength"/>.</summary>
    public static int ComputeBlockStride(int inputSize, int recurrentSize, bool hasPeepholes = false, bool hasLayerNorm = false)
        => (1 + inputSize + recurrentSize + (hasPeepholes ? 1 : 0) + (hasLayerNorm ? 2 : 0)) * RowLength;

    /// <summary>
    /// Packs the weights of PyTorch's <c>torch.nn.LSTM</c> (one layer, one direction): gate order i, f, g, o,
    /// row-major, the two biases summed.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, H].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or holds a NaN or infinity (the message names the index).</exception>
    public static PackedLstmWeights FromPyTorch(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
        => FromPyTorch(inputSize, hiddenSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);

    /// <summary>
    /// Packs the weights of a layer whose recurrent input has <paramref name="recurrentSize"/> values: the projection size P
    /// of PyTorch's <c>torch.nn.LSTM(…, proj_size=P)</c>, whose <c>weight_hh</c> is [4H, P]. Otherwise as
    /// <see cref="FromPyTorch(int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <exception cref="ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public static PackedLstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
        => FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh, peepholes: default, hasPeepholes: false, default, hasLayerNorm: false);

    /// <summary>
    /// Packs the weights of a layer with peephole connections: <paramref name="peepholes"/> holds p_i, p_f and p_o, H values
    /// each, in that order. Otherwise as
    /// <see cref="FromPyTorch(int, int, int, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float}, ReadOnlySpan{float})"/>.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <param name="peepholes">p_i, p_f, p_o: shape [3, H].</param>
    /// <exception cref="ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public static PackedLstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholes)
        => FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh, peepholes, hasPeepholes: true, default, hasLayerNorm: false);

    /// <summary>
    /// Packs the weights of a layer with any of peephole connections and layer normalization: an empty
    /// <paramref name="peepholes"/> or <paramref name="layerNorm"/> means the layer has none. With layer normalization
    /// the biases are added after it, as TFLite's layer-norm LSTM does.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">The columns of U: P, or H without projection.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, P].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H].</param>
    /// <param name="peepholes">p_i, p_f, p_o: shape [3, H]; or empty.</param>
    /// <param name="layerNorm">The layer-norm scales γ of gates i, f, g, o: shape [4, H]; or empty.</param>
    /// <exception cref="ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public static PackedLstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholes, ReadOnlySpan<float> layerNorm)
        => FromPyTorch(inputSize, hiddenSize, recurrentSize, weightIh, weightHh, biasIh, biasHh, peepholes, !peepholes.IsEmpty, layerNorm, !layerNorm.IsEmpty);

    private static PackedLstmWeights FromPyTorch(int inputSize, int hiddenSize, int recurrentSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh,
        ReadOnlySpan<float> peepholes, bool hasPeepholes, ReadOnlySpan<float> layerNorm, bool hasLayerNorm)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(recurrentSize, 1);
        int gateRows = GateCount * hiddenSize;
        RequireTensor(weightIh, gateRows, inputSize, nameof(weightIh));
        RequireTensor(weightHh, gateRows, recurrentSize, nameof(weightHh));
        RequireTensor(biasIh, gateRows, 1, nameof(biasIh));
        RequireTensor(biasHh, gateRows, 1, nameof(biasHh));
        if (hasPeepholes)
        {
            RequireTensor(peepholes, 3, hiddenSize, nameof(peepholes));
        }
        if (hasLayerNorm)
        {
            RequireTensor(layerNorm, GateCount, hiddenSize, nameof(layerNorm));
        }

        var packed = new PackedLstmWeights(inputSize, hiddenSize, recurrentSize, hasPeepholes, hasLayerNorm);
        int layerNormRow = 1 + inputSize + recurrentSize + (hasPeepholes ? 1 : 0);
        Span<float> target = packed._buffer.Span;
        for (int gate = 0; gate < GateCount; gate++)
        {
            for (int unit = 0; unit < hiddenSize; unit++)
            {
                int row = gate * hiddenSize + unit;
                // Offset of (gate, unit) within a row of its block; rows of the block follow at RowLength.
                int slot = unit / BlockSize * packed.BlockStride + gate * BlockSize + unit % BlockSize;
                // With layer normalization the bias is added after it (its own row below), so row 0 stays 0.
                target[slot] = hasLayerNorm ? 0 : biasIh[row] + biasHh[row];
                for (int k = 0; k < inputSize; k++)
                {
                    target[slot + (1 + k) * RowLength] = weightIh[row * inputSize + k];
                }
                for (int k = 0; k < recurrentSize; k++)
                {
                    target[slot + (1 + inputSize + k) * RowLength] = weightHh[row * recurrentSize + k];
                }
                // The peephole row: p_i, p_f, p_o in the slots of gates i, f, o (g has none and keeps 0).
                int peephole = gate switch { 0 => 0, 1 => 1, 3 => 2, _ => -1 };
                if (hasPeepholes && peephole >= 0)
                {
                    target[slot + (1 + inputSize + recurrentSize) * RowLength] = peepholes[peephole * hiddenSize + unit];
                }
                if (hasLayerNorm)
                {
                    target[slot + layerNormRow * RowLength] = layerNorm[row];
                    target[slot + (layerNormRow + 1) * RowLength] = biasIh[row] + biasHh[row];
                }
            }
        }
        return packed;
    }

    /// <summary>
    /// Packs the weights of PyTorch's <c>torch.nn.GRU</c> (one layer, one direction; gate order r, z, n, row-major) in blocks of
    /// 8 units whose rows hold r, z and n (<see cref="GruRowLength"/> floats):
    /// </summary>
    /// <remarks>
    /// <code>
    /// row 0:           [ b_ir+b_hr  b_iz+b_hz  b_in     ]   (reset before: b_in + b_hn)
    /// rows 1..I:       [ W_r[·,k]   W_z[·,k]   W_n[·,k] ]
    /// rows I+1..I+H:   [ U_r[·,k]   U_z[·,k]   U_n[·,k] ]
    /// row I+H+1:       [ 0          0          b_hn     ]   (reset before: 0)
    /// </code>
    /// The kernels add the n column of W's rows and of U's rows into two accumulators, n's input part W_n x + b_in and its hidden
    /// part U_n h + b_hn (which starts at the last row), since n = tanh(W_n x + b_in + r ⊙ (U_n h + b_hn)) needs the second on its
    /// own: 3 multiply-adds per column where an LSTM does 4, and 3/4 of an LSTM's bytes. With <paramref name="resetAfter"/> false
    /// (Keras's <c>reset_after = False</c>, ONNX's <c>linear_before_reset = 0</c>) both biases sit in row 0.
    /// </remarks>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="weightIh"><c>weight_ih_l0</c>, shape [3H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l0</c>, shape [3H, H].</param>
    /// <param name="biasIh"><c>bias_ih_l0</c>, shape [3H].</param>
    /// <param name="biasHh"><c>bias_hh_l0</c>, shape [3H].</param>
    /// <param name="resetAfter">Whether the reset gate applies after U_n h (PyTorch's GRU, the default) or before it, to h.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or holds a NaN or infinity (the message names the index).</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is less than 1.</exception>
    public static PackedLstmWeights FromPyTorchGru(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, bool resetAfter = true)
    {
        RequireGru(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);
        int hiddenBiasRow = 1 + inputSize + hiddenSize;
        var packed = new PackedLstmWeights(inputSize, hiddenSize, hiddenSize, hasPeepholes: false, hasLayerNorm: false,
            GruRowLength, (hiddenBiasRow + 1) * GruRowLength);
        WriteGru(packed, inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh, resetAfter,
            (gate, fromHidden) => gate, hiddenBiasAt: hiddenBiasRow * GruRowLength + 2 * BlockSize);
        return packed;
    }

    /// <summary>
    /// A GRU in the LSTM's rows of four slots (r, z, n's input part, n's hidden part; the bias row holds b_hn in the fourth), which
    /// <see cref="PackedBFloat16LstmWeights"/> pairs as it pairs an LSTM's gates.
    /// </summary>
    internal static PackedLstmWeights FromPyTorchGruInLstmRows(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, bool resetAfter)
    {
        RequireGru(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);
        var packed = new PackedLstmWeights(inputSize, hiddenSize, hiddenSize, hasPeepholes: false, hasLayerNorm: false);
        const int newGate = 2;
        WriteGru(packed, inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh, resetAfter,
            (gate, fromHidden) => gate == newGate && fromHidden ? 3 : gate, hiddenBiasAt: 3 * BlockSize);
        return packed;
    }

    private static void RequireGru(int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        int gateRows = 3 * hiddenSize;
        RequireTensor(weightIh, gateRows, inputSize, nameof(weightIh));
        RequireTensor(weightHh, gateRows, hiddenSize, nameof(weightHh));
        RequireTensor(biasIh, gateRows, 1, nameof(biasIh));
        RequireTensor(biasHh, gateRows, 1, nameof(biasHh));
    }

    /// <summary>
    /// Writes a GRU's tensors into <paramref name="packed"/>: gate g of a row goes to slot <paramref name="slotOf"/>(g, whether the
    /// row is one of U's); the bias row holds b_r, b_z and b_in (both n biases before the reset), and n's hidden bias b_hn goes to
    /// <paramref name="hiddenBiasAt"/> within its block's first unit.
    /// </summary>
    private static void WriteGru(PackedLstmWeights packed, int inputSize, int hiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh, ReadOnlySpan<float> biasHh, bool resetAfter,
        Func<int, bool, int> slotOf, int hiddenBiasAt)
    {
        Span<float> target = packed._buffer.Span;
        int rowLength = packed.PackedRowLength;
        const int newGate = 2;
        for (int unit = 0; unit < hiddenSize; unit++)
        {
            // Offset of the unit's slot 0 within the first row of its block; rows of the block follow at rowLength.
            int start = unit / BlockSize * packed.BlockStride + unit % BlockSize;
            for (int gate = 0; gate < 3; gate++)
            {
                int row = gate * hiddenSize + unit;
                target[start + gate * BlockSize] = gate == newGate && resetAfter ? biasIh[row] : biasIh[row] + biasHh[row];
                if (gate == newGate && resetAfter)
                {
                    target[start + hiddenBiasAt] = biasHh[row];
                }
                int inputSlot = start + slotOf(gate, false) * BlockSize, hiddenSlot = start + slotOf(gate, true) * BlockSize;
                for (int k = 0; k < inputSize; k++)
                {
                    target[inputSlot + (1 + k) * rowLength] = weightIh[row * inputSize + k];
                }
                for (int k = 0; k < hiddenSize; k++)
                {
                    target[hiddenSlot + (1 + inputSize + k) * rowLength] = weightHh[row * hiddenSize + k];
                }
            }
        }
    }

    private static void RequireTensor(ReadOnlySpan<float> values, int rows, int columns, string parameterName)
    {
        int expected = rows * columns;
        if (values.Length != expected)
        {
            string shape = columns == 1 ? $"[{rows}]" : $"[{rows}, {columns}]";
            throw new ArgumentException(
                $"Expected {expected} values (shape {shape}, row-major), got {values.Length}.", parameterName);
        }
        NonFiniteWeights.Require(values, columns, parameterName);
    }
}

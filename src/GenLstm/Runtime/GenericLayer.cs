using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenLstm.Runtime;

/// <summary>
/// One LSTM or GRU layer of any size, for models no declared type matches (<see cref="RecurrentModel"/>): the generated
/// kernels' packed layout (<see cref="PackedLstmWeights"/>) and their gate equations, with the sizes read at run time instead
/// of compiled in. A step reads the layer's input and h_{t-1} as one vector of columns (x_t, then h_{t-1}), accumulates every
/// gate of a tile of blocks at once (up to six blocks on Vector512, see GenericLayer.Wide.cs; two blocks of 8 units on Vector256,
/// the two halves of one block on Vector128), and applies the activations and the cell update of <see cref="LstmMath"/>, as the
/// generated tiles do.
/// </summary>
internal sealed partial class GenericLayer
{
    private readonly PackedLstmWeights _weights;

    /// <summary>Where a GRU block's b_hn sits: its row after the rows of U, slot n.</summary>
    private readonly nuint _gruHiddenBiasOffset;

    private GenericLayer(PackedLstmWeights weights, RecurrentCell cell)
    {
        _weights = weights;
        Cell = cell;
        _gruHiddenBiasOffset = (nuint)((1 + weights.InputSize + weights.HiddenSize) * weights.PackedRowLength + 2 * PackedLstmWeights.BlockSize);
    }

    /// <summary>The cell: LSTM, or GRU with the reset gate applied after U h (PyTorch's GRU).</summary>
    public RecurrentCell Cell { get; }

    public int InputSize => _weights.InputSize;

    public int HiddenSize => _weights.HiddenSize;

    /// <summary>H rounded up to whole blocks: the length of the layer's h and c in a stream.</summary>
    public int PaddedHiddenSize => _weights.PaddedHiddenSize;

    /// <summary>Packs one layer's tensors in PyTorch's layout (gate order i, f, g, o; or r, z, n).</summary>
    public static GenericLayer Pack(RecurrentCell cell, int inputSize, int hiddenSize, PyTorchLstmTensors tensors)
        => new(cell == RecurrentCell.Gru
            ? PackedLstmWeights.FromPyTorchGru(inputSize, hiddenSize, tensors.WeightIh, tensors.WeightHh, tensors.BiasIh, tensors.BiasHh, resetAfter: true)
            : PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, tensors.WeightIh, tensors.WeightHh, tensors.BiasIh, tensors.BiasHh),
            cell);

    /// <summary>
    /// One step: <paramref name="columns"/> holds x_t (<see cref="InputSize"/>) then h_{t-1} (<see cref="HiddenSize"/>);
    /// writes h_t to <paramref name="hidden"/> and updates <paramref name="cell"/> (an LSTM's c; unused by a GRU), both
    /// <see cref="PaddedHiddenSize"/> long.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ref float columns, ref float hidden, ref float cell)
    {
        ref float weights = ref _weights.Start;
        nuint stride = (nuint)_weights.BlockStride;
        nuint blocks = (nuint)(_weights.PaddedHiddenSize / PackedLstmWeights.BlockSize);
        if (Vector512.IsHardwareAccelerated)
        {
            StepWide(ref weights, stride, blocks, ref columns, ref hidden, ref cell);
            return;
        }
        nuint block = 0;
        if (Vector256.IsHardwareAccelerated)
        {
            // Two blocks per tile (8 accumulators); an odd last block runs as its two Vector128 halves.
            for (; block + 2 <= blocks; block += 2)
            {
                Tile<Vector256Kernel, Vector256<float>>(ref weights, block, stride, stride, ref columns, ref hidden, ref cell);
            }
        }
        if (Vector128.IsHardwareAccelerated)
        {
            for (; block < blocks; block++)
            {
                Tile<Vector128Kernel, Vector128<float>>(ref weights, block, stride, (nuint)Vector128Kernel.Count, ref columns, ref hidden, ref cell);
            }
        }
        for (; block < blocks; block++)
        {
            ScalarBlock(ref Unsafe.Add(ref weights, block * stride), block * PackedLstmWeights.BlockSize, ref columns, ref hidden, ref cell);
        }
    }

    /// <summary>Two register groups: the group starting at unit 8 <paramref name="block"/>, and the one <paramref name="groupOffset"/> floats further in the packed rows.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void Tile<TKernel, TVector>(ref float weights, nuint block, nuint stride, nuint groupOffset, ref float columns, ref float hidden, ref float cell)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        ref float group0 = ref Unsafe.Add(ref weights, block * stride);
        nuint unit = block * PackedLstmWeights.BlockSize;
        if (Cell == RecurrentCell.Gru)
        {
            GruTile<TKernel, TVector>(ref group0, ref Unsafe.Add(ref group0, groupOffset), (nuint)InputSize, (nuint)HiddenSize,
                _gruHiddenBiasOffset, ref columns, ref Unsafe.Add(ref hidden, unit), ref Unsafe.Add(ref columns, (nuint)InputSize + unit));
        }
        else
        {
            LstmTile<TKernel, TVector>(ref group0, ref Unsafe.Add(ref group0, groupOffset), (nuint)(InputSize + HiddenSize),
                ref columns, ref Unsafe.Add(ref hidden, unit), ref Unsafe.Add(ref cell, unit));
        }
    }

    /// <summary>
    /// LSTM gates i, f, g, o of two register groups (8 accumulators) from the bias over every column, then
    /// c = f c + i g and h = o tanh(c) for the group's units (the second group's units follow the first's).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmTile<TKernel, TVector>(ref float group0, ref float group1, nuint columnCount, ref float columns, ref float hidden, ref float cell)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        const nuint RowLength = PackedLstmWeights.RowLength;
        TVector i0 = TKernel.Load(ref group0, 0), f0 = TKernel.Load(ref group0, 8), g0 = TKernel.Load(ref group0, 16), o0 = TKernel.Load(ref group0, 24);
        TVector i1 = TKernel.Load(ref group1, 0), f1 = TKernel.Load(ref group1, 8), g1 = TKernel.Load(ref group1, 16), o1 = TKernel.Load(ref group1, 24);
        nuint row = RowLength;
        for (nuint k = 0; k < columnCount; k++, row += RowLength)
        {
            TVector value = TKernel.Broadcast(Unsafe.Add(ref columns, k));
            i0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 0), value, i0);
            f0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 8), value, f0);
            g0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 16), value, g0);
            o0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 24), value, o0);
            i1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 0), value, i1);
            f1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 8), value, f1);
            g1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 16), value, g1);
            o1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 24), value, o1);
        }
        LstmUpdate<TKernel, TVector>(i0, f0, g0, o0, ref hidden, ref cell, 0);
        LstmUpdate<TKernel, TVector>(i1, f1, g1, o1, ref hidden, ref cell, (nuint)TKernel.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmUpdate<TKernel, TVector>(TVector zi, TVector zf, TVector zg, TVector zo, ref float hidden, ref float cell, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        TVector c = TKernel.Add(TKernel.Multiply(TKernel.Sigmoid(zf), TKernel.Load(ref cell, unit)), TKernel.Multiply(TKernel.Sigmoid(zi), TKernel.Tanh(zg)));
        TKernel.Store(c, ref cell, unit);
        TKernel.Store(TKernel.Multiply(TKernel.Sigmoid(zo), TKernel.Tanh(c)), ref hidden, unit);
    }

    /// <summary>
    /// GRU gates of two register groups (8 accumulators: r, z, n's input part W_n x + b_in and n's hidden part U_n h + b_hn),
    /// then n = tanh(W_n x + b_in + r (U_n h + b_hn)) and h = z (h_{t-1} − n) + n, as PyTorch's GRU.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GruTile<TKernel, TVector>(ref float group0, ref float group1, nuint inputSize, nuint hiddenSize, nuint hiddenBiasOffset,
        ref float columns, ref float hidden, ref float hiddenPrevious)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        const nuint RowLength = PackedLstmWeights.GruRowLength;
        TVector r0 = TKernel.Load(ref group0, 0), z0 = TKernel.Load(ref group0, 8), nx0 = TKernel.Load(ref group0, 16), nh0 = TKernel.Load(ref group0, hiddenBiasOffset);
        TVector r1 = TKernel.Load(ref group1, 0), z1 = TKernel.Load(ref group1, 8), nx1 = TKernel.Load(ref group1, 16), nh1 = TKernel.Load(ref group1, hiddenBiasOffset);
        nuint row = RowLength;
        // The input columns feed r, z and n's input part; the hidden columns r, z and n's hidden part.
        for (nuint k = 0; k < inputSize; k++, row += RowLength)
        {
            TVector value = TKernel.Broadcast(Unsafe.Add(ref columns, k));
            r0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 0), value, r0);
            z0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 8), value, z0);
            nx0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 16), value, nx0);
            r1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 0), value, r1);
            z1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 8), value, z1);
            nx1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 16), value, nx1);
        }
        for (nuint k = inputSize; k < inputSize + hiddenSize; k++, row += RowLength)
        {
            TVector value = TKernel.Broadcast(Unsafe.Add(ref columns, k));
            r0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 0), value, r0);
            z0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 8), value, z0);
            nh0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 16), value, nh0);
            r1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 0), value, r1);
            z1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 8), value, z1);
            nh1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 16), value, nh1);
        }
        GruUpdate<TKernel, TVector>(r0, z0, nx0, nh0, ref hidden, ref hiddenPrevious, 0);
        GruUpdate<TKernel, TVector>(r1, z1, nx1, nh1, ref hidden, ref hiddenPrevious, (nuint)TKernel.Count);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruUpdate<TKernel, TVector>(TVector zr, TVector zz, TVector nx, TVector nh, ref float hidden, ref float hiddenPrevious, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        TVector n = TKernel.Tanh(TKernel.MultiplyAdd(TKernel.Sigmoid(zr), nh, nx));
        TVector previous = TKernel.Load(ref hiddenPrevious, unit);
        TKernel.Store(TKernel.MultiplyAdd(TKernel.Sigmoid(zz), TKernel.Subtract(previous, n), n), ref hidden, unit);
    }

    /// <summary>No SIMD hardware: one block, unit by unit, with the scalar activations (evaluated in double).</summary>
    private void ScalarBlock(ref float block, nuint firstUnit, ref float columns, ref float hidden, ref float cell)
    {
        nuint inputSize = (nuint)InputSize, columnCount = (nuint)(InputSize + HiddenSize);
        nuint rowLength = (nuint)_weights.PackedRowLength;
        for (nuint lane = 0; lane < PackedLstmWeights.BlockSize; lane++)
        {
            nuint unit = firstUnit + lane;
            float a = Unsafe.Add(ref block, lane), b = Unsafe.Add(ref block, lane + 8), c = Unsafe.Add(ref block, lane + 16);
            float d = Cell == RecurrentCell.Gru ? Unsafe.Add(ref block, _gruHiddenBiasOffset + lane) : Unsafe.Add(ref block, lane + 24);
            nuint row = rowLength + lane;
            for (nuint k = 0; k < columnCount; k++, row += rowLength)
            {
                float value = Unsafe.Add(ref columns, k);
                a += Unsafe.Add(ref block, row) * value;
                b += Unsafe.Add(ref block, row + 8) * value;
                if (Cell == RecurrentCell.Gru)
                {
                    // n's input part from the input columns, its hidden part from the hidden columns.
                    if (k < inputSize)
                    {
                        c += Unsafe.Add(ref block, row + 16) * value;
                    }
                    else
                    {
                        d += Unsafe.Add(ref block, row + 16) * value;
                    }
                }
                else
                {
                    c += Unsafe.Add(ref block, row + 16) * value;
                    d += Unsafe.Add(ref block, row + 24) * value;
                }
            }
            if (Cell == RecurrentCell.Gru)
            {
                float n = LstmMath.Tanh(LstmMath.Sigmoid(a) * d + c);
                Unsafe.Add(ref hidden, unit) = LstmMath.Sigmoid(b) * (Unsafe.Add(ref columns, inputSize + unit) - n) + n;
            }
            else
            {
                float state = LstmMath.Sigmoid(b) * Unsafe.Add(ref cell, unit) + LstmMath.Sigmoid(a) * LstmMath.Tanh(c);
                Unsafe.Add(ref cell, unit) = state;
                Unsafe.Add(ref hidden, unit) = LstmMath.Sigmoid(d) * LstmMath.Tanh(state);
            }
        }
    }
}

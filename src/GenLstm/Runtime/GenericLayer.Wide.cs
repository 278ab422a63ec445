using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenLstm.Runtime;

/// <summary>A tile's block count, as a type, so that the JIT compiles one tile per count with only that many accumulators.</summary>
internal interface IBlockCount
{
    static abstract int Count { get; }
}

internal readonly struct OneBlock : IBlockCount
{
    public static int Count => 1;
}

internal readonly struct TwoBlocks : IBlockCount
{
    public static int Count => 2;
}

internal readonly struct ThreeBlocks : IBlockCount
{
    public static int Count => 3;
}

internal readonly struct FourBlocks : IBlockCount
{
    public static int Count => 4;
}

internal readonly struct FiveBlocks : IBlockCount
{
    public static int Count => 5;
}

internal readonly struct SixBlocks : IBlockCount
{
    public static int Count => 6;
}

/// <summary>
/// The Vector512 tiles (AVX-512, 32 registers), as the generated Vector512 kernels: one register holds two gates of a block's 8
/// units (an LSTM's [i f] and [g o], a GRU's [r z]), so a tile of up to six blocks accumulates in one pass over the columns.
/// A step is bound by each accumulator's chain of dependent multiply-adds through the columns, not by their number: a model of up
/// to six blocks (48 units) runs in one pass, larger ones in tiles of four (eight LSTM accumulators keep both FMA units busy).
/// </summary>
internal sealed partial class GenericLayer
{
    /// <summary>The most blocks one pass covers: 12 LSTM accumulators, 18 GRU ones, within AVX-512's 32 registers.</summary>
    private const int MaxWideTile = 6;

    /// <summary>Blocks per tile above <see cref="MaxWideTile"/> blocks.</summary>
    private const int WideTileBlocks = 4;

    /// <summary>Every block in Vector512 tiles: one pass when they fit, else tiles of four and one tile of the rest.</summary>
    private void StepWide(ref float weights, nuint stride, nuint blocks, ref float columns, ref float hidden, ref float cell)
    {
        nuint block = 0;
        if (blocks > MaxWideTile)
        {
            for (; block + WideTileBlocks <= blocks; block += WideTileBlocks)
            {
                WideTile<FourBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell);
            }
        }
        switch (blocks - block)
        {
            case 1: WideTile<OneBlock>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
            case 2: WideTile<TwoBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
            case 3: WideTile<ThreeBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
            case 4: WideTile<FourBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
            case 5: WideTile<FiveBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
            case 6: WideTile<SixBlocks>(ref weights, block, stride, ref columns, ref hidden, ref cell); break;
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private void WideTile<TBlocks>(ref float weights, nuint block, nuint stride, ref float columns, ref float hidden, ref float cell)
        where TBlocks : IBlockCount
    {
        ref float first = ref Unsafe.Add(ref weights, block * stride);
        nuint unit = block * PackedLstmWeights.BlockSize;
        if (Cell == RecurrentCell.Gru)
        {
            GruWideTile<TBlocks>(ref first, stride, (nuint)InputSize, (nuint)HiddenSize, _gruHiddenBiasOffset,
                ref columns, ref Unsafe.Add(ref hidden, unit), ref Unsafe.Add(ref columns, (nuint)InputSize + unit));
        }
        else
        {
            LstmWideTile<TBlocks>(ref first, stride, (nuint)(InputSize + HiddenSize), ref columns, ref Unsafe.Add(ref hidden, unit), ref Unsafe.Add(ref cell, unit));
        }
    }

    /// <summary>
    /// LSTM gates of <typeparamref name="TBlocks"/> blocks, [i f] and [g o] per block (the JIT drops the accumulators of the blocks
    /// beyond the count), from the bias over every column; then the activations and the cell update of each block's 8 units.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void LstmWideTile<TBlocks>(ref float block, nuint stride, nuint columnCount, ref float columns, ref float hidden, ref float cell)
        where TBlocks : IBlockCount
    {
        const nuint RowLength = PackedLstmWeights.RowLength;
        Vector512<float> if0 = Vector512.LoadUnsafe(ref block, 0), go0 = Vector512.LoadUnsafe(ref block, 16);
        Vector512<float> if1 = default, go1 = default, if2 = default, go2 = default, if3 = default, go3 = default, if4 = default, go4 = default, if5 = default, go5 = default;
        if (TBlocks.Count > 1) { if1 = Vector512.LoadUnsafe(ref block, stride); go1 = Vector512.LoadUnsafe(ref block, stride + 16); }
        if (TBlocks.Count > 2) { if2 = Vector512.LoadUnsafe(ref block, 2 * stride); go2 = Vector512.LoadUnsafe(ref block, 2 * stride + 16); }
        if (TBlocks.Count > 3) { if3 = Vector512.LoadUnsafe(ref block, 3 * stride); go3 = Vector512.LoadUnsafe(ref block, 3 * stride + 16); }
        if (TBlocks.Count > 4) { if4 = Vector512.LoadUnsafe(ref block, 4 * stride); go4 = Vector512.LoadUnsafe(ref block, 4 * stride + 16); }
        if (TBlocks.Count > 5) { if5 = Vector512.LoadUnsafe(ref block, 5 * stride); go5 = Vector512.LoadUnsafe(ref block, 5 * stride + 16); }
        nuint row = RowLength;
        for (nuint k = 0; k < columnCount; k++, row += RowLength)
        {
            var value = Vector512.Create(Unsafe.Add(ref columns, k));
            if0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row), value, if0);
            go0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row + 16), value, go0);
            if (TBlocks.Count > 1)
            {
                if1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row), value, if1);
                go1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row + 16), value, go1);
            }
            if (TBlocks.Count > 2)
            {
                if2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row), value, if2);
                go2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row + 16), value, go2);
            }
            if (TBlocks.Count > 3)
            {
                if3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row), value, if3);
                go3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row + 16), value, go3);
            }
            if (TBlocks.Count > 4)
            {
                if4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row), value, if4);
                go4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row + 16), value, go4);
            }
            if (TBlocks.Count > 5)
            {
                if5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row), value, if5);
                go5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row + 16), value, go5);
            }
        }
        LstmWideUpdate(if0, go0, ref hidden, ref cell, 0);
        if (TBlocks.Count > 1) LstmWideUpdate(if1, go1, ref hidden, ref cell, 8);
        if (TBlocks.Count > 2) LstmWideUpdate(if2, go2, ref hidden, ref cell, 16);
        if (TBlocks.Count > 3) LstmWideUpdate(if3, go3, ref hidden, ref cell, 24);
        if (TBlocks.Count > 4) LstmWideUpdate(if4, go4, ref hidden, ref cell, 32);
        if (TBlocks.Count > 5) LstmWideUpdate(if5, go5, ref hidden, ref cell, 40);
    }

    /// <summary>One block's 8 units: σ on [i f] at once, tanh on g, σ on o, then c = f c + i g and h = o tanh(c).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void LstmWideUpdate(Vector512<float> zif, Vector512<float> zgo, ref float hidden, ref float cell, nuint unit)
    {
        Vector512<float> inputForget = LstmMath.Sigmoid(zif);
        Vector256<float> c = inputForget.GetUpper() * Vector256.LoadUnsafe(ref cell, unit) + inputForget.GetLower() * LstmMath.Tanh(zgo.GetLower());
        Vector256.StoreUnsafe(c, ref cell, unit);
        Vector256.StoreUnsafe(LstmMath.Sigmoid(zgo.GetUpper()) * LstmMath.Tanh(c), ref hidden, unit);
    }

    /// <summary>
    /// GRU gates of <typeparamref name="TBlocks"/> blocks: [r z] in one Vector512 per block, n's input part and hidden part in
    /// one Vector256 each (a GRU row is 24 floats: r, z, n); then n and h as <see cref="GruUpdate"/>.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void GruWideTile<TBlocks>(ref float block, nuint stride, nuint inputSize, nuint hiddenSize, nuint hiddenBiasOffset,
        ref float columns, ref float hidden, ref float hiddenPrevious)
        where TBlocks : IBlockCount
    {
        const nuint RowLength = PackedLstmWeights.GruRowLength;
        Vector512<float> rz0 = Vector512.LoadUnsafe(ref block, 0), rz1 = default, rz2 = default, rz3 = default, rz4 = default, rz5 = default;
        Vector256<float> nx0 = Vector256.LoadUnsafe(ref block, 16), nx1 = default, nx2 = default, nx3 = default, nx4 = default, nx5 = default;
        Vector256<float> nh0 = Vector256.LoadUnsafe(ref block, hiddenBiasOffset), nh1 = default, nh2 = default, nh3 = default, nh4 = default, nh5 = default;
        if (TBlocks.Count > 1) { rz1 = Vector512.LoadUnsafe(ref block, stride); nx1 = Vector256.LoadUnsafe(ref block, stride + 16); nh1 = Vector256.LoadUnsafe(ref block, stride + hiddenBiasOffset); }
        if (TBlocks.Count > 2) { rz2 = Vector512.LoadUnsafe(ref block, 2 * stride); nx2 = Vector256.LoadUnsafe(ref block, 2 * stride + 16); nh2 = Vector256.LoadUnsafe(ref block, 2 * stride + hiddenBiasOffset); }
        if (TBlocks.Count > 3) { rz3 = Vector512.LoadUnsafe(ref block, 3 * stride); nx3 = Vector256.LoadUnsafe(ref block, 3 * stride + 16); nh3 = Vector256.LoadUnsafe(ref block, 3 * stride + hiddenBiasOffset); }
        if (TBlocks.Count > 4) { rz4 = Vector512.LoadUnsafe(ref block, 4 * stride); nx4 = Vector256.LoadUnsafe(ref block, 4 * stride + 16); nh4 = Vector256.LoadUnsafe(ref block, 4 * stride + hiddenBiasOffset); }
        if (TBlocks.Count > 5) { rz5 = Vector512.LoadUnsafe(ref block, 5 * stride); nx5 = Vector256.LoadUnsafe(ref block, 5 * stride + 16); nh5 = Vector256.LoadUnsafe(ref block, 5 * stride + hiddenBiasOffset); }
        nuint row = RowLength;
        // The input columns feed r, z and n's input part; the hidden columns r, z and n's hidden part.
        for (nuint k = 0; k < inputSize; k++, row += RowLength)
        {
            var value = Vector512.Create(Unsafe.Add(ref columns, k));
            rz0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row), value, rz0);
            nx0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, row + 16), value.GetLower(), nx0);
            if (TBlocks.Count > 1)
            {
                rz1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row), value, rz1);
                nx1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, stride + row + 16), value.GetLower(), nx1);
            }
            if (TBlocks.Count > 2)
            {
                rz2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row), value, rz2);
                nx2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 2 * stride + row + 16), value.GetLower(), nx2);
            }
            if (TBlocks.Count > 3)
            {
                rz3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row), value, rz3);
                nx3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 3 * stride + row + 16), value.GetLower(), nx3);
            }
            if (TBlocks.Count > 4)
            {
                rz4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row), value, rz4);
                nx4 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 4 * stride + row + 16), value.GetLower(), nx4);
            }
            if (TBlocks.Count > 5)
            {
                rz5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row), value, rz5);
                nx5 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 5 * stride + row + 16), value.GetLower(), nx5);
            }
        }
        for (nuint k = inputSize; k < inputSize + hiddenSize; k++, row += RowLength)
        {
            var value = Vector512.Create(Unsafe.Add(ref columns, k));
            rz0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row), value, rz0);
            nh0 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, row + 16), value.GetLower(), nh0);
            if (TBlocks.Count > 1)
            {
                rz1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row), value, rz1);
                nh1 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, stride + row + 16), value.GetLower(), nh1);
            }
            if (TBlocks.Count > 2)
            {
                rz2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row), value, rz2);
                nh2 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 2 * stride + row + 16), value.GetLower(), nh2);
            }
            if (TBlocks.Count > 3)
            {
                rz3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row), value, rz3);
                nh3 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 3 * stride + row + 16), value.GetLower(), nh3);
            }
            if (TBlocks.Count > 4)
            {
                rz4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row), value, rz4);
                nh4 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 4 * stride + row + 16), value.GetLower(), nh4);
            }
            if (TBlocks.Count > 5)
            {
                rz5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row), value, rz5);
                nh5 = Vector256.MultiplyAddEstimate(Vector256.LoadUnsafe(ref block, 5 * stride + row + 16), value.GetLower(), nh5);
            }
        }
        GruWideUpdate(rz0, nx0, nh0, ref hidden, ref hiddenPrevious, 0);
        if (TBlocks.Count > 1) GruWideUpdate(rz1, nx1, nh1, ref hidden, ref hiddenPrevious, 8);
        if (TBlocks.Count > 2) GruWideUpdate(rz2, nx2, nh2, ref hidden, ref hiddenPrevious, 16);
        if (TBlocks.Count > 3) GruWideUpdate(rz3, nx3, nh3, ref hidden, ref hiddenPrevious, 24);
        if (TBlocks.Count > 4) GruWideUpdate(rz4, nx4, nh4, ref hidden, ref hiddenPrevious, 32);
        if (TBlocks.Count > 5) GruWideUpdate(rz5, nx5, nh5, ref hidden, ref hiddenPrevious, 40);
    }

    /// <summary>One block's 8 units: σ on [r z] at once, n = tanh(n_x + r n_h), h = z (h_{t-1} − n) + n.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void GruWideUpdate(Vector512<float> zrz, Vector256<float> nx, Vector256<float> nh, ref float hidden, ref float hiddenPrevious, nuint unit)
    {
        Vector512<float> resetUpdate = LstmMath.Sigmoid(zrz);
        Vector256<float> n = LstmMath.Tanh(Vector256.MultiplyAddEstimate(resetUpdate.GetLower(), nh, nx));
        Vector256<float> previous = Vector256.LoadUnsafe(ref hiddenPrevious, unit);
        Vector256.StoreUnsafe(Vector256.MultiplyAddEstimate(resetUpdate.GetUpper(), previous - n, n), ref hidden, unit);
    }
}

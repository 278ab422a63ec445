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
/// The Vector512 tiles (AVX-512, 32 registers), as the generated Vector512 kernels: one register holds two slots of a block's 8
/// units ([i f] and [g o]; a GRU's [r z] and [n's input part, n's hidden part]), so a tile of up to six blocks accumulates in
/// one pass over the columns. A small step is bound by each accumulator's chain of dependent multiply-adds through the columns,
/// not by their number: a layer of up to six blocks (48 units) runs in one pass, larger ones in tiles of four (eight
/// accumulators keep both FMA units busy) and one tile of the rest.
/// </summary>
internal sealed partial class GenericLayer
{
    /// <summary>The most blocks one pass covers: 12 accumulators within AVX-512's 32 registers.</summary>
    private const int MaxWideTile = 6;

    /// <summary>Blocks per tile above <see cref="MaxWideTile"/> blocks.</summary>
    private const int WideTileBlocks = 4;

    /// <summary>
    /// Every block in Vector512 tiles: one pass when they fit, else tiles of four and one tile of the rest, the rest first when
    /// <paramref name="lastToFirst"/> and the tiles of four from the last to the first.
    /// </summary>
    private static void StepWide<TCell>(ref float weights, nuint stride, nuint blocks, nuint columnCount, ref float columns, ref float hidden, ref float state,
        bool lastToFirst)
        where TCell : ICellUpdate
    {
        nuint fullTiles = blocks > MaxWideTile ? blocks / WideTileBlocks : 0, rest = blocks - fullTiles * WideTileBlocks;
        if (lastToFirst)
        {
            WideRest<TCell>(ref weights, fullTiles * WideTileBlocks, rest, stride, columnCount, ref columns, ref hidden, ref state);
        }
        for (nuint tile = 0; tile < fullTiles; tile++)
        {
            nuint first = WideTileBlocks * (lastToFirst ? fullTiles - 1 - tile : tile);
            WideTile<FourBlocks, TCell>(ref weights, first, stride, columnCount, ref columns, ref hidden, ref state);
        }
        if (!lastToFirst)
        {
            WideRest<TCell>(ref weights, fullTiles * WideTileBlocks, rest, stride, columnCount, ref columns, ref hidden, ref state);
        }
    }

    /// <summary>One tile of <paramref name="count"/> (0 to 6) blocks from <paramref name="block"/>.</summary>
    private static void WideRest<TCell>(ref float weights, nuint block, nuint count, nuint stride, nuint columnCount, ref float columns, ref float hidden, ref float state)
        where TCell : ICellUpdate
    {
        switch (count)
        {
            case 1: WideTile<OneBlock, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
            case 2: WideTile<TwoBlocks, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
            case 3: WideTile<ThreeBlocks, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
            case 4: WideTile<FourBlocks, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
            case 5: WideTile<FiveBlocks, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
            case 6: WideTile<SixBlocks, TCell>(ref weights, block, stride, columnCount, ref columns, ref hidden, ref state); break;
        }
    }

    /// <summary>
    /// The slots of <typeparamref name="TBlocks"/> blocks, two registers per block (the JIT drops the accumulators of the blocks
    /// beyond the count), from the bias over every column; then σ on each block's first register and the cell's update of its
    /// 8 units on the halves.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void WideTile<TBlocks, TCell>(ref float weights, nuint firstBlock, nuint stride, nuint columnCount, ref float columns, ref float hidden, ref float state)
        where TBlocks : IBlockCount
        where TCell : ICellUpdate
    {
        const nuint RowLength = PackedLstmWeights.RowLength;
        ref float block = ref Unsafe.Add(ref weights, firstBlock * stride);
        nuint unit = firstBlock * PackedLstmWeights.BlockSize;
        Vector512<float> ab0 = Vector512.LoadUnsafe(ref block, 0), cd0 = Vector512.LoadUnsafe(ref block, 16);
        Vector512<float> ab1 = default, cd1 = default, ab2 = default, cd2 = default, ab3 = default, cd3 = default, ab4 = default, cd4 = default, ab5 = default, cd5 = default;
        if (TBlocks.Count > 1) { ab1 = Vector512.LoadUnsafe(ref block, stride); cd1 = Vector512.LoadUnsafe(ref block, stride + 16); }
        if (TBlocks.Count > 2) { ab2 = Vector512.LoadUnsafe(ref block, 2 * stride); cd2 = Vector512.LoadUnsafe(ref block, 2 * stride + 16); }
        if (TBlocks.Count > 3) { ab3 = Vector512.LoadUnsafe(ref block, 3 * stride); cd3 = Vector512.LoadUnsafe(ref block, 3 * stride + 16); }
        if (TBlocks.Count > 4) { ab4 = Vector512.LoadUnsafe(ref block, 4 * stride); cd4 = Vector512.LoadUnsafe(ref block, 4 * stride + 16); }
        if (TBlocks.Count > 5) { ab5 = Vector512.LoadUnsafe(ref block, 5 * stride); cd5 = Vector512.LoadUnsafe(ref block, 5 * stride + 16); }
        nuint row = RowLength;
        for (nuint k = 0; k < columnCount; k++, row += RowLength)
        {
            var value = Vector512.Create(Unsafe.Add(ref columns, k));
            ab0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row), value, ab0);
            cd0 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, row + 16), value, cd0);
            if (TBlocks.Count > 1)
            {
                ab1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row), value, ab1);
                cd1 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, stride + row + 16), value, cd1);
            }
            if (TBlocks.Count > 2)
            {
                ab2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row), value, ab2);
                cd2 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 2 * stride + row + 16), value, cd2);
            }
            if (TBlocks.Count > 3)
            {
                ab3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row), value, ab3);
                cd3 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 3 * stride + row + 16), value, cd3);
            }
            if (TBlocks.Count > 4)
            {
                ab4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row), value, ab4);
                cd4 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 4 * stride + row + 16), value, cd4);
            }
            if (TBlocks.Count > 5)
            {
                ab5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row), value, ab5);
                cd5 = Vector512.MultiplyAddEstimate(Vector512.LoadUnsafe(ref block, 5 * stride + row + 16), value, cd5);
            }
        }
        WideUpdate<TCell>(ab0, cd0, ref hidden, ref state, unit);
        if (TBlocks.Count > 1) WideUpdate<TCell>(ab1, cd1, ref hidden, ref state, unit + 8);
        if (TBlocks.Count > 2) WideUpdate<TCell>(ab2, cd2, ref hidden, ref state, unit + 16);
        if (TBlocks.Count > 3) WideUpdate<TCell>(ab3, cd3, ref hidden, ref state, unit + 24);
        if (TBlocks.Count > 4) WideUpdate<TCell>(ab4, cd4, ref hidden, ref state, unit + 32);
        if (TBlocks.Count > 5) WideUpdate<TCell>(ab5, cd5, ref hidden, ref state, unit + 40);
    }

    /// <summary>One block's 8 units: σ on both of the first register's slots at once (unless the cell takes preactivations), then the cell's update on the halves.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void WideUpdate<TCell>(Vector512<float> ab, Vector512<float> cd, ref float hidden, ref float state, nuint unit)
        where TCell : ICellUpdate
    {
        Vector512<float> gates = TCell.TakesSigmoidOfFirstSlots ? LstmMath.Sigmoid(ab) : ab;
        TCell.Update<Vector256Kernel, Vector256<float>>(gates.GetLower(), gates.GetUpper(), cd.GetLower(), cd.GetUpper(), ref hidden, ref state, unit);
    }
}

namespace GenLstm.Generators.Models;

/// <summary>
/// How the emitter lays out the kernel for one spec: the padded sizes and, per vector width, how many 8-unit
/// blocks one register tile holds. Derived from the spec alone, so it needs no caching of its own.
/// </summary>
internal sealed record KernelPlan(int PaddedHiddenSize, int BlockCount, int BlockStride, VectorPath Vector256, VectorPath Vector128)
{
    /// <summary>Hidden units per block (the layout of <c>GenLstm.PackedLstmWeights</c>).</summary>
    public const int BlockSize = 8;

    /// <summary>Gates per block: i, f, g, o.</summary>
    public const int GateCount = 4;

    /// <summary>Floats per row of a block: every gate of its 8 units.</summary>
    public const int RowLength = BlockSize * GateCount;

    /// <summary>
    /// Accumulators one tile may keep in registers. x64 without AVX-512 has 16 vector registers; 8 accumulators
    /// leave room for the broadcast input value and the loads, so no path spills inside the column loop.
    /// </summary>
    public const int AccumulatorBudget = 8;

    public static KernelPlan For(LstmSpec spec)
    {
        int blockCount = (spec.HiddenSize + BlockSize - 1) / BlockSize;
        return new KernelPlan(
            PaddedHiddenSize: blockCount * BlockSize,
            BlockCount: blockCount,
            BlockStride: (1 + spec.InputSize + spec.HiddenSize) * RowLength,
            Vector256: VectorPath.Create("Vector256", lanes: 8, blockCount),
            Vector128: VectorPath.Create("Vector128", lanes: 4, blockCount));
    }
}

/// <summary>One SIMD code path: its vector type, lanes per vector, and the blocks per register tile.</summary>
/// <param name="TypeName">The <c>System.Runtime.Intrinsics</c> vector type.</param>
/// <param name="Lanes">Floats per vector.</param>
/// <param name="TileBlocks">Blocks per full tile.</param>
/// <param name="FullTiles">Number of full tiles.</param>
/// <param name="RemainderBlocks">Blocks in the last, smaller tile (0 when there is none).</param>
internal sealed record VectorPath(string TypeName, int Lanes, int TileBlocks, int FullTiles, int RemainderBlocks)
{
    /// <summary>Vectors per gate of one block: a block is 8 units wide.</summary>
    public int PartsPerBlock => KernelPlan.BlockSize / Lanes;

    public static VectorPath Create(string typeName, int lanes, int blockCount)
    {
        int accumulatorsPerBlock = KernelPlan.GateCount * (KernelPlan.BlockSize / lanes);
        int tileBlocks = System.Math.Max(1, System.Math.Min(blockCount, KernelPlan.AccumulatorBudget / accumulatorsPerBlock));
        return new VectorPath(typeName, lanes, tileBlocks, blockCount / tileBlocks, blockCount % tileBlocks);
    }
}

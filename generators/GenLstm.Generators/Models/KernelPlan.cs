using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm.Generators.Models;

/// <summary>
/// How the emitter lays out the kernel for one spec: the padded sizes, the code paths in dispatch order (each with
/// its hardware condition and register tiles), and the chunking of Forward's hoisted input product. Derived from the
/// spec alone, so it needs no caching of its own.
/// </summary>
/// <param name="PackedRowLength">Elements per packed row: 32 floats, or 16 words of two bfloat16 gates.</param>
/// <param name="BlockStride">Elements per packed block: the bias row, I rows of W and R rows of U (R = H, or P with a projection).</param>
/// <param name="Math">The element-wise part of a step, which every tile emits after its accumulation.</param>
/// <param name="Vector512Path">
/// Tiles on Vector512 (two gates of a block per register), ahead of <paramref name="Paths"/> in the dispatch of Step and of
/// Forward (whose input product stays on the first Vector256 path); StepBatch and split steps take the paths below.
/// </param>
/// <param name="Role">What the kernel type is for.</param>
/// <param name="Members">The members its callers need: the emitter writes these and nothing else.</param>
internal sealed record KernelPlan(int PaddedHiddenSize, int BlockCount, int PackedRowLength, int BlockStride, int ChunkSteps,
    Precision Precision, WeightType WeightType, IReadOnlyList<VectorPath> Paths, VectorPath? Vector512Path, GateMath Math,
    KernelRole Role, KernelMembers Members)
{
    /// <summary>Hidden units per block (the layout of <c>GenLstm.PackedLstmWeights</c>).</summary>
    public const int BlockSize = 8;

    /// <summary>Gates per block: i, f, g, o.</summary>
    public const int GateCount = 4;

    /// <summary>Floats per row of a block: every gate of its 8 units.</summary>
    public const int RowLength = BlockSize * GateCount;

    /// <summary>Floats per row of a float32 GRU's block: r, z and n of its 8 units (<c>PackedLstmWeights.FromPyTorchGru</c>).</summary>
    public const int GruRowLength = BlockSize * 3;

    /// <summary>Floats of stack scratch Forward may use for the hoisted input product (16 KiB).</summary>
    public const int ProjectionScratchFloats = 4096;

    /// <summary>The most steps Forward projects at once.</summary>
    public const int MaxChunkSteps = 32;

    /// <param name="spec">The kernel's spec: a one-layer model, or one layer of a stack.</param>
    /// <param name="role">What the kernel type is for, which decides its <see cref="Members"/>.</param>
    public static KernelPlan For(LstmSpec spec, KernelRole role = KernelRole.Model)
    {
        int blockCount = (spec.HiddenSize + BlockSize - 1) / BlockSize;
        int floatsPerStep = blockCount * RowLength;
        int packedRowLength = spec.WeightType == WeightType.BFloat16 ? RowLength / 2 : HasGruRows(spec) ? GruRowLength : RowLength;
        return new KernelPlan(
            PaddedHiddenSize: blockCount * BlockSize,
            BlockCount: blockCount,
            PackedRowLength: packedRowLength,
            BlockStride: PackedRows(spec) * packedRowLength,
            ChunkSteps: System.Math.Max(1, System.Math.Min(MaxChunkSteps, ProjectionScratchFloats / floatsPerStep)),
            Precision: spec.Precision,
            WeightType: spec.WeightType,
            Paths:
            [
                // 32 vector registers (AVX-512 hardware; the JIT uses them for Vector256 code too). Measured on Zen 4 for
                // 1x40 / 16x32 / 64x64 / 128x256, Step ns: budget 8 → 243 / 205 / 1394 / 17799, 12 → 218 / 207 / 1355 / 18885,
                // 20 → 265 / 195 / 1355 / 18357; Forward: 8 → 262 / 204 / 1042 / 15336, 12 → 236 / 210 / 1009 / 15296,
                // 20 → 302 / 203 / 997 / 17020. Past 12 the activations of a tile no longer fit beside its accumulators.
                VectorPath.Create("Vector256", lanes: 8, blockCount, accumulatorBudget: 12,
                    condition: "Avx512F.IsSupported", registers: "32 registers (AVX-512)",
                    batchStreams: 4),
                // 16 registers (AVX2 alone): 8 accumulators leave room for the broadcast value and the loads.
                VectorPath.Create("Vector256", lanes: 8, blockCount, accumulatorBudget: 8,
                    condition: null, registers: "16 registers (AVX2)"),
                VectorPath.Create("Vector128", lanes: 4, blockCount, accumulatorBudget: 16,
                    condition: "AdvSimd.Arm64.IsSupported", registers: "32 registers (ARM64 NEON)"),
                VectorPath.Create("Vector128", lanes: 4, blockCount, accumulatorBudget: 8,
                    condition: null, registers: "16 registers (x64 SSE)"),
            ],
            // Two gates per register. Measured on Zen 4, Step ns for 1x40 / 16x32 / 64x64 / 128x256 and bf16 64x64 / 128x256:
            // Vector256 (the path below) 214 / 195 / 1274 / 18576, 836 / 9503; Vector512 budget 8 → 218 / 192 / 1273 / 16901,
            // 775 / 8663; 12 → 213 / 194 / 1283 / 16910, 782 / 8179; 16 → 214 / 196 / 1332 / 17523, 806 / 8869. Never slower,
            // 9–14 % faster where the weights stream from L2 or memory (half the instructions per weight row). Forward's
            // recurrence, ns per step: Vector256 1x40 / 16x32 / 64x64 / 128x256 ≈ 232 / 202 / 1004 / 15413, Vector512 232 / 202 /
            // 1019 / 14414. Its input product stays on Vector256: 6 steps per weight load instead of 3 made 64x64 and 128x256
            // slower (1068, 16614).
            Vector512Path: VectorPath.Create("Vector512", lanes: 16, blockCount, Vector512Budget(spec.WeightType, blockCount * PackedRows(spec) * packedRowLength),
                condition: null, registers: "32 registers (AVX-512)"),
            Math: spec.Math,
            Role: role,
            Members: MembersFor(spec, role));
    }

    /// <summary>
    /// What each role calls. The user's model has every entry point (and a worker's split step when its steps can be split);
    /// a layer of a forward stack is stepped (Step) and run over sequences (Forward); a layer of a reverse, bidirectional or
    /// projected stack is only stepped, by its sweep, with its projection after each step.
    /// </summary>
    private static KernelMembers MembersFor(LstmSpec spec, KernelRole role) => role switch
    {
        KernelRole.Model => KernelMembers.Step | KernelMembers.PublicApi | KernelMembers.Forward | KernelMembers.Batch
            | (spec.Math.HasSplitSteps ? KernelMembers.Split : 0),
        KernelRole.StackLayer => KernelMembers.Step | KernelMembers.Forward,
        _ => KernelMembers.Step | KernelMembers.Sweep | (spec.ProjectionSize > 0 ? KernelMembers.Project : 0),
    };

    /// <summary>Whether the kernel has <paramref name="members"/> (all of them).</summary>
    public bool Has(KernelMembers members) => (Members & members) == members;

    /// <summary>Rows of each packed block: <see cref="BlockStride"/> / <see cref="PackedRowLength"/>.</summary>
    public int RowsPerBlock => BlockStride / PackedRowLength;

    /// <summary>
    /// Rows of a packed block: the bias, I rows of W, R rows of U, a peephole row, the layer-norm scales and biases, and a float32
    /// GRU's row of n's hidden bias.
    /// </summary>
    private static int PackedRows(LstmSpec spec)
        => 1 + spec.InputSize + spec.RecurrentSize + (spec.Math.Peepholes ? 1 : 0) + (spec.Math.LayerNorm ? 2 : 0) + (HasGruRows(spec) ? 1 : 0);

    /// <summary>
    /// Whether the rows hold a GRU's r, z and n (<see cref="GruRowLength"/> floats; n's input part in W's rows, its hidden part in
    /// U's, b_hn in a last row), not an LSTM's four slots: a float32 GRU. A bfloat16 GRU keeps four slots (r, z, n's input part,
    /// n's hidden part) to pair them as an LSTM's.
    /// </summary>
    private static bool HasGruRows(LstmSpec spec) => spec.Math.IsGru && spec.WeightType == WeightType.Float32;

    /// <summary>Whether the rows hold a GRU's r, z and n; see <see cref="HasGruRows(LstmSpec)"/>.</summary>
    public bool GruRows => Math.IsGru && WeightType == WeightType.Float32;

    /// <summary>
    /// Where a slot's weights sit in a packed float32 row: slot × 8, except that a GRU's n keeps both parts in one column (slot g):
    /// its input part in W's rows, its hidden part (slot o) in U's.
    /// </summary>
    public int PackedSlot(Gate gate) => GruRows && gate == Gate.Output ? (int)Gate.Candidate : (int)gate;

    /// <summary>Bytes of L1 data cache the tile sizes assume (Zen 4, and most x64 and ARM64 cores: 32–64 KiB).</summary>
    public const int L1Bytes = 32 * 1024;

    /// <summary>Bytes of L2 cache the tile sizes assume (Zen 4: 1 MiB; Intel and Apple cores: 1–2 MiB or more).</summary>
    public const int L2Bytes = 1024 * 1024;

    /// <summary>
    /// The Vector512 accumulator budget. Steps alternate their tile order, so a step starts on the tile the previous one
    /// read last; where the float32 weights overflow L1 but fit L2, tiles of 2 blocks (about L1's size at 64x64) let
    /// that tile come from L1. Measured on Zen 4, ns per step, budget 12 → 4: Step 64x64 1284 → 1155, Forward 64x64
    /// 931 → 882 (tiles of 1 block: 1208 and 956; of 3: 1217 and 936); but 16x32 (in L1) 194 → 200, 128x256 (beyond
    /// L2) Forward 13718 → 14123, and bf16 64x64 788 → 851 (its widening favours more blocks per broadcast): those keep 12.
    /// </summary>
    private static int Vector512Budget(WeightType weightType, int packedElements)
    {
        long bytes = (long)packedElements * sizeof(float);
        return weightType == WeightType.Float32 && bytes > L1Bytes && bytes <= L2Bytes ? 4 : 12;
    }

    /// <summary>
    /// The path whose projection methods compute Forward's input product for <paramref name="path"/>: its own, or for
    /// Vector512 the first Vector256 path (the same 32 registers), since that small matrix product already runs at full
    /// width there.
    /// </summary>
    public VectorPath ProjectionPathFor(VectorPath path) => path == Vector512Path ? Paths[0] : path;

    /// <summary>
    /// Every distinct step-tile size, per vector type: the plan's tiles and, with a split step, for StepBlocks' arbitrary
    /// ranges (the halves of <c>GenLstm.LstmWorker</c>), every size up to a full tile.
    /// </summary>
    public IEnumerable<(string TypeName, int Lanes, int Blocks)> StepTileMethods
        => Has(KernelMembers.Split)
            ? Paths.SelectMany(p => Enumerable.Range(1, p.TileBlocks).Select(blocks => (p.TypeName, p.Lanes, blocks))).Distinct().OrderBy(t => t.TypeName).ThenBy(t => t.blocks)
            : TileMethods;

    /// <summary>Every distinct tile size the paths use, per vector type, for emitting each tile method once.</summary>
    public IEnumerable<(string TypeName, int Lanes, int Blocks)> TileMethods
        => Paths.SelectMany(p => p.TileSizes.Select(blocks => (p.TypeName, p.Lanes, blocks))).Distinct().OrderBy(t => t.TypeName).ThenBy(t => t.blocks);

    /// <summary>Every distinct projection group size (steps per call), per vector type.</summary>
    public IEnumerable<(string TypeName, int Lanes, int Steps)> ProjectionMethods
        => Paths.SelectMany(p => new[] { p.WeightReuse, 1 }.Select(steps => (p.TypeName, p.Lanes, steps))).Distinct().OrderBy(t => t.TypeName).ThenBy(t => t.Item3);

    /// <summary>Every distinct StepBatch group size (streams per call, at least 2), per vector type.</summary>
    public IEnumerable<(string TypeName, int Lanes, int Streams)> BatchMethods
        => Paths.Where(p => p.BatchStreams > 1).Select(p => (p.TypeName, p.Lanes, p.BatchStreams)).Distinct().OrderBy(t => t.TypeName).ThenBy(t => t.BatchStreams);
}

/// <summary>One SIMD code path: its vector type, when it runs, and its register tiles.</summary>
/// <param name="TypeName">The <c>System.Runtime.Intrinsics</c> vector type.</param>
/// <param name="Lanes">Floats per vector.</param>
/// <param name="Condition">An extra JIT-time constant condition besides <c>{TypeName}.IsHardwareAccelerated</c>, or null.</param>
/// <param name="Registers">The register file the tiles are sized for, for comments.</param>
/// <param name="TileBlocks">Blocks per full tile of the step kernel.</param>
/// <param name="FullTiles">Number of full tiles.</param>
/// <param name="RemainderBlocks">Blocks in the last, smaller tile (0 when there is none).</param>
/// <param name="WeightReuse">
/// How many steps of Forward's input product share each weight load: one block's four gates for each of them fill
/// the accumulator budget.
/// </param>
/// <param name="BatchStreams">How many streams of StepBatch share each weight load.</param>
internal sealed record VectorPath(string TypeName, int Lanes, string? Condition, string Registers,
    int TileBlocks, int FullTiles, int RemainderBlocks, int WeightReuse, int BatchStreams)
{
    /// <summary>Vectors per gate of one block: a block is 8 units wide.</summary>
    public int PartsPerBlock => KernelPlan.BlockSize / Lanes;

    /// <summary>Accumulators of one block: four gates of 8 units (two gates per register for Vector512).</summary>
    public int AccumulatorsPerBlock => KernelPlan.GateCount * KernelPlan.BlockSize / Lanes;

    /// <summary>The tile sizes in use: the full tile and the remainder.</summary>
    public IEnumerable<int> TileSizes => new[] { FullTiles > 0 ? TileBlocks : 0, RemainderBlocks }.Where(blocks => blocks > 0);

    /// <param name="batchStreams">
    /// StepBatch's group, when it differs from <paramref name="accumulatorBudget"/>'s: its activations run stream by
    /// stream, so it can hold more accumulators than a step tile. Measured on Zen 4 (AVX-512), 64x64, N = 4: groups of 3
    /// (3 + 1 streams) 871 ns per stream-step, groups of 4: 718; 128x256: 10,803 and 7,880.
    /// </param>
    public static VectorPath Create(string typeName, int lanes, int blockCount, int accumulatorBudget, string? condition, string registers,
        int? batchStreams = null)
    {
        int accumulatorsPerBlock = KernelPlan.GateCount * KernelPlan.BlockSize / lanes;
        int perTile = System.Math.Max(1, accumulatorBudget / accumulatorsPerBlock);
        // As few tiles as the budget allows, as even as possible: 5 blocks in budget 4 → 3 + 2, not 4 + 1.
        int tiles = (blockCount + perTile - 1) / perTile;
        int tileBlocks = (blockCount + tiles - 1) / tiles;
        return new VectorPath(typeName, lanes, condition, registers, tileBlocks, blockCount / tileBlocks, blockCount % tileBlocks,
            WeightReuse: perTile, BatchStreams: batchStreams ?? perTile);
    }
}

/// <summary>What a kernel type is for.</summary>
internal enum KernelRole
{
    /// <summary>The user's model itself, a single forward layer.</summary>
    Model,

    /// <summary>A layer of a forward stack, nested in the model.</summary>
    StackLayer,

    /// <summary>A layer of a reverse, bidirectional or projected stack, which the model sweeps step by step.</summary>
    SweptStackLayer,
}

/// <summary>The members of a kernel type beyond its weights and state, as its callers need them.</summary>
[Flags]
internal enum KernelMembers
{
    /// <summary>StepCore with its step tiles and the scalar block: every kernel.</summary>
    Step = 1,

    /// <summary>The user-facing members: public Step, InitialState, file loaders, the state's layer accessors, CompileKernel.</summary>
    PublicApi = 2,

    /// <summary>Forward with its hoisted input product: the paths' recurrences, recurrent tiles and projection methods.</summary>
    Forward = 4,

    /// <summary>StepBatch with the groups of streams that share each weight load.</summary>
    Batch = 8,

    /// <summary>A step split between two cores by <c>GenLstm.LstmWorker</c>: StepBlocks, with step tiles of every size.</summary>
    Split = 16,

    /// <summary>A stacked layer's sweep over a whole sequence, step by step, in either direction.</summary>
    Sweep = 32,

    /// <summary>The projection W_hr after each step (PyTorch's proj_size).</summary>
    Project = 64,
}

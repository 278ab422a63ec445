using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>The kernel half of the emitter: path dispatch, register tiles, Forward's hoisted input product.</summary>
    internal static partial class Emitter
    {
        /// <summary>Where a step tile's accumulators start.</summary>
        private enum TileSource
        {
            /// <summary>At the bias, then the input columns and the hidden columns: <c>Step</c>.</summary>
            Input,

            /// <summary>At a precomputed b + W x (Forward's hoisted input product), then the hidden columns only.</summary>
            Projection,
        }

        /// <param name="writer">Where the members go.</param>
        /// <param name="plan">The kernel's layout.</param>
        private static void WriteKernel(IndentedTextWriter writer, KernelPlan plan)
        {
            bool forward = plan.Has(KernelMembers.Forward), batch = plan.Has(KernelMembers.Batch);
            WriteStepCore(writer, plan);
            if (batch)
            {
                WriteStepBatchCore(writer, plan);
            }
            if (forward)
            {
                WriteForwardCore(writer, plan);
                if (plan.Vector512Path is { } widePath)
                {
                    WriteForwardPath(writer, plan, widePath);
                }
                foreach (VectorPath path in plan.Paths)
                {
                    WriteForwardPath(writer, plan, path);
                }
            }
            if (plan.Has(KernelMembers.Split))
            {
                WriteRunPart(writer, plan);
                WriteStepBlocks(writer, plan);
            }
            if (plan.Math.ExtraGates.Count > 0)
            {
                WriteComputeExtraGates(writer);
            }
            foreach ((string typeName, int lanes, int blocks) in plan.StepTileMethods)
            {
                WriteTile(writer, plan, typeName, lanes, blocks, TileSource.Input);
            }
            if (forward)
            {
                foreach ((string typeName, int lanes, int blocks) in plan.TileMethods)
                {
                    WriteTile(writer, plan, typeName, lanes, blocks, TileSource.Projection);
                }
            }
            if (plan.Vector512Path is { } wide)
            {
                foreach (TileSource source in forward ? new[] { TileSource.Input, TileSource.Projection } : [TileSource.Input])
                {
                    foreach (int blocks in wide.TileSizes)
                    {
                        WriteWideTile(writer, plan, blocks, source);
                    }
                }
            }
            if (forward)
            {
                foreach ((string typeName, int lanes, int steps) in plan.ProjectionMethods)
                {
                    WriteProjection(writer, plan, typeName, lanes, steps);
                }
            }
            if (batch)
            {
                foreach ((string typeName, int lanes, int streams) in plan.BatchMethods)
                {
                    WriteBatch(writer, plan, typeName, lanes, streams);
                }
            }
            WriteScalarBlock(writer, plan);
        }

        private static void WriteStepCore(IndentedTextWriter writer, KernelPlan plan)
        {
            writer.WriteLines($$"""
                /// <summary>One step on validated arguments: h_t and c_t from x_t and the state's h_{t-1}, c_{t-1}.</summary>
                {{CompiledAtLoad}}
                internal static void StepCore({{WeightParameters(plan)}}, ref float input, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref {{WeightReader.ElementType(plan.WeightType)}} weights = ref packedWeights.Start;
                        ref float hiddenPrevious = ref state.HiddenStart(state._current);
                        ref float hiddenNext = ref state.HiddenStart(state._current ^ 1);
                        """);
                writer.WriteLine(CellBinding(plan, "state"));
                WriteExtraGatesCall(writer, plan, "input", "state");
                WritePathDispatch(writer, plan,
                    path => WriteStepTiles(writer, path, TileSource.Input),
                    () =>
                    {
                        using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                        {
                            writer.WriteLines(TileCall("ScalarBlock", "block", "ref input"));
                        }
                    },
                    plan.Vector512Path);
                writer.WriteLine();
                writer.WriteLine("state._current ^= 1;");
            }
            writer.WriteLine();
        }

        private static void WriteStepBatchCore(IndentedTextWriter writer, KernelPlan plan)
        {
            writer.WriteLines($$"""
                /// <summary>
                /// StepBatch on validated arguments: groups of streams share each weight load (the group size of each path is in
                /// the comments below); the streams left over, and paths without a batch tile, step one stream at a time. Each
                /// stream's sums run in the same order as <see cref="StepCore"/>'s, so the results are bit-identical to stepping.
                /// </summary>
                {{CompiledAtLoad}}
                internal static void StepBatchCore({{WeightParameters(plan)}}, ref float inputs, ref State states, int streams, ref float outputs)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref {{WeightReader.ElementType(plan.WeightType)}} weights = ref packedWeights.Start;
                        int stream = 0;
                        """);
                WritePathDispatch(writer, plan, path => WriteBatchGroups(writer, plan, path),
                    () => writer.WriteLine("// Every stream is stepped on its own below."));
                writer.WriteLine();
                writer.WriteLine("// The streams left over: one at a time.");
                using (writer.OpenBlock("for (; stream < streams; stream++)"))
                {
                    writer.WriteLine($"ref State state = ref {Unsafe}.Add(ref states, stream);");
                    writer.WriteLine($"StepCore({WeightArguments(plan)}, ref {Unsafe}.Add(ref inputs, stream * InputSize), ref state);");
                    writer.WriteLine(CopyHiddenToOutputs("stream"));
                }
            }
            writer.WriteLine();
        }

        /// <summary>One path's StepBatch loop: groups of streams, every block of the group in turn, then each stream's flip and output.</summary>
        private static void WriteBatchGroups(IndentedTextWriter writer, KernelPlan plan, VectorPath path)
        {
            int group = path.BatchStreams;
            if (group == 1)
            {
                writer.WriteLine("// One block's gates fill the registers: no room to share weight loads between streams.");
                return;
            }
            string Stream(int s) => s == 0 ? "stream" : $"stream + {s}";
            using (writer.OpenBlock($"for (; stream + {group} <= streams; stream += {group})"))
            {
                foreach (int s in Range(group))
                {
                    writer.WriteLine($"ref State state{s} = ref {Unsafe}.Add(ref states, {Stream(s)});");
                    WriteExtraGatesCall(writer, plan, $"{Unsafe}.Add(ref inputs, ({Stream(s)}) * InputSize)", $"state{s}");
                }
                // One stream's state and input per line.
                string arguments = string.Join(",", Range(group).Select(s => $"\n    ref state{s}, ref {Unsafe}.Add(ref inputs, ({Stream(s)}) * InputSize)"));
                using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                {
                    writer.WriteLines($"{path.TypeName}Batch{group}(ref {Unsafe}.Add(ref weights, block * BlockStride), block * BlockSize,{arguments});");
                }
                foreach (int s in Range(group))
                {
                    writer.WriteLine($"state{s}._current ^= 1;");
                    writer.WriteLine(CopyHiddenToOutputs(Stream(s), $"state{s}"));
                }
            }
        }

        private static void WriteForwardCore(IndentedTextWriter writer, KernelPlan plan)
        {
            writer.WriteLines($$"""
                /// <summary>
                /// A sequence on validated arguments. The vector paths hoist the input product: for a chunk of up to
                /// {{plan.ChunkSteps}} steps they compute b + W x_t first, reading each weight row once for several steps, and then
                /// run the recurrence, which only adds U h_{t-1}. The sums are the same, in the same order, as <see cref="StepCore"/>'s,
                /// so the results are bit-identical to stepping.
                /// </summary>
                {{CompiledAtLoad}}
                internal static void ForwardCore({{WeightParameters(plan)}}, ref float inputs, int steps, ref float outputs, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        // Scratch for the input product of one chunk of steps: bounded, on the stack, nothing allocated.
                        Span<float> scratch = stackalloc float[Math.Min(steps, ChunkSteps) * BlockCount * RowLength];
                        ref float projected = ref MemoryMarshal.GetReference(scratch);
                        """);
                WritePathDispatch(writer, plan,
                    path => writer.WriteLine($"Forward{PathName(path)}({WeightArguments(plan)}, ref inputs, steps, ref outputs, ref state, ref projected);"),
                    () =>
                    {
                        using (writer.OpenBlock("for (int t = 0; t < steps; t++)"))
                        {
                            writer.WriteLine($"StepCore({WeightArguments(plan)}, ref {Unsafe}.Add(ref inputs, t * InputSize), ref state);");
                            writer.WriteLine(CopyHiddenToOutputs("t"));
                        }
                    },
                    plan.Vector512Path);
            }
            writer.WriteLine();
        }

        private static void WriteForwardPath(IndentedTextWriter writer, KernelPlan plan, VectorPath path)
        {
            string element = WeightReader.ElementType(plan.WeightType);
            VectorPath projection = plan.ProjectionPathFor(path);
            int steps = projection.WeightReuse;
            string Project(int count) =>
                $"{projection.TypeName}Project{count}(ref blockWeights, ref {Unsafe}.Add(ref chunkInputs, step * InputSize),\n"
                + $"    ref {Unsafe}.Add(ref projected, ((nuint)step * BlockCount + block) * RowLength));";

            writer.WriteLines($$"""
                /// <summary>Forward on the {{path.TypeName}} path with {{path.Registers}}: see <see cref="ForwardCore"/>.</summary>
                {{AggressiveOptimization}}
                private static void Forward{{PathName(path)}}({{WeightParameters(plan)}}, ref float inputs, int steps,
                    ref float outputs, ref State state, ref float projected)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLine($"ref {element} weights = ref packedWeights.Start;");
                if (!plan.Math.IsGru)
                {
                    writer.WriteLine(CellBinding(plan, "state"));
                }
                using (writer.OpenBlock("for (int chunkStart = 0; chunkStart < steps; chunkStart += ChunkSteps)"))
                {
                    writer.WriteLines($$"""
                        int chunkLength = Math.Min(ChunkSteps, steps - chunkStart);
                        ref float chunkInputs = ref {{Unsafe}}.Add(ref inputs, chunkStart * InputSize);

                        // 1. b + W x_t for every step of the chunk, block by block.
                        """);
                    using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                    {
                        writer.WriteLine($"ref {element} blockWeights = ref {Unsafe}.Add(ref weights, block * BlockStride);");
                        writer.WriteLine("int step = 0;");
                        if (steps > 1)
                        {
                            writer.WriteLine($"// {steps} steps at a time, so each weight row is loaded once for all {steps}.");
                            using (writer.OpenBlock($"for (; step + {steps} <= chunkLength; step += {steps})"))
                            {
                                writer.WriteLines(Project(steps));
                            }
                        }
                        using (writer.OpenBlock("for (; step < chunkLength; step++)"))
                        {
                            writer.WriteLines(Project(1));
                        }
                    }
                    writer.WriteLine();
                    writer.WriteLine("// 2. The recurrence: each step adds U h_{t-1} to its projected b + W x_t.");
                    using (writer.OpenBlock("for (int step = 0; step < chunkLength; step++)"))
                    {
                        writer.WriteLines($$"""
                            ref float projectedStep = ref {{Unsafe}}.Add(ref projected, (nuint)step * BlockCount * RowLength);
                            ref float hiddenPrevious = ref state.HiddenStart(state._current);
                            ref float hiddenNext = ref state.HiddenStart(state._current ^ 1);
                            """);
                        if (plan.Math.IsGru)
                        {
                            writer.WriteLine(CellBinding(plan, "state"));
                        }
                        WriteExtraGatesCall(writer, plan, $"{Unsafe}.Add(ref chunkInputs, step * InputSize)", "state");
                        WriteStepTiles(writer, path, TileSource.Projection);
                        writer.WriteLine("state._current ^= 1;");
                        writer.WriteLine(CopyHiddenToOutputs("chunkStart + step"));
                    }
                }
            }
            writer.WriteLine();
        }

        /// <summary>The if / else-if chain over the paths, widest registers first, then the scalar fallback.</summary>
        private static void WritePathDispatch(IndentedTextWriter writer, KernelPlan plan, Action<VectorPath> writePath, Action writeScalar,
            VectorPath? first = null)
        {
            string keyword = "if";
            foreach (VectorPath path in first is null ? plan.Paths : plan.Paths.Prepend(first))
            {
                string condition = $"{path.TypeName}.IsHardwareAccelerated" + (path.Condition is null ? "" : $" && {path.Condition}");
                writer.WriteLine($"// {path.TypeName}, {path.Registers}: {DescribeTiles(plan, path)}.");
                using (writer.OpenBlock($"{keyword} ({condition})"))
                {
                    writePath(path);
                }
                keyword = "else if";
            }
            writer.WriteLine("// No SIMD hardware: one unit at a time.");
            using (writer.OpenBlock("else"))
            {
                writeScalar();
            }
        }

        /// <summary>
        /// The tile calls of one step: full tiles in a loop, then the smaller remainder tile. With several tiles, steps
        /// alternate the order (by <c>state._current</c>, which flips every step): first to last, then last to first, so the
        /// tiles whose weights were read last, still in the caches, are read first. The tiles are independent, so the
        /// results do not depend on the order. Measured on Zen 4 (ns per step, one order → alternating): Forward 64x64
        /// 1019 → 934 (U is 64 KiB: half of it now comes from L1), 128x256 14414 → 13687; Step 128x256 16900 → 16192
        /// (1.5 MiB: more of it from L2); the other sizes have one tile.
        /// </summary>
        private static void WriteStepTiles(IndentedTextWriter writer, VectorPath path, TileSource source)
        {
            string TileName(int blocks) => TileMethodName(path.TypeName, blocks, source);
            string Source(string block) => source == TileSource.Input ? "ref input" : $"ref {Unsafe}.Add(ref projectedStep, {block} * RowLength)";

            int fullTileBlocks = path.FullTiles * path.TileBlocks;
            string remainderBlock = fullTileBlocks.ToString(CultureInfo.InvariantCulture);
            void WriteRemainder()
            {
                if (path.RemainderBlocks > 0)
                {
                    writer.WriteLines(TileCall(TileName(path.RemainderBlocks), remainderBlock, Source(remainderBlock)));
                }
            }

            if (path.FullTiles + (path.RemainderBlocks > 0 ? 1 : 0) == 1)
            {
                if (path.FullTiles == 1)
                {
                    writer.WriteLines(TileCall(TileName(path.TileBlocks), "0", Source("0")));
                }
                WriteRemainder();
                return;
            }
            writer.WriteLine("// Even steps run the tiles first to last, odd steps last to first: each step starts on the weights the last one read last.");
            using (writer.OpenBlock("if (state._current == 0)"))
            {
                using (writer.OpenBlock($"for (nuint block = 0; block < {fullTileBlocks}; block += {path.TileBlocks})"))
                {
                    writer.WriteLines(TileCall(TileName(path.TileBlocks), "block", Source("block")));
                }
                WriteRemainder();
            }
            using (writer.OpenBlock("else"))
            {
                WriteRemainder();
                using (writer.OpenBlock($"for (nuint block = {fullTileBlocks}; block > 0;)"))
                {
                    writer.WriteLine($"block -= {path.TileBlocks};");
                    writer.WriteLines(TileCall(TileName(path.TileBlocks), "block", Source("block")));
                }
            }
        }

        /// <summary>A call of a tile (or of the scalar block) on its first block: two lines, the weights and input, then the outputs.</summary>
        private static string TileCall(string method, string firstBlock, string source)
            => $"{method}(ref {Unsafe}.Add(ref weights, {firstBlock} * BlockStride), {source},\n"
                + $"    ref hiddenPrevious, ref {Unsafe}.Add(ref hiddenNext, {firstBlock} * BlockSize), ref {Unsafe}.Add(ref cell, {firstBlock} * BlockSize));";

        private static string TileMethodName(string typeName, int blocks, TileSource source)
            => source == TileSource.Input ? $"{typeName}Tile{blocks}" : $"{typeName}RecurrentTile{blocks}";

        private static string PathName(VectorPath path)
            => $"{path.TypeName}With{path.Registers.Substring(0, path.Registers.IndexOf(' '))}Registers";

        private static string CopyHiddenToOutputs(string row, string state = "state")
            => $"{state}.Hidden().CopyTo({MemoryMarshal}.CreateSpan(ref {Unsafe}.Add(ref outputs, ({row}) * OutputSize), OutputSize));";

        /// <summary>
        /// A path's tiles (full tiles x blocks, + the remainder's blocks), and its input product and StepBatch groups where the
        /// kernel has those members: "tiles 2x2 + 1 blocks, 8 accumulators; input product 2 steps, StepBatch 2 streams at a time".
        /// </summary>
        private static string DescribeTiles(KernelPlan plan, VectorPath path)
        {
            var uses = new List<string>();
            if (plan.Has(KernelMembers.Forward))
            {
                VectorPath projection = plan.ProjectionPathFor(path);
                uses.Add(path == plan.Vector512Path ? $"input product on {projection.TypeName}, {Steps(projection.WeightReuse)}" : $"input product {Steps(path.WeightReuse)}");
            }
            if (plan.Has(KernelMembers.Batch) && path != plan.Vector512Path)
            {
                uses.Add(path.BatchStreams == 1 ? "StepBatch 1 stream" : $"StepBatch {path.BatchStreams} streams");
            }
            static string Steps(int steps) => steps == 1 ? "1 step" : $"{steps} steps";
            return $"tiles {path.FullTiles}x{path.TileBlocks}" + (path.RemainderBlocks > 0 ? $" + {path.RemainderBlocks}" : "")
                + $" blocks, {path.TileBlocks * path.AccumulatorsPerBlock} accumulators"
                + (uses.Count == 0 ? "" : "; " + string.Join(", ", uses) + " at a time");
        }

        private static void WriteTile(IndentedTextWriter writer, KernelPlan plan, string typeName, int lanes, int blocks, TileSource source)
        {
            string vector = typeName;
            string element = WeightReader.ElementType(plan.WeightType);
            var weights = new WeightReader(plan, vector, lanes);
            int parts = KernelPlan.BlockSize / lanes;
            string Accumulator(Gate gate, int block, int part) => AccumulatorName(gate, block, parts, part);
            string Offset(Gate gate, int part) => AccumulatorOffset(gate, part, lanes);
            bool fromInput = source == TileSource.Input;

            writer.WriteLines($$"""
                /// <summary>
                /// {{typeName}} tile of {{blocks}} block(s) ({{blocks * KernelPlan.BlockSize}} units): accumulates z for gates i, f, g, o of every unit in
                /// {{blocks * KernelPlan.GateCount * parts}} registers, {{(fromInput ? "from the bias over the input and hidden columns" : "from the projected b + W x over the hidden columns")}}, then applies the activations
                /// and the cell update. <paramref name="block"/> is the tile's first packed block; <paramref name="hiddenNext"/> and
                /// <paramref name="cell"/> point at its first unit.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{TileMethodName(typeName, blocks, source)}}(ref {{element}} block, ref float {{(fromInput ? "input" : "projected")}}, ref float hiddenPrevious, ref float hiddenNext, ref float cell)
                """);
            using (writer.OpenBlock(""))
            {
                for (int block = 0; block < blocks; block++)
                {
                    writer.WriteLine(block == 0 ? $"ref {element} block0 = ref block;" : $"ref {element} block{block} = ref {Unsafe}.Add(ref block, {block} * BlockStride);");
                }
                writer.WriteLine();
                writer.WriteLine(fromInput ? "// z starts at the bias (row 0 of each block)." : "// z starts at b + W x_t, projected for this step.");
                for (int block = 0; block < blocks; block++)
                {
                    Func<Gate, int, string> start = fromInput
                        ? weights.ReadBias(writer, $"block{block}", "", "bias", Index(block))
                        : (gate, part) => $"{vector}.LoadUnsafe(ref projected, {block} * RowLength + {Offset(gate, part)})";
                    ForEachAccumulator(1, parts, (gate, _, part) => writer.WriteLine($"var {Accumulator(gate, block, part)} = {start(gate, part)};"));
                }

                WriteTileAccumulation(writer, source, new Accumulation<(Gate Gate, int Part)>(vector, blocks, GateSlots(parts),
                    (block, slot) => Accumulator(slot.Gate, block, slot.Part),
                    block => RowOfGates(weights.ReadRow(writer, $"block{block}", "row + ", "w", Index(block))), SharedRow: false)
                {
                    IsZero = ZeroSlots(plan),
                });

                for (int block = 0; block < blocks; block++)
                {
                    for (int part = 0; part < parts; part++)
                    {
                        int unit = block * KernelPlan.BlockSize + part * lanes;
                        writer.WriteLine();
                        writer.WriteLine($"// Units {unit}..{unit + lanes - 1} of the tile: activations, then the cell and hidden updates.");
                        using (writer.OpenBlock(""))
                        {
                            WriteCellUpdate(writer, plan, new CellSite(vector, Index(unit), gate => Accumulator(gate, block, part))
                            {
                                Peepholes = () => Peepholes(writer, weights, $"block{block}", Index(block), part),
                            });
                        }
                    }
                }
            }
            writer.WriteLine();
        }

        private static void WriteProjection(IndentedTextWriter writer, KernelPlan plan, string typeName, int lanes, int steps)
        {
            string vector = typeName;
            int parts = KernelPlan.BlockSize / lanes;
            writer.WriteLines($$"""
                /// <summary>
                /// {{typeName}} input product of {{steps}} step(s) for one block: b + W x_t for gates i, f, g, o of its 8 units, in
                /// {{steps * KernelPlan.GateCount * parts}} registers. <paramref name="inputs"/> is x of the first step (the next steps follow at InputSize);
                /// <paramref name="projected"/> receives one row per step, BlockCount rows apart.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{typeName}}Project{{steps}}(ref {{WeightReader.ElementType(plan.WeightType)}} block, ref float inputs, ref float projected)
                """);
            using (writer.OpenBlock(""))
            {
                WriteSharedWeightKernel(writer, plan, vector, lanes, steps,
                    [new(ColumnSet.Input, "InputSize", step => $"{Unsafe}.Add(ref inputs, {(step == 0 ? "" : $"{step} * InputSize + ")}k)")],
                    (step, accumulator) =>
                    {
                        string stepOffset = step == 0 ? "" : $"{step} * BlockCount * RowLength + ";
                        ForEachAccumulator(1, parts, (gate, _, part) => writer.WriteLine(
                            $"{vector}.StoreUnsafe({accumulator(gate, part)}, ref projected, {stepOffset}{AccumulatorOffset(gate, part, lanes)});"));
                    });
            }
            writer.WriteLine();
        }

        private static void WriteBatch(IndentedTextWriter writer, KernelPlan plan, string typeName, int lanes, int streams)
        {
            string vector = typeName;
            int parts = KernelPlan.BlockSize / lanes;
            string parameters = string.Join(",", Range(streams).Select(s => $"\n    ref State state{s}, ref float input{s}"));
            writer.WriteLines($$"""
                /// <summary>
                /// {{typeName}} step of {{streams}} independent streams for one block (8 units at <paramref name="unit"/>): every weight row is
                /// loaded once for all {{streams}} streams; {{streams * KernelPlan.GateCount * parts}} accumulators, then each stream's activations and cell update.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{typeName}}Batch{{streams}}(ref {{WeightReader.ElementType(plan.WeightType)}} block, nuint unit,{{parameters}})
                """);
            using (writer.OpenBlock(""))
            {
                foreach (int stream in Range(streams))
                {
                    writer.WriteLine($"ref float hiddenPrevious{stream} = ref state{stream}.HiddenStart(state{stream}._current);");
                }
                writer.WriteLine();
                WriteSharedWeightKernel(writer, plan, vector, lanes, streams,
                    [
                        new(ColumnSet.Input, "InputSize", stream => $"{Unsafe}.Add(ref input{stream}, k)"),
                        new(ColumnSet.Hidden, "RecurrentSize", stream => $"{Unsafe}.Add(ref hiddenPrevious{stream}, k)"),
                    ],
                    (stream, accumulator) =>
                    {
                        foreach (int part in Range(parts))
                        {
                            string offset = part == 0 ? "unit" : $"unit + {part * lanes}";
                            writer.WriteLine();
                            writer.WriteLine($"// Stream {stream}{(parts == 1 ? "" : $", units {part * lanes}..{part * lanes + lanes - 1} of the block")}: activations, then the cell and hidden updates.");
                            using (writer.OpenBlock(""))
                            {
                                writer.WriteLine(CellBinding(plan, $"state{stream}"));
                                writer.WriteLine($"ref float hiddenNext = ref state{stream}.HiddenStart(state{stream}._current ^ 1);");
                                WriteCellUpdate(writer, plan, new CellSite(vector, offset, gate => accumulator(gate, part))
                                {
                                    Peepholes = () => Peepholes(writer, new WeightReader(plan, vector, lanes), "block", "", part),
                                });
                            }
                        }
                    });
            }
            writer.WriteLine();
        }

        /// <summary>
        /// The body both the input product and StepBatch share: one block's four gates for each of <paramref name="groups"/>
        /// steps or streams, all starting at the block's bias; each column's weight row is loaded once and multiplied by
        /// every group's value; then <paramref name="finish"/>(group, accumulatorName(gate, part)) consumes the sums.
        /// </summary>
        private static void WriteSharedWeightKernel(IndentedTextWriter writer, KernelPlan plan, string vector, int lanes, int groups,
            IEnumerable<AccumulationColumns> columns, Action<int, Func<Gate, int, string>> finish)
        {
            var weights = new WeightReader(plan, vector, lanes);
            int parts = KernelPlan.BlockSize / lanes;
            string Accumulator(Gate gate, int group, int part) => AccumulatorName(gate, group, parts, part);

            writer.WriteLine("// z starts at the bias (row 0 of the block).");
            Func<Gate, int, string> bias = weights.ReadBias(writer, "block", "", "bias", "");
            ForEachAccumulator(groups, parts, (gate, group, part) =>
                writer.WriteLine($"var {Accumulator(gate, group, part)} = {bias(gate, part)};"));
            WriteAccumulation(writer,
                new Accumulation<(Gate Gate, int Part)>(vector, groups, GateSlots(parts), (group, slot) => Accumulator(slot.Gate, group, slot.Part),
                    _ => RowOfGates(weights.ReadRow(writer, "block", "row + ", "w", "")), SharedRow: true)
                {
                    WeightLocal = slot => $"w{slot.Gate.Letter()}{PartSuffix(parts, slot.Part)}",
                    IsZero = ZeroSlots(plan),
                },
                "PackedRowLength", columns);
            writer.WriteLine();
            foreach (int group in Range(groups))
            {
                finish(group, (gate, part) => Accumulator(gate, group, part));
            }
        }

        /// <summary>z{gate}{group}, with _lo/_hi for the two halves of a block in Vector128 code: zi0, zf1_hi, …</summary>
        private static string AccumulatorName(Gate gate, int group, int parts, int part) => $"z{gate.Letter()}{group}" + PartSuffix(parts, part);

        /// <summary>Where a gate's part sits in a packed row: gate × 8 + part × lanes.</summary>
        private static string AccumulatorOffset(Gate gate, int part, int lanes)
            => ((int)gate * KernelPlan.BlockSize + part * lanes).ToString(CultureInfo.InvariantCulture);

        private static IEnumerable<int> Range(int count) => Enumerable.Range(0, count);

        /// <summary>A block's index as a name suffix.</summary>
        private static string Index(int block) => block.ToString(CultureInfo.InvariantCulture);

        private static void WriteScalarBlock(IndentedTextWriter writer, KernelPlan plan)
        {
            var weights = WeightReader.Scalar(plan);
            writer.WriteLines($$"""
                /// <summary>
                /// Scalar path for one block, unit by unit, summing in the same order as the vector paths (without fused
                /// multiply-add). Padded units compute zeros and are never read.
                /// </summary>
                {{AggressiveOptimization}}
                private static void ScalarBlock(ref {{WeightReader.ElementType(plan.WeightType)}} block, ref float input, ref float hiddenPrevious, ref float hiddenNext, ref float cell)
                """);
            using (writer.OpenBlock(""))
            using (writer.OpenBlock("for (nuint lane = 0; lane < BlockSize; lane++)"))
            {
                writer.WriteLine("// z starts at the bias (row 0 of the block).");
                Func<Gate, int, string> bias = weights.ReadBias(writer, "block", "lane + ", "bias", "");
                foreach (Gate gate in GateNames.All)
                {
                    writer.WriteLine($"float z{gate.Letter()} = {bias(gate, 0)};");
                }
                WriteAccumulation(writer, ScalarAccumulation(writer, weights) with { IsZero = ZeroSlots(plan) }, "PackedRowLength + lane",
                    [
                        new(ColumnSet.Input, "InputSize", _ => $"{Unsafe}.Add(ref input, k)"),
                        new(ColumnSet.Hidden, "RecurrentSize", _ => $"{Unsafe}.Add(ref hiddenPrevious, k)"),
                    ]);
                writer.WriteLine();
                WriteCellUpdate(writer, plan, new CellSite(Vector: null, "lane", gate => "z" + gate.Letter())
                {
                    Peepholes = () => Peepholes(writer, weights, "block", "", part: 0, lane: "lane + "),
                });
            }
        }


        /// <summary>
        /// A step tile's accumulation: the input columns (Step only; Forward's tiles start at the projected b + W x and
        /// skip those rows) and the hidden columns.
        /// </summary>
        private static void WriteTileAccumulation<TSlot>(IndentedTextWriter writer, TileSource source, Accumulation<TSlot> accumulation)
        {
            var hidden = new AccumulationColumns(ColumnSet.Hidden, "RecurrentSize", _ => $"{Unsafe}.Add(ref hiddenPrevious, k)");
            if (source == TileSource.Input)
            {
                WriteAccumulation(writer, accumulation, "PackedRowLength", [new(ColumnSet.Input, "InputSize", _ => $"{Unsafe}.Add(ref input, k)"), hidden]);
            }
            else
            {
                WriteAccumulation(writer, accumulation, "(1 + InputSize) * PackedRowLength", [hidden]);
            }
        }

        /// <summary>A block's accumulators on the Vector256, Vector128 and scalar paths: gates i, f, g, o of each part, part by part.</summary>
        private static IReadOnlyList<(Gate Gate, int Part)> GateSlots(int parts)
            => [.. Range(parts).SelectMany(part => GateNames.All.Select(gate => (gate, part)))];

        /// <summary>A <see cref="WeightReader"/> row as <see cref="Accumulation{TSlot}.ReadRow"/> reads it: by slot.</summary>
        private static Func<(Gate Gate, int Part), string> RowOfGates(Func<Gate, int, string> row) => slot => row(slot.Gate, slot.Part);

        /// <summary>The scalar block's accumulation, one unit (lane) at a time: zi, zf, zg, zo.</summary>
        private static Accumulation<(Gate Gate, int Part)> ScalarAccumulation(IndentedTextWriter writer, WeightReader weights)
            => new(Vector: null, Groups: 1, GateSlots(1), (_, slot) => "z" + slot.Gate.Letter(),
                _ => RowOfGates(weights.ReadRow(writer, "block", "row + ", "w", "")), SharedRow: false);

        /// <summary>
        /// What part of the cell update to write: all of it, or (for a layer-norm kernel with peepholes, whose output gate is
        /// normalized only once every unit's c_t is known) the gates and c_t, then in a second pass o and h_t.
        /// </summary>
        private enum CellStage
        {
            Full,
            CellOnly,
            HiddenOnly,
        }

        /// <summary>
        /// Where one register of units (or, in scalar code, one unit) of the cell update reads and writes: everything
        /// <see cref="WriteCellUpdate"/> needs besides the plan, as each kernel (tile, batch, wide tile, scalar block, layer
        /// norm) has it. The state is at <c>cell</c> and <c>hiddenNext</c>, the units at <paramref name="Offset"/>.
        /// </summary>
        /// <param name="Vector">The vector type, or null for scalar code.</param>
        /// <param name="Offset">The units' offset in <c>cell</c> and <c>hiddenNext</c>.</param>
        /// <param name="Preactivation">A gate's z: the name of a local or accumulator (it may be read more than once).</param>
        private sealed record CellSite(string? Vector, string Offset, Func<Gate, string> Preactivation)
        {
            /// <summary>
            /// Writes the loads of the block's peephole row and returns each gate's peephole weights; called only for models
            /// with peepholes, null where the kernel has added them before (layer norm).
            /// </summary>
            public Func<Func<Gate, string>>? Peepholes { get; init; }

            /// <summary>Which part of the update to write.</summary>
            public CellStage Stage { get; init; } = CellStage.Full;

            /// <summary>c_{t-1} (in the <see cref="CellStage.HiddenOnly"/> stage, the new c_t).</summary>
            public string CellPrevious => Load("cell", Offset);

            /// <summary>Stores the local c.</summary>
            public string StoreCell => Store("c", "cell");

            /// <summary>Stores an h_t expression.</summary>
            public string StoreHidden(string hidden) => Store(hidden, "hiddenNext");

            /// <summary>Added gate e's z, stored after c by ComputeExtraGates.</summary>
            public string ExtraGate(int e) => Load("cell", $"{ExtraGateOffset(e)} + {Offset}");

            private string Load(string buffer, string offset) => LoadAt(Vector, buffer, offset);

            private string Store(string value, string buffer) => StoreAt(Vector, value, buffer, Offset);
        }

        /// <summary>Where added gate e's z sits relative to the same unit's c in the state's cell buffer.</summary>
        private static string ExtraGateOffset(int e) => $"PaddedHiddenSize * {1 + e}";

        /// <summary>The call that computes the added gates' z for a step, before its tiles (nothing without [LstmGate]).</summary>
        private static void WriteExtraGatesCall(IndentedTextWriter writer, KernelPlan plan, string input, string state)
        {
            if (plan.Math.ExtraGates.Count > 0)
            {
                writer.WriteLine($"ComputeExtraGates(extraGates, ref {input}, ref {state});");
            }
        }

        /// <summary>The kernel's member that computes the added gates' preactivations into the state, after c.</summary>
        private static void WriteComputeExtraGates(IndentedTextWriter writer)
        {
            writer.WriteLines($$"""
                /// <summary>
                /// The [LstmGate] gates' z = b + W x_t + U h_{t-1} for every unit, into the state after c (gate e at
                /// PaddedHiddenSize · (1 + e)), where each tile's cell update reads its units' values.
                /// </summary>
                {{CompiledAtLoad}}
                private static void ComputeExtraGates(LstmExtraGates extraGates, ref float input, ref State state)
                    => extraGates.Compute({{MemoryMarshal}}.CreateReadOnlySpan(ref input, InputSize),
                        {{MemoryMarshal}}.CreateReadOnlySpan(ref state.HiddenStart(state._current), RecurrentSize),
                        {{MemoryMarshal}}.CreateSpan(ref {{Unsafe}}.Add(ref state._cell[0], PaddedHiddenSize), ExtraGateCount * PaddedHiddenSize));

                """);
        }

        /// <summary>
        /// The LSTM cell for one register of units (or one unit, in scalar code): the same statements on every path, for the
        /// standard gates and every variant of <see cref="GateMath"/>.
        /// </summary>
        /// <param name="writer">Where the statements go.</param>
        /// <param name="plan">The kernel's layout: its precision and gate math.</param>
        /// <param name="site">Where the units' z, c and h are.</param>
        private static void WriteCellUpdate(IndentedTextWriter writer, KernelPlan plan, CellSite site)
        {
            GateMath math = plan.Math;
            var scalar = new ScalarOrVector(site.Vector);
            Func<Gate, string> preactivation = site.Preactivation;
            string cellPrevious = site.CellPrevious;
            string Activate(GateFunction function, string input) => ActivationExpression(function, input, scalar, plan.Precision);
            if (math.IsGru)
            {
                WriteGruUpdate(writer, plan, site);
                return;
            }
            if (site.Stage == CellStage.HiddenOnly)
            {
                // The cell is done (cellPrevious is the new c_t here): the output gate and h_t.
                writer.WriteLine($"var c = {cellPrevious};");
                string zo = preactivation(Gate.Output);
                string input = math.ActivationClip > 0 ? scalar.Clamp(zo, math.ActivationClip) : zo;
                writer.WriteLine($"var o = {Activate(math.Gate, input)}; // output gate");
                writer.WriteLine(site.StoreHidden(HiddenExpression(plan, scalar)));
                return;
            }
            Func<Gate, string>? peepholes = null;
            if (math.Peepholes)
            {
                peepholes = (site.Peepholes ?? throw new InvalidOperationException("a kernel with peepholes gave no peephole row"))();
                writer.WriteLine($"var cPrevious = {cellPrevious};");
                cellPrevious = "cPrevious";
            }

            // The input of a gate's activation: z, plus its peephole term, plus the forget bias, clipped; a local unless it is z itself.
            string Input(Gate gate, string? peepholeSource)
            {
                string z = preactivation(gate);
                string input = z;
                if (peepholes is not null && peepholeSource is not null)
                {
                    input = $"{input} + {peepholes(gate)} * {peepholeSource}";
                }
                if (gate == Gate.Forget && math.ForgetBias != 0)
                {
                    input = $"{input} + {scalar.Constant(math.ForgetBias)}";
                }
                if (math.ActivationClip > 0)
                {
                    input = scalar.Clamp(input, math.ActivationClip);
                }
                if (input == z)
                {
                    return z;
                }
                writer.WriteLine($"var x{gate.Letter()} = {input};");
                return "x" + gate.Letter();
            }

            if (!math.CoupledInputForget)
            {
                writer.WriteLine($"var i = {Activate(math.Gate, Input(Gate.Input, cellPrevious))}; // input gate");
            }
            writer.WriteLine($"var f = {Activate(math.Gate, Input(Gate.Forget, cellPrevious))}; // forget gate");
            if (math.CoupledInputForget)
            {
                writer.WriteLine($"var i = {scalar.One} - f; // input gate, coupled to the forget gate");
            }
            writer.WriteLine($"var g = {Activate(math.Cell, Input(Gate.Candidate, null))}; // cell candidate");
            for (int e = 0; e < math.ExtraGates.Count; e++)
            {
                ExtraGate gate = math.ExtraGates[e];
                string z = site.ExtraGate(e);
                writer.WriteLine($"var z_{gate.Name} = {(math.ActivationClip > 0 ? scalar.Clamp(z, math.ActivationClip) : z)};");
                writer.WriteLine($"var gate_{gate.Name} = {Activate(gate.Function, "z_" + gate.Name)}; // [LstmGate(\"{gate.Name}\")]");
            }
            void OutputGate(string? peepholeSource) => writer.WriteLine($"var o = {Activate(math.Gate, Input(Gate.Output, peepholeSource))}; // output gate");
            if (site.Stage == CellStage.CellOnly)
            {
                WriteCellAndHidden(writer, plan, site, cellPrevious, storeHidden: false);
                return;
            }
            if (!math.Peepholes)
            {
                OutputGate(null);
            }
            WriteCellAndHidden(writer, plan, site, cellPrevious, storeHidden: true, math.Peepholes ? () => OutputGate("c") : null);
        }

        /// <summary>
        /// The GRU cell for one register of units (or one unit): the packed slots i, f, g, o hold z_r, z_z and n's input part
        /// W_n x + b_in and hidden part U_n h + b_hn, and <c>cell</c> points at h_{t-1} (see <see cref="CellBinding"/>). The
        /// update is PyTorch's: h_t = n + z (h_{t-1} - n), which is (1 - z) n + z h_{t-1}.
        /// </summary>
        private static void WriteGruUpdate(IndentedTextWriter writer, KernelPlan plan, CellSite site)
        {
            GateMath math = plan.Math;
            var scalar = new ScalarOrVector(site.Vector);
            writer.WriteLine($"var r = {GruActivation(writer, plan, site.Vector, math.Gate, "xr", site.Preactivation(Gate.Input))}; // reset gate");
            writer.WriteLine($"var u = {GruActivation(writer, plan, site.Vector, math.Gate, "xu", site.Preactivation(Gate.Forget))}; // update gate z");
            string inputPart = site.Preactivation(Gate.Candidate), hiddenPart = site.Preactivation(Gate.Output);
            string newInput = scalar.MultiplyAdd("r", hiddenPart, inputPart);
            writer.WriteLine($"var xn = {(math.ActivationClip > 0 ? scalar.Clamp(newInput, math.ActivationClip) : newInput)};");
            writer.WriteLine($"var n = {ActivationExpression(math.Cell, "xn", scalar, plan.Precision)}; // new gate");
            writer.WriteLine($"var hPrevious = {site.CellPrevious};");
            writer.WriteLine(site.StoreHidden(scalar.MultiplyAdd("u", "hPrevious - n", "n")));
        }

        /// <summary>
        /// The <c>cell</c> reference of a kernel: the state's c for an LSTM; h_{t-1} for a GRU, which gates h_{t-1} where an LSTM's
        /// forget gate gates c_{t-1}, so its tiles find their units' previous h where an LSTM's find c (and never write there).
        /// </summary>
        private static string CellBinding(KernelPlan plan, string state)
            => plan.Math.IsGru ? $"ref float cell = ref {state}.HiddenStart({state}._current);" : $"ref float cell = ref {state}._cell[0];";

        /// <summary>
        /// c_t and h_t from the activated gates i, f, g (locals of those names), c_{t-1} and o, which is a local already or is
        /// written by <paramref name="outputGate"/> once c_t is known (an output peephole reads c_t).
        /// </summary>
        private static void WriteCellAndHidden(IndentedTextWriter writer, KernelPlan plan, CellSite site, string cellPrevious, bool storeHidden,
            Action? outputGate = null)
        {
            GateMath math = plan.Math;
            var scalar = new ScalarOrVector(site.Vector);
            bool expressions = math.CellExpression is not null || math.HiddenExpression is not null;
            if (expressions && cellPrevious != "cPrevious")
            {
                // The declared expressions may read c_prev more than once.
                writer.WriteLine($"var cPrevious = {cellPrevious};");
                cellPrevious = "cPrevious";
            }
            string update = math.CellExpression is { } cellExpression
                ? DeclaredExpression(cellExpression, scalar, plan.Precision)
                : $"f * {cellPrevious} + i * g";
            writer.WriteLine($"var c = {(math.CellClip > 0 ? scalar.Clamp(update, math.CellClip) : update)};{(math.CellExpression is null ? "" : " // [LstmCell]")}");
            writer.WriteLine(site.StoreCell);
            if (!storeHidden)
            {
                return;
            }
            outputGate?.Invoke();
            writer.WriteLine(site.StoreHidden(HiddenExpression(plan, scalar)));
        }

        /// <summary>h_t from the locals o and c: o * activation(c), or the declared [LstmHidden] expression.</summary>
        private static string HiddenExpression(KernelPlan plan, ScalarOrVector scalar)
            => plan.Math.HiddenExpression is { } hiddenExpression
                ? DeclaredExpression(hiddenExpression, scalar, plan.Precision)
                : $"o * {ActivationExpression(plan.Math.Hidden, "c", scalar, plan.Precision)}";

        /// <summary>
        /// An [LstmCell] or [LstmHidden] expression (checked by the parser) as C# on the vector type or on float: names become the
        /// locals i, f, g, o, cPrevious and c, numbers constants, functions LstmMath's or the vector type's.
        /// </summary>
        private static string DeclaredExpression(Expressions.DeclaredExpression expression, ScalarOrVector v, Precision precision)
        {
            string Code(Expressions.ExpressionNode node) => node switch
            {
                Expressions.NumberNode number => v.Constant((float)number.Value),
                Expressions.NameNode { Name: "c_prev" } => "cPrevious",
                Expressions.NameNode { Name: "i" or "f" or "g" or "o" or "c" } name => name.Name,
                Expressions.NameNode name => "gate_" + name.Name,
                Expressions.NegateNode negate => $"(-{Code(negate.Operand)})",
                Expressions.BinaryNode binary => $"({Code(binary.Left)} {binary.Operator} {Code(binary.Right)})",
                Expressions.CallNode call => Call(call.Function, [.. call.Arguments.Select(Code)]),
                _ => throw new ArgumentOutOfRangeException(nameof(expression), node, "not an expression node"),
            };
            string Call(string function, string[] a) => function switch
            {
                "sigmoid" => $"{LstmMathCall(precision, "Sigmoid")}({a[0]})",
                "tanh" => $"{LstmMathCall(precision, "Tanh")}({a[0]})",
                "relu" => v.Max(a[0], v.Zero),
                "hardsigmoid" => v.Min(v.Max($"{v.Constant(0.2f)} * {a[0]} + {v.Constant(0.5f)}", v.Zero), v.One),
                "exp" => v.Call("Exp", a[0]),
                "abs" => v.Call("Abs", a[0]),
                "min" => v.Min(a[0], a[1]),
                "max" => v.Max(a[0], a[1]),
                "clip" => v.Vector is null ? $"Math.Clamp({a[0]}, {a[1]}, {a[2]})" : $"{v.Vector}.Clamp({a[0]}, {a[1]}, {a[2]})",
                _ => throw new ArgumentOutOfRangeException(nameof(function), function, "not a function of the expression language"),
            };
            return Code(expression.Tree);
        }

        /// <summary>
        /// Reads the peephole row of a block (after the rows of U, at PeepholeOffset) and returns each gate's weights for one
        /// part of the block.
        /// </summary>
        private static Func<Gate, string> Peepholes(IndentedTextWriter writer, WeightReader weights, string block, string index, int part, string lane = "")
        {
            Func<Gate, int, string> row = weights.ReadRow(writer, block, $"PeepholeOffset + {lane}", "peephole", index);
            return gate => row(gate, part);
        }

        /// <summary>An activation of <paramref name="x"/> (a name: it may be read more than once), on a vector or a float.</summary>
        private static string ActivationExpression(GateFunction function, string x, ScalarOrVector v, Precision precision)
        {
            string alpha = v.Constant(function.Alpha), beta = v.Constant(function.Beta);
            return function.Activation switch
            {
                Activation.Sigmoid => $"{LstmMathCall(precision, "Sigmoid")}({x})",
                Activation.Tanh => $"{LstmMathCall(precision, "Tanh")}({x})",
                Activation.Relu => v.Max(x, v.Zero),
                Activation.HardSigmoid => v.Min(v.Max($"{alpha} * {x} + {beta}", v.Zero), v.One),
                Activation.LeakyRelu => $"({v.Max(x, v.Zero)} + {alpha} * {v.Min(x, v.Zero)})",
                Activation.ThresholdedRelu => v.Vector is null
                    ? $"({x} > {alpha} ? {x} : 0f)"
                    : $"{v.Vector}.ConditionalSelect({v.Vector}.GreaterThan({x}, {alpha}), {x}, {v.Zero})",
                Activation.ScaledTanh => $"{alpha} * {LstmMathCall(precision, "Tanh")}({beta} * {x})",
                Activation.Affine => $"({alpha} * {x} + {beta})",
                Activation.Elu => $"{LstmMath}.Elu({x}, {GateFunction.Format(function.Alpha)}f)",
                Activation.Softsign => $"{x} / ({v.One} + {v.Call("Abs", x)})",
                Activation.Softplus => $"{LstmMath}.Softplus({x})",
                _ => throw new ArgumentOutOfRangeException(nameof(function), function.Activation, "not a gate activation"),
            };
        }

        /// <summary>LstmMath's function of that name, or its fast twin for Precision.Fast.</summary>
        private static string LstmMathCall(Precision precision, string name) => $"{LstmMath}.{(precision == Precision.Fast ? "Fast" : "")}{name}";

        /// <summary>How element-wise code spells constants and functions on a vector type, or on float for scalar code.</summary>
        private readonly struct ScalarOrVector(string? vector)
        {
            private const string MathF = "MathF";

            /// <summary>The vector type's full name, or null for float.</summary>
            public string? Vector { get; } = vector;

            public string Zero => Vector is null ? "0f" : $"{Vector}<float>.Zero";

            public string One => Vector is null ? "1f" : $"{Vector}<float>.One";

            public string Constant(float value)
            {
                string literal = GateFunction.Format(value) + "f";
                return Vector is null ? literal : $"{Vector}.Create({literal})";
            }

            public string Max(string left, string right) => $"{Vector ?? MathF}.Max({left}, {right})";

            public string Min(string left, string right) => $"{Vector ?? MathF}.Min({left}, {right})";

            /// <summary>A function of one argument, such as Abs.</summary>
            public string Call(string function, string argument) => $"{Vector ?? MathF}.{function}({argument})";

            /// <summary>a * b + c, fused on vectors (as the vector paths' sums are).</summary>
            public string MultiplyAdd(string a, string b, string c)
                => Vector is null ? $"{a} * ({b}) + {c}" : $"{Vector}.MultiplyAddEstimate({a}, {b}, {c})";

            public string Clamp(string value, float limit)
                => Vector is null
                    ? $"Math.Clamp({value}, {Constant(-limit)}, {Constant(limit)})"
                    : $"{Vector}.Clamp({value}, {Constant(-limit)}, {Constant(limit)})";
        }

        /// <summary>Calls <paramref name="write"/>(gate, group, part) for every accumulator of <paramref name="groups"/> blocks or steps.</summary>
        private static void ForEachAccumulator(int groups, int parts, Action<Gate, int, int> write)
        {
            for (int group = 0; group < groups; group++)
            {
                foreach ((Gate gate, int part) in GateSlots(parts))
                {
                    write(gate, group, part);
                }
            }
        }

        private static string PartSuffix(int parts, int part) => parts == 1 ? "" : part == 0 ? "_lo" : "_hi";
    }
}

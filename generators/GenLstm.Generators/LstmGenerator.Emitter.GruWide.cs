using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The Vector512 tiles of a float32 GRU. A block's r and z share a register, as an LSTM's i and f do; but n's input part
    /// (slot g) is zero in the rows of U and its hidden part (slot o) in the rows of W, so where an LSTM's [g o] register would
    /// multiply a zero half at every column, a GRU pairs blocks instead: one register holds n's input part of two blocks, one
    /// their hidden part, and each column adds to only one of them. Two blocks take 3 multiply-adds per column (an LSTM's take 4),
    /// and their activations run on whole registers: sigmoid on each block's [r z], tanh on the pair's n. The sums and the
    /// operations per lane are the Vector256 tiles', so the results are bit-identical to theirs. An odd last block keeps [g o].
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>What one accumulator of a GRU's Vector512 tile holds.</summary>
        private enum GruWideKind
        {
            /// <summary>[r z] of one block.</summary>
            ResetUpdate,

            /// <summary>n's input part (W_n x + b_in) of a pair of blocks.</summary>
            NewInputPair,

            /// <summary>n's hidden part (U_n h + b_hn) of a pair of blocks.</summary>
            NewHiddenPair,

            /// <summary>n's input part of the odd last block, in the lower half of its register [g o].</summary>
            NewInputLast,

            /// <summary>n's hidden part of the odd last block, in the upper half of the same register.</summary>
            NewHiddenLast,
        }

        /// <summary>An accumulator of a GRU's Vector512 tile: its kind and its block (the pair's first block for a pair).</summary>
        private readonly record struct GruWideSlot(GruWideKind Kind, int Block)
        {
            public string Name => Kind switch
            {
                GruWideKind.ResetUpdate => $"zrz{Block}",
                GruWideKind.NewInputPair => $"znx{Block}",
                GruWideKind.NewHiddenPair => $"znh{Block}",
                _ => $"zn{Block}",
            };

            /// <summary>Whether its weights are zero in a set of rows (n's input part in U's rows, its hidden part in W's).</summary>
            public bool IsZeroIn(ColumnSet set) => set == ColumnSet.Input
                ? Kind is GruWideKind.NewHiddenPair or GruWideKind.NewHiddenLast
                : Kind is GruWideKind.NewInputPair or GruWideKind.NewInputLast;
        }

        private static void WriteGruWideTile(IndentedTextWriter writer, KernelPlan plan, int blocks, TileSource source)
        {
            bool fromInput = source == TileSource.Input;
            int pairs = blocks / 2;
            GruWideSlot[] slots =
            [
                .. Range(blocks).Select(block => new GruWideSlot(GruWideKind.ResetUpdate, block)),
                .. Range(pairs).SelectMany(pair => new[] { new GruWideSlot(GruWideKind.NewInputPair, 2 * pair), new GruWideSlot(GruWideKind.NewHiddenPair, 2 * pair) }),
                .. blocks % 2 == 1 ? [new GruWideSlot(GruWideKind.NewInputLast, blocks - 1), new GruWideSlot(GruWideKind.NewHiddenLast, blocks - 1)] : System.Array.Empty<GruWideSlot>(),
            ];

            writer.WriteLines($$"""
                /// <summary>
                /// Vector512 tile of {{blocks}} block(s) ({{blocks * KernelPlan.BlockSize}} units) of a GRU, in {{slots.Length}} registers: [r z] of each block{{(pairs > 0 ? ", n's input and hidden parts of each pair of blocks" : "")}}{{(blocks % 2 == 1 ? ", [g o] of the last block" : "")}};
                /// {{(fromInput ? "from the bias over the input and hidden columns" : "from the projected b + W x over the hidden columns")}}, then the activations on whole registers and h_t.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{TileMethodName(Wide, blocks, source)}}(ref float block, ref float {{(fromInput ? "input" : "projected")}}, ref float hiddenPrevious, ref float hiddenNext, ref float cell)
                """);
            using (writer.OpenBlock(""))
            {
                for (int block = 0; block < blocks; block++)
                {
                    writer.WriteLine(block == 0 ? "ref float block0 = ref block;" : $"ref float block{block} = ref {Unsafe}.Add(ref block, {block} * BlockStride);");
                }
                writer.WriteLine();
                // The last block's two parts of n share one register, which starts at both.
                GruWideSlot[] starts = [.. slots.Where(slot => slot.Kind != GruWideKind.NewHiddenLast)];
                System.Func<GruWideSlot, string> start;
                if (fromInput)
                {
                    writer.WriteLine("// z starts at the bias: row 0 of each block, n's hidden part at its own bias b_hn in the block's last row.");
                    start = GruWideStart(b => $"ref block{b}", b => "", b => "NewHiddenBiasOffset + ", hiddenSlot: Gate.Candidate);
                }
                else
                {
                    writer.WriteLine("// z starts at b + W x_t, projected for this step (slots i, f, g, o of each block, 8 floats each).");
                    start = GruWideStart(_ => "ref projected", b => $"{b} * RowLength + ", b => $"{b} * RowLength + ", hiddenSlot: Gate.Output);
                }
                foreach (GruWideSlot slot in starts)
                {
                    writer.WriteLine($"var {slot.Name} = {start(slot)};");
                }

                WriteTileAccumulation(writer, source, new Accumulation<GruWideSlot>(Wide, Groups: 1, slots, (_, slot) => slot.Name,
                    _ => GruWideRow, SharedRow: false)
                {
                    IsZero = (slot, set) => slot.IsZeroIn(set),
                });

                GateMath math = plan.Math;
                var wide = new ScalarOrVector(Wide);
                for (int pair = 0; pair < pairs; pair++)
                {
                    int first = 2 * pair, unit = first * KernelPlan.BlockSize;
                    writer.WriteLine();
                    writer.WriteLine($"// Units {unit}..{unit + 2 * KernelPlan.BlockSize - 1} of the tile (blocks {first} and {first + 1}): activations on whole registers, then h_t.");
                    using (writer.OpenBlock(""))
                    {
                        foreach (int block in new[] { first, first + 1 })
                        {
                            writer.WriteLine($"var rz{block} = {GruActivation(writer, plan, Wide, math.Gate, $"xrz{block}", $"zrz{block}")}; // [reset gate r, update gate z] of block {block}");
                        }
                        writer.WriteLine($"var r = {Wide}.Create({Wide}.GetLower(rz{first}), {Wide}.GetLower(rz{first + 1})); // reset gates");
                        writer.WriteLine($"var u = {Wide}.Create({Wide}.GetUpper(rz{first}), {Wide}.GetUpper(rz{first + 1})); // update gates z");
                        string newInput = $"{Wide}.MultiplyAddEstimate(r, znh{first}, znx{first})";
                        writer.WriteLine($"var xn = {(math.ActivationClip > 0 ? wide.Clamp(newInput, math.ActivationClip) : newInput)};");
                        writer.WriteLine($"var n = {ActivationExpression(math.Cell, "xn", wide, plan.Precision)}; // new gate");
                        writer.WriteLine($"var hPrevious = {Wide}.LoadUnsafe(ref cell, {Index(unit)});");
                        writer.WriteLine($"{Wide}.StoreUnsafe({Wide}.MultiplyAddEstimate(u, hPrevious - n, n), ref hiddenNext, {Index(unit)});");
                    }
                }
                if (blocks % 2 == 1)
                {
                    int last = blocks - 1, unit = last * KernelPlan.BlockSize;
                    writer.WriteLine();
                    writer.WriteLine($"// Units {unit}..{unit + KernelPlan.BlockSize - 1} of the tile (the last block): the Vector256 tiles' cell update on the halves.");
                    using (writer.OpenBlock(""))
                    {
                        writer.WriteLine($"var zi = {Wide}.GetLower(zrz{last});");
                        writer.WriteLine($"var zf = {Wide}.GetUpper(zrz{last});");
                        writer.WriteLine($"var zg = {Wide}.GetLower(zn{last});");
                        writer.WriteLine($"var zo = {Wide}.GetUpper(zn{last});");
                        WriteGruUpdate(writer, plan, new CellSite(Narrow, Index(unit), gate => "z" + gate.Letter()));
                    }
                }
            }
            writer.WriteLine();
        }

        /// <summary>
        /// How a GRU tile's registers load one row of W or U (rows of r, z, n; see <c>PackedLstmWeights.FromPyTorchGru</c>): [r z] of a
        /// block at slot 0, n of a pair of blocks at slot g of each, n of the last block into the half of its register [g o] that the
        /// row adds to (the other half adds zero).
        /// </summary>
        private static string GruWideRow(GruWideSlot slot)
        {
            string Load(string vector, int block, Gate gate) => $"{vector}.LoadUnsafe(ref block{block}, row + {(int)gate * KernelPlan.BlockSize})";
            string zero = $"{Narrow}<float>.Zero";
            return slot.Kind switch
            {
                GruWideKind.ResetUpdate => Load(Wide, slot.Block, Gate.Input),
                GruWideKind.NewInputPair or GruWideKind.NewHiddenPair => $"{Wide}.Create({Load(Narrow, slot.Block, Gate.Candidate)}, {Load(Narrow, slot.Block + 1, Gate.Candidate)})",
                GruWideKind.NewInputLast => $"{Wide}.Create({Load(Narrow, slot.Block, Gate.Candidate)}, {zero})",
                _ => $"{Wide}.Create({zero}, {Load(Narrow, slot.Block, Gate.Candidate)})",
            };
        }

        /// <summary>
        /// Where a GRU tile's registers start: [r z] and n's input part in a block's first row (its bias, or its projected row),
        /// n's hidden part at <paramref name="hiddenSlot"/> of the row at <paramref name="hiddenOffset"/> (b_hn in the bias's last
        /// row, slot g; or the projected row's slot o).
        /// </summary>
        private static System.Func<GruWideSlot, string> GruWideStart(System.Func<int, string> reference, System.Func<int, string> offset,
            System.Func<int, string> hiddenOffset, Gate hiddenSlot)
        {
            string Load(string vector, int block, string rowOffset, Gate slot) => $"{vector}.LoadUnsafe({reference(block)}, {rowOffset}{(int)slot * KernelPlan.BlockSize})";
            string Input(int block) => Load(Narrow, block, offset(block), Gate.Candidate);
            string Hidden(int block) => Load(Narrow, block, hiddenOffset(block), hiddenSlot);
            return slot => slot.Kind switch
            {
                GruWideKind.ResetUpdate => Load(Wide, slot.Block, offset(slot.Block), Gate.Input),
                GruWideKind.NewInputPair => $"{Wide}.Create({Input(slot.Block)}, {Input(slot.Block + 1)})",
                GruWideKind.NewHiddenPair => $"{Wide}.Create({Hidden(slot.Block)}, {Hidden(slot.Block + 1)})",
                _ => $"{Wide}.Create({Input(slot.Block)}, {Hidden(slot.Block)})",
            };
        }
    }
}

using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The Vector512 tiles of Step and of Forward's recurrence: each register holds two gates of a block's 8 units, so a
    /// block needs two accumulators and two multiply-adds per column instead of four. Float32 rows load as [i f] and [g o]; a bfloat16 row (16 words,
    /// i|f then g|o) widens into [i g] (the high halves) and [f o] (the low halves). The activations run on whole
    /// registers, sigmoid and tanh side by side, with the same operations per lane as the narrower paths, so the results
    /// are bit-identical to theirs; the cell update runs on the Vector256 halves.
    /// </summary>
    internal static partial class Emitter
    {
        private const string Wide = "Vector512";
        private const string Narrow = "Vector256";

        private static void WriteWideTile(IndentedTextWriter writer, KernelPlan plan, int blocks, TileSource source)
        {
            bool fromInput = source == TileSource.Input;
            bool bfloat16 = plan.WeightType == WeightType.BFloat16;
            if (plan.Math.IsGru && !bfloat16)
            {
                WriteGruWideTile(writer, plan, blocks, source);
                return;
            }
            string element = WeightReader.ElementType(plan.WeightType);
            // The two registers of a block, by the gates they hold (lower half first), and where each half goes.
            (Gate Low, Gate High)[] pairs = bfloat16 ? [(Gate.Input, Gate.Candidate), (Gate.Forget, Gate.Output)] : [(Gate.Input, Gate.Forget), (Gate.Candidate, Gate.Output)];
            string Accumulator((Gate Low, Gate High) pair, int block) => $"z{pair.Low.Letter()}{pair.High.Letter()}{block}";

            writer.WriteLines($$"""
                /// <summary>
                /// Vector512 tile of {{blocks}} block(s) ({{blocks * KernelPlan.BlockSize}} units): z for gates {{string.Join(", ", System.Linq.Enumerable.Select(pairs, p => $"[{p.Low.Letter()} {p.High.Letter()}]"))}} of each block in two
                /// registers each, {{2 * blocks}} in all, {{(fromInput ? "from the bias over the input and hidden columns" : "from the projected b + W x over the hidden columns")}}; then the activations on whole
                /// registers and the cell update on their halves.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{TileMethodName("Vector512", blocks, source)}}(ref {{element}} block, ref float {{(fromInput ? "input" : "projected")}}, ref float hiddenPrevious, ref float hiddenNext, ref float cell)
                """);
            using (writer.OpenBlock(""))
            {
                for (int block = 0; block < blocks; block++)
                {
                    writer.WriteLine(block == 0 ? $"ref {element} block0 = ref block;" : $"ref {element} block{block} = ref {Unsafe}.Add(ref block, {block} * BlockStride);");
                }
                writer.WriteLine();
                writer.WriteLine(fromInput ? "// z starts at the bias (row 0 of each block)." : "// z starts at b + W x_t, projected for this step (gates i, f, g, o, 8 floats each).");
                for (int block = 0; block < blocks; block++)
                {
                    int b = block;
                    System.Func<(Gate Low, Gate High), string> start = fromInput
                        ? ReadWideRow(writer, bfloat16, $"block{block}", "", $"bias{block}", pairs)
                        : pair => ProjectedPair(b, pair);
                    foreach ((Gate Low, Gate High) pair in pairs)
                    {
                        writer.WriteLine($"var {Accumulator(pair, block)} = {start(pair)};");
                    }
                }
                WriteTileAccumulation(writer, source, new Accumulation<(Gate Low, Gate High)>(Wide, blocks, pairs, (block, pair) => Accumulator(pair, block),
                    block => ReadWideRow(writer, bfloat16, $"block{block}", "row + ", $"w{block}", pairs), SharedRow: false));

                if (plan.Math.IsStandard)
                {
                    WriteStandardWideActivations(writer, plan, blocks, pairs, Accumulator);
                }
                else
                {
                    WriteWideGateMath(writer, plan, blocks, pairs, Accumulator);
                }
            }
            writer.WriteLine();
        }

        /// <summary>
        /// The standard LSTM's activations on whole registers: per lane, sigmoid(z) = 0.5 + 0.5 tanh(0.5 z) and
        /// tanh(z) = -0 + 1 tanh(1 z), so one tanh serves a register of two gates; then the cell update on the halves.
        /// </summary>
        private static void WriteStandardWideActivations(IndentedTextWriter writer, KernelPlan plan, int blocks, (Gate Low, Gate High)[] pairs,
            System.Func<(Gate Low, Gate High), int, string> accumulator)
        {
            writer.WriteLine();
            writer.WriteLine("// Per lane, sigmoid(z) = 0.5 + 0.5 tanh(0.5 z) and tanh(z) = -0 + 1 tanh(1 z): one tanh serves a register of both.");
            foreach ((Gate low, Gate high) in pairs)
            {
                string Factor(Gate gate) => gate.StandardActivation() == "Sigmoid" ? "0.5f" : "1f";
                string Offset(Gate gate) => gate.StandardActivation() == "Sigmoid" ? "0.5f" : "-0f";
                string pairName = (low.Letter() + high.Letter()).ToUpperInvariant();
                writer.WriteLine($"var scale{pairName} = {Wide}.Create({Narrow}.Create({Factor(low)}), {Narrow}.Create({Factor(high)}));");
                writer.WriteLine($"var offset{pairName} = {Wide}.Create({Narrow}.Create({Offset(low)}), {Narrow}.Create({Offset(high)}));");
            }
            for (int block = 0; block < blocks; block++)
            {
                int unit = block * KernelPlan.BlockSize;
                writer.WriteLine();
                writer.WriteLine($"// Units {unit}..{unit + KernelPlan.BlockSize - 1} of the tile: activations, then the cell and hidden updates.");
                using (writer.OpenBlock(""))
                {
                    foreach ((Gate low, Gate high) pair in pairs)
                    {
                        string pairName = (pair.low.Letter() + pair.high.Letter()).ToUpperInvariant();
                        string gates = "gates" + pairName;
                        writer.WriteLine($"var {gates} = {Wide}.MultiplyAddEstimate({LstmMathCall(plan.Precision, "Tanh")}({accumulator(pair, block)} * scale{pairName}), scale{pairName}, offset{pairName});");
                        writer.WriteLine($"var {pair.low.Letter()} = {Wide}.GetLower({gates}); // {pair.low.Role()}");
                        writer.WriteLine($"var {pair.high.Letter()} = {Wide}.GetUpper({gates}); // {pair.high.Role()}");
                    }
                    var site = new CellSite(Narrow, Index(unit), gate => "z" + gate.Letter());
                    WriteCellAndHidden(writer, plan, site, site.CellPrevious, storeHidden: true);
                }
            }
        }

        /// <summary>
        /// Any other gate math: each register's halves are the Vector256 preactivations of two gates, which the shared cell
        /// update takes as the Vector256 tiles do (peepholes read with Vector256 loads).
        /// </summary>
        private static void WriteWideGateMath(IndentedTextWriter writer, KernelPlan plan, int blocks, (Gate Low, Gate High)[] pairs,
            System.Func<(Gate Low, Gate High), int, string> accumulator)
        {
            var narrowWeights = new WeightReader(plan, Narrow, KernelPlan.BlockSize);
            for (int block = 0; block < blocks; block++)
            {
                int unit = block * KernelPlan.BlockSize;
                writer.WriteLine();
                writer.WriteLine($"// Units {unit}..{unit + KernelPlan.BlockSize - 1} of the tile: activations (the variant of the header), then the cell and hidden updates.");
                using (writer.OpenBlock(""))
                {
                    foreach ((Gate low, Gate high) pair in pairs)
                    {
                        writer.WriteLine($"var z{pair.low.Letter()} = {Wide}.GetLower({accumulator(pair, block)});");
                        writer.WriteLine($"var z{pair.high.Letter()} = {Wide}.GetUpper({accumulator(pair, block)});");
                    }
                    int b = block;
                    WriteCellUpdate(writer, plan, new CellSite(Narrow, Index(unit), gate => "z" + gate.Letter())
                    {
                        Peepholes = () => Peepholes(writer, narrowWeights, $"block{b}", Index(b), part: 0),
                    });
                }
            }
        }

        /// <summary>
        /// Writes the loads of one packed row of a block (a bfloat16 row's one load) and returns the weights of each of the
        /// two registers of <paramref name="pairs"/>.
        /// </summary>
        private static System.Func<(Gate Low, Gate High), string> ReadWideRow(IndentedTextWriter writer, bool bfloat16, string block, string offsetPrefix,
            string name, (Gate Low, Gate High)[] pairs)
        {
            if (bfloat16)
            {
                // 16 words: i|f for units 0..7, then g|o; the high halves are [i g], the low halves [f o].
                writer.WriteLine($"var {name} = {Wide}.LoadUnsafe(ref {block}, {offsetPrefix}0);");
                return pair => pair == pairs[0] ? $"{Wide}.AsSingle({name} & {Wide}.Create(0xFFFF0000u))" : $"{Wide}.AsSingle({Wide}.ShiftLeft({name}, 16))";
            }
            // 32 floats: [i f] then [g o].
            return pair => $"{Wide}.LoadUnsafe(ref {block}, {offsetPrefix}{(pair == pairs[0] ? 0 : 16)})";
        }

        /// <summary>The projected z of two gates of a block as one register: one load where they are adjacent, two halves otherwise.</summary>
        private static string ProjectedPair(int block, (Gate Low, Gate High) pair)
        {
            string Offset(Gate gate) => $"{block} * RowLength + {AccumulatorOffset(gate, 0, KernelPlan.BlockSize)}";
            return (int)pair.High == (int)pair.Low + 1
                ? $"{Wide}.LoadUnsafe(ref projected, {Offset(pair.Low)})"
                : $"{Wide}.Create({Narrow}.LoadUnsafe(ref projected, {Offset(pair.Low)}), {Narrow}.LoadUnsafe(ref projected, {Offset(pair.High)}))";
        }
    }
}

using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The kernel of a reset-before GRU (<c>[Gru(..., ResetAfter = false)]</c>: Keras's <c>reset_after = False</c>, ONNX's
    /// <c>linear_before_reset = 0</c>). Its new gate n = act(W_n x + b_n + U_n (r ⊙ h_{t-1})) multiplies U_n by the reset gates of
    /// every unit, so a step runs in two passes over the blocks, as a layer-norm step does: first r, z and n's input part of every
    /// block (r ⊙ h_{t-1}, z and W_n x + b_n go to the state's gate buffer), then n's product over r ⊙ h_{t-1} and h_t. Forward and
    /// StepBatch step one time step and one stream at a time.
    /// </summary>
    internal static partial class Emitter
    {
        private static void WriteGruResetBeforeKernel(IndentedTextWriter writer, KernelPlan plan)
        {
            WriteTwoPassStepCore(writer, plan,
                "r ⊙ h_{t-1}, z and n's input part of every block into the state's gate buffer, then\n/// n's recurrent product over r ⊙ h_{t-1} and h_t.",
                () => { },
                name =>
                {
                    using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                    {
                        writer.WriteLine($"{name}GruGates(ref {Unsafe}.Add(ref weights, block * BlockStride), ref input, ref hiddenPrevious, ref gates, block * BlockSize);");
                    }
                    using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                    {
                        writer.WriteLine($"{name}GruNewGate(ref {Unsafe}.Add(ref weights, block * BlockStride), ref gates, ref hiddenPrevious, ref hiddenNext, block * BlockSize);");
                    }
                });
            WriteStepByStepEntryPoints(writer, plan);
            foreach ((string? typeName, int lanes) in TwoPassPaths)
            {
                WriteGruGates(writer, plan, typeName, lanes);
                WriteGruNewGate(writer, plan, typeName, lanes);
            }
        }

        /// <summary>Where a unit's values sit in a reset-before GRU's gate buffer: r ⊙ h_{t-1}, then z, then n's input part.</summary>
        private static string GruBuffer(int part, string unit) => part switch
        {
            0 => unit,
            1 => $"PaddedHiddenSize + {unit}",
            _ => $"2 * PaddedHiddenSize + {unit}",
        };

        /// <summary>
        /// The first pass for one block: r, z and n's input part from the bias over the input and hidden columns (n's over the
        /// input columns only), then r ⊙ h_{t-1}, z and W_n x + b_n to the gate buffer.
        /// </summary>
        private static void WriteGruGates(IndentedTextWriter writer, KernelPlan plan, string? typeName, int lanes)
        {
            string element = WeightReader.ElementType(plan.WeightType);
            string name = typeName ?? "Scalar";
            writer.WriteLines($$"""
                /// <summary>
                /// {{name}}, first pass: r, z and n's input part W_n x + b_n of the 8 units at <paramref name="unit"/>; r ⊙ h_{t-1}, z and
                /// W_n x + b_n go to <paramref name="gates"/> (PaddedHiddenSize values each) for the second pass.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{name}}GruGates(ref {{element}} block, ref float input, ref float hiddenPrevious, ref float gates, nuint unit)
                """);
            Gate[] gates = [Gate.Input, Gate.Forget, Gate.Candidate];
            WriteGruPass(writer, plan, typeName, lanes, gates, "PackedRowLength",
                [new(ColumnSet.Input, "InputSize", _ => $"{Unsafe}.Add(ref input, k)"), new(ColumnSet.Hidden, "RecurrentSize", _ => $"{Unsafe}.Add(ref hiddenPrevious, k)")],
                (weights, lane, _) => weights.ReadBias(writer, "block", lane, "bias", ""),
                (site, offset) =>
                {
                    GateMath math = plan.Math;
                    writer.WriteLine($"var r = {GruActivation(writer, plan, typeName, math.Gate, "xr", site.Preactivation(Gate.Input))}; // reset gate");
                    writer.WriteLine($"var u = {GruActivation(writer, plan, typeName, math.Gate, "xu", site.Preactivation(Gate.Forget))}; // update gate z");
                    writer.WriteLine(StoreAt(typeName, $"r * {LoadAt(typeName, "hiddenPrevious", offset)}", "gates", GruBuffer(0, offset)));
                    writer.WriteLine(StoreAt(typeName, "u", "gates", GruBuffer(1, offset)));
                    writer.WriteLine(StoreAt(typeName, site.Preactivation(Gate.Candidate), "gates", GruBuffer(2, offset)));
                });
        }

        /// <summary>
        /// The second pass for one block: n's hidden part U_n (r ⊙ h_{t-1}) added to its input part from the gate buffer, over the
        /// hidden columns, then n and h_t = n + z (h_{t-1} - n).
        /// </summary>
        private static void WriteGruNewGate(IndentedTextWriter writer, KernelPlan plan, string? typeName, int lanes)
        {
            string element = WeightReader.ElementType(plan.WeightType);
            string name = typeName ?? "Scalar";
            writer.WriteLines($$"""
                /// <summary>
                /// {{name}}, second pass: n = act(W_n x + b_n + U_n (r ⊙ h_{t-1})) and h_t of the 8 units at <paramref name="unit"/>, from the
                /// first pass's <paramref name="gates"/>.
                /// </summary>
                {{AggressiveOptimization}}
                private static void {{name}}GruNewGate(ref {{element}} block, ref float gates, ref float hiddenPrevious, ref float hiddenNext, nuint unit)
                """);
            WriteGruPass(writer, plan, typeName, lanes, [Gate.Output], "(1 + InputSize) * PackedRowLength",
                [new(ColumnSet.Hidden, "RecurrentSize", _ => $"{Unsafe}.Add(ref gates, k)") { Comment = "z += U_n[:, k] * (r ⊙ h)_k, one row per hidden unit: r ⊙ h_{t-1} is the gate buffer's first part." }],
                (_, _, unit) => (_, part) => LoadAt(typeName, "gates", GruBuffer(2, part == 0 ? unit : $"{unit} + {part * lanes}")),
                (site, offset) =>
                {
                    writer.WriteLine($"var n = {GruActivation(writer, plan, typeName, plan.Math.Cell, "xn", site.Preactivation(Gate.Output))}; // new gate");
                    writer.WriteLine($"var u = {LoadAt(typeName, "gates", GruBuffer(1, offset))};");
                    writer.WriteLine($"var hPrevious = {LoadAt(typeName, "hiddenPrevious", offset)};");
                    writer.WriteLine(StoreAt(typeName, new ScalarOrVector(typeName).MultiplyAdd("u", "hPrevious - n", "n"), "hiddenNext", offset));
                });
        }

        /// <summary>
        /// A pass's body: the accumulators of <paramref name="gates"/> start at <paramref name="start"/>, add the columns, and
        /// <paramref name="finish"/> uses them per register of units (per unit in scalar code, a loop over the block's lanes).
        /// </summary>
        private static void WriteGruPass(IndentedTextWriter writer, KernelPlan plan, string? typeName, int lanes, Gate[] gates, string firstRow,
            AccumulationColumns[] columns, System.Func<WeightReader, string, string, System.Func<Gate, int, string>> start, System.Action<CellSite, string> finish)
        {
            bool scalar = typeName is null;
            int parts = scalar ? 1 : KernelPlan.BlockSize / lanes;
            var weights = scalar ? WeightReader.Scalar(plan) : new WeightReader(plan, typeName, lanes);
            (Gate Gate, int Part)[] slots = [.. Range(parts).SelectMany(part => gates.Select(gate => (gate, part)))];
            string Accumulator(Gate gate, int part) => scalar ? "z" + gate.Letter() : AccumulatorName(gate, 0, parts, part);
            using (writer.OpenBlock(""))
            {
                if (scalar)
                {
                    using (writer.OpenBlock("for (nuint lane = 0; lane < BlockSize; lane++)"))
                    {
                        WriteBody("unit + lane");
                    }
                }
                else
                {
                    WriteBody("unit");
                }
            }
            writer.WriteLine();

            void WriteBody(string unit)
            {
                System.Func<Gate, int, string> first = start(weights, scalar ? "lane + " : "", unit);
                writer.WriteLine(gates.Contains(Gate.Output)
                    ? "// n's hidden part starts at its input part W_n x + b_n, from the first pass."
                    : "// z starts at the bias (row 0 of the block).");
                foreach ((Gate gate, int part) in slots)
                {
                    writer.WriteLine($"{(scalar ? "float" : "var")} {Accumulator(gate, part)} = {first(gate, part)};");
                }
                WriteAccumulation(writer,
                    new Accumulation<(Gate Gate, int Part)>(typeName, Groups: 1, slots, (_, slot) => Accumulator(slot.Gate, slot.Part),
                        _ => RowOfGates(weights.ReadRow(writer, "block", "row + ", "w", "")), SharedRow: false)
                    {
                        IsZero = ZeroSlots(plan),
                    },
                    scalar ? $"{firstRow} + lane" : firstRow, columns);
                for (int part = 0; part < parts; part++)
                {
                    string offset = part == 0 ? unit : $"{unit} + {part * lanes}";
                    int p = part;
                    writer.WriteLine();
                    using (writer.OpenBlock(""))
                    {
                        finish(new CellSite(typeName, offset, gate => Accumulator(gate, p)), offset);
                    }
                }
            }
        }

        /// <summary>A register of units (or one unit, in scalar code) at <paramref name="offset"/> of a buffer.</summary>
        private static string LoadAt(string? vector, string buffer, string offset)
            => vector is null ? $"{Unsafe}.Add(ref {buffer}, {offset})" : $"{vector}.LoadUnsafe(ref {buffer}, {offset})";

        /// <summary>Stores <paramref name="value"/> at <paramref name="offset"/> of a buffer.</summary>
        private static string StoreAt(string? vector, string value, string buffer, string offset)
            => vector is null ? $"{Unsafe}.Add(ref {buffer}, {offset}) = {value};" : $"{vector}.StoreUnsafe({value}, ref {buffer}, {offset});";

        /// <summary>
        /// An activation of a GRU gate's z (a name: the activation may read it more than once), clipped into a local
        /// <paramref name="local"/> first when the model clips; <paramref name="vector"/> is null in scalar code.
        /// </summary>
        private static string GruActivation(IndentedTextWriter writer, KernelPlan plan, string? vector, GateFunction function, string local, string z)
        {
            var scalar = new ScalarOrVector(vector);
            string input = z;
            if (plan.Math.ActivationClip > 0)
            {
                writer.WriteLine($"var {local} = {scalar.Clamp(z, plan.Math.ActivationClip)};");
                input = local;
            }
            return ActivationExpression(function, input, scalar, plan.Precision);
        }
    }
}

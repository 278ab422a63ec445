using System;
using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Models;
using GenLstm.Generators.Helpers;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    internal static partial class Emitter
    {
        /// <summary>Which rows of a packed block a loop reads: the input columns (W) or the hidden columns (U).</summary>
        private enum ColumnSet
        {
            Input,
            Hidden,
        }

        /// <summary>One loop over packed rows: which rows, its length, and each group's value in column k.</summary>
        /// <param name="Set">The rows: the input columns (one per input feature) or the hidden ones.</param>
        /// <param name="Count">The number of columns (rows), e.g. <c>InputSize</c>.</param>
        /// <param name="Value">A group's value in column k, as a float expression.</param>
        private sealed record AccumulationColumns(ColumnSet Set, string Count, Func<int, string> Value)
        {
            /// <summary>What the loop adds.</summary>
            public string Comment { get; init; } = Set == ColumnSet.Input
                ? "z += W[:, k] * x_k, one row per input feature."
                : "z += U[:, k] * h_k, one row per value of the previous step's h (its projection, if any).";
        }

        /// <summary>
        /// The accumulation every kernel runs, z += W[:, k] · value_k over its packed rows in order, for several groups of
        /// accumulators: the blocks of a step tile (a row of each block per column, one broadcast value), or the streams of
        /// StepBatch and the steps of the input product (one row of one block per column, a value per group).
        /// </summary>
        /// <typeparam name="TSlot">What one accumulator of a group holds: a gate and part of a block, or (Vector512) a pair of gates.</typeparam>
        /// <param name="Vector">The vector type, or null for scalar code (which sums with <c>+=</c>, not multiply-add).</param>
        /// <param name="Groups">Blocks, streams or steps.</param>
        /// <param name="Slots">A group's accumulators, in the order their multiply-adds are written.</param>
        /// <param name="Accumulator">The name of a group's accumulator.</param>
        /// <param name="ReadRow">
        /// Writes the loads of a group's row at <c>row</c> (none for float32) and returns each slot's weights; with
        /// <paramref name="SharedRow"/>, called once per column.
        /// </param>
        /// <param name="SharedRow">Whether the groups share one row (and so each has its own value), or each reads its own block's row.</param>
        private sealed record Accumulation<TSlot>(string? Vector, int Groups, IReadOnlyList<TSlot> Slots, Func<int, TSlot, string> Accumulator,
            Func<int, Func<TSlot, string>> ReadRow, bool SharedRow)
        {
            /// <summary>
            /// The local a shared row's weight is read into when several groups use it (each weight loaded once); null to
            /// multiply-add straight from the row.
            /// </summary>
            public Func<TSlot, string>? WeightLocal { get; init; }

            /// <summary>
            /// Whether a slot's weights are zero in a set of rows, so its multiply-adds are not written: a GRU's n keeps its input
            /// part (slot g) and hidden part (slot o) apart, each zero in the other's rows. Null when every slot is read.
            /// </summary>
            public Func<TSlot, ColumnSet, bool>? IsZero { get; init; }
        }

        /// <summary>
        /// A GRU's zero slots (see <see cref="Accumulation{TSlot}.IsZero"/>): o (U_n h) in the input rows, g (W_n x) in the hidden
        /// rows; null for an LSTM, whose four gates read every row.
        /// </summary>
        private static Func<(Gate Gate, int Part), ColumnSet, bool>? ZeroSlots(KernelPlan plan)
            => plan.Math.IsGru ? static (slot, set) => slot.Gate == (set == ColumnSet.Input ? Gate.Output : Gate.Candidate) : null;

        /// <summary>
        /// Writes <paramref name="accumulation"/>'s column loops, starting at packed row <paramref name="firstRow"/>: per column,
        /// the broadcast value(s), the row's loads, and one multiply-add per accumulator.
        /// </summary>
        private static void WriteAccumulation<TSlot>(IndentedTextWriter writer, Accumulation<TSlot> accumulation, string firstRow,
            IEnumerable<AccumulationColumns> columns)
        {
            string? vector = accumulation.Vector;
            string Broadcast(string name, string value) => vector is null ? $"float {name} = {value};" : $"var {name} = {vector}.Create({value});";
            string MultiplyAdd(string accumulator, string weight, string value)
                => vector is null ? $"{accumulator} += {weight} * {value};" : $"{accumulator} = {vector}.MultiplyAddEstimate({weight}, {value}, {accumulator});";

            writer.WriteLine();
            writer.WriteLine($"nuint row = {firstRow};");
            foreach (AccumulationColumns column in columns)
            {
                writer.WriteLine($"// {column.Comment}");
                IReadOnlyList<TSlot> slots = accumulation.Slots;
                if (accumulation.IsZero is { } isZero)
                {
                    slots = [.. slots.Where(slot => !isZero(slot, column.Set))];
                    writer.WriteLine(column.Set == ColumnSet.Input
                        ? "// (A GRU sums n's input part, slot g, apart from its hidden part, slot o, which these rows do not feed.)"
                        : "// (A GRU sums n's hidden part, slot o, apart from its input part, slot g, which these rows do not feed.)");
                }
                using (writer.OpenBlock($"for (nuint k = 0; k < {column.Count}; k++, row += PackedRowLength)"))
                {
                    if (!accumulation.SharedRow)
                    {
                        // One value for every group, a row of each group's block.
                        writer.WriteLine(Broadcast("value", column.Value(0)));
                        for (int group = 0; group < accumulation.Groups; group++)
                        {
                            Func<TSlot, string> weight = accumulation.ReadRow(group);
                            foreach (TSlot slot in slots)
                            {
                                writer.WriteLine(MultiplyAdd(accumulation.Accumulator(group, slot), weight(slot), "value"));
                            }
                        }
                        continue;
                    }

                    // One row for every group, a value of each: read each weight once when several groups use it.
                    Func<TSlot, string> row = accumulation.ReadRow(0);
                    Func<TSlot, string> shared = row;
                    if (accumulation.Groups > 1 && accumulation.WeightLocal is { } local)
                    {
                        foreach (TSlot slot in slots)
                        {
                            writer.WriteLine($"var {local(slot)} = {row(slot)};");
                        }
                        shared = local;
                    }
                    for (int group = 0; group < accumulation.Groups; group++)
                    {
                        writer.WriteLine(Broadcast($"value{group}", column.Value(group)));
                        foreach (TSlot slot in slots)
                        {
                            writer.WriteLine(MultiplyAdd(accumulation.Accumulator(group, slot), shared(slot), $"value{group}"));
                        }
                    }
                }
            }
        }
    }
}

using System;
using System.Collections.Generic;
using GenLstm.Generators.Helpers;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    internal static partial class Emitter
    {
        /// <summary>One loop over packed rows: its comment, its length, and each group's value in column k.</summary>
        /// <param name="Comment">What the loop adds, e.g. "z += W[:, k] * x_k, one row per input feature."</param>
        /// <param name="Count">The number of columns (rows), e.g. <c>InputSize</c>.</param>
        /// <param name="Value">A group's value in column k, as a float expression.</param>
        private sealed record AccumulationColumns(string Comment, string Count, Func<int, string> Value);

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
        }

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
                using (writer.OpenBlock($"for (nuint k = 0; k < {column.Count}; k++, row += PackedRowLength)"))
                {
                    if (!accumulation.SharedRow)
                    {
                        // One value for every group, a row of each group's block.
                        writer.WriteLine(Broadcast("value", column.Value(0)));
                        for (int group = 0; group < accumulation.Groups; group++)
                        {
                            Func<TSlot, string> weight = accumulation.ReadRow(group);
                            foreach (TSlot slot in accumulation.Slots)
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
                        foreach (TSlot slot in accumulation.Slots)
                        {
                            writer.WriteLine($"var {local(slot)} = {row(slot)};");
                        }
                        shared = local;
                    }
                    for (int group = 0; group < accumulation.Groups; group++)
                    {
                        writer.WriteLine(Broadcast($"value{group}", column.Value(group)));
                        foreach (TSlot slot in accumulation.Slots)
                        {
                            writer.WriteLine(MultiplyAdd(accumulation.Accumulator(group, slot), shared(slot), $"value{group}"));
                        }
                    }
                }
            }
        }
    }
}

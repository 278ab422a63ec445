using System;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    internal static partial class Emitter
    {
        /// <summary>
        /// How the kernels read one packed row of weights. float32 rows are loaded straight into the multiply-adds (the JIT
        /// folds each load into its instruction). bfloat16 rows (<c>GenLstm.PackedBFloat16LstmWeights</c>) hold two gates
        /// per 32-bit word, i|f and g|o: one load per pair, then the high gate is the word with its low half cleared and
        /// the low gate is the word shifted left by 16, both exact float32 values.
        /// </summary>
        private readonly struct WeightReader
        {
            private const string HighHalfMask = "0xFFFF0000u";

            private readonly KernelPlan _plan;
            private readonly WeightType _type;
            private readonly string? _vector;
            private readonly int _lanes;

            /// <param name="plan">The kernel's layout: its packing and where each slot sits in a row.</param>
            /// <param name="vector">The vector type's fully qualified name; null for scalar code (see <see cref="Scalar"/>).</param>
            /// <param name="lanes">Floats per vector.</param>
            public WeightReader(KernelPlan plan, string? vector, int lanes)
            {
                _plan = plan;
                _type = plan.WeightType;
                _vector = vector;
                _lanes = lanes;
            }

            /// <summary>For scalar code, which reads one unit of each gate per row: the offset prefix names the lane.</summary>
            public static WeightReader Scalar(KernelPlan plan) => new(plan, null, KernelPlan.BlockSize);

            /// <summary>
            /// Like <see cref="ReadRow"/> on a block's bias row (<paramref name="lane"/> names the lane in scalar code, else ""), except
            /// that a GRU's n hidden part (slot o) starts at its own bias b_hn, in the block's last row (NewHiddenBiasOffset).
            /// </summary>
            public Func<Gate, int, string> ReadBias(IndentedTextWriter writer, string block, string lane, string pairName, string index)
            {
                Func<Gate, int, string> bias = ReadRow(writer, block, lane, pairName, index);
                if (!_plan.GruRows)
                {
                    return bias;
                }
                Func<Gate, int, string> hiddenBias = ReadRow(writer, block, $"NewHiddenBiasOffset + {lane}", pairName, index);
                return (gate, part) => gate == Gate.Output ? hiddenBias(gate, part) : bias(gate, part);
            }

            /// <summary>The C# type of one packed element.</summary>
            public static string ElementType(WeightType type) => type == WeightType.BFloat16 ? "uint" : "float";

            /// <summary>The runtime class holding the packed weights, as the user's type names it.</summary>
            public static string PackedType(WeightType type) => "global::GenLstm." + PackedTypeName(type);

            /// <summary>The runtime class holding the packed weights, as the kernels in GenLstm.Generated name it.</summary>
            public static string PackedTypeName(WeightType type) => type == WeightType.BFloat16 ? "PackedBFloat16LstmWeights" : "PackedLstmWeights";

            /// <summary>
            /// Writes the statements that reading one row needs (none for float32) and returns, for a gate and a part
            /// (the half of a block in Vector128 code), the expression of its weights as float.
            /// </summary>
            /// <param name="writer">Where the statements go.</param>
            /// <param name="block">The block reference.</param>
            /// <param name="offsetPrefix">What precedes the offset within the row: <c>""</c>, <c>"row + "</c>, <c>"lane + "</c>.</param>
            /// <param name="pairName">Names the bfloat16 pair loads: {pairName}if{index}, {pairName}go{index}, with _lo/_hi.</param>
            /// <param name="index">The block's index within a tile, or empty.</param>
            public Func<Gate, int, string> ReadRow(IndentedTextWriter writer, string block, string offsetPrefix, string pairName, string index)
            {
                int parts = KernelPlan.BlockSize / _lanes;
                int lanes = _lanes;
                string? vector = _vector;
                string Load(string offset) => vector is null ? $"{Unsafe}.Add(ref {block}, {offsetPrefix}{offset})" : $"{vector}.LoadUnsafe(ref {block}, {offsetPrefix}{offset})";
                if (_type == WeightType.Float32)
                {
                    KernelPlan plan = _plan;
                    return (gate, part) => Load((plan.PackedSlot(gate) * KernelPlan.BlockSize + part * lanes).ToString(System.Globalization.CultureInfo.InvariantCulture));
                }

                string Pair(Gate gate, int part) => $"{pairName}{(gate is Gate.Input or Gate.Forget ? "if" : "go")}{index}{PartSuffix(parts, part)}";
                foreach (Gate first in new[] { Gate.Input, Gate.Candidate })
                {
                    for (int part = 0; part < parts; part++)
                    {
                        // The pair i|f is word 0..7 of the row, g|o word 8..15, as gates i and g sit in a float row.
                        int offset = (first == Gate.Input ? 0 : 1) * KernelPlan.BlockSize + part * lanes;
                        writer.WriteLine($"var {Pair(first, part)} = {Load(offset.ToString(System.Globalization.CultureInfo.InvariantCulture))};");
                    }
                }
                return (gate, part) =>
                {
                    string pair = Pair(gate, part);
                    bool high = gate is Gate.Input or Gate.Candidate;
                    return vector is null
                        ? $"BitConverter.UInt32BitsToSingle({(high ? $"{pair} & {HighHalfMask}" : $"{pair} << 16")})"
                        : high
                            ? $"{vector}.AsSingle({pair} & {vector}.Create({HighHalfMask}))"
                            : $"{vector}.AsSingle({vector}.ShiftLeft({pair}, 16))";
                };
            }
        }
    }
}

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

            private readonly WeightType _type;
            private readonly string? _vector;
            private readonly int _lanes;

            /// <param name="type">The packing.</param>
            /// <param name="vector">The vector type's fully qualified name; null for scalar code (see <see cref="Scalar"/>).</param>
            /// <param name="lanes">Floats per vector.</param>
            public WeightReader(WeightType type, string? vector, int lanes)
            {
                _type = type;
                _vector = vector;
                _lanes = lanes;
            }

            /// <summary>For scalar code, which reads one unit of each gate per row: the offset prefix names the lane.</summary>
            public static WeightReader Scalar(WeightType type) => new(type, null, KernelPlan.BlockSize);

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
                    return (gate, part) => Load(AccumulatorOffset(gate, part, lanes));
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

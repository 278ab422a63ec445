using System;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The emitter's part for <c>LayerNorm = true</c> (TFLite's layer-norm LSTM). Normalizing a gate needs its z for all H
    /// units before any activation, so a step runs in two phases: every block's z = W x + U h accumulates in registers and is
    /// stored in the state's gate buffer; then the statistics of each gate, and the normalized, scaled and biased z go
    /// through the same cell update as every other kernel. Forward and StepBatch step one time step and one stream at a time.
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>
        /// The vector types of a two-pass kernel (layer norm, a reset-before GRU), in dispatch order, with their lanes; null for
        /// scalar code.
        /// </summary>
        private static readonly (string? TypeName, int Lanes)[] TwoPassPaths = [("Vector256", 8), ("Vector128", 4), (null, 1)];

        private static void WriteLayerNormKernel(IndentedTextWriter writer, KernelPlan plan)
        {
            WriteTwoPassStepCore(writer, plan,
                "z of every block into the state's gate buffer, then the layer normalization,\n/// the activations and the cell update.",
                () =>
                {
                    writer.WriteLine("ref float cell = ref state._cell[0];");
                    WriteExtraGatesCall(writer, plan, "input", "state");
                },
                name =>
                {
                    using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                    {
                        writer.WriteLines($"{name}LayerNormGates(ref {Unsafe}.Add(ref weights, block * BlockStride), ref input, ref hiddenPrevious,\n"
                            + $"    ref {Unsafe}.Add(ref gates, block * RowLength));");
                    }
                    writer.WriteLine($"{name}LayerNormCell(ref weights, ref gates, ref cell, ref hiddenNext);");
                });

            WriteStepByStepEntryPoints(writer, plan);
            writer.WriteLines($$"""
                /// <summary>
                /// The mean and 1 / sqrt(variance + 1e-8) of one gate's z over the H units (TFLite's MeanStddevNormalization: the
                /// variance from a second pass over the deviations). Padding units hold z = 0 and are left out.
                /// </summary>
                private static void GateStatistics(ref float gates, int gate, out float mean, out float inverseStddev)
                {
                    float sum = 0;
                    for (int unit = 0; unit < HiddenSize; unit++)
                    {
                        sum += {{Unsafe}}.Add(ref gates, unit / BlockSize * RowLength + gate * BlockSize + unit % BlockSize);
                    }
                    mean = sum / HiddenSize;
                    float squares = 0;
                    for (int unit = 0; unit < HiddenSize; unit++)
                    {
                        float deviation = {{Unsafe}}.Add(ref gates, unit / BlockSize * RowLength + gate * BlockSize + unit % BlockSize) - mean;
                        squares += deviation * deviation;
                    }
                    inverseStddev = 1f / MathF.Sqrt(squares / HiddenSize + 1e-8f);
                }

                """);
            if (plan.Math.ExtraGates.Count > 0)
            {
                WriteComputeExtraGates(writer);
            }
            foreach ((string? typeName, int lanes) in TwoPassPaths)
            {
                WriteLayerNormGates(writer, plan, typeName, lanes);
                WriteLayerNormCell(writer, plan, typeName, lanes);
            }
        }

        /// <summary>
        /// StepCore of a two-pass kernel: its locals (the weights, both halves of h, the state's gate buffer), then for each of
        /// <see cref="TwoPassPaths"/> (Vector256, Vector128, scalar by name) the passes <paramref name="writePasses"/> writes, then the flip.
        /// </summary>
        /// <param name="writer">Where the method goes.</param>
        /// <param name="plan">The kernel.</param>
        /// <param name="summary">What a step does, after "One step on validated arguments: ".</param>
        /// <param name="writePrologue">What the kernel needs before the dispatch, beside the common locals.</param>
        /// <param name="writePasses">A path's passes, given its method prefix.</param>
        private static void WriteTwoPassStepCore(IndentedTextWriter writer, KernelPlan plan, string summary, Action writePrologue, Action<string> writePasses)
        {
            writer.WriteLines($$"""
                /// <summary>
                /// One step on validated arguments: {{summary}}
                /// </summary>
                {{CompiledAtLoad}}
                internal static void StepCore({{WeightParameters(plan)}}, ref float input, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref {{WeightReader.ElementType(plan.WeightType)}} weights = ref packedWeights.Start;
                        ref float hiddenPrevious = ref state.HiddenStart(state._current);
                        ref float hiddenNext = ref state.HiddenStart(state._current ^ 1);
                        ref float gates = ref state._gates[0];
                        """);
                writePrologue();
                string keyword = "if";
                foreach ((string? typeName, int _) in TwoPassPaths)
                {
                    using (writer.OpenBlock(typeName is null ? "else" : $"{keyword} ({typeName}.IsHardwareAccelerated)"))
                    {
                        writePasses(typeName ?? "Scalar");
                    }
                    keyword = "else if";
                }
                writer.WriteLine("state._current ^= 1;");
            }
            writer.WriteLine();
        }

        /// <summary>
        /// StepBatchCore and ForwardCore of a two-pass kernel, where the kernel has them: one stream, and one time step, after
        /// another (no hoisted input product, no shared weight loads).
        /// </summary>
        private static void WriteStepByStepEntryPoints(IndentedTextWriter writer, KernelPlan plan)
        {
            if (plan.Has(KernelMembers.Batch))
            {
                writer.WriteLines($$"""
                    /// <summary>StepBatch on validated arguments: one stream after another.</summary>
                    {{CompiledAtLoad}}
                    internal static void StepBatchCore({{WeightParameters(plan)}}, ref float inputs, ref State states, int streams, ref float outputs)
                    {
                        for (int stream = 0; stream < streams; stream++)
                        {
                            ref State state = ref {{Unsafe}}.Add(ref states, stream);
                            StepCore({{WeightArguments(plan)}}, ref {{Unsafe}}.Add(ref inputs, stream * InputSize), ref state);
                            {{CopyHiddenToOutputs("stream")}}
                        }
                    }

                    """);
            }
            if (plan.Has(KernelMembers.Forward))
            {
                writer.WriteLines($$"""
                    /// <summary>A sequence on validated arguments: one step after another.</summary>
                    {{CompiledAtLoad}}
                    internal static void ForwardCore({{WeightParameters(plan)}}, ref float inputs, int steps, ref float outputs, ref State state)
                    {
                        for (int t = 0; t < steps; t++)
                        {
                            StepCore({{WeightArguments(plan)}}, ref {{Unsafe}}.Add(ref inputs, t * InputSize), ref state);
                            {{CopyHiddenToOutputs("t")}}
                        }
                    }

                    """);
            }
        }

        /// <summary>z = W x + U h of one block (row 0, the bias, is zero for a layer-norm model), stored for the normalization.</summary>
        private static void WriteLayerNormGates(IndentedTextWriter writer, KernelPlan plan, string? typeName, int lanes)
        {
            string element = WeightReader.ElementType(plan.WeightType);
            string? vector = typeName;
            var weights = vector is null ? WeightReader.Scalar(plan) : new WeightReader(plan, vector, lanes);
            int parts = KernelPlan.BlockSize / lanes;
            AccumulationColumns[] columns =
            [
                new(ColumnSet.Input, "InputSize", _ => $"{Unsafe}.Add(ref input, k)"),
                new(ColumnSet.Hidden, "RecurrentSize", _ => $"{Unsafe}.Add(ref hiddenPrevious, k)") { Comment = "z += U[:, k] * h_k, one row per value of the previous step's h." },
            ];
            writer.WriteLines($$"""
                /// <summary>{{typeName ?? "Scalar"}}: z of one block's gates over the input and hidden columns, stored at <paramref name="gates"/> (gates i, f, g, o, 8 units each).</summary>
                {{AggressiveOptimization}}
                private static void {{typeName ?? "Scalar"}}LayerNormGates(ref {{element}} block, ref float input, ref float hiddenPrevious, ref float gates)
                """);
            using (writer.OpenBlock(""))
            {
                if (vector is null)
                {
                    using (writer.OpenBlock("for (nuint lane = 0; lane < BlockSize; lane++)"))
                    {
                        foreach (Gate gate in GateNames.All)
                        {
                            writer.WriteLine($"float z{gate.Letter()} = 0;");
                        }
                        WriteAccumulation(writer, ScalarAccumulation(writer, weights), "PackedRowLength + lane", columns);
                        foreach (Gate gate in GateNames.All)
                        {
                            writer.WriteLine($"{Unsafe}.Add(ref gates, {AccumulatorOffset(gate, 0, KernelPlan.BlockSize)} + (int)lane) = z{gate.Letter()};");
                        }
                    }
                    return;
                }

                ForEachAccumulator(1, parts, (gate, _, part) => writer.WriteLine($"var {AccumulatorName(gate, 0, parts, part)} = {vector}<float>.Zero;"));
                WriteAccumulation(writer,
                    new Accumulation<(Gate Gate, int Part)>(vector, Groups: 1, GateSlots(parts), (_, slot) => AccumulatorName(slot.Gate, 0, parts, slot.Part),
                        _ => RowOfGates(weights.ReadRow(writer, "block", "row + ", "w", "")), SharedRow: false),
                    "PackedRowLength", columns);
                ForEachAccumulator(1, parts, (gate, _, part) =>
                    writer.WriteLine($"{vector}.StoreUnsafe({AccumulatorName(gate, 0, parts, part)}, ref gates, {AccumulatorOffset(gate, part, lanes)});"));
            }
            writer.WriteLine();
        }

        /// <summary>
        /// The normalization and the cell: per gate ((z − mean) / stddev) · γ + β, then the shared cell update (activations,
        /// forget bias, clips, coupling) on every register of units. With peepholes, as TFLite: p_i ⊙ c_{t-1} and p_f ⊙ c_{t-1}
        /// join z before the normalization, and p_o ⊙ c_t joins z_o once every unit's c_t is known, so the output gate and h_t
        /// take a second pass.
        /// </summary>
        private static void WriteLayerNormCell(IndentedTextWriter writer, KernelPlan plan, string? typeName, int lanes)
        {
            string element = WeightReader.ElementType(plan.WeightType);
            string? vector = typeName;
            var scalar = new ScalarOrVector(vector);
            var weights = vector is null ? WeightReader.Scalar(plan) : new WeightReader(plan, vector, lanes);
            // Peephole terms are added to z here, before the normalization, so the shared cell update must not add them again.
            KernelPlan normalized = plan with { Math = plan.Math with { Peepholes = false } };
            bool peepholes = plan.Math.Peepholes;
            string Load(string buffer, string offset) => vector is null ? $"{Unsafe}.Add(ref {buffer}, {offset})" : $"{vector}.LoadUnsafe(ref {buffer}, {offset})";
            string Store(string value, string buffer, string offset)
                => vector is null ? $"{Unsafe}.Add(ref {buffer}, {offset}) = {value};" : $"{vector}.StoreUnsafe({value}, ref {buffer}, {offset});";
            writer.WriteLines($$"""
                /// <summary>{{typeName ?? "Scalar"}}: the layer normalization of the stored z, the activations and the cell update of every unit.</summary>
                {{AggressiveOptimization}}
                private static void {{typeName ?? "Scalar"}}LayerNormCell(ref {{element}} weights, ref float gates, ref float cell, ref float hiddenNext)
                """);
            using (writer.OpenBlock(""))
            {
                void Statistics(params Gate[] which)
                {
                    foreach (Gate gate in which)
                    {
                        string name = gate.Letter().ToUpperInvariant();
                        writer.WriteLine($"GateStatistics(ref gates, {(int)gate}, out float mean{name}, out float scale{name});");
                    }
                }
                // One pass over the units: body(part, z offset of a gate within the block, unit offset in the state, peephole row reader).
                void Pass(string comment, Action<int, Func<Gate, string>, string, Func<Gate, int, string>?> body)
                {
                    writer.WriteLine($"// {comment}");
                    using (writer.OpenBlock("for (nuint block = 0; block < BlockCount; block++)"))
                    {
                        writer.WriteLine($"ref {element} blockWeights = ref {Unsafe}.Add(ref weights, block * BlockStride);");
                        writer.WriteLine($"ref float blockGates = ref {Unsafe}.Add(ref gates, block * RowLength);");
                        writer.WriteLine("nuint unit = block * BlockSize;");
                        using (vector is null ? writer.OpenBlock("for (nuint lane = 0; lane < BlockSize; lane++)") : default(IndentedTextWriter.Block?))
                        {
                            for (int part = 0; part < (vector is null ? 1 : KernelPlan.BlockSize / lanes); part++)
                            {
                                int p = part;
                                using (writer.OpenBlock(""))
                                {
                                    Func<Gate, string> gateOffset = gate => vector is null
                                        ? $"{AccumulatorOffset(gate, 0, KernelPlan.BlockSize)} + (int)lane"
                                        : AccumulatorOffset(gate, p, lanes);
                                    string unitOffset = vector is null ? "unit + lane" : p == 0 ? "unit" : $"unit + {p * lanes}";
                                    Func<Gate, int, string>? peephole = peepholes
                                        ? weights.ReadRow(writer, "blockWeights", vector is null ? "PeepholeOffset + lane + " : "PeepholeOffset + ", "peephole", "")
                                        : null;
                                    body(p, gateOffset, unitOffset, peephole);
                                }
                            }
                        }
                    }
                }
                void Normalize(int part, Func<Gate, string> gateOffset, params Gate[] which)
                {
                    string lane = vector is null ? "lane + " : "";
                    Func<Gate, int, string> gamma = weights.ReadRow(writer, "blockWeights", $"LayerNormOffset + {lane}", "gamma", "");
                    Func<Gate, int, string> beta = weights.ReadRow(writer, "blockWeights", $"LayerNormOffset + PackedRowLength + {lane}", "beta", "");
                    foreach (Gate gate in which)
                    {
                        string name = gate.Letter().ToUpperInvariant();
                        writer.WriteLines($"var n{gate.Letter()} = ({Load("blockGates", gateOffset(gate))} - {Broadcast(scalar, "mean" + name)}) * {Broadcast(scalar, "scale" + name)}\n"
                            + $"    * {gamma(gate, part)} + {beta(gate, part)};");
                    }
                }
                // The cell update reads each gate's normalized z, n{gate}, which Normalize writes.
                static string Normalized(Gate gate) => "n" + gate.Letter();

                if (!peepholes)
                {
                    Statistics(Gate.Input, Gate.Forget, Gate.Candidate, Gate.Output);
                    Pass("Every unit: normalized z, activations, c_t and h_t.", (part, gateOffset, unitOffset, _) =>
                    {
                        Normalize(part, gateOffset, Gate.Input, Gate.Forget, Gate.Candidate, Gate.Output);
                        WriteCellUpdate(writer, normalized, new CellSite(vector, unitOffset, Normalized));
                    });
                }
                else
                {
                    Pass("The input and forget gates' peepholes read c_{t-1}: z += p ⊙ c_{t-1}, before the normalization.", (part, gateOffset, unitOffset, peephole) =>
                    {
                        writer.WriteLine($"var cPrevious = {Load("cell", unitOffset)};");
                        foreach (Gate gate in new[] { Gate.Input, Gate.Forget })
                        {
                            writer.WriteLine(Store($"{Load("blockGates", gateOffset(gate))} + {peephole!(gate, part)} * cPrevious", "blockGates", gateOffset(gate)));
                        }
                    });
                    Statistics(Gate.Input, Gate.Forget, Gate.Candidate);
                    Pass("Every unit: the normalized gates i, f, g and c_t.", (part, gateOffset, unitOffset, _) =>
                    {
                        Normalize(part, gateOffset, Gate.Input, Gate.Forget, Gate.Candidate);
                        WriteCellUpdate(writer, normalized, new CellSite(vector, unitOffset, Normalized) { Stage = CellStage.CellOnly });
                    });
                    Pass("The output gate's peephole reads c_t: z_o += p_o ⊙ c_t, before its normalization.", (part, gateOffset, unitOffset, peephole) =>
                        writer.WriteLine(Store($"{Load("blockGates", gateOffset(Gate.Output))} + {peephole!(Gate.Output, part)} * {Load("cell", unitOffset)}", "blockGates", gateOffset(Gate.Output))));
                    Statistics(Gate.Output);
                    Pass("Every unit: the normalized output gate and h_t.", (part, gateOffset, unitOffset, _) =>
                    {
                        Normalize(part, gateOffset, Gate.Output);
                        WriteCellUpdate(writer, normalized, new CellSite(vector, unitOffset, Normalized) { Stage = CellStage.HiddenOnly });
                    });
                }
            }
            writer.WriteLine();
        }

        /// <summary>A float local as a vector of that value (or the float itself in scalar code).</summary>
        private static string Broadcast(ScalarOrVector scalar, string local) => scalar.Vector is null ? local : $"{scalar.Vector}.Create({local})";
    }
}

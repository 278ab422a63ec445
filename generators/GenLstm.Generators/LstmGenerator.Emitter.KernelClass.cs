using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The kernels, outside the user's type: file-local static classes in <c>GenLstm.Generated</c>, under using directives
    /// (nothing of the user's namespace or type can shadow a name there), so their code reads as hand-written C#. The
    /// user's type keeps its public API and calls them with its packed weights and a stream's state.
    /// </summary>
    internal static partial class Emitter
    {
        /// <summary>The namespace of the kernel classes; its members are generated only, and each class is file-local.</summary>
        private const string KernelNamespace = "GenLstm.Generated";

        /// <summary>One kernel class: what it computes, its name, and the state struct it reads and writes.</summary>
        /// <param name="Spec">The kernel's spec: a one-layer model, or one layer of a stack.</param>
        /// <param name="Plan">Its layout and members.</param>
        /// <param name="Name">The file-local class's name.</param>
        private sealed record KernelClass(LstmSpec Spec, KernelPlan Plan, string Name)
        {
            /// <summary>How the user's type names the class: in full, as nothing else reaches a file-local type in another namespace.</summary>
            public string Reference => $"global::{KernelNamespace}.{Name}";
        }

        /// <summary>
        /// The kernel classes' namespace block: the using directives, the alias <c>State</c> for the state struct the kernels
        /// step (the model's own, or a stack's per-layer struct), then each class.
        /// </summary>
        private static void WriteKernelClasses(IndentedTextWriter writer, IReadOnlyList<KernelClass> kernels, string stateType, bool skipLocalsInit)
        {
            writer.WriteLine();
            using (writer.OpenBlock($"namespace {KernelNamespace}"))
            {
                writer.WriteLines($$"""
                    using System;
                    using System.CodeDom.Compiler;
                    using System.Diagnostics;
                    using System.Diagnostics.CodeAnalysis;
                    using System.Runtime.CompilerServices;
                    using System.Runtime.InteropServices;
                    using System.Runtime.Intrinsics;
                    using System.Runtime.Intrinsics.Arm;
                    using System.Runtime.Intrinsics.X86;
                    using GenLstm.CompilerServices;
                    using State = {{stateType}};
                    """);
                foreach (KernelClass kernel in kernels)
                {
                    writer.WriteLine();
                    WriteKernelClass(writer, kernel, skipLocalsInit);
                }
            }
        }

        private static void WriteKernelClass(IndentedTextWriter writer, KernelClass kernel, bool skipLocalsInit)
        {
            (LstmSpec spec, KernelPlan plan, string name) = kernel;
            WriteKernelDescription(writer, spec, plan, name);
            writer.WriteLine($"[GeneratedCode(\"GenLstm.Generators\", \"{GeneratorVersion}\")]");
            writer.WriteLine("[DebuggerNonUserCode]");
            writer.WriteLine("[ExcludeFromCodeCoverage]");
            if (skipLocalsInit && plan.Has(KernelMembers.Forward) && !plan.Math.HasTwoPasses)
            {
                // Forward's input-product scratch is written before it is read; zeroing it would only cost time.
                writer.WriteLine("[SkipLocalsInit]");
            }
            using (writer.OpenBlock($"file static class {name}"))
            {
                WriteKernelConstants(writer, spec, plan);
                WritePack(writer, spec, plan);
                if (spec.Math.LayerNorm)
                {
                    WriteLayerNormKernel(writer, plan);
                }
                else if (spec.Math.IsResetBeforeGru)
                {
                    WriteGruResetBeforeKernel(writer, plan);
                }
                else
                {
                    WriteKernel(writer, plan);
                }
                if (plan.Has(KernelMembers.Sweep))
                {
                    WriteSweep(writer, plan);
                }
                if (plan.Has(KernelMembers.Project))
                {
                    WriteProject(writer);
                }
            }
        }

        /// <summary>The kernel's parameters for its weights: the packed weights, and the added gates' when the model has any.</summary>
        private static string WeightParameters(KernelPlan plan)
            => $"{WeightReader.PackedTypeName(plan.WeightType)} packedWeights" + (plan.Math.ExtraGates.Count > 0 ? ", LstmExtraGates extraGates" : "");

        /// <summary>The arguments of <see cref="WeightParameters"/> inside a kernel.</summary>
        private static string WeightArguments(KernelPlan plan) => "packedWeights" + (plan.Math.ExtraGates.Count > 0 ? ", extraGates" : "");

        /// <summary>The arguments of <see cref="WeightParameters"/> in the user's type, from the fields of one layer's weights.</summary>
        private static string WeightFields(KernelPlan plan, string field) => field + (plan.Math.ExtraGates.Count > 0 ? $", {field}ExtraGates" : "");

        private static void WriteKernelConstants(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan)
        {
            writer.WriteLines($"""
                /// <summary>I: the length of one input vector x_t.</summary>
                internal const int InputSize = {spec.InputSize};

                /// <summary>H: the length of h_t and c_t.</summary>
                internal const int HiddenSize = {spec.HiddenSize};

                /// <summary>The length of a step's output: h_t, H values (a projected layer projects it afterwards).</summary>
                internal const int OutputSize = {spec.HiddenSize};

                /// <summary>Hidden units per block of the packed weights: one Vector256 of float.</summary>
                internal const int BlockSize = {KernelPlan.BlockSize};

                /// <summary>Preactivations per block and step: gates i, f, g, o for 8 units (a row of Forward's projected input product).</summary>
                internal const int RowLength = {KernelPlan.RowLength};

                /// <summary>Elements per row of a packed block: {(plan.WeightType == WeightType.BFloat16 ? "16 words of two bfloat16 gates" : plan.GruRows ? "24 floats, gates r, z, n for 8 units" : "32 floats, gates i, f, g, o for 8 units")}.</summary>
                internal const int PackedRowLength = {plan.PackedRowLength};

                /// <summary>H rounded up to whole blocks; the state keeps this many values, the padding stays zero.</summary>
                internal const int PaddedHiddenSize = {plan.PaddedHiddenSize};

                /// <summary>Number of 8-unit blocks.</summary>
                internal const int BlockCount = {plan.BlockCount};

                /// <summary>Columns of U: the length of the recurrent input, the previous step's h{(spec.ProjectionSize > 0 ? " projected to P values" : ": H")}.</summary>
                internal const int RecurrentSize = {spec.RecurrentSize};

                /// <summary>Elements per packed block: {plan.RowsPerBlock} rows (the bias, I rows of W, RecurrentSize rows of U{(spec.Math.Peepholes ? ", the peepholes" : "")}{(spec.Math.LayerNorm ? ", γ and β" : "")}).</summary>
                internal const int BlockStride = {plan.BlockStride};

                """);
            if (plan.GruRows)
            {
                writer.WriteLines("""
                    /// <summary>Where a block's last row starts, which holds n's hidden bias b_hn in slot g: after the bias, the rows of W and of U.</summary>
                    private const int NewHiddenBiasOffset = (1 + InputSize + RecurrentSize) * PackedRowLength;

                    """);
            }
            if (spec.Math.Peepholes)
            {
                writer.WriteLines("""
                    /// <summary>Where a block's peephole row starts: after the bias, the rows of W and the rows of U.</summary>
                    private const int PeepholeOffset = (1 + InputSize + RecurrentSize) * PackedRowLength;

                    """);
            }
            if (spec.Math.ExtraGates.Count > 0)
            {
                writer.WriteLines($"""
                    /// <summary>The number of gates [LstmGate] adds: {string.Join(", ", spec.Math.ExtraGates.Select(g => g.Name))}.</summary>
                    private const int ExtraGateCount = {spec.Math.ExtraGates.Count};

                    """);
            }
            if (spec.Math.LayerNorm)
            {
                writer.WriteLines($"""
                    /// <summary>Where a block's layer-norm rows start: the scales γ, then the biases β (added after the normalization).</summary>
                    private const int LayerNormOffset = (1 + InputSize + RecurrentSize{(spec.Math.Peepholes ? " + 1" : "")}) * PackedRowLength;

                    """);
            }
            if (plan.Has(KernelMembers.Split))
            {
                writer.WriteLines($"""
                    /// <summary>The first block of the second half of a step split by a GenLstm.LstmWorker.</summary>
                    private const int SplitBlock = {(plan.BlockCount + 1) / 2};

                    """);
            }
            if (plan.Has(KernelMembers.Forward) && !spec.Math.HasTwoPasses)
            {
                writer.WriteLines($"""
                    /// <summary>Steps whose input product Forward computes ahead, in {Format(plan.ChunkSteps * plan.BlockCount * KernelPlan.RowLength * 4 / 1024.0, "0.#")} KiB of stack at most.</summary>
                    private const int ChunkSteps = {plan.ChunkSteps};

                    """);
            }
        }

        /// <summary>
        /// <c>Pack</c>, which packs PyTorch's tensors in the layout this kernel reads and checks that the runtime wrote that
        /// layout, and <c>PackExtraGates</c> for the gates [LstmGate] adds.
        /// </summary>
        private static void WritePack(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan)
        {
            bool peepholes = spec.Math.Peepholes, layerNorm = spec.Math.LayerNorm;
            string packed = WeightReader.PackedTypeName(plan.WeightType);
            string variantParameters = (peepholes ? ", ReadOnlySpan<float> peepholes" : "") + (layerNorm ? ", ReadOnlySpan<float> layerNorm" : "");
            string variantArguments = layerNorm ? (peepholes ? ", peepholes, layerNorm" : ", default, layerNorm") : peepholes ? ", peepholes" : "";
            string packing = !spec.Math.IsGru
                ? $"{packed}.FromPyTorch(InputSize, HiddenSize, RecurrentSize, weightIh, weightHh, biasIh, biasHh{variantArguments})"
                : $"{packed}.FromPyTorchGru(InputSize, HiddenSize, weightIh, weightHh, biasIh, biasHh, resetAfter: {(spec.Math.ResetAfter ? "true" : "false")})";
            writer.WriteLines($$"""
                /// <summary>
                /// PyTorch's tensors (gate order {{(spec.Math.IsGru ? "r, z, n" : "i, f, g, o")}}) packed in the layout this kernel reads. Throws when the runtime library
                /// packs another layout: it and the generator then come from different versions.
                /// </summary>
                internal static {{packed}} Pack(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> biasIh,
                    ReadOnlySpan<float> biasHh{{variantParameters}})
                {
                    var packedWeights = {{packing}};
                    if (packedWeights.InputSize != InputSize || packedWeights.HiddenSize != HiddenSize
                        || packedWeights.BlockStride != BlockStride || packedWeights.Length != BlockCount * BlockStride)
                    {
                        throw new InvalidOperationException(
                            "The packed weights do not have the layout this generated code reads: the GenLstm runtime library and "
                            + "generator come from different versions. Reference a single GenLstm package.");
                    }
                    return packedWeights;
                }

                """);
            if (spec.Math.ExtraGates.Count > 0)
            {
                writer.WriteLines("""
                    /// <summary>The [LstmGate] gates' weights, in declaration order: W [gates × H, I], U [gates × H, RecurrentSize], b [gates × H].</summary>
                    internal static LstmExtraGates PackExtraGates(ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> bias)
                        => LstmExtraGates.FromPyTorch(ExtraGateCount, InputSize, HiddenSize, RecurrentSize, PaddedHiddenSize, weightIh, weightHh, bias);

                    """);
            }
        }
    }
}

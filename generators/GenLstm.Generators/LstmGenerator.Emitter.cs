using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>Writes the source of one model from its spec; a pure function of the spec.</summary>
    internal static partial class Emitter
    {
        private const string Intrinsics = "global::System.Runtime.Intrinsics";
        private const string Unsafe = "global::System.Runtime.CompilerServices.Unsafe";
        private const string MemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string LstmMath = "global::GenLstm.LstmMath";
        private const string AggressiveOptimization =
            "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

        /// <summary>
        /// For the private methods the public entry points call (StepCore, …): also never inlined. The JIT may inline a
        /// small public method such as Step into the user's loop, compiled before the model loads; its callees must then
        /// be real methods, which CompileKernel compiles at load, or the first call would compile them (measured: 0.3 ms).
        /// </summary>
        private const string CompiledAtLoad =
            "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization | global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]";

        private static readonly string GeneratorVersion = typeof(LstmGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
        private static readonly string GeneratedCode = $"[global::System.CodeDom.Compiler.GeneratedCode(\"GenLstm.Generators\", \"{GeneratorVersion}\")]";

        /// <summary>The gates in packed order, with what the comments call them and their activation.</summary>
        private static readonly (string Name, string Role, string Activation)[] Gates =
        [
            ("i", "input gate", "Sigmoid"),
            ("f", "forget gate", "Sigmoid"),
            ("g", "cell candidate", "Tanh"),
            ("o", "output gate", "Sigmoid"),
        ];

        /// <summary>What a single-layer kernel type is for, which decides the members it needs beyond the kernel.</summary>
        private enum KernelRole
        {
            /// <summary>The user's model itself: public factories that load files.</summary>
            Model,

            /// <summary>A layer of a forward stack, nested in the model: the model calls its StepCore and Forward.</summary>
            StackLayer,

            /// <summary>A layer of a reverse or bidirectional stack: also Sweep, which runs it step by step in either direction.</summary>
            SweptStackLayer,
        }

        public static string Emit(LstmSpec spec)
        {
            var writer = new IndentedTextWriter();
            WritePreamble(writer, spec);
            using (OpenContainers(writer, spec, includeModel: false))
            {
                if (spec.IsSingleLayer)
                {
                    WriteKernelType(writer, spec, KernelRole.Model);
                }
                else
                {
                    WriteStack(writer, spec);
                }
            }
            return writer.ToString();
        }

        /// <summary>Opens the model's namespace and the types it is nested in (and the model type itself when asked); disposing closes them.</summary>
        private static IDisposable OpenContainers(IndentedTextWriter writer, LstmSpec spec, bool includeModel)
        {
            var openBlocks = new Stack<IndentedTextWriter.Block>();
            if (spec.Namespace.Length > 0)
            {
                openBlocks.Push(writer.OpenBlock($"namespace {spec.Namespace}"));
            }
            for (int i = 0; i < spec.Types.Count - (includeModel ? 0 : 1); i++)
            {
                openBlocks.Push(writer.OpenBlock($"partial {spec.Types[i].Keyword} {spec.Types[i].Name}"));
            }
            return new Closer(openBlocks);
        }

        private sealed class Closer(Stack<IndentedTextWriter.Block> blocks) : IDisposable
        {
            public void Dispose()
            {
                while (blocks.Count > 0)
                {
                    blocks.Pop().Dispose();
                }
            }
        }

        /// <summary>
        /// A type holding one layer's kernel: the user's model when it is a single forward layer, else a private class
        /// nested in it, one per distinct layer input size.
        /// </summary>
        private static void WriteKernelType(IndentedTextWriter writer, LstmSpec spec, KernelRole role)
        {
            KernelPlan plan = KernelPlan.For(spec);
            WriteKernelDescription(writer, spec, plan);
            string declaration = role == KernelRole.Model
                ? $"partial {spec.Types[spec.Types.Count - 1].Keyword} {spec.TypeName}"
                : $"internal sealed class {spec.TypeName}";
            writer.WriteLine(role == KernelRole.Model
                ? $"/// <summary>A one-layer LSTM, I = {spec.InputSize} → H = {spec.HiddenSize}, with PyTorch's semantics; generated by GenLstm.</summary>"
                : $"/// <summary>One layer of the stack, I = {spec.InputSize} → H = {spec.HiddenSize}: a single-layer kernel the model chains.</summary>");
            writer.WriteLine(GeneratedCode);
            // A layer-norm kernel normalizes over all units between accumulation and activation, and added gates are computed
            // for all units before the tiles, so such a step cannot be split between two cores: no LstmWorker entry points.
            bool layerNorm = spec.Math.LayerNorm;
            using (writer.OpenBlock(spec.Math.HasSplitSteps ? $"{declaration} : global::GenLstm.ILstmSplitKernel<{spec.TypeName}.State>" : declaration))
            {
                WriteConstants(writer, spec, plan);
                WriteConstruction(writer, spec, plan);
                WriteState(writer, layerNorm, spec.Math.ExtraGates.Count);
                WriteFactories(writer, spec, plan, includeLoad: role == KernelRole.Model);
                if (role == KernelRole.Model)
                {
                    WriteStreamStart(writer, spec);
                }
                WriteStepAndForward(writer);
                string coreAccess = role == KernelRole.Model ? "private" : "internal";
                if (spec.Math.HasSplitSteps)
                {
                    WriteWorkerEntryPoints(writer);
                }
                if (layerNorm)
                {
                    WriteLayerNormKernel(writer, plan, coreAccess);
                }
                else
                {
                    WriteKernel(writer, plan, coreAccess);
                }
                if (role == KernelRole.SweptStackLayer)
                {
                    WriteSweep(writer, projected: spec.ProjectionSize > 0);
                }
                if (spec.ProjectionSize > 0)
                {
                    WriteProject(writer);
                }
            }
        }

        /// <summary>The file's first lines: what generated it from which declaration.</summary>
        private static void WritePreamble(IndentedTextWriter writer, LstmSpec spec)
        {
            string attributeOptions = (spec.Layers == 1 ? "" : $", Layers = {spec.Layers}")
                + (spec.Direction == LstmDirection.Forward ? "" : $", Direction = LstmDirection.{spec.Direction}")
                + (spec.ProjectionSize == 0 ? "" : $", ProjectionSize = {spec.ProjectionSize}")
                + (spec.Precision == Precision.Exact ? "" : $", Precision = Precision.{spec.Precision}")
                + (spec.WeightType == WeightType.Float32 ? "" : $", WeightType = WeightType.{spec.WeightType}");
            string also = (spec.Math.IsStandard ? "" : $"\n// Element-wise variant: {spec.Math.Describe()}.")
                + (spec.Head is { } head ? $"\n// Head: [LstmOutput({head.Size}, Activation.{head.Activation})]." : "");
            writer.WriteLines($$"""
                // <auto-generated/>
                // Generated by GenLstm.Generators {{GeneratorVersion}} from [Lstm(inputSize: {{spec.InputSize}}, hiddenSize: {{spec.HiddenSize}}{{attributeOptions}})] on {{spec.TypeName}}.{{also}}
                // Edit the attributes, not this file.

                #nullable enable

                """);
        }

        /// <summary>The comment above a kernel type: the equations, the packed weights and the code paths.</summary>
        private static void WriteKernelDescription(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan)
        {
            int inputRowsEnd = spec.InputSize;
            double kib = (double)plan.BlockCount * plan.BlockStride * sizeof(float) / 1024;
            string rowLayout = plan.WeightType == WeightType.BFloat16
                ? "a row holds 16 words, each two bfloat16 gates of one unit: i|f for the 8 units, then g|o."
                : "a row holds gates i, f, g, o for the block's 8 units, 8 floats each.";
            string wideStep = plan.Vector512Path is { } wide
                ? $"//              Vector512 (Step and Forward's recurrence; the others take the next path), {wide.Registers}: {wide.FullTiles} tile(s) of {wide.TileBlocks} block(s)"
                    + (wide.RemainderBlocks > 0 ? $" + 1 of {wide.RemainderBlocks}" : "") + ", two gates per register.\n"
                : "";
            string activations = plan.Precision == Precision.Fast
                ? "GenLstm.LstmMath's fast ones (Precision.Fast; max abs error vs float64: tanh 2e-4, sigmoid 1e-4)"
                : "GenLstm.LstmMath's (max abs error vs float64: tanh 3e-7, sigmoid 2e-7)";
            writer.WriteLines($$"""
                // {{spec.TypeName}}: a one-layer LSTM with the semantics of PyTorch's torch.nn.LSTM.
                //   sizes    I = {{spec.InputSize}} inputs, H = {{spec.HiddenSize}} hidden units, padded to {{plan.PaddedHiddenSize}} = {{plan.BlockCount}} block(s) of 8 units.
                //   gates    for each step t, with x = x_t, h = h_{t-1}, c = c_{t-1}:
                //              i   = sigmoid(W_i x + U_i h + b_i)     input gate
                //              f   = sigmoid(W_f x + U_f h + b_f)     forget gate
                //              g   = tanh(W_g x + U_g h + b_g)        cell candidate
                //              o   = sigmoid(W_o x + U_o h + b_o)     output gate
                //              c_t = f * c + i * g                    (element-wise)
                //              h_t = o * tanh(c_t)                    the output
                //            b = bias_ih + bias_hh: PyTorch's two biases, summed when the weights are packed.
                //   weights  packed once at load by {{WeightReader.PackedType(plan.WeightType).Substring("global::".Length)}}: {{plan.BlockCount}} block(s) of {{1 + spec.InputSize + spec.RecurrentSize}} rows x {{plan.PackedRowLength}} {{WeightReader.ElementType(plan.WeightType)}}s
                //            ({{Format(kib, "0.0")}} KiB, 64-byte aligned). In each block, row 0 is the bias, rows 1..{{inputRowsEnd}} the columns of W
                //            (one per input feature), rows {{inputRowsEnd + 1}}..{{spec.InputSize + spec.RecurrentSize}} the columns of U (one per {{(spec.ProjectionSize > 0 ? "value of the projected h" : "hidden unit")}});
                //            {{rowLayout}}
                //   kernel   for each block, z = b + sum_k W[:,k] x_k + sum_k U[:,k] h_k accumulates in registers (one broadcast and
                //            one multiply-add per accumulator and column, weights read sequentially); then the activations and the
                //            cell update run in registers and h_t, c_t are stored. Forward hoists the input product: b + W x_t for a
                //            chunk of up to {{plan.ChunkSteps}} steps first (each weight row loaded once for several steps), then per step only U h.
                //            The path is chosen by checks the JIT folds to constants, so the other paths vanish:
                {{wideStep}}{{string.Join("\n", plan.Paths.Select(path => $"//              {path.TypeName}, {path.Registers}: {DescribeTiles(plan, path)}."))}}
                //              scalar: one unit at a time (no SIMD hardware).
                //            The activations are {{activations}}.{{(spec.Math.IsStandard ? "" : $"\n//   variant  {spec.Math.Describe()}: see the statements after each tile's accumulation.")}}
                """);
        }

        /// <summary>The public sizes every model type has, a one-layer kernel's and a stack's alike; the docs say what each is here.</summary>
        /// <param name="outputSize">A kernel's output is its h_t (H values, before any projection); a stack's is <see cref="LstmSpec.OutputSize"/>.</param>
        private static void WritePublicSizes(IndentedTextWriter writer, LstmSpec spec, int outputSize, string hiddenDoc, string outputDoc, string layersDoc, string directionsDoc)
        {
            writer.WriteLines($"""
                /// <summary>Number of input features I: the length of one input vector x_t.</summary>
                public const int InputSize = {spec.InputSize};

                /// <summary>Number of hidden units H{hiddenDoc}.</summary>
                public const int HiddenSize = {spec.HiddenSize};

                /// <summary>Length of one output vector: {outputDoc}.</summary>
                public const int OutputSize = {outputSize};

                /// <summary>Number of stacked layers{layersDoc}.</summary>
                public const int Layers = {spec.Layers};

                /// <summary>Directions per layer: {directionsDoc}.</summary>
                public const int Directions = {spec.Directions};

                """);
        }

        private static void WriteConstants(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan)
        {
            WritePublicSizes(writer, spec, spec.HiddenSize, hiddenDoc: ": the length of h_t and c_t", outputDoc: "the output is h_t, so <see cref=\"HiddenSize\"/>",
                layersDoc: ": 1", directionsDoc: "1 (forward)");
            writer.WriteLines($"""
                /// <summary>Hidden units per block of the packed weights: one Vector256 of float.</summary>
                private const int BlockSize = {KernelPlan.BlockSize};

                /// <summary>Preactivations per block and step: gates i, f, g, o for 8 units (a row of Forward's projected input product).</summary>
                private const int RowLength = {KernelPlan.RowLength};

                /// <summary>Elements per row of a packed block: {(plan.WeightType == WeightType.BFloat16 ? "16 words of two bfloat16 gates" : "32 floats, gates i, f, g, o for 8 units")}.</summary>
                private const int PackedRowLength = {plan.PackedRowLength};

                /// <summary>H rounded up to whole blocks; the state keeps this many values, the padding stays zero.</summary>
                private const int PaddedHiddenSize = {plan.PaddedHiddenSize};

                /// <summary>Number of 8-unit blocks.</summary>
                private const int BlockCount = {plan.BlockCount};

                /// <summary>Columns of U: the length of the recurrent input, the previous step's h{(spec.ProjectionSize > 0 ? " projected to P values" : ": H")}.</summary>
                private const int RecurrentSize = {spec.RecurrentSize};

                /// <summary>Elements per packed block: the bias row, I rows of W and RecurrentSize rows of U{(spec.Math.Peepholes ? ", then the peephole row" : "")}.</summary>
                private const int BlockStride = {plan.BlockStride};

                """);
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
            writer.WriteLines($"""
                /// <summary>The first block of the second half of a step split by a GenLstm.LstmWorker.</summary>
                private const int SplitBlock = {(plan.BlockCount + 1) / 2};

                /// <summary>Steps whose input product Forward computes ahead, in {Format(plan.ChunkSteps * plan.BlockCount * KernelPlan.RowLength * 4 / 1024.0, "0.#")} KiB of stack at most.</summary>
                private const int ChunkSteps = {plan.ChunkSteps};

                """);
        }

        private static void WriteConstruction(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan)
        {
            bool extra = spec.Math.ExtraGates.Count > 0;
            string extraField = extra ? "\n/// <summary>The weights of the gates [LstmGate] adds. Never written after construction.</summary>\nprivate readonly global::GenLstm.LstmExtraGates _extraGates;\n" : "";
            string extraParameter = extra ? ", global::GenLstm.LstmExtraGates extraGates" : "";
            string extraAssignment = extra ? "\n    _extraGates = extraGates;" : "";
            // Both halves of a step as a GenLstm.LstmWorker runs them (layer-norm kernels have no split steps).
            string splitHalves = !spec.Math.HasSplitSteps ? "" : string.Join("\n    ",
                "// Both halves of a step as a GenLstm.LstmWorker runs them (here on this thread, unflipped: scratch data).",
                "var split = (global::GenLstm.ILstmSplitKernel<State>)this;",
                "split.RunPart(ref inputs[0], ref states[1], 0);",
                "split.RunPart(ref inputs[0], ref states[1], 1);",
                "");
            string packedType = WeightReader.PackedType(plan.WeightType);
            writer.WriteLines($$"""
                /// <summary>The packed weights. Never written after construction: one model serves any number of threads.</summary>
                private readonly {{packedType}} _packedWeights;
                {{extraField}}
                private {{spec.TypeName}}({{packedType}} packedWeights{{extraParameter}})
                {
                    if (packedWeights.InputSize != InputSize || packedWeights.HiddenSize != HiddenSize
                        || packedWeights.BlockStride != BlockStride || packedWeights.Length != BlockCount * BlockStride)
                    {
                        throw new global::System.InvalidOperationException(
                            "The packed weights do not have the layout this generated code reads: the GenLstm runtime library and generator come from different versions. Reference a single GenLstm package.");
                    }
                    _packedWeights = packedWeights;{{extraAssignment}}
                    CompileKernel();
                }

                /// <summary>
                /// Runs every public entry point once on scratch data (Forward over 4 steps, StepBatch over 4 streams, which
                /// reaches each path's stream groups and leftovers, both halves of a split step, and Step 8 times), so that the JIT compiles all of it now, fully optimized,
                /// while the model loads, and the first call of a real-time loop runs at full speed.
                /// </summary>
                private void CompileKernel()
                {
                    const int count = 4;
                    var states = new State[count];
                    float[] inputs = new float[count * InputSize];
                    float[] outputs = new float[count * OutputSize];
                    Forward(inputs, outputs, ref states[0]);
                    StepBatch(inputs, states, outputs);
                    {{splitHalves}}// Step last, after every compilation, and several times: compiling evicts the caches, and branch prediction learns
                    // the step's loops over a few calls, so the model is returned with Step's code, weights and page translations cached and
                    // its branches learned. Measured first Step after load at 1x40 (benchmarks' firstcall): about 3 us with Step run first,
                    // 0.9-1.0 us with one Step last, 0.7-0.8 us with 8.
                    for (int step = 0; step < 8; step++)
                    {
                        Step(global::System.MemoryExtensions.AsSpan(inputs, 0, InputSize), ref states[0], global::System.MemoryExtensions.AsSpan(outputs, 0, OutputSize));
                    }
                }

                """);
        }

        /// <param name="writer">Where the struct goes.</param>
        /// <param name="layerNorm">Whether the kernel normalizes its gates: then the state also holds a step's z of every gate.</param>
        /// <param name="extraGates">The number of gates [LstmGate] adds: their z lives in the cell buffer, after c.</param>
        private static void WriteState(IndentedTextWriter writer, bool layerNorm, int extraGates)
        {
            // c, then (with [LstmGate]) each added gate's z for the current step.
            string cellLength = extraGates == 0 ? "PaddedHiddenSize" : $"{1 + extraGates} * PaddedHiddenSize";
            string gates = layerNorm
                ? "\n    // A step's z of every gate and unit, between accumulation and layer normalization (scratch, not state).\n    internal GateValues _gates;"
                : "";
            string gatesType = layerNorm
                ? "\n\n    [global::System.Runtime.CompilerServices.InlineArray(BlockCount * RowLength)]\n    internal struct GateValues\n    {\n        private float _element0;\n    }"
                : "";
            writer.WriteLines($$"""
                /// <summary>
                /// The recurrent state of one stream: h and c. <c>default</c> is the zero state PyTorch starts from.
                /// Independent streams (channels, voices, threads) each keep their own <see cref="State"/> and share one model.
                /// </summary>
                {{GeneratedCode}}
                public struct State
                {
                    // h_{t-1} is one half of _hidden, chosen by _current: a step writes h_t into the other half and flips
                    // _current, so the kernel never overwrites a value it still has to read. The halves and _cell are
                    // padded to whole blocks; the padding stays zero.
                    internal HiddenHalves _hidden;
                    internal CellValues _cell;
                    internal int _current;{{gates}}

                    /// <summary>Sets h and c to zero.</summary>
                    public void Reset() => this = default;

                    /// <summary>h (length <see cref="HiddenSize"/>): read it, or write it to set an initial state such as PyTorch's h0.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Hidden() => {{MemoryMarshal}}.CreateSpan(ref HiddenStart(_current), HiddenSize);

                    /// <summary>c (length <see cref="HiddenSize"/>): read it, or write it to set an initial state such as PyTorch's c0.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Cell() => {{MemoryMarshal}}.CreateSpan(ref _cell[0], HiddenSize);

                    /// <summary>h of a layer and direction, as stacked models have it: here only layer 0, direction 0, which is <see cref="Hidden()"/>.</summary>
                    /// <param name="layer">The layer: 0.</param>
                    /// <param name="direction">The direction: 0.</param>
                    /// <exception cref="global::System.ArgumentOutOfRangeException">The layer or direction is not 0.</exception>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Hidden(int layer, int direction = 0)
                    {
                        global::GenLstm.LstmArguments.LayerIndex(layer, direction, 1, 1);
                        return Hidden();
                    }

                    /// <summary>c of a layer and direction, as stacked models have it: here only layer 0, direction 0, which is <see cref="Cell()"/>.</summary>
                    /// <param name="layer">The layer: 0.</param>
                    /// <param name="direction">The direction: 0.</param>
                    /// <exception cref="global::System.ArgumentOutOfRangeException">The layer or direction is not 0.</exception>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Cell(int layer, int direction = 0)
                    {
                        global::GenLstm.LstmArguments.LayerIndex(layer, direction, 1, 1);
                        return Cell();
                    }

                    // The mask keeps any value of half in range (0 or 1), so no bounds check is needed in the kernels.
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    internal ref float HiddenStart(int half) => ref {{Unsafe}}.Add(ref _hidden[0], (half & 1) * PaddedHiddenSize);

                    [global::System.Runtime.CompilerServices.InlineArray(2 * PaddedHiddenSize)]
                    internal struct HiddenHalves
                    {
                        private float _element0;
                    }

                    [global::System.Runtime.CompilerServices.InlineArray({{cellLength}})]
                    internal struct CellValues
                    {
                        private float _element0;
                    }{{gatesType}}
                }

                """);
        }

        private static void WriteFactories(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan, bool includeLoad)
        {
            string type = spec.TypeName;
            bool peepholes = spec.Math.Peepholes;
            bool layerNorm = spec.Math.LayerNorm;
            bool extra = spec.Math.ExtraGates.Count > 0;
            string extraNames = string.Join(", ", spec.Math.ExtraGates.Select(g => g.Name));
            string readExtra = extra ? $", extraGates: [{string.Join(", ", spec.Math.ExtraGates.Select(g => $"\"{g.Name}\""))}]" : "";
            string rounding = plan.WeightType == WeightType.BFloat16
                ? " The model stores them rounded to bfloat16 (WeightType.BFloat16)."
                : "";
            writer.WriteLines($$"""
                /// <summary>
                /// Creates the model from weights in the layout of PyTorch's <c>torch.nn.LSTM({{spec.InputSize}}, {{spec.HiddenSize}})</c>:
                /// gate order i, f, g, o, row-major. The spans are copied; the model keeps no reference to them.{{rounding}}
                /// </summary>
                /// <param name="weightIh"><c>weight_ih_l0</c>, shape [4H, I] = [{{4 * spec.HiddenSize}}, {{spec.InputSize}}].</param>
                /// <param name="weightHh"><c>weight_hh_l0</c>, shape [4H, {{(spec.ProjectionSize > 0 ? "P" : "H")}}] = [{{4 * spec.HiddenSize}}, {{spec.RecurrentSize}}].</param>
                /// <param name="biasIh"><c>bias_ih_l0</c>, shape [4H] = [{{4 * spec.HiddenSize}}].</param>
                /// <param name="biasHh"><c>bias_hh_l0</c>, shape [4H] = [{{4 * spec.HiddenSize}}].</param>{{(extra ? $"\n/// <param name=\"extraWeightIh\">Every [LstmGate]'s <c>weight_ih_name_l0</c> in declaration order ({extraNames}): [{spec.Math.ExtraGates.Count} × H, I].</param>\n/// <param name=\"extraWeightHh\">Their <c>weight_hh_name_l0</c>: [{spec.Math.ExtraGates.Count} × H, {spec.RecurrentSize}].</param>\n/// <param name=\"extraBias\">Their <c>bias_name_l0</c>: [{spec.Math.ExtraGates.Count} × H].</param>" : "")}}{{(peepholes ? $"\n/// <param name=\"peepholes\">p_i, p_f, p_o (<c>weight_ci_l0</c>, <c>weight_cf_l0</c>, <c>weight_co_l0</c>), shape [3, H] = [3, {spec.HiddenSize}].</param>" : "")}}{{(layerNorm ? $"\n/// <param name=\"layerNorm\">The layer-norm scales γ of gates i, f, g, o (<c>layer_norm_weight_l0</c>), shape [4H] = [{4 * spec.HiddenSize}]; the biases are added after the normalization.</param>" : "")}}
                /// <exception cref="global::System.ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
                public static {{type}} FromPyTorch({{ReadOnlySpan}} weightIh, {{ReadOnlySpan}} weightHh, {{ReadOnlySpan}} biasIh, {{ReadOnlySpan}} biasHh{{(peepholes ? $", {ReadOnlySpan} peepholes" : "")}}{{(layerNorm ? $", {ReadOnlySpan} layerNorm" : "")}}{{(extra ? $", {ReadOnlySpan} extraWeightIh, {ReadOnlySpan} extraWeightHh, {ReadOnlySpan} extraBias" : "")}})
                    => new {{type}}({{WeightReader.PackedType(plan.WeightType)}}.FromPyTorch(InputSize, HiddenSize, RecurrentSize, weightIh, weightHh, biasIh, biasHh{{(layerNorm ? (peepholes ? ", peepholes, layerNorm" : ", default, layerNorm") : peepholes ? ", peepholes" : "")}}){{(extra ? ",\n        global::GenLstm.LstmExtraGates.FromPyTorch(ExtraGateCount, InputSize, HiddenSize, RecurrentSize, PaddedHiddenSize, extraWeightIh, extraWeightHh, extraBias)" : "")}});

                """);
            if (!includeLoad)
            {
                return;
            }
            string readPyTorch = $"global::GenLstm.PyTorchLstmTensors.ReadLayers(file, InputSize, HiddenSize, Layers, global::GenLstm.LstmDirection.Forward{(peepholes ? ", peepholes: true" : "")}{(layerNorm ? ", layerNorm: true" : "")}{readExtra})[0]";
            WriteFileLoaders(writer, spec, "<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>", "",
                [$"var tensors = {readPyTorch};", .. FinishFromWeights(PyTorchCall(spec, "tensors"), initialState: "[tensors]")]);
            if (spec.Math.HasPlainWeights && spec.ProjectionSize == 0)
            {
                WriteKerasFactories(writer, spec);
            }
            if (spec.Math.HasOnnxForm)
            {
                writer.WriteLines($$"""
                /// <summary>
                /// Creates the model from the tensors of an ONNX <c>LSTM</c> node (gate order i, o, f, c): <c>W</c> [1, 4H, I],
                /// <c>R</c> [1, 4H, H], <c>B</c> [1, 8H] (empty for zero bias){{(peepholes ? ", <c>P</c> [1, 3H]" : "")}}. The node's attributes must match the
                /// declaration ({{(spec.Math.IsStandard ? "default activations, no clip, no input_forget" : spec.Math.Describe())}}); this method cannot check them.{{(spec.Math.CoupledInputForget ? " ONNX Runtime's input_forget computes f = 1 - i; the input gate's weights are negated into the forget gate so that this model's i = 1 - f gives the same numbers." : "")}}
                /// </summary>
                /// <param name="w">W, row-major.</param>
                /// <param name="r">R, row-major.</param>
                /// <param name="b">B, or empty.</param>{{(peepholes ? "\n/// <param name=\"p\">P: the peephole weights in ONNX's order i, o, f.</param>" : "")}}
                /// <exception cref="global::System.ArgumentException">A tensor has the wrong length or holds a NaN or infinity.</exception>
                public static {{type}} FromOnnx(float[] w, float[] r, float[]? b{{(peepholes ? ", float[] p" : " = null")}})
                {
                    var tensors = new global::GenLstm.OnnxLstmTensors(w, r, b{{(peepholes ? ", p" : "")}}).ToPyTorch(InputSize, HiddenSize, directions: 1{{(spec.Math.CoupledInputForget ? ", inputForget: true" : "")}})[0];
                    return {{PyTorchCall(spec, "tensors")}};
                }

                """);
            }
        }

        /// <summary>The call of the generated <c>FromPyTorch</c> with the tensors of one <c>PyTorchLstmTensors</c>, for the declaration's weights.</summary>
        private static string PyTorchCall(LstmSpec spec, string tensors, string method = "FromPyTorch")
            => $"{method}({tensors}.WeightIh, {tensors}.WeightHh, {tensors}.BiasIh, {tensors}.BiasHh"
                + (spec.Math.Peepholes ? $", {tensors}.RequirePeepholes()" : "") + (spec.Math.LayerNorm ? $", {tensors}.RequireLayerNorm()" : "")
                + (spec.Math.ExtraGates.Count > 0 ? $", {tensors}.RequireExtraGates().WeightIh, {tensors}.RequireExtraGates().WeightHh, {tensors}.RequireExtraGates().Bias" : "") + ")";

        /// <summary>
        /// Writes what reads a model from a file, for single layers and stacks alike: the <c>Declaration</c> a file is checked
        /// against, <c>Load</c> from a path or stream (any format <c>WeightFile</c> recognizes), <c>FromSafeTensors</c>, and
        /// <c>FromWeights</c>, whose body reads the canonical tensors.
        /// </summary>
        /// <param name="writer">Where the code goes.</param>
        /// <param name="spec">The model.</param>
        /// <param name="tensorNames">The canonical LSTM tensors, for the docs.</param>
        /// <param name="headNote">What the docs say about the head's tensors ("" without a head).</param>
        /// <param name="body">The statements of <c>FromWeights</c> after the declaration check; <c>file</c> is the weights.</param>
        private static void WriteFileLoaders(IndentedTextWriter writer, LstmSpec spec, string tensorNames, string headNote, params string[] body)
        {
            string type = spec.TypeName;
            string F(float value) => GateFunction.Format(value) + "f";
            writer.WriteLines($$"""
                /// <summary>What this declaration says, as loading checks a weight file's own statements against it (ONNX attributes, JSON sizes, Keras activations).</summary>
                public static global::GenLstm.LstmDeclaration Declaration { get; } = new(InputSize, HiddenSize)
                {
                    Layers = {{spec.Layers}},
                    Direction = global::GenLstm.LstmDirection.{{spec.Direction}},
                    GateActivation = global::GenLstm.Activation.{{spec.Math.Gate.Activation}},
                    CellActivation = global::GenLstm.Activation.{{spec.Math.Cell.Activation}},
                    HiddenActivation = global::GenLstm.Activation.{{spec.Math.Hidden.Activation}},
                    ActivationClip = {{F(spec.Math.ActivationClip)}},
                    CoupledInputForget = {{(spec.Math.CoupledInputForget ? "true" : "false")}},
                    Peepholes = {{(spec.Math.Peepholes ? "true" : "false")}},
                    ProjectionSize = {{spec.ProjectionSize}},
                    LayerNorm = {{(spec.Math.LayerNorm ? "true" : "false")}},
                    OutputSize = {{spec.Head?.Size ?? 0}},
                    OutputActivation = global::GenLstm.Activation.{{spec.Head?.Activation ?? Activation.None}},
                    InputSkip = {{spec.Head?.InputSkip ?? 0}},
                };

                /// <summary>
                /// Loads a weight file of any format <see cref="global::GenLstm.WeightFile"/> recognizes by content: safetensors or <c>.npz</c> with PyTorch's
                /// state-dict names ({{tensorNames}}, optionally under one module prefix such as <c>lstm.</c>), safetensors with Keras names, ONNX, RTNeural's
                /// JSON, a state dict as JSON (GuitarML's too), Neural Amp Modeler's <c>.nam</c> (LSTM, with its stored initial state: see <see cref="InitialState"/>), Keras HDF5 with the GenLstm.Keras package.{{headNote}} Every layer is loaded or the call fails.
                /// </summary>
                /// <param name="path">The file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">The file is malformed or does not fit this model; the message names the file and the tensor or attribute.</exception>
                public static {{type}} Load(string path) => FromWeights(global::GenLstm.WeightFile.Open(path));

                /// <summary>Loads a weight file from a stream (read to its end, not closed); see <see cref="Load(string)"/>.</summary>
                /// <param name="stream">The stream, positioned at the start of the file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">The content is malformed or does not fit this model.</exception>
                public static {{type}} Load(global::System.IO.Stream stream) => FromWeights(global::GenLstm.WeightFile.Read(stream));

                /// <summary>Creates the model from an opened safetensors file; see <see cref="Load(string)"/>.</summary>
                /// <param name="file">The file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">A tensor is missing, misshaped, not finite, or belongs to a layer or direction this model lacks.</exception>
                public static {{type}} FromSafeTensors(global::GenLstm.SafeTensorsFile file) => FromWeights(global::GenLstm.WeightFile.FromSafeTensors(file));

                /// <summary>
                /// Creates the model from weights in canonical names (see <see cref="Load(string)"/>), after checking what the file states
                /// (<see cref="global::GenLstm.WeightFile.Attributes"/>) against <see cref="Declaration"/>.
                /// </summary>
                /// <param name="file">The weights.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">
                /// An attribute of the file disagrees with the declaration, or a tensor is missing, misshaped, not finite, or belongs to a layer or direction this model lacks.
                /// </exception>
                public static {{type}} FromWeights(global::GenLstm.WeightFile file)
                {
                    global::System.ArgumentNullException.ThrowIfNull(file);
                    file.RequireDeclaration(Declaration);
                """);
            foreach (string line in body)
            {
                writer.WriteLine("    " + line);
            }
            writer.WriteLines("""
                }

                """);
        }

        /// <summary>Writes <c>FromKeras</c> and <c>FromGates</c>, for single-layer models whose weights are the four gates' alone.</summary>
        private static void WriteKerasFactories(IndentedTextWriter writer, LstmSpec spec)
        {
            string type = spec.TypeName;
            int i = spec.InputSize, h = spec.HiddenSize;
            string[] gates = ["i", "f", "o", "c"];
            string gateParameters = string.Join(", ", gates.SelectMany(g => new[] { "w" + g, "u" + g, "b" + g }).Select(p => $"{ReadOnlySpan} {p}"));
            string gateParameterDocs = string.Join("\n", gates.SelectMany(g => new[]
            {
                $"/// <param name=\"w{g}\">W_{g}, [{i}, {h}].</param>",
                $"/// <param name=\"u{g}\">U_{g}, [{h}, {h}].</param>",
                $"/// <param name=\"b{g}\">b_{g}, [{h}].</param>",
            }));
            writer.WriteLines($$"""
                /// <summary>
                /// Creates the model from a Keras <c>LSTM({{h}})</c> layer's <c>get_weights()</c>: <c>kernel</c> [I, 4H] = [{{i}}, {{4 * h}}],
                /// <c>recurrent_kernel</c> [H, 4H] = [{{h}}, {{4 * h}}], <c>bias</c> [4H] = [{{4 * h}}] (gate order i, f, c, o), row-major.
                /// </summary>
                /// <param name="kernel">W, [{{i}}, {{4 * h}}].</param>
                /// <param name="recurrentKernel">U, [{{h}}, {{4 * h}}].</param>
                /// <param name="bias">b, [{{4 * h}}]; empty for none.</param>
                /// <exception cref="global::System.ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
                public static {{type}} FromKeras({{ReadOnlySpan}} kernel, {{ReadOnlySpan}} recurrentKernel, {{ReadOnlySpan}} bias)
                {
                    var tensors = global::GenLstm.PyTorchLstmTensors.FromKeras(InputSize, HiddenSize, kernel, recurrentKernel, bias);
                    return {{PyTorchCall(spec, "tensors")}};
                }

                /// <summary>
                /// Creates the model from per-gate tensors, as the original TensorFlow LSTM tutorial holds them: for each gate x of
                /// i, f, o and c (the cell candidate), W_x [I, H] = [{{i}}, {{h}}], U_x [H, H] = [{{h}}, {{h}}] and b_x [H] = [{{h}}], with
                /// x = act(x_t W_x + h_{t-1} U_x + b_x). Row-major.
                /// </summary>
                {{gateParameterDocs}}
                /// <exception cref="global::System.ArgumentException">A span has the wrong length (the message names it) or holds a NaN or infinity.</exception>
                public static {{type}} FromGates({{gateParameters}})
                {
                    var tensors = global::GenLstm.PyTorchLstmTensors.FromGates(InputSize, HiddenSize, wi, ui, bi, wf, uf, bf, wo, uo, bo, wc, uc, bc);
                    return {{PyTorchCall(spec, "tensors")}};
                }

                """);
        }

        private static void WriteStepAndForward(IndentedTextWriter writer)
        {
            writer.WriteLines($$"""
                /// <summary>Runs one time step: updates <paramref name="state"/> from x_t and writes h_t to <paramref name="output"/>. Allocates nothing.</summary>
                /// <param name="input">x_t, length <see cref="InputSize"/>.</param>
                /// <param name="state">h_{t-1} and c_{t-1} on entry, h_t and c_t on return.</param>
                /// <param name="output">Receives h_t, length <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span has the wrong length.</exception>
                {{AggressiveOptimization}}
                public void Step({{ReadOnlySpan}} input, ref State state, {{Span}} output)
                {
                    global::GenLstm.LstmArguments.RequireLength(input.Length, InputSize, nameof(input));
                    global::GenLstm.LstmArguments.RequireLength(output.Length, OutputSize, nameof(output));
                    StepCore(ref {{MemoryMarshal}}.GetReference(input), ref state);
                    state.Hidden().CopyTo(output);
                }

                /// <summary>
                /// Runs one time step for each of N = <c>states.Length</c> independent streams (channels, voices, agents) in one call:
                /// groups of streams share every weight load, so a step costs less per stream than <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>. Gives
                /// exactly the numbers of N calls to <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>. Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_t of every stream, stream after stream: length N × <see cref="InputSize"/>.</param>
                /// <param name="states">The streams' states: h_{t-1} and c_{t-1} on entry, h_t and c_t on return.</param>
                /// <param name="outputs">Receives h_t of every stream, stream after stream: length N × <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span's length does not fit N = <c>states.Length</c>.</exception>
                {{AggressiveOptimization}}
                public void StepBatch({{ReadOnlySpan}} inputs, global::System.Span<State> states, {{Span}} outputs)
                {
                    global::GenLstm.LstmArguments.RequireLength(inputs.Length, states.Length * InputSize, nameof(inputs));
                    global::GenLstm.LstmArguments.RequireLength(outputs.Length, states.Length * OutputSize, nameof(outputs));
                    StepBatchCore(ref {{MemoryMarshal}}.GetReference(inputs), ref {{MemoryMarshal}}.GetReference(states), states.Length,
                        ref {{MemoryMarshal}}.GetReference(outputs));
                }

                /// <summary>
                /// Runs a sequence of T steps, continuing from <paramref name="state"/> and leaving the final state in it.
                /// Gives exactly the numbers of T calls to <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>. Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_0 … x_{T-1}, row-major: length T × <see cref="InputSize"/>.</param>
                /// <param name="outputs">Receives h_0 … h_{T-1}, row-major: length T × <see cref="OutputSize"/>.</param>
                /// <param name="state">The state before the first step on entry, after the last on return.</param>
                /// <exception cref="global::System.ArgumentException">The lengths are not T × InputSize and T × OutputSize for one T.</exception>
                {{AggressiveOptimization}}
                public void Forward({{ReadOnlySpan}} inputs, {{Span}} outputs, ref State state)
                {
                    int steps = global::GenLstm.LstmArguments.RequireSequence(inputs.Length, InputSize, outputs.Length, OutputSize, nameof(inputs), nameof(outputs));
                    if (steps == 0)
                    {
                        return;
                    }
                    // Scratch for the input product of one chunk of steps: bounded, on the stack, nothing allocated.
                    {{Span}} projected = stackalloc float[global::System.Math.Min(steps, ChunkSteps) * BlockCount * RowLength];
                    ForwardCore(ref {{MemoryMarshal}}.GetReference(inputs), steps, ref {{MemoryMarshal}}.GetReference(outputs), ref state,
                        ref {{MemoryMarshal}}.GetReference(projected));
                }

                """);
        }

        private static string Format(double value, string format) => value.ToString(format, CultureInfo.InvariantCulture);

        /// <summary>Indents raw lines written between a hand-written opening and closing (for text blocks that open a brace).</summary>
        private readonly struct IndentScope : IDisposable
        {
            private readonly IndentedTextWriter _writer;
            private readonly int _levels;

            public IndentScope(IndentedTextWriter writer, int levels = 1)
            {
                _writer = writer;
                _levels = levels;
                writer.Indent(levels);
            }

            public void Dispose() => _writer.Indent(-_levels);
        }
    }
}

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
        // Names in the kernel classes, which sit under using directives (see WriteKernelClasses).
        private const string Unsafe = "Unsafe";
        private const string MemoryMarshal = "MemoryMarshal";
        private const string LstmMath = "LstmMath";
        private const string AggressiveOptimization = "[MethodImpl(MethodImplOptions.AggressiveOptimization)]";

        /// <summary>
        /// For the methods the public entry points call (StepCore, …): also never inlined. The JIT may inline a small public
        /// method such as Step into the user's loop, compiled before the model loads; its callees must then be real methods,
        /// which CompileKernel compiles at load, or the first call would compile them (measured: 0.3 ms).
        /// </summary>
        private const string CompiledAtLoad = "[MethodImpl(MethodImplOptions.AggressiveOptimization | MethodImplOptions.NoInlining)]";

        // Names in the user's type, where a member or type of the user's could shadow anything but a global:: name.
        private const string Span = "global::System.Span<float>";
        private const string ReadOnlySpan = "global::System.ReadOnlySpan<float>";
        private const string GlobalUnsafe = "global::System.Runtime.CompilerServices.Unsafe";
        private const string GlobalMemoryMarshal = "global::System.Runtime.InteropServices.MemoryMarshal";
        private const string Arguments = "global::GenLstm.CompilerServices.LstmArguments";
        private const string ExtraGatesType = "global::GenLstm.CompilerServices.LstmExtraGates";
        private const string PublicEntryPoint =
            "[global::System.Runtime.CompilerServices.MethodImpl(global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization)]";

        /// <summary><see cref="CompiledAtLoad"/> in the user's type: a stack's private chaining methods.</summary>
        private const string GlobalCompiledAtLoad = """
            [global::System.Runtime.CompilerServices.MethodImpl(
                global::System.Runtime.CompilerServices.MethodImplOptions.AggressiveOptimization
                | global::System.Runtime.CompilerServices.MethodImplOptions.NoInlining)]
            """;

        private static readonly string GeneratorVersion = typeof(LstmGenerator).Assembly.GetName().Version?.ToString() ?? "0.0.0.0";
        private static readonly string GeneratedCode = $"[global::System.CodeDom.Compiler.GeneratedCode(\"GenLstm.Generators\", \"{GeneratorVersion}\")]";

        public static string Emit(LstmSpec spec)
        {
            var writer = new IndentedTextWriter();
            WritePreamble(writer, spec);
            string modelType = "global::" + (spec.Namespace.Length > 0 ? spec.Namespace + "." : "") + string.Join(".", spec.Types.Select(t => t.Name));
            IReadOnlyList<KernelClass> kernels;
            using (OpenContainers(writer, spec, includeModel: false))
            {
                if (spec.IsSingleLayer)
                {
                    var kernel = new KernelClass(spec, KernelPlan.For(spec, KernelRole.Model), spec.TypeName + "Kernel");
                    WriteModelType(writer, kernel);
                    kernels = [kernel];
                }
                else
                {
                    kernels = WriteStack(writer, spec);
                }
            }
            WriteKernelClasses(writer, kernels, spec.IsSingleLayer ? modelType + ".State" : modelType + ".State.Layer", spec.SkipLocalsInit);
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

        /// <summary>The user's type of a one-layer model: its public API, which calls the kernel class with its weights.</summary>
        private static void WriteModelType(IndentedTextWriter writer, KernelClass kernel)
        {
            (LstmSpec spec, KernelPlan plan, string _) = kernel;
            writer.WriteLine($"/// <summary>A one-layer {spec.CellName}, I = {spec.InputSize} → H = {spec.HiddenSize}, {Semantics(spec)}; generated by GenLstm.</summary>");
            writer.WriteLine(GeneratedCode);
            string declaration = $"partial {spec.Types[spec.Types.Count - 1].Keyword} {spec.TypeName}";
            bool split = plan.Has(KernelMembers.Split);
            string[] interfaces = [.. (split ? [$"global::GenLstm.CompilerServices.ILstmSplitKernel<{spec.TypeName}.State>"] : new string[0]), .. RecurrentModelInterface(spec)];
            using (writer.OpenBlock(declaration + BaseList(interfaces)))
            {
                WritePublicSizes(writer, spec, spec.HiddenSize, hiddenDoc: spec.Math.IsGru ? ": the length of h_t" : ": the length of h_t and c_t", outputDoc: "the output is h_t, so <see cref=\"HiddenSize\"/>",
                    layersDoc: ": 1", directionsDoc: "1 (forward)");
                WriteConstruction(writer, kernel);
                WriteState(writer, plan, "State");
                WriteFactories(writer, kernel);
                WriteStreamStart(writer, spec);
                WriteRecurrentModelMembers(writer, spec);
                WriteStepAndForward(writer, kernel);
                if (split)
                {
                    WriteWorkerEntryPoints(writer, kernel);
                }
            }
        }

        /// <summary>" : A" for one interface; " : A,\n    B" for more (one per line, so that no line grows long); "" for none.</summary>
        private static string BaseList(IReadOnlyList<string> interfaces)
            => interfaces.Count == 0 ? "" : " : " + string.Join(",\n    ", interfaces);

        /// <summary>The file's first lines: what generated it from which declaration.</summary>
        private static void WritePreamble(IndentedTextWriter writer, LstmSpec spec)
        {
            string attributeOptions = (spec.Layers == 1 ? "" : $", Layers = {spec.Layers}")
                + (spec.Direction == LstmDirection.Forward ? "" : $", Direction = LstmDirection.{spec.Direction}")
                + (spec.ProjectionSize == 0 ? "" : $", ProjectionSize = {spec.ProjectionSize}")
                + (spec.Precision == Precision.Exact ? "" : $", Precision = Precision.{spec.Precision}")
                + (spec.WeightType == WeightType.Float32 ? "" : $", WeightType = WeightType.{spec.WeightType}");
            string also = (spec.Math.IsStandardForm ? "" : $"\n// Element-wise variant: {spec.Math.Describe()}.")
                + (spec.Head is { } head ? $"\n// Head: [OutputHead({head.Size}, Activation.{head.Activation})]." : "");
            writer.WriteLines($$"""
                // <auto-generated/>
                // Generated by GenLstm.Generators {{GeneratorVersion}} from [{{spec.Cell.AttributeName()}}(inputSize: {{spec.InputSize}}, hiddenSize: {{spec.HiddenSize}}{{attributeOptions}})] on {{spec.TypeName}}.{{also}}
                // Edit the attributes, not this file.

                #nullable enable

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

        /// <summary>The weights' fields, the constructor, and CompileKernel, which runs every entry point while the model loads.</summary>
        private static void WriteConstruction(IndentedTextWriter writer, KernelClass kernel)
        {
            (LstmSpec spec, KernelPlan plan, string _) = kernel;
            bool extra = spec.Math.ExtraGates.Count > 0;
            string extraField = extra
                ? "\n/// <summary>The weights of the gates [LstmGate] adds. Never written after construction.</summary>\n"
                    + "private readonly global::GenLstm.CompilerServices.LstmExtraGates _packedWeightsExtraGates;\n"
                : "";
            string extraParameter = extra ? ", global::GenLstm.CompilerServices.LstmExtraGates extraGates" : "";
            string extraAssignment = extra ? "\n    _packedWeightsExtraGates = extraGates;" : "";
            // Both halves of a step as a GenLstm.LstmWorker runs them (layer-norm kernels have no split steps).
            string splitHalves = !plan.Has(KernelMembers.Split) ? "" : string.Join("\n    ",
                "// Both halves of a step as a GenLstm.LstmWorker runs them (here on this thread, unflipped: scratch data).",
                "var split = (global::GenLstm.CompilerServices.ILstmSplitKernel<State>)this;",
                "split.RunPart(ref inputs[0], ref states[1], 0);",
                "split.RunPart(ref inputs[0], ref states[1], 1);",
                "");
            string packedType = WeightReader.PackedType(plan.WeightType);
            writer.WriteLines($$"""
                /// <summary>The packed weights, in the layout of the kernel class. Never written after construction: one model serves any number of threads.</summary>
                private readonly {{packedType}} _packedWeights;
                {{extraField}}
                private {{spec.TypeName}}({{packedType}} packedWeights{{extraParameter}})
                {
                    _packedWeights = packedWeights;{{extraAssignment}}
                    CompileKernel();
                }

                /// <summary>
                /// Runs every public entry point once on scratch data (Forward over 4 steps, StepBatch over 4 streams, which
                /// reaches each path's stream groups and leftovers, both halves of a split step, and Step 8 times), so that the
                /// JIT compiles all of it now, fully optimized, while the model loads, and the first call of a real-time loop
                /// runs at full speed.
                /// </summary>
                private void CompileKernel()
                {
                    const int count = 4;
                    var states = new State[count];
                    float[] inputs = new float[count * InputSize];
                    float[] outputs = new float[count * OutputSize];
                    Forward(inputs, ref states[0], outputs);
                    StepBatch(inputs, states, outputs);
                    {{splitHalves}}// Step last, after every compilation, and several times: compiling evicts the caches, and branch prediction
                    // learns the step's loops over a few calls, so the model is returned with Step's code, weights and page
                    // translations cached and its branches learned. Measured first Step after load at 1x40 (benchmarks'
                    // firstcall): about 3 us with Step run first, 0.9-1.0 us with one Step last, 0.7-0.8 us with 8.
                    for (int step = 0; step < 8; step++)
                    {
                        Step(global::System.MemoryExtensions.AsSpan(inputs, 0, InputSize), ref states[0],
                            global::System.MemoryExtensions.AsSpan(outputs, 0, OutputSize));
                    }
                }

                """);
        }

        /// <summary>A one-layer model state's Hidden(layer, direction) and Cell(layer, direction), as a stack's state has them (indented for the struct).</summary>
        private static readonly string LayerAccessors = $$"""
            /// <summary>h of a layer and direction, as stacked models have it: here only layer 0, direction 0, which is <see cref="Hidden()"/>.</summary>
                /// <param name="layer">The layer: 0.</param>
                /// <param name="direction">The direction: 0.</param>
                /// <exception cref="global::System.ArgumentOutOfRangeException">The layer or direction is not 0.</exception>
                [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                public {{Span}} Hidden(int layer, int direction = 0)
                {
                    {{Arguments}}.LayerIndex(layer, direction, 1, 1);
                    return Hidden();
                }

                /// <summary>c of a layer and direction, as stacked models have it: here only layer 0, direction 0, which is <see cref="Cell()"/>.</summary>
                /// <param name="layer">The layer: 0.</param>
                /// <param name="direction">The direction: 0.</param>
                /// <exception cref="global::System.ArgumentOutOfRangeException">The layer or direction is not 0.</exception>
                [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                public {{Span}} Cell(int layer, int direction = 0)
                {
                    {{Arguments}}.LayerIndex(layer, direction, 1, 1);
                    return Cell();
                }
            """ + "\n\n    ";

        /// <summary>
        /// The state struct a kernel steps: a one-layer model's public <c>State</c>, or <c>State.Layer</c>, one layer's part of
        /// a stack's state, which the stack reads through Hidden() and Cell() alone.
        /// </summary>
        /// <param name="writer">Where the struct goes.</param>
        /// <param name="plan">The kernel: with layer norm, the state also holds a step's z of every gate; with [LstmGate], each added gate's z.</param>
        /// <param name="name">State or Layer.</param>
        private static void WriteState(IndentedTextWriter writer, KernelPlan plan, string name)
        {
            bool model = name == "State";
            int extraGates = plan.Math.ExtraGates.Count;
            // c, then (with [LstmGate]) each added gate's z for the current step.
            string cellLength = extraGates == 0 ? "PaddedHiddenSize" : $"{1 + extraGates} * PaddedHiddenSize";
            string gates = plan.Math.LayerNorm
                ? "\n    // A step's z of every gate and unit, between accumulation and layer normalization (scratch, not state).\n    internal GateValues _gates;"
                : plan.Math.IsResetBeforeGru
                    ? "\n    // A step's r ⊙ h_{t-1}, z and n's input part of every unit, between the GRU's two passes (scratch, not state).\n    internal GateValues _gates;"
                    : "";
            string gatesType = plan.Math.HasTwoPasses
                ? $"\n\n    [global::System.Runtime.CompilerServices.InlineArray({(plan.Math.LayerNorm ? plan.BlockCount * KernelPlan.RowLength : 3 * plan.PaddedHiddenSize)})]\n    internal struct GateValues\n    {{\n        private float _element0;\n    }}"
                : "";
            string summary = model
                ? """
                    /// <summary>
                    /// The recurrent state of one stream: h and c. <c>default</c> is the zero state PyTorch starts from.
                    /// Independent streams (channels, voices, threads) each keep their own <see cref="State"/> and share one model.
                    /// </summary>
                    """
                : "/// <summary>h and c of one layer and direction of the stack.</summary>";
            // The zero state, and the layer accessors every model's state has; a stack's layer is read through Hidden() and Cell() alone.
            string reset = model ? "/// <summary>Sets h and c to zero.</summary>\n    public void Reset() => this = default;\n\n    " : "";
            string layerAccessors = model ? LayerAccessors : "";
            writer.WriteLines($$"""
                {{summary}}
                {{GeneratedCode}}
                {{(model ? "public" : "internal")}} struct {{name}}
                {
                    /// <summary>H rounded up to whole blocks of 8 units: the length of c and of each half of h.</summary>
                    private const int PaddedHiddenSize = {{plan.PaddedHiddenSize}};

                    // h_{t-1} is one half of _hidden, chosen by _current: a step writes h_t into the other half and flips
                    // _current, so the kernel never overwrites a value it still has to read. The halves and _cell are
                    // padded to whole blocks; the padding stays zero.
                    internal HiddenHalves _hidden;
                    internal CellValues _cell;
                    internal int _current;{{gates}}

                    {{reset}}/// <summary>h (length <see cref="HiddenSize"/>): read it, or write it to set an initial state such as PyTorch's h0.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Hidden()
                        => {{GlobalMemoryMarshal}}.CreateSpan(ref HiddenStart(_current), HiddenSize);

                    /// <summary>c (length <see cref="HiddenSize"/>): read it, or write it to set an initial state such as PyTorch's c0.</summary>
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    public {{Span}} Cell() => {{GlobalMemoryMarshal}}.CreateSpan(ref _cell[0], HiddenSize);

                    {{layerAccessors}}// The mask keeps any value of half in range (0 or 1), so no bounds check is needed in the kernels.
                    [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                    internal ref float HiddenStart(int half)
                        => ref {{GlobalUnsafe}}.Add(ref _hidden[0], (half & 1) * PaddedHiddenSize);

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

        private static void WriteFactories(IndentedTextWriter writer, KernelClass kernel)
        {
            (LstmSpec spec, KernelPlan plan, string _) = kernel;
            string kernelName = kernel.Reference;
            string type = spec.TypeName;
            bool peepholes = spec.Math.Peepholes;
            bool layerNorm = spec.Math.LayerNorm;
            bool extra = spec.Math.ExtraGates.Count > 0;
            string extraNames = string.Join(", ", spec.Math.ExtraGates.Select(g => g.Name));
            string[] parameters = [.. new[] { "weightIh", "weightHh", "biasIh", "biasHh" }
                .Concat(peepholes ? ["peepholes"] : []).Concat(layerNorm ? ["layerNorm"] : [])
                .Concat(extra ? ["extraWeightIh", "extraWeightHh", "extraBias"] : []).Select(p => $"{ReadOnlySpan} {p}")];
            string rounding = plan.WeightType == WeightType.BFloat16
                ? "\n/// The model stores them rounded to bfloat16 (WeightType.BFloat16)."
                : "";
            writer.WriteLines($$"""
                /// <summary>
                /// Creates the model from weights in the layout of PyTorch's <c>{{spec.TorchModule}}({{spec.InputSize}}, {{spec.HiddenSize}})</c>:
                /// gate order {{spec.TorchGateOrder}}, row-major. The spans are copied; the model keeps no reference to them.{{rounding}}
                /// </summary>
                /// <param name="weightIh"><c>weight_ih_l0</c>, shape [{{spec.GateRowsSymbol}}, I] = [{{spec.GateRows}}, {{spec.InputSize}}].</param>
                /// <param name="weightHh"><c>weight_hh_l0</c>, shape [{{spec.GateRowsSymbol}}, {{(spec.ProjectionSize > 0 ? "P" : "H")}}] = [{{spec.GateRows}}, {{spec.RecurrentSize}}].</param>
                /// <param name="biasIh"><c>bias_ih_l0</c>, shape [{{spec.GateRowsSymbol}}] = [{{spec.GateRows}}].</param>
                /// <param name="biasHh"><c>bias_hh_l0</c>, shape [{{spec.GateRowsSymbol}}] = [{{spec.GateRows}}].</param>{{(extra ? $"\n/// <param name=\"extraWeightIh\">Every [LstmGate]'s <c>weight_ih_name_l0</c> in declaration order ({extraNames}): [{spec.Math.ExtraGates.Count} × H, I].</param>\n/// <param name=\"extraWeightHh\">Their <c>weight_hh_name_l0</c>: [{spec.Math.ExtraGates.Count} × H, {spec.RecurrentSize}].</param>\n/// <param name=\"extraBias\">Their <c>bias_name_l0</c>: [{spec.Math.ExtraGates.Count} × H].</param>" : "")}}{{(peepholes ? $"\n/// <param name=\"peepholes\">p_i, p_f, p_o (<c>weight_ci_l0</c>, <c>weight_cf_l0</c>, <c>weight_co_l0</c>), shape [3, H] = [3, {spec.HiddenSize}].</param>" : "")}}{{(layerNorm ? $"\n/// <param name=\"layerNorm\">The layer-norm scales γ of gates i, f, g, o (<c>layer_norm_weight_l0</c>), shape [4H] = [{4 * spec.HiddenSize}]; the biases are added after the normalization.</param>" : "")}}
                /// <exception cref="global::System.ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
                public static {{type}} FromPyTorch(
                    {{string.Join(",\n    ", parameters)}})
                    => new {{type}}({{kernelName}}.Pack(weightIh, weightHh, biasIh, biasHh{{(peepholes ? ", peepholes" : "")}}{{(layerNorm ? ", layerNorm" : "")}}){{(extra ? $",\n        {kernelName}.PackExtraGates(extraWeightIh, extraWeightHh, extraBias)" : "")}});

                """);
            string readPyTorch = "global::GenLstm.PyTorchLstmTensors.ReadLayers(file, Declaration)[0]";
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
                public static {{type}} FromOnnx(
                    {{ReadOnlySpan}} w, {{ReadOnlySpan}} r, {{ReadOnlySpan}} b{{(peepholes ? $", {ReadOnlySpan} p" : " = default")}})
                {
                    var tensors = new global::GenLstm.OnnxLstmTensors(w.ToArray(), r.ToArray(), b.ToArray(){{(peepholes ? ", p.ToArray()" : "")}}).ToPyTorch(InputSize, HiddenSize, directions: 1{{(spec.Math.CoupledInputForget ? ", inputForget: true" : "")}})[0];
                    return {{PyTorchCall(spec, "tensors")}};
                }

                """);
            }
        }

        /// <summary>The call of the generated <c>FromPyTorch</c> with the tensors of one <c>PyTorchLstmTensors</c>, for the declaration's weights.</summary>
        private static string PyTorchCall(LstmSpec spec, string tensors, string method = "FromPyTorch", bool extraGates = true)
            => $"{method}({tensors}.WeightIh, {tensors}.WeightHh, {tensors}.BiasIh, {tensors}.BiasHh"
                + (spec.Math.Peepholes ? $", {tensors}.RequirePeepholes()" : "") + (spec.Math.LayerNorm ? $", {tensors}.RequireLayerNorm()" : "")
                + (extraGates && spec.Math.ExtraGates.Count > 0 ? $", {tensors}.RequireExtraGates().WeightIh, {tensors}.RequireExtraGates().WeightHh, {tensors}.RequireExtraGates().Bias" : "") + ")";

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
                /// <summary>
                /// What this declaration says, as loading checks a weight file's own statements against it (ONNX attributes, JSON
                /// sizes, Keras activations).
                /// </summary>
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
                    InputSkip = {{spec.Head?.InputSkip ?? 0}},{{(spec.Math.IsGru ? $"\n    Cell = global::GenLstm.RecurrentCell.Gru,\n    ResetAfter = {(spec.Math.ResetAfter ? "true" : "false")}," : "")}}{{(spec.Math.ExtraGates.Count > 0 ? $"\n    ExtraGates = [{string.Join(", ", spec.Math.ExtraGates.Select(g => $"\"{g.Name}\""))}]," : "")}}
                };

                /// <summary>
                /// Loads a weight file of any format <see cref="global::GenLstm.WeightFile"/> recognizes by content: safetensors or
                /// <c>.npz</c> with PyTorch's state-dict names ({{tensorNames}}, optionally under one
                /// module prefix such as <c>lstm.</c>), safetensors with Keras names, ONNX, RTNeural's JSON, a state dict as JSON
                /// (GuitarML's too), Neural Amp Modeler's <c>.nam</c> (LSTM, with its stored initial state: see <see cref="InitialState"/>),
                /// Keras HDF5 with the GenLstm.Keras package.{{headNote}} Every layer is loaded or the call fails.
                /// </summary>
                /// <param name="path">The file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">
                /// The file is malformed or does not fit this model; the message names the file and the tensor or attribute.
                /// </exception>
                /// <remarks>
                /// The file is read within <see cref="global::GenLstm.WeightFileOptions.Default"/>'s limits, and a compressed archive may
                /// expand only to what this model's tensors occupy: a hostile file is refused, it does not exhaust memory.
                /// </remarks>
                public static {{type}} Load(string path) => Load(path, global::GenLstm.WeightFileOptions.Default);

                /// <summary>Loads a weight file within a host's limits (e.g. a lower <c>MaxBytes</c> for files users bring); see <see cref="Load(string)"/>.</summary>
                /// <param name="path">The file.</param>
                /// <param name="options">The limits; the model's own <see cref="Declaration"/> replaces <c>options.Declaration</c>.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">The file is malformed, over the limits, or does not fit this model.</exception>
                public static {{type}} Load(string path, global::GenLstm.WeightFileOptions options)
                    => FromWeights(global::GenLstm.WeightFile.Open(path, ReadLimits(options)));

                /// <summary>Loads a weight file from a stream (read to its end, not closed); see <see cref="Load(string)"/>.</summary>
                /// <param name="stream">The stream, positioned at the start of the file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">The content is malformed or does not fit this model.</exception>
                public static {{type}} Load(global::System.IO.Stream stream) => Load(stream, global::GenLstm.WeightFileOptions.Default);

                /// <summary>Loads a weight file from a stream within a host's limits; see <see cref="Load(string, global::GenLstm.WeightFileOptions)"/>.</summary>
                /// <param name="stream">The stream, positioned at the start of the file (read to its end, not closed).</param>
                /// <param name="options">The limits; the model's own <see cref="Declaration"/> replaces <c>options.Declaration</c>.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">The content is malformed, over the limits, or does not fit this model.</exception>
                public static {{type}} Load(global::System.IO.Stream stream, global::GenLstm.WeightFileOptions options)
                    => FromWeights(global::GenLstm.WeightFile.Read(stream, "<stream>", ReadLimits(options)));

                /// <summary>The limits <c>Load</c> reads a file within: the host's, with this model's declaration to bound expansion.</summary>
                private static global::GenLstm.WeightFileOptions ReadLimits(global::GenLstm.WeightFileOptions options)
                    => (options ?? throw new global::System.ArgumentNullException(nameof(options))) with { Declaration = Declaration };

                /// <summary>Creates the model from an opened safetensors file; see <see cref="Load(string)"/>.</summary>
                /// <param name="file">The file.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">
                /// A tensor is missing, misshaped, not finite, or belongs to a layer or direction this model lacks.
                /// </exception>
                public static {{type}} FromSafeTensors(global::GenLstm.SafeTensorsFile file) => FromWeights(global::GenLstm.WeightFile.FromSafeTensors(file));

                /// <summary>
                /// Creates the model from weights in canonical names (see <see cref="Load(string)"/>), after checking what the file states
                /// (<see cref="global::GenLstm.WeightFile.Statements"/>) against <see cref="Declaration"/>.
                /// </summary>
                /// <param name="file">The weights.</param>
                /// <exception cref="global::GenLstm.WeightFormatException">
                /// An attribute of the file disagrees with the declaration, or a tensor is missing, misshaped, not finite, or belongs
                /// to a layer or direction this model lacks.
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
            // One gate's W, U and b per line.
            string gateParameters = string.Join(",\n    ", gates.Select(g => string.Join(", ", new[] { "w", "u", "b" }.Select(p => $"{ReadOnlySpan} {p}{g}"))));
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
                public static {{type}} FromKeras(
                    {{ReadOnlySpan}} kernel, {{ReadOnlySpan}} recurrentKernel, {{ReadOnlySpan}} bias)
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
                public static {{type}} FromGates(
                    {{gateParameters}})
                {
                    var tensors = global::GenLstm.PyTorchLstmTensors.FromGates(InputSize, HiddenSize, wi, ui, bi, wf, uf, bf, wo, uo, bo, wc, uc, bc);
                    return {{PyTorchCall(spec, "tensors")}};
                }

                """);
        }

        /// <summary>The public entry points of a one-layer model: they check their arguments and call the kernel class.</summary>
        private static void WriteStepAndForward(IndentedTextWriter writer, KernelClass kernel)
        {
            string weights = WeightFields(kernel.Plan, "_packedWeights");
            writer.WriteLines($$"""
                /// <summary>Runs one time step: updates <paramref name="state"/> from x_t and writes h_t to <paramref name="output"/>. Allocates nothing.</summary>
                /// <param name="input">x_t, length <see cref="InputSize"/>.</param>
                /// <param name="state">{{kernel.Spec.PreviousStateText}} on entry, {{kernel.Spec.NextStateText}} on return.</param>
                /// <param name="output">Receives h_t, length <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span has the wrong length.</exception>
                {{PublicEntryPoint}}
                public void Step({{ReadOnlySpan}} input, ref State state, {{Span}} output)
                {
                    {{Arguments}}.RequireLength(input.Length, InputSize, nameof(input));
                    {{Arguments}}.RequireLength(output.Length, OutputSize, nameof(output));
                    {{kernel.Reference}}.StepCore({{weights}},
                        ref {{GlobalMemoryMarshal}}.GetReference(input), ref state);
                    state.Hidden().CopyTo(output);
                }

                /// <summary>
                /// Runs one time step for each of N = <c>states.Length</c> independent streams (channels, voices, agents) in one
                /// call: groups of streams share every weight load, so a step costs less per stream than
                /// <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>. Gives exactly the
                /// numbers of N calls to <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>.
                /// Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_t of every stream, stream after stream: length N × <see cref="InputSize"/>.</param>
                /// <param name="states">The streams' states: {{kernel.Spec.PreviousStateText}} on entry, {{kernel.Spec.NextStateText}} on return.</param>
                /// <param name="outputs">Receives h_t of every stream, stream after stream: length N × <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span's length does not fit N = <c>states.Length</c>.</exception>
                {{PublicEntryPoint}}
                public void StepBatch({{ReadOnlySpan}} inputs, global::System.Span<State> states, {{Span}} outputs)
                {
                    {{Arguments}}.RequireLength(inputs.Length, states.Length * InputSize, nameof(inputs));
                    {{Arguments}}.RequireLength(outputs.Length, states.Length * OutputSize, nameof(outputs));
                    {{kernel.Reference}}.StepBatchCore({{weights}},
                        ref {{GlobalMemoryMarshal}}.GetReference(inputs),
                        ref {{GlobalMemoryMarshal}}.GetReference(states), states.Length,
                        ref {{GlobalMemoryMarshal}}.GetReference(outputs));
                }

                /// <summary>
                /// Runs a sequence of T steps, continuing from <paramref name="state"/> and leaving the final state in it. Gives
                /// exactly the numbers of T calls to <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/>.
                /// Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_0 … x_{T-1}, row-major: length T × <see cref="InputSize"/>.</param>
                /// <param name="state">The state before the first step on entry, after the last on return.</param>
                /// <param name="outputs">Receives h_0 … h_{T-1}, row-major: length T × <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">The lengths are not T × InputSize and T × OutputSize for one T.</exception>
                {{PublicEntryPoint}}
                public void Forward({{ReadOnlySpan}} inputs, ref State state, {{Span}} outputs)
                {
                    int steps = {{Arguments}}.RequireSequence(
                        inputs.Length, InputSize, outputs.Length, OutputSize, nameof(inputs), nameof(outputs));
                    if (steps > 0)
                    {
                        {{kernel.Reference}}.ForwardCore({{weights}},
                            ref {{GlobalMemoryMarshal}}.GetReference(inputs), steps,
                            ref {{GlobalMemoryMarshal}}.GetReference(outputs), ref state);
                    }
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

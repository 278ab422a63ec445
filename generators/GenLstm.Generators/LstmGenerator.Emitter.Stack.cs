using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The emitter's part for stacked and bidirectional models: the model type chains single-layer kernels, one nested
    /// class per distinct layer input size (each the same register-tiled kernel a one-layer model gets), and holds one
    /// instance per layer and direction.
    /// </summary>
    internal static partial class Emitter
    {
        private const string DenseLayer = "global::GenLstm.DenseLayer";

        /// <summary>One layer and direction of a stack: its kernel class, its weights' field in the model and its field in the state.</summary>
        private sealed record StackLayer(int Layer, bool Reverse, KernelClass Kernel)
        {
            public string Field => $"_layer{Layer}" + (Reverse ? "Reverse" : "");

            public string Description => $"layer {Layer}" + (Reverse ? ", reverse" : "");

            /// <summary>The field of the layer's projection W_hr (models with ProjectionSize).</summary>
            public string ProjectionField => $"_projection{Layer}" + (Reverse ? "Reverse" : "");
        }

        /// <summary>
        /// Every layer and direction, in PyTorch's order, with its kernel class: one per distinct layer input size (layer 0
        /// reads I values, the others the output of the layer below), shared by the layers of that size.
        /// </summary>
        private static List<StackLayer> StackLayers(LstmSpec spec)
        {
            KernelRole role = IsSwept(spec) ? KernelRole.SweptStackLayer : KernelRole.StackLayer;
            var kernels = new Dictionary<int, KernelClass>();
            KernelClass KernelFor(int inputSize)
            {
                if (!kernels.TryGetValue(inputSize, out KernelClass? kernel))
                {
                    LstmSpec layer = spec with { InputSize = inputSize, Layers = 1, Direction = LstmDirection.Forward, Head = null };
                    kernel = new KernelClass(layer, KernelPlan.For(layer, role), $"LayerKernel{inputSize}x{spec.HiddenSize}");
                    kernels.Add(inputSize, kernel);
                }
                return kernel;
            }

            var layers = new List<StackLayer>();
            for (int layer = 0; layer < spec.Layers; layer++)
            {
                KernelClass kernel = KernelFor(layer == 0 ? spec.InputSize : spec.StackOutputSize);
                layers.Add(new StackLayer(layer, Reverse: spec.Direction == LstmDirection.Reverse, kernel));
                if (spec.Direction == LstmDirection.Bidirectional)
                {
                    layers.Add(new StackLayer(layer, Reverse: true, kernel));
                }
            }
            return layers;
        }

        /// <summary>The user's type of a stacked model, which chains its layers' kernels; returns those kernel classes.</summary>
        private static IReadOnlyList<KernelClass> WriteStack(IndentedTextWriter writer, LstmSpec spec)
        {
            List<StackLayer> layers = StackLayers(spec);
            string type = spec.TypeName;
            string directionText = spec.Direction switch
            {
                LstmDirection.Reverse => "reverse (x_{T-1} first; outputs aligned with the inputs)",
                LstmDirection.Bidirectional => "bidirectional (output t = [forward h_t, reverse h_t], as PyTorch's bidirectional=True)",
                _ => "forward",
            };
            writer.WriteLines($$"""
                // {{type}}: {{spec.Layers}} stacked {{spec.CellName}} layer(s), {{directionText}}, with the semantics of PyTorch's
                // {{TorchModule(spec)}}.
                //   layers   layer 0 reads x_t (I = {{spec.InputSize}}); layer k > 0 reads the output of layer k - 1 ({{spec.StackOutputSize}} values).
                //            Each layer and direction is one instance of a nested single-layer kernel (below), with its own weights:
                {{string.Join("\n", layers.Select(l => $"//              {l.Field,-16} {l.Kernel.Name}, weights {PyTorchSuffix(spec, l)}"))}}
                """);
            if (spec.ProjectionSize > 0)
            {
                writer.WriteLine($"//   project  each layer's h_t = W_hr (o * tanh(c_t)): P = {spec.ProjectionSize} values (weight_hr_l{{k}}, GenLstm.DenseLayer), its output and next recurrent input.");
            }
            writer.WriteLine(!IsSwept(spec)
                ? "//   calls    Step runs the layers in turn on one x_t; Forward runs each layer over the whole sequence, in place."
                : spec.Direction == LstmDirection.Forward
                    ? "//   calls    Step runs the layers in turn on one x_t; Forward sweeps each layer over the sequence step by step (projected layers), in place."
                    : "//   calls    Forward only (the sequence is needed whole): each layer and direction sweeps the sequence step by step.");
            if (spec.Head is { } head)
            {
                writer.WriteLine($"//   head     y_t = {head.Activation.ToString().ToLowerInvariant()}(W h_t + b), W [{head.Size}, {spec.StackOutputSize}] (GenLstm.DenseLayer), applied to the last layer's output.");
                if (head.InputSkip > 0)
                {
                    writer.WriteLine($"//   skip     then y_t[j] += x_t[j] for j < {head.InputSkip} (InputSkip: the dry signal the model learned the difference from).");
                }
            }
            if (spec.HasRateCorrection)
            {
                writer.WriteLine($"//   rate     a stream set to ratio d = host rate / model rate (1 <= d <= {spec.MaxSampleRateRatio}) reads each layer's h and c from d steps back,");
                writer.WriteLine("//            from a history of its last states in the State (RTNeural's sample-rate correction, GenLstm.SampleRateDelay);");
                writer.WriteLine("//            such a stream's Forward runs step by step. At ratio 1 the layers run as without the correction.");
            }
            writer.WriteLine($"/// <summary>{Describe(spec)}; generated by GenLstm.</summary>");
            writer.WriteLine(GeneratedCode);
            string[] interfaces = [.. RecurrentModelInterface(spec)];
            using (writer.OpenBlock($"partial {spec.Types[spec.Types.Count - 1].Keyword} {type}" + BaseList(interfaces)))
            {
                WriteStackConstants(writer, spec);
                WriteRateConstants(writer, spec);
                WriteStackConstruction(writer, spec, layers);
                WriteStackState(writer, spec, layers);
                WriteStackFactories(writer, spec, layers);
                WriteStreamStart(writer, spec);
                WriteRecurrentModelMembers(writer, spec);
                if (spec.Direction == LstmDirection.Forward)
                {
                    WriteStackStep(writer, spec, layers);
                }
                WriteStackForward(writer, spec);
                if (IsSwept(spec))
                {
                    WriteSweptForwardLayers(writer, spec, layers);
                }
                else
                {
                    WriteForwardLayers(writer, layers);
                }
            }
            return [.. layers.Select(l => l.Kernel).Distinct()];
        }

        /// <summary>
        /// Whether Forward runs each layer step by step (Sweep) rather than through the layer's own Forward: the reverse and
        /// bidirectional directions, and projected layers, whose projection must run between steps.
        /// </summary>
        private static bool IsSwept(LstmSpec spec) => spec.Direction != LstmDirection.Forward || spec.ProjectionSize > 0;

        /// <summary>A layer state's output: its h, the first P values when projected.</summary>
        private static string LayerOutput(LstmSpec spec, string state, StackLayer layer)
            => $"{state}.{layer.Field}.Hidden()" + (spec.ProjectionSize > 0 ? ".Slice(0, ProjectionSize)" : "");

        /// <summary>The PyTorch module with the same tensors (for a Reverse model: the forward module run on reversed sequences).</summary>
        private static string TorchModule(LstmSpec spec)
            => $"{spec.TorchModule}({spec.InputSize}, {spec.HiddenSize}, num_layers={spec.Layers}"
                + (spec.Direction == LstmDirection.Bidirectional ? ", bidirectional=True" : "")
                + (spec.ProjectionSize > 0 ? $", proj_size={spec.ProjectionSize}" : "") + ")";

        private static string Describe(LstmSpec spec)
            => $"A {spec.Layers}-layer {(spec.Direction == LstmDirection.Forward ? "" : spec.Direction.ToString().ToLowerInvariant() + " ")}{spec.CellName}, "
                + $"I = {spec.InputSize} → H = {spec.HiddenSize}{(spec.Directions == 2 ? " per direction" : "")}"
                + (spec.ProjectionSize > 0 ? $" projected to P = {spec.ProjectionSize}" : "")
                + (spec.Head is { } head ? $", with a dense head of {head.Size} output(s) ({head.Activation})" : "") + ", " + Semantics(spec);

        /// <summary>"with PyTorch's semantics", or for a variant, where its equations are written.</summary>
        private static string Semantics(LstmSpec spec)
            => spec.Math.IsStandardForm
                ? "with PyTorch's semantics"
                : $"a variant of PyTorch's {spec.CellName} whose equations the generated kernel's header states";

        /// <summary>The state-dict suffix of a layer's tensors: _l{k}, and _reverse for the reverse half of a bidirectional layer.</summary>
        private static string PyTorchSuffix(LstmSpec spec, StackLayer layer)
            => $"*_l{layer.Layer}" + (layer.Reverse && spec.Direction == LstmDirection.Bidirectional ? "_reverse" : "");

        private static void WriteStackConstants(IndentedTextWriter writer, LstmSpec spec)
        {
            WritePublicSizes(writer, spec, spec.OutputSize, hiddenDoc: $" of every layer{(spec.Directions == 2 ? " and direction" : "")}",
                outputDoc: spec.Head is null ? "the last layer's output, <see cref=\"StackOutputSize\"/>" : "the head's y_t",
                layersDoc: "", directionsDoc: spec.Directions == 2 ? "2 (bidirectional)" : "1");
            writer.WriteLines($"""
                /// <summary>Length of the last layer's output at each step: its h_t{(spec.ProjectionSize > 0 ? " (projected)" : "")}{(spec.Directions == 2 ? ", forward then reverse" : "")}.</summary>
                public const int StackOutputSize = {spec.StackOutputSize};

                """);
            if (spec.ProjectionSize > 0)
            {
                writer.WriteLines($"""
                    /// <summary>P: the length of every layer's projected h_t (PyTorch's proj_size); c_t keeps <see cref="HiddenSize"/> values.</summary>
                    public const int ProjectionSize = {spec.ProjectionSize};

                    """);
            }
        }

        private static void WriteStackConstruction(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            bool extra = spec.Math.ExtraGates.Count > 0;
            string packedType = WeightReader.PackedType(spec.WeightType);
            foreach (StackLayer layer in layers)
            {
                writer.WriteLine($"/// <summary>The packed weights of {layer.Description}, in the layout of {layer.Kernel.Name}. Never written after construction.</summary>");
                writer.WriteLine($"private readonly {packedType} {layer.Field};");
                writer.WriteLine();
                if (extra)
                {
                    writer.WriteLine($"/// <summary>The weights of the gates [LstmGate] adds to {layer.Description}. Never written after construction.</summary>");
                    writer.WriteLine($"private readonly {ExtraGatesType} {layer.Field}ExtraGates;");
                    writer.WriteLine();
                }
            }
            if (spec.ProjectionSize > 0)
            {
                foreach (StackLayer layer in layers)
                {
                    writer.WriteLine($"/// <summary>The projection W_hr of {layer.Description}. Never written after construction.</summary>");
                    writer.WriteLine($"private readonly {DenseLayer} {layer.ProjectionField};");
                    writer.WriteLine();
                }
            }
            if (spec.Head is not null)
            {
                writer.WriteLine("/// <summary>The dense output head. Never written after construction.</summary>");
                writer.WriteLine($"private readonly {DenseLayer} _output;");
                writer.WriteLine();
            }
            string parameters = string.Join(",\n    ", layers.Select(l => $"{packedType} {l.Field.Substring(1)}")
                .Concat(extra ? layers.Select(l => $"{ExtraGatesType} {l.Field.Substring(1)}ExtraGates") : [])
                .Concat(spec.ProjectionSize > 0 ? layers.Select(l => $"{DenseLayer} {l.ProjectionField.Substring(1)}") : [])
                .Concat(spec.Head is null ? [] : [$"{DenseLayer} output"]));
            using (writer.OpenBlock($"private {spec.TypeName}(\n    {parameters})"))
            {
                foreach (StackLayer layer in layers)
                {
                    writer.WriteLine($"{layer.Field} = {layer.Field.Substring(1)};");
                    if (extra)
                    {
                        writer.WriteLine($"{layer.Field}ExtraGates = {layer.Field.Substring(1)}ExtraGates;");
                    }
                }
                if (spec.ProjectionSize > 0)
                {
                    foreach (StackLayer layer in layers)
                    {
                        writer.WriteLine($"{layer.ProjectionField} = {layer.ProjectionField.Substring(1)};");
                    }
                }
                if (spec.Head is not null)
                {
                    writer.WriteLine("_output = output;");
                }
                writer.WriteLine("CompileKernel();");
            }
            writer.WriteLine();

            string step = spec.Direction == LstmDirection.Forward
                ? $$"""

                    for (int step = 0; step < 8; step++)
                    {
                        Step(global::System.MemoryExtensions.AsSpan(inputs, 0, InputSize), ref state,
                            global::System.MemoryExtensions.AsSpan(outputs, 0, OutputSize));
                    }
                """
                : "";
            writer.WriteLines($$"""
                /// <summary>
                /// Runs every entry point once on scratch data ({{(spec.Direction == LstmDirection.Forward ? "Forward over 4 steps, then Step 8 times" : "Forward over 4 steps")}}),
                /// and with them every kernel method the stack calls, so that the JIT compiles all of it now and the first real call
                /// runs at full speed.
                /// </summary>
                private void CompileKernel()
                {
                    float[] inputs = new float[4 * InputSize];
                    float[] outputs = new float[4 * OutputSize];
                    var state = new State();
                    Forward(inputs, ref state, outputs);{{step}}
                }

                """);
        }

        private static void WriteStackState(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            bool forward = spec.Direction == LstmDirection.Forward;
            writer.WriteLines($$"""
                /// <summary>
                /// The recurrent state of one stream: h and c of every layer{{(spec.Directions == 2 ? " and direction" : "")}}. <c>default</c> is the zero state PyTorch starts from.
                /// Independent streams each keep their own <see cref="State"/> and share one model.
                /// </summary>
                {{GeneratedCode}}
                public struct State
                """);
            using (writer.OpenBlock(""))
            {
                foreach (StackLayer layer in layers)
                {
                    writer.WriteLine($"internal Layer {layer.Field};");
                }
                writer.WriteLine();
                if (spec.HasRateCorrection)
                {
                    WriteRateState(writer, spec, layers);
                }
                else
                {
                    writer.WriteLines("""
                        /// <summary>Sets every h and c to zero.</summary>
                        public void Reset() => this = default;

                        """);
                }
                if (forward)
                {
                    StackLayer last = layers[layers.Count - 1];
                    writer.WriteLines($$"""
                        /// <summary>h of the last layer (length <see cref="{{(spec.ProjectionSize > 0 ? "ProjectionSize" : "HiddenSize")}}"/>), the stack's output; see <see cref="Hidden(int, int)"/> for the others.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} Hidden() => {{LayerOutput(spec, "this", last).Substring("this.".Length)}};

                        /// <summary>c of the last layer (length <see cref="HiddenSize"/>); see <see cref="Cell(int, int)"/> for the others.</summary>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} Cell() => {{last.Field}}.Cell();

                        """);
                }
                foreach ((string member, string symbol, string initial) in new[] { ("Hidden", "h", "h0"), ("Cell", "c", "c0") })
                {
                    if (member == "Cell")
                    {
                        writer.WriteLine();
                    }
                    writer.WriteLines($$"""
                        /// <summary>
                        /// {{symbol}} of one layer and direction (length <see cref="{{(member == "Hidden" && spec.ProjectionSize > 0 ? "ProjectionSize" : "HiddenSize")}}"/>): read it, or write it to set an initial state such as
                        /// PyTorch's {{initial}}[layer × Directions + direction].
                        /// </summary>
                        /// <param name="layer">The layer, 0 (reads the input) to <see cref="Layers"/> - 1.</param>
                        /// <param name="direction">{{(spec.Directions == 2 ? "0 for forward, 1 for reverse." : "0 (the model has one direction).")}}</param>
                        /// <exception cref="global::System.ArgumentOutOfRangeException">The layer or direction does not exist.</exception>
                        [global::System.Diagnostics.CodeAnalysis.UnscopedRef]
                        public {{Span}} {{member}}(int layer, int direction = 0)
                        """);
                    using (writer.OpenBlock(""))
                    using (writer.OpenBlock($"switch ({Arguments}.LayerIndex(layer, direction, Layers, Directions))"))
                    {
                        for (int index = 0; index < layers.Count; index++)
                        {
                            string value = member == "Hidden" ? LayerOutput(spec, "this", layers[index]).Substring("this.".Length) : $"{layers[index].Field}.Cell()";
                            writer.WriteLine($"case {index}: return {value};");
                        }
                        writer.WriteLine("default: throw new global::System.Diagnostics.UnreachableException();");
                    }
                }
                writer.WriteLine();
                // Every layer's state has the same layout (it depends on H, not on the layer's input size).
                WriteState(writer, layers[0].Kernel.Plan, "Layer");
            }
            writer.WriteLine();
        }

        private static void WriteStackFactories(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            string type = spec.TypeName;
            string names = string.Join(", ", layers.Select(l => $"<c>{PyTorchSuffix(spec, l).Substring(1)}</c>"));
            string torch = TorchModule(spec);
            string reverseNote = spec.Direction == LstmDirection.Reverse
                ? $" A reverse model's one direction uses the plain names (no <c>_reverse</c>): the weights of a forward {spec.CellName} trained on reversed sequences."
                : "";
            string headParameter = spec.Head is { } head
                ? $"{DenseLayer} output, "
                : "";
            writer.WriteLines($$"""
                /// <summary>
                /// Creates the model from every layer's weights in the layout of PyTorch's <c>{{torch}}</c>, in PyTorch's order:
                /// {{names}}. Layer 0's <c>weight_ih</c> is [{{spec.GateRowsSymbol}}, I] = [{{spec.GateRows}}, {{spec.InputSize}}], the others' [{{spec.GateRowsSymbol}}, {{spec.StackOutputSize}}];
                /// every <c>weight_hh</c> is [{{spec.GateRowsSymbol}}, H] = [{{spec.GateRows}}, {{spec.HiddenSize}}], every bias [{{spec.GateRowsSymbol}}].{{reverseNote}}
                /// </summary>
                """);
            if (spec.Head is { } outputHead)
            {
                writer.WriteLine($"/// <param name=\"output\">The head: <see cref=\"{DenseLayer}.FromPyTorch\"/>({spec.StackOutputSize}, {outputHead.Size}, Activation.{outputHead.Activation}, weight, bias).</param>");
            }
            writer.WriteLines($$"""
                /// <param name="layers">{{layers.Count}} layer tensors, e.g. from <see cref="global::GenLstm.PyTorchLstmTensors.ReadLayers"/>.</param>
                /// <exception cref="global::System.ArgumentException">{{(spec.Head is null ? $"The count is not {layers.Count}, or a tensor has the wrong length or holds a NaN or infinity" : $"The count is not {layers.Count}, a tensor has the wrong length or holds a NaN or infinity, or the head has other sizes or another activation")}}.</exception>
                public static {{type}} FromPyTorch({{headParameter}}params global::GenLstm.PyTorchLstmTensors[] layers)
                {
                    global::System.ArgumentNullException.ThrowIfNull(layers);
                    {{Arguments}}.RequireLength(layers.Length, Layers * Directions, nameof(layers));
                """);
            if (spec.Head is { } declared)
            {
                writer.WriteLines($$"""
                        global::System.ArgumentNullException.ThrowIfNull(output);
                        if (output.InputSize != StackOutputSize || output.Size != OutputSize || output.Activation != global::GenLstm.Activation.{{declared.Activation}})
                        {
                            throw new global::System.ArgumentException(
                                $"The head must be {StackOutputSize} -> {OutputSize} with Activation.{{declared.Activation}}, as [OutputHead] declares; it is {output.InputSize} -> {output.Size} with Activation.{output.Activation}.", nameof(output));
                        }
                    """);
            }
            writer.WriteLine($"    var model = new {type}(");
            using (new IndentScope(writer, 2))
            {
                var arguments = new List<string>();
                for (int index = 0; index < layers.Count; index++)
                {
                    arguments.Add(PyTorchCall(spec, $"layers[{index}]", $"{layers[index].Kernel.Reference}.Pack", extraGates: false));
                }
                if (spec.Math.ExtraGates.Count > 0)
                {
                    arguments.AddRange(Enumerable.Range(0, layers.Count).Select(index =>
                        $"{layers[index].Kernel.Reference}.PackExtraGates(layers[{index}].RequireExtraGates().WeightIh,\n"
                        + $"    layers[{index}].RequireExtraGates().WeightHh, layers[{index}].RequireExtraGates().Bias)"));
                }
                if (spec.ProjectionSize > 0)
                {
                    arguments.AddRange(Enumerable.Range(0, layers.Count).Select(index => $"layers[{index}].Projection(HiddenSize, ProjectionSize)"));
                }
                if (spec.Head is not null)
                {
                    arguments.Add("output");
                }
                for (int index = 0; index < arguments.Count; index++)
                {
                    writer.WriteLines(arguments[index] + (index == arguments.Count - 1 ? ");" : ","));
                }
            }
            writer.WriteLines("""
                    model.SetInitialState(layers);
                    return model;
                """);
            string onnx = spec.ProjectionSize > 0 || !spec.Math.HasOnnxForm ? "" : $$"""
                /// <summary>
                /// Creates the model from the tensors of {{spec.Layers}} ONNX <c>LSTM</c> node(s), one per layer ({{(spec.Directions == 2 ? "direction=\"bidirectional\", " : spec.Direction == LstmDirection.Reverse ? "direction=\"reverse\", " : "")}}gate order i, o, f, c):
                /// <c>W</c> [{{spec.Directions}}, 4H, I], <c>R</c> [{{spec.Directions}}, 4H, H], <c>B</c> [{{spec.Directions}}, 8H] or none{{(spec.Math.Peepholes ? $", <c>P</c> [{spec.Directions}, 3H]" : "")}}.
                /// The nodes' attributes must match the declaration; this method cannot check them.{{(spec.Head is null ? "" : " The head comes from <paramref name=\"output\"/>.")}}
                /// </summary>{{(spec.Head is null ? "" : "\n/// <param name=\"output\">The head.</param>")}}
                /// <param name="layers">One node's tensors per layer, the first layer first.</param>
                /// <exception cref="global::System.ArgumentException">The count is not {{spec.Layers}}, or a tensor has the wrong length or holds a NaN or infinity.</exception>
                public static {{type}} FromOnnx({{headParameter}}params global::GenLstm.OnnxLstmTensors[] layers)
                {
                    global::System.ArgumentNullException.ThrowIfNull(layers);
                    {{Arguments}}.RequireLength(layers.Length, Layers, nameof(layers));
                    var directions = new global::System.Collections.Generic.List<global::GenLstm.PyTorchLstmTensors>();
                    for (int layer = 0; layer < Layers; layer++)
                    {
                        directions.AddRange(layers[layer].ToPyTorch(layer == 0 ? InputSize : StackOutputSize, HiddenSize, Directions{{(spec.Math.CoupledInputForget ? ", inputForget: true" : "")}}));
                    }
                    return FromPyTorch({{(spec.Head is null ? "" : "output, ")}}directions.ToArray());
                }


                """;
            writer.WriteLines($$"""
                }

                {{onnx}}
                """);
            string headNote = spec.Head is { } h
                ? $" The head is <c>output.weight</c> [{h.Size}, {spec.StackOutputSize}] and <c>output.bias</c> [{h.Size}], or the one <c>&lt;module&gt;.weight</c> of that shape (see <see cref=\"{DenseLayer}.Read\"/>)."
                : "";
            const string readLayers = "global::GenLstm.PyTorchLstmTensors.ReadLayers(file, Declaration)";
            WriteFileLoaders(writer, spec, $"{names} (<c>weight_ih</c>, <c>weight_hh</c>, <c>bias_ih</c>, <c>bias_hh</c> each)", headNote,
                FinishFromWeights($"FromPyTorch({(spec.Head is { } read ? $"{DenseLayer}.Read(file, StackOutputSize, OutputSize, global::GenLstm.Activation.{read.Activation}), " : "")}{readLayers})"));
        }

        private static void WriteStackStep(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            StackLayer last = layers[layers.Count - 1];
            string what = spec.Head is null ? "the last layer's h_t" : "the head's y_t";
            string Emit(string state, string output) => spec.Head is null
                ? $"{LayerOutput(spec, state, last)}.CopyTo({output});"
                : $"_output.Apply({LayerOutput(spec, state, last)}, {output});";
            writer.WriteLines($$"""
                /// <summary>Runs one time step through every layer{{(spec.Head is null ? "" : " and the head")}}: updates <paramref name="state"/> from x_t and writes {{what}} to <paramref name="output"/>. Allocates nothing.</summary>
                /// <param name="input">x_t, length <see cref="InputSize"/>.</param>
                /// <param name="state">Every layer's {{spec.PreviousStateText}} on entry, {{spec.NextStateText}} on return.</param>
                /// <param name="output">Receives {{what}}, length <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span has the wrong length.</exception>
                {{PublicEntryPoint}}
                public void Step({{ReadOnlySpan}} input, ref State state, {{Span}} output)
                {
                    {{Arguments}}.RequireLength(input.Length, InputSize, nameof(input));
                    {{Arguments}}.RequireLength(output.Length, OutputSize, nameof(output));
                    StepCore(ref {{GlobalMemoryMarshal}}.GetReference(input), ref state);
                    {{Emit("state", "output")}}{{InputSkipCall(spec, "input", "output", 4)}}
                }

                /// <summary>
                /// Runs one time step for each of N = <c>states.Length</c> independent streams: exactly the numbers of N calls to
                /// <see cref="Step"/>, stream after stream (a stacked model does not share weight loads between streams yet). Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_t of every stream, stream after stream: length N × <see cref="InputSize"/>.</param>
                /// <param name="states">The streams' states, updated.</param>
                /// <param name="outputs">Receives {{what}} of every stream: length N × <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">A span's length does not fit N = <c>states.Length</c>.</exception>
                {{PublicEntryPoint}}
                public void StepBatch({{ReadOnlySpan}} inputs, global::System.Span<State> states, {{Span}} outputs)
                {
                    {{Arguments}}.RequireLength(inputs.Length, states.Length * InputSize, nameof(inputs));
                    {{Arguments}}.RequireLength(outputs.Length, states.Length * OutputSize, nameof(outputs));
                    for (int stream = 0; stream < states.Length; stream++)
                    {
                        StepCore(ref {{GlobalMemoryMarshal}}.GetReference(inputs.Slice(stream * InputSize)), ref states[stream]);
                        {{Emit("states[stream]", "outputs.Slice(stream * OutputSize, OutputSize)")}}{{InputSkipCall(spec, "inputs.Slice(stream * InputSize, InputSize)", "outputs.Slice(stream * OutputSize, OutputSize)", 8)}}
                    }
                }

                /// <summary>One step through the stack on validated arguments: each layer reads the h_t the layer below has just written.</summary>
                {{GlobalCompiledAtLoad}}
                private void StepCore(ref float input, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                if (spec.HasRateCorrection)
                {
                    writer.WriteLine("// A stream at a sample-rate ratio above 1 replaces each layer's new state by the delayed one before the next layer reads it.");
                    writer.WriteLine("bool delayed = state._delay.IsActive;");
                }
                StackLayer? below = null;
                foreach (StackLayer layer in layers)
                {
                    string source = below is null ? "ref input" : $"ref state.{below.Field}.HiddenStart(state.{below.Field}._current)";
                    writer.WriteLine($"{layer.Kernel.Reference}.StepCore({WeightFields(layer.Kernel.Plan, layer.Field)}, {source}, ref state.{layer.Field});");
                    if (spec.ProjectionSize > 0)
                    {
                        writer.WriteLine($"{layer.Kernel.Reference}.Project({layer.ProjectionField}, ref state.{layer.Field});");
                    }
                    WriteDelayAfter(writer, spec, layer);
                    below = layer;
                }
                if (spec.HasRateCorrection)
                {
                    writer.WriteLine("if (delayed) state._delay.Advance(HistorySlots);");
                }
            }
            writer.WriteLine();
            WriteAddInputSkip(writer, spec);
        }

        /// <summary>The public Forward: the checks, then the layers, then the head on every step's output.</summary>
        private static void WriteStackForward(IndentedTextWriter writer, LstmSpec spec)
        {
            bool bidirectional = spec.Direction == LstmDirection.Bidirectional;
            string how = spec.Direction switch
            {
                LstmDirection.Bidirectional => "each layer's forward half from the first step to the last, its reverse half from the last to the first, output t = [forward h_t, reverse h_t]",
                LstmDirection.Reverse => "each layer from the last step to the first, output t aligned with input t",
                _ when spec.ProjectionSize > 0 => "layer by layer, each swept over the sequence step by step with its projection; exactly the numbers of T calls to <see cref=\"Step\"/>",
                _ => "layer by layer, each over the whole sequence with its hoisted input product; exactly the numbers of T calls to <see cref=\"Step\"/>",
            };
            bool pooled = spec.Head is not null || (bidirectional && spec.Layers > 1);
            string allocation = pooled
                ? "Intermediate sequences live in buffers rented from the shared array pool: nothing is allocated once the pool holds them."
                : "Allocates nothing.";
            string final = spec.Direction == LstmDirection.Forward ? "" : " (for a reverse direction, the state after reading x_0)";
            writer.WriteLines($$"""
                /// <summary>
                /// Runs a sequence of T steps, continuing from <paramref name="state"/> and leaving the final state in it:
                /// {{how}}.
                /// {{allocation}}
                /// </summary>
                /// <param name="inputs">x_0 … x_{T-1}, row-major: length T × <see cref="InputSize"/>.</param>
                /// <param name="state">Every layer's initial h and c on entry (PyTorch's h0, c0), the final ones on return{{final}}.</param>
                /// <param name="outputs">Receives {{(spec.Head is null ? "the last layer's outputs" : "the head's outputs")}} for t = 0 … T-1, row-major: length T × <see cref="OutputSize"/>.</param>
                /// <exception cref="global::System.ArgumentException">The lengths are not T × InputSize and T × OutputSize for one T.</exception>
                {{PublicEntryPoint}}
                public void Forward({{ReadOnlySpan}} inputs, ref State state, {{Span}} outputs)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        int steps = {{Arguments}}.RequireSequence(
                            inputs.Length, InputSize, outputs.Length, OutputSize, nameof(inputs), nameof(outputs));
                        if (steps == 0)
                        {
                            return;
                        }
                        """);
                if (spec.HasRateCorrection)
                {
                    writer.WriteLines("""
                        if (state._delay.IsActive)
                        {
                            // A corrected stream reads states from several steps back: it runs step by step, exactly as Step does.
                            for (int t = 0; t < steps; t++)
                            {
                                Step(inputs.Slice(t * InputSize, InputSize), ref state, outputs.Slice(t * OutputSize, OutputSize));
                            }
                            return;
                        }
                        """);
                }
                if (spec.Head is null)
                {
                    writer.WriteLine($"ForwardLayers(ref {GlobalMemoryMarshal}.GetReference(inputs), steps, outputs, ref state);");
                }
                else
                {
                    writer.WriteLines($$"""
                        // The last layer's outputs go to this thread's scratch sequence, then through the head step by step.
                        float[] scratch = global::GenLstm.CompilerServices.LstmScratch.LayerOutputs(steps * StackOutputSize);
                        global::System.Span<float> layerOutputs = global::System.MemoryExtensions.AsSpan(scratch, 0, steps * StackOutputSize);
                        ForwardLayers(ref {{GlobalMemoryMarshal}}.GetReference(inputs), steps, layerOutputs, ref state);
                        for (int t = 0; t < steps; t++)
                        {
                            _output.Apply(layerOutputs.Slice(t * StackOutputSize, StackOutputSize), outputs.Slice(t * OutputSize, OutputSize));{{InputSkipCall(spec, "inputs.Slice(t * InputSize, InputSize)", "outputs.Slice(t * OutputSize, OutputSize)", 4)}}
                        }
                        """);
                }
            }
            writer.WriteLine();
        }

        private static void WriteForwardLayers(IndentedTextWriter writer, List<StackLayer> layers)
        {
            writer.WriteLines($$"""
                /// <summary>The layers over T ≥ 1 steps of validated input, into <paramref name="outputs"/> (T × StackOutputSize).</summary>
                {{GlobalCompiledAtLoad}}
                private void ForwardLayers(ref float input, int steps, {{Span}} outputs, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref float output = ref {{GlobalMemoryMarshal}}.GetReference(outputs);
                        // Layers above the first run in place: a layer's Forward reads each chunk of its inputs before it writes that chunk's outputs.
                        """);
                foreach (StackLayer layer in layers)
                {
                    string source = layer.Layer == 0 ? "input" : "output";
                    writer.WriteLine($"{layer.Kernel.Reference}.ForwardCore({WeightFields(layer.Kernel.Plan, layer.Field)}, ref {source}, steps, ref output, ref state.{layer.Field});");
                }
            }
            writer.WriteLine();
        }

        private static void WriteSweptForwardLayers(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            bool bidirectional = spec.Direction == LstmDirection.Bidirectional;
            writer.WriteLines($$"""
                /// <summary>The layers over T ≥ 1 steps of validated input, into <paramref name="outputs"/> (T × StackOutputSize), each direction a sweep.</summary>
                {{GlobalCompiledAtLoad}}
                private void ForwardLayers(ref float input, int steps, {{Span}} outputs, ref State state)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref float output = ref {{GlobalMemoryMarshal}}.GetReference(outputs);
                        """);
                if (!bidirectional || spec.Layers == 1)
                {
                    if (!bidirectional && spec.Layers > 1)
                    {
                        writer.WriteLine("// Layers above the first run in place: a sweep reads x_t before it writes h_t into the same row.");
                    }
                    foreach (StackLayer layer in layers)
                    {
                        WriteSweepCall(writer, spec, layer, layer.Layer == 0 ? "input" : "output", "output", bidirectional);
                    }
                }
                else
                {
                    writer.WriteLines($$"""
                        // A bidirectional layer reads the whole output of the layer below in both directions, so it cannot run in place:
                        // layers alternate between the outputs and a scratch sequence, arranged so that the last layer writes the outputs.
                        float[] sweepScratch = global::GenLstm.CompilerServices.LstmScratch.Sweep(steps * StackOutputSize);
                        ref float scratch = ref {{GlobalMemoryMarshal}}.GetArrayDataReference(sweepScratch);
                        """);
                    foreach (StackLayer layer in layers)
                    {
                        string Buffer(int k) => (spec.Layers - 1 - k) % 2 == 0 ? "output" : "scratch";
                        WriteSweepCall(writer, spec, layer, layer.Layer == 0 ? "input" : Buffer(layer.Layer - 1), Buffer(layer.Layer), bidirectional);
                    }
                }
            }
            writer.WriteLine();
        }

        private static void WriteSweepCall(IndentedTextWriter writer, LstmSpec spec, StackLayer layer, string source, string destination, bool bidirectional)
        {
            string projection = spec.ProjectionSize > 0 ? $", {layer.ProjectionField}" : "";
            // The reverse half of a bidirectional output row starts after the forward half: StackOutputSize / 2 values.
            string target = layer.Reverse && bidirectional ? $"ref {GlobalUnsafe}.Add(ref {destination}, StackOutputSize / 2)" : $"ref {destination}";
            writer.WriteLine($"{layer.Kernel.Reference}.Sweep({WeightFields(layer.Kernel.Plan, layer.Field)}, ref {source}, steps, {target}, StackOutputSize,");
            writer.WriteLine($"    reverse: {(layer.Reverse ? "true" : "false")}, ref state.{layer.Field}{projection});");
        }

        /// <summary>The layer kernel's member a swept stack (reverse, bidirectional or projected) runs it with.</summary>
        private static void WriteSweep(IndentedTextWriter writer, KernelPlan plan)
        {
            bool projected = plan.Has(KernelMembers.Project);
            string projection = projected ? ", DenseLayer projection" : "";
            writer.WriteLines($$"""
                /// <summary>
                /// Runs this layer over a whole sequence of a stacked model, step by step: x_t at <paramref name="inputs"/> + t × InputSize,
                /// h_t{{(projected ? " (projected, RecurrentSize values)" : "")}} written at <paramref name="outputs"/> + t × <paramref name="outputStride"/>; from the last step to the first when
                /// <paramref name="reverse"/>. Reading x_t happens before writing h_t, so a sweep may run in place.
                /// </summary>
                {{CompiledAtLoad}}
                internal static void Sweep({{WeightParameters(plan)}}, ref float inputs, int steps, ref float outputs, int outputStride, bool reverse,
                    ref State state{{projection}})
                {
                    for (int i = 0; i < steps; i++)
                    {
                        nint t = reverse ? steps - 1 - i : i;
                        StepCore({{WeightArguments(plan)}}, ref {{Unsafe}}.Add(ref inputs, t * InputSize), ref state);
                """);
            if (projected)
            {
                writer.WriteLine("        Project(projection, ref state);");
            }
            writer.WriteLines($$"""
                        {{MemoryMarshal}}.CreateReadOnlySpan(ref state.HiddenStart(state._current), RecurrentSize)
                            .CopyTo({{MemoryMarshal}}.CreateSpan(ref {{Unsafe}}.Add(ref outputs, t * outputStride), RecurrentSize));
                    }
                }
                """);
        }

        /// <summary>The projection step of a layer with ProjectionSize: h_t = W_hr (o ⊙ tanh(c_t)).</summary>
        private static void WriteProject(IndentedTextWriter writer)
        {
            writer.WriteLines($$"""

                /// <summary>
                /// Projects the step's h_t (the H values StepCore wrote into the current half of the state) through W_hr into the other
                /// half, which becomes current: the P values that are this layer's output and its next step's recurrent input.
                /// </summary>
                {{CompiledAtLoad}}
                internal static void Project(DenseLayer projection, ref State state)
                {
                    projection.Apply({{MemoryMarshal}}.CreateReadOnlySpan(ref state.HiddenStart(state._current), HiddenSize),
                        {{MemoryMarshal}}.CreateSpan(ref state.HiddenStart(state._current ^ 1), RecurrentSize));
                    state._current ^= 1;
                }
                """);
        }
    }
}

using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The emitter's part for what a model's streams start from and how they run as audio models do: the file's initial state
    /// and sample rate (every model), the head's input skip and the sample-rate correction (stacks, which every model with a
    /// head or a correction is).
    /// </summary>
    internal static partial class Emitter
    {
        private const string SampleRateDelay = "global::GenLstm.SampleRateDelay";

        /// <summary>
        /// <c>InitialState</c>, <c>SampleRate</c>, <c>Reset(ref State)</c> and what the factories call to set them: members of the
        /// user's model, a single layer's or a stack's alike (both states have <c>Hidden(layer, direction)</c> and <c>Cell(…)</c>).
        /// </summary>
        private static void WriteStreamStart(IndentedTextWriter writer, LstmSpec spec)
        {
            string reset = spec.HasRateCorrection
                ? """
                    {
                        // The stream keeps its sample-rate ratio; its history restarts from the initial state.
                        global::GenLstm.SampleRateDelay delay = state._delay;
                        state = _initialState;
                        state.Restart(delay);
                    }
                    """
                : "    => state = _initialState;";
            writer.WriteLines($$"""
                /// <summary>The state streams start from; written only by the factories, before the model is returned.</summary>
                private State _initialState;

                /// <summary>
                /// The state every new stream must start from: the weight file's stored h_0 and c_0 of every layer (NAM files store the
                /// state their LSTM reaches after a second of silence; ONNX files may hold <c>initial_h</c>, <c>initial_c</c> constants),
                /// zero when the file stores none. A copy: start a stream with <c>var state = model.InitialState;</c>.
                /// <c>new State()</c> and <see cref="State.Reset"/> are the zero state, which is wrong for a file that stores one.
                /// </summary>
                public State InitialState => _initialState;

                /// <summary>
                /// The sample rate in Hz the weight file says the model was trained at (NAM's <c>sample_rate</c>, AIDA-X's
                /// <c>samplerate</c>), or null when the file says none. Feed the model audio at this rate{{(spec.HasRateCorrection ? ", or set a faster stream's ratio with <see cref=\"State.SetSampleRateRatio\"/>" : "")}}.
                /// </summary>
                public double? SampleRate { get; private set; }

                /// <summary>Returns a stream to <see cref="InitialState"/>{{(spec.HasRateCorrection ? ", keeping its sample-rate ratio" : "")}}.</summary>
                /// <param name="state">The stream's state.</param>
                public void Reset(ref State state)
                {{reset}}

                /// <summary>Copies every layer's stored h_0, c_0 (null: zero) into <see cref="InitialState"/>, in PyTorch's layer × direction order.</summary>
                private void SetInitialState(global::GenLstm.PyTorchLstmTensors[] layers)
                {
                    for (int index = 0; index < layers.Length; index++)
                    {
                        int layer = index / Directions, direction = index % Directions;
                        {{Arguments}}.CopyInitialState(
                            layers[index].InitialHidden, _initialState.Hidden(layer, direction), nameof(layers));
                        {{Arguments}}.CopyInitialState(
                            layers[index].InitialCell, _initialState.Cell(layer, direction), nameof(layers));
                    }
                }

                """);
        }

        /// <summary>The statements that finish <c>FromWeights</c>: the model, then what the file says about its streams.</summary>
        /// <param name="createModel">The expression that creates the model from the file's tensors.</param>
        /// <param name="initialState">The tensors whose stored initial state the model still needs, or null when creating it set that.</param>
        private static string[] FinishFromWeights(string createModel, string? initialState = null)
            => [
                $"var model = {createModel};",
                .. initialState is null ? [] : new[] { $"model.SetInitialState({initialState});" },
                "model.SampleRate = file.SampleRate;",
                "return model;",
            ];

        /// <summary>The constants and the fields of a stack's <c>State</c> that sample-rate correction adds.</summary>
        /// <summary>The interface a streaming model implements (see <see cref="WriteRecurrentModelMembers"/>); none for the others.</summary>
        private static IEnumerable<string> RecurrentModelInterface(LstmSpec spec)
        {
            if (spec.IsStreaming)
            {
                yield return $"global::GenLstm.IRecurrentModel<{spec.TypeName}, {spec.TypeName}.State>";
            }
        }

        /// <summary>
        /// What <c>IRecurrentModel</c> needs beyond the public API (the sample-rate ratio through the model), and the module
        /// initializer that registers the type with <c>RecurrentModel</c>, which then loads matching files into it.
        /// </summary>
        private static void WriteRecurrentModelMembers(IndentedTextWriter writer, LstmSpec spec)
        {
            if (!spec.IsStreaming)
            {
                return;
            }
            string setRatio = spec.HasRateCorrection
                ? "=> state.SetSampleRateRatio(ratio, mode);"
                : $"=> {Arguments}.RequireNoSampleRateCorrection(ratio, nameof({spec.TypeName}));";
            writer.WriteLines($$"""
                /// <summary>A stream's sample-rate ratio, for <c>RecurrentStream</c>{{(spec.HasRateCorrection ? "" : ": only 1 (declared without MaxSampleRateRatio)")}}.</summary>
                void global::GenLstm.IRecurrentModel<{{spec.TypeName}}, State>.SetSampleRateRatio(
                    ref State state, double ratio, global::GenLstm.SampleRateCorrectionMode mode)
                    {{setRatio}}

                """);
            if (spec.RegistersWithRecurrentModel)
            {
                writer.WriteLines($$"""
                    /// <summary>Registers the type: <see cref="global::GenLstm.RecurrentModel"/> then runs its kernel on matching files.</summary>
                    [global::System.Runtime.CompilerServices.ModuleInitializer]
                    internal static void RegisterWithRecurrentModel() => global::GenLstm.RecurrentModel.Register<{{spec.TypeName}}, State>();

                    """);
            }
        }

        private static void WriteRateConstants(IndentedTextWriter writer, LstmSpec spec)
        {
            if (spec.Head is { InputSkip: > 0 } head)
            {
                writer.WriteLines($"""
                    /// <summary>The head's input skip: y_t[j] = head(h_t)[j] + x_t[j] for j below it (GuitarML's skip, AIDA-X's in_skip).</summary>
                    public const int InputSkip = {head.InputSkip};

                    """);
            }
            if (!spec.HasRateCorrection)
            {
                return;
            }
            writer.WriteLines($"""
                /// <summary>The largest host-to-model sample-rate ratio a stream may run at (<see cref="State.SetSampleRateRatio"/>).</summary>
                public const int MaxSampleRateRatio = {spec.MaxSampleRateRatio};

                /// <summary>Steps of every layer's h and c a stream's history keeps: MaxSampleRateRatio + 1.</summary>
                private const int HistorySlots = {spec.HistorySlots};

                /// <summary>Values of one layer's history: HistorySlots × (h's {spec.RecurrentSize} + c's {spec.HiddenSize}).</summary>
                private const int HistoryLength = {spec.HistorySlots * (spec.RecurrentSize + spec.HiddenSize)};

                """);
        }

        /// <summary>The members a stack's <c>State</c> gets for sample-rate correction: the delay, each layer's history, and their setters.</summary>
        private static void WriteRateState(IndentedTextWriter writer, LstmSpec spec, List<StackLayer> layers)
        {
            writer.WriteLines($$"""
                // Sample-rate correction: the stream's delay, and every layer's last HistorySlots steps of h and c (a ring).
                internal {{SampleRateDelay}} _delay;
                {{string.Join("\n", layers.Select(l => $"internal History {HistoryField(l)};"))}}

                /// <summary>Sets every h and c to zero; the stream keeps its sample-rate ratio.</summary>
                public void Reset()
                {
                    {{SampleRateDelay}} delay = _delay;
                    this = default;
                    Restart(delay);
                }

                /// <summary>The stream's sample-rate ratio and mode; ratio 1 (no correction) until <see cref="SetSampleRateRatio"/>.</summary>
                public readonly {{SampleRateDelay}} SampleRateDelay => _delay;

                /// <summary>
                /// Runs this stream at <paramref name="ratio"/> = host rate / the model's rate (RTNeural's sample-rate correction): every
                /// layer then reads its h and c from <paramref name="ratio"/> steps back (see <see cref="{{SampleRateDelay}}"/>). The
                /// history restarts from the current state. Ratio 1 runs the uncorrected kernels.
                /// </summary>
                /// <param name="ratio">From 1 to <see cref="MaxSampleRateRatio"/>; for example 96000.0 / 48000 = 2.</param>
                /// <param name="mode">Linear interpolation between neighbouring steps (the default), or the ratio rounded.</param>
                /// <exception cref="global::System.ArgumentOutOfRangeException">The ratio is below 1 or above <see cref="MaxSampleRateRatio"/>.</exception>
                public void SetSampleRateRatio(double ratio, global::GenLstm.SampleRateCorrectionMode mode = global::GenLstm.SampleRateCorrectionMode.LinearInterpolation)
                    => Restart({{SampleRateDelay}}.Create(ratio, mode, MaxSampleRateRatio));

                /// <summary>Sets the delay and fills every layer's history with its current state.</summary>
                internal void Restart({{SampleRateDelay}} delay)
                {
                    _delay = delay;
                """);
            foreach (StackLayer layer in layers)
            {
                writer.WriteLine($"    _delay.Fill({HistoryField(layer)}, HistorySlots, {LayerOutput(spec, "this", layer).Substring("this.".Length)}, {layer.Field}.Cell());");
            }
            writer.WriteLines("""
                }

                [global::System.Runtime.CompilerServices.InlineArray(HistoryLength)]
                internal struct History
                {
                    private float _element0;
                }

                """);
        }

        private static string HistoryField(StackLayer layer) => "_history" + layer.Field.Substring("_layer".Length);

        /// <summary>After a layer's step in StepCore: its state becomes the delayed one when the stream is corrected.</summary>
        private static void WriteDelayAfter(IndentedTextWriter writer, LstmSpec spec, StackLayer layer)
        {
            if (spec.HasRateCorrection)
            {
                writer.WriteLine($"if (delayed) state._delay.Apply(state.{HistoryField(layer)}, HistorySlots, {LayerOutput(spec, "state", layer)}, state.{layer.Field}.Cell());");
            }
        }

        /// <summary>y_t[j] += x_t[j] after the head, for a head with an input skip: a statement on its own line, indented by <paramref name="indent"/>.</summary>
        private static string InputSkipCall(LstmSpec spec, string input, string output, int indent)
            => spec.Head is { InputSkip: > 0 } ? $"\n{new string(' ', indent)}AddInputSkip({input}, {output});" : "";

        private static void WriteAddInputSkip(IndentedTextWriter writer, LstmSpec spec)
        {
            if (spec.Head is not { InputSkip: > 0 })
            {
                return;
            }
            writer.WriteLines($$"""
                /// <summary>The head's input skip: y_t[j] += x_t[j] for j &lt; <see cref="InputSkip"/>.</summary>
                private static void AddInputSkip({{ReadOnlySpan}} input, {{Span}} output)
                {
                    for (int j = 0; j < InputSkip; j++)
                    {
                        output[j] += input[j];
                    }
                }

                """);
        }
    }
}

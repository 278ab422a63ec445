using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using Xunit;

namespace GenLstm.Tests;

[Lstm(inputSize: 1, hiddenSize: 8)]
public sealed partial class InferenceLstm1x8 { }

/// <summary><c>Formats/amp.onnx</c>: LSTM(1, 6), a Linear head and the input skip, as an amp model's ONNX export.</summary>
[Lstm(inputSize: 1, hiddenSize: 6)]
[LstmOutput(1, InputSkip = 1)]
public sealed partial class OnnxAmp1x6 { }

/// <summary>The same, declared without the skip the file states: loading refuses it.</summary>
[Lstm(inputSize: 1, hiddenSize: 6)]
[LstmOutput(1)]
public sealed partial class OnnxAmpWithoutSkip1x6 { }

/// <summary><c>Formats/initial_state.onnx</c>: one LSTM(2, 5) node whose initial_h and initial_c are constants of the file.</summary>
[Lstm(inputSize: 2, hiddenSize: 5)]
public sealed partial class OnnxInitialStateLstm2x5 { }

/// <summary>
/// What a file says about its model, and the declaration inferred from it: <see cref="WeightFile.InferDeclaration"/> never returns a
/// declaration that <c>Load</c> then rejects, names what it cannot run (a .nam file, a model without an LSTM or GRU), and
/// <see cref="WeightFile.UnusedTensors"/> lists what such a model leaves unread. Small files written here, so every case is exact.
/// </summary>
public sealed class InferenceTests
{
    private static WeightFile Parse(string json) => WeightFile.Parse(Encoding.UTF8.GetBytes(json), "model.json");

    private static string Matrix(int rows, int columns, float value = 0.01f)
        => "[" + string.Join(",", Enumerable.Repeat("[" + string.Join(",", Enumerable.Repeat(value.ToString(System.Globalization.CultureInfo.InvariantCulture), columns)) + "]", rows)) + "]";

    private static string Vector(int length) => "[" + string.Join(",", Enumerable.Repeat("0.01", length)) + "]";

    /// <summary>A PyTorch state dict as JSON: one recurrent layer of <paramref name="gates"/> × H rows, and whatever <paramref name="extra"/> adds.</summary>
    private static string StateDict(int gates, int input, int hidden, string extra = "")
        => $$"""
            {"weight_ih_l0": {{Matrix(gates * hidden, input)}}, "weight_hh_l0": {{Matrix(gates * hidden, hidden)}},
             "bias_ih_l0": {{Vector(gates * hidden)}}, "bias_hh_l0": {{Vector(gates * hidden)}}{{extra}}}
            """;

    [Fact]
    public void A_GRU_state_dict_is_inferred_as_a_GRU_and_named_as_one_by_a_declared_LSTMs_Load()
    {
        WeightFile gru = Parse(StateDict(gates: 3, input: 1, hidden: 8));
        LstmDeclaration inferred = gru.InferDeclaration();
        Assert.Equal((RecurrentCell.Gru, 1, 8, true), (inferred.Cell, inferred.InputSize, inferred.HiddenSize, inferred.ResetAfter));

        var loaded = Assert.Throws<WeightFormatException>(() => InferenceLstm1x8.FromWeights(gru));
        Assert.Contains("holds a GRU", loaded.Message);
    }

    [Fact]
    public void Sizes_come_from_every_tensor_and_must_fit_together()
    {
        // weight_ih says 4H = 32 (H = 8), weight_hh says H = 6: no declaration loads this, so none is printed.
        WeightFile file = Parse($$"""
            {"weight_ih_l0": {{Matrix(32, 1)}}, "weight_hh_l0": {{Matrix(24, 6)}}, "bias_ih_l0": {{Vector(32)}}, "bias_hh_l0": {{Vector(32)}}}
            """);
        var error = Assert.Throws<WeightFormatException>(file.InferDeclaration);
        Assert.Contains("do not fit together", error.Message);

        // A second layer whose input does not match the first layer's output: found by reading the file as Load does.
        WeightFile stack = Parse(StateDict(4, 1, 8, $$""", "weight_ih_l1": {{Matrix(32, 5)}}, "weight_hh_l1": {{Matrix(32, 8)}}, "bias_ih_l1": {{Vector(32)}}, "bias_hh_l1": {{Vector(32)}}"""));
        var layerError = Assert.Throws<WeightFormatException>(stack.InferDeclaration);
        Assert.Contains("weight_ih_l1", layerError.Message);
    }

    [Fact]
    public void Unused_tensors_are_named_and_an_inferred_declaration_loads()
    {
        WeightFile file = Parse(StateDict(4, 1, 8, $$""", "dense.weight": {{Matrix(1, 8)}}, "dense.bias": [0.5], "post.weight": {{Matrix(3, 1)}}"""));
        LstmDeclaration declaration = file.InferDeclaration();
        Assert.Equal((1, 8, 1), (declaration.InputSize, declaration.HiddenSize, declaration.OutputSize));
        Assert.Equal(["post.weight"], file.UnusedTensors(declaration).Select(t => t.Name));
        Assert.Equal(["dense.weight", "dense.bias", "post.weight"],
            file.UnusedTensors(declaration with { OutputSize = 0 }).Select(t => t.Name));
    }

    [Fact]
    public void RTNeural_and_AIDA_X_files_keep_their_metadata_sample_rate_and_input_skip()
    {
        string layers = $$"""
            "layers": [{"type": "lstm", "activation": "", "shape": [null, null, 8], "weights": [{{Matrix(1, 32)}}, {{Matrix(8, 32)}}, {{Vector(32)}}]},
                       {"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [{{Matrix(8, 1)}}, [0.0]]}]
            """;
        WeightFile aidaX = Parse($$$"""{"in_shape": [null, null, 1], "in_skip": 1, "out_gain": -3.5, {{{layers}}}, "metadata": {"name": "Amp \n clean", "samplerate": "44100"}}""");
        Assert.Equal(1, aidaX.InputSkip);
        Assert.Equal(44100, aidaX.SampleRate);
        Assert.Contains(new KeyValuePair<string, string>("out_gain", "-3.5"), aidaX.Metadata);
        Assert.Contains(new KeyValuePair<string, string>("metadata.name", "Amp \\u000a clean"), aidaX.Metadata);
        Assert.Equal("[null,null,1]", Assert.Single(aidaX.Statements, a => a.Name == "in_shape").Value);

        WeightFile rtNeural = Parse($$"""{"in_shape": [null, null, 1], {{layers}}, "samplerate": "48000", "author": "someone"}""");
        Assert.Equal((0, 48000.0), (rtNeural.InputSkip, rtNeural.SampleRate));
        Assert.Contains(new KeyValuePair<string, string>("author", "someone"), rtNeural.Metadata);
        Assert.Empty(rtNeural.PrecedingLayers);
    }

    [Fact]
    public void A_layer_before_the_LSTM_is_a_preceding_layer()
    {
        WeightFile file = Parse($$"""
            {"in_shape": [null, null, 1], "layers": [
              {"type": "time-distributed-dense", "activation": "tanh", "shape": [null, null, 8], "weights": [{{Matrix(1, 8)}}, {{Vector(8)}}]},
              {"type": "lstm", "activation": "", "shape": [null, null, 8], "weights": [{{Matrix(8, 32)}}, {{Matrix(8, 32)}}, {{Vector(32)}}]}]}
            """);
        Assert.Contains("time-distributed-dense", Assert.Single(file.PrecedingLayers));
        Assert.Equal(8, file.InferDeclaration().InputSize);
    }

    [Fact]
    public void An_ONNX_LSTM_that_reads_a_front_ends_output_has_preceding_layers_and_one_that_reads_the_graph_input_has_none()
    {
        // tests/scripts/make_onnx_frontend.py: X -> MatMul -> Add -> Tanh -> LSTM(4, 3).
        WeightFile frontEnd = WeightFile.Open(FormatTests.PathOf("frontend.onnx"));
        Assert.Equal(["node 'front_matmul' (MatMul)", "node 'front_add' (Add)", "node 'front_tanh' (Tanh)"], frontEnd.PrecedingLayers);
        Assert.Equal((4, 3), (frontEnd.InferDeclaration().InputSize, frontEnd.InferDeclaration().HiddenSize));

        Assert.Empty(WeightFile.Open(FormatTests.PathOf("stack.onnx")).PrecedingLayers);
    }

    [Fact]
    public void An_ONNX_LSTM_with_constant_initial_h_and_c_starts_from_them_as_ONNX_Runtime_does()
    {
        // tests/scripts/make_onnx_initial_state.py; the reference is ONNX Runtime running the same file.
        string path = FormatTests.PathOf("initial_state.onnx");
        OnnxInitialStateLstm2x5 model = OnnxInitialStateLstm2x5.Load(path);
        float[] inputs = [.. Enumerable.Range(0, 2 * 64).Select(k => 0.7f * MathF.Sin(0.31f * k))];

        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, options);
        var x = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(inputs, [64, 1, 2]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("X", x)]);
        float[] expected = [.. results.Single(r => r.Name == "Y").AsTensor<float>()];

        var state = model.InitialState;
        var outputs = new float[64 * 5];
        model.Forward(inputs, ref state, outputs);
        // float32 on both sides, 64 steps: ONNX Runtime's own activations and summation order against GenLstm's (1e-6 measured range).
        Assert.InRange(outputs.Zip(expected, (a, e) => Math.Abs(a - e)).Max(), 0, 1e-5);

        // From zero, the first outputs are far from ONNX Runtime's: the stored state matters.
        var zero = new OnnxInitialStateLstm2x5.State();
        model.Forward(inputs, ref zero, outputs);
        Assert.InRange(outputs.Zip(expected, (a, e) => Math.Abs(a - e)).Max(), 0.05, double.PositiveInfinity);
    }

    [Fact]
    public void An_ONNX_amp_model_that_adds_its_input_after_the_head_states_its_skip_and_runs_as_ONNX_Runtime_does()
    {
        // tests/scripts/make_onnx_initial_state.py: X -> LSTM(1, 6) -> Squeeze -> MatMul + Add -> Add(Slice(X)).
        string path = FormatTests.PathOf("amp.onnx");
        WeightFile file = WeightFile.Open(path);
        Assert.Equal(1, file.InputSkip);
        LstmDeclaration declaration = file.InferDeclaration();
        Assert.Equal((1, 6, 1, 1), (declaration.InputSize, declaration.HiddenSize, declaration.OutputSize, declaration.InputSkip));
        Assert.Contains("[OutputHead(size: 1, InputSkip = 1)]", declaration.ToCSharp(), StringComparison.Ordinal);
        Assert.Throws<WeightFormatException>(() => OnnxAmpWithoutSkip1x6.Load(path));

        float[] inputs = [.. Enumerable.Range(0, 64).Select(k => 0.7f * MathF.Sin(0.31f * k))];
        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, options);
        var x = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(inputs, [64, 1, 1]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("X", x)]);
        float[] expected = [.. results.Single(r => r.Name == "output").AsTensor<float>()];

        OnnxAmp1x6 model = OnnxAmp1x6.Load(path);
        var state = model.InitialState;
        var outputs = new float[64];
        model.Forward(inputs, ref state, outputs);
        Assert.InRange(outputs.Zip(expected, (a, e) => Math.Abs(a - e)).Max(), 0, 1e-5);
    }

    [Fact]
    public void Models_GenLstm_does_not_run_are_refused_with_the_reason_first()
    {
        // A GRU is read (GruFormatTests); a SimpleRNN is not.
        string Recurrent(string type, int gates) => $$"""
            {"in_shape": [null, null, 1], "layers": [{"type": "{{type}}", "activation": "tanh", "shape": [null, null, 8], "weights": [{{Matrix(1, gates * 8)}}, {{Matrix(8, gates * 8)}}, {{Matrix(2, gates * 8)}}]},
              {"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [{{Matrix(8, 1)}}, [0.0]]}]}
            """;
        Assert.Equal(RecurrentCell.Gru, Parse(Recurrent("gru", 3)).InferDeclaration().Cell);
        var keras = Assert.Throws<WeightFormatException>(() => Parse(Recurrent("simplernn", 1)));
        Assert.Contains("is a SIMPLERNN", keras.Message);
        Assert.Contains("not an LSTM or a GRU", keras.Message);
        Assert.DoesNotContain("head", keras.Message);

        var nam = Assert.Throws<WeightFormatException>(() => Parse("""{"version": "0.5.4", "architecture": "WaveNet", "config": {}, "weights": [0.1, 0.2], "sample_rate": 48000}"""));
        Assert.Contains("Neural Amp Modeler", nam.Message);
        Assert.Contains("'WaveNet'", nam.Message);

        var dense = Assert.Throws<WeightFormatException>(() => Parse($$"""
            {"in_shape": [null, null, 1], "layers": [{"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [{{Matrix(1, 1)}}, [0.0]]}]}
            """));
        Assert.Contains("no LSTM or GRU layer; its layers: 'layers[0] (dense)' (dense, kernel [1, 1], bias [1])", dense.Message);

        var empty = Assert.Throws<WeightFormatException>(() => Parse("""{"note": "nothing here"}""").InferDeclaration());
        Assert.Contains("holds no tensors GenLstm reads", empty.Message);
        Assert.DoesNotContain("Present: .", empty.Message);
    }
}

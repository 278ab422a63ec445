using System;
using System.IO;
using System.Linq;
using GenLstm.Tool;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// The block <c>genlstm inspect</c> prints to paste says everything the file's model does that the declaration alone does not:
/// <c>using GenLstm;</c>, what the inputs are, the sample rate, the input skip with the line to add, and layers run before the LSTM.
/// </summary>
public sealed class InspectTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-inspect-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Matrix(int rows, int columns)
        => "[" + string.Join(",", Enumerable.Repeat("[" + string.Join(",", Enumerable.Repeat("0.01", columns)) + "]", rows)) + "]";

    private static string Vector(int length) => "[" + string.Join(",", Enumerable.Repeat("0.01", length)) + "]";

    private (int Exit, string Output, string Error) Inspect(string json)
    {
        string path = Path.Combine(_folder, "model.json");
        File.WriteAllText(path, json);
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = Commands.Inspect(new FileInfo(path), output, error);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public void An_AIDA_X_style_conditioned_model_gets_its_inputs_rate_and_skip_in_the_pasted_block()
    {
        (int exit, string output, _) = Inspect($$"""
            {"in_shape": [null, null, 2], "in_skip": 1, "metadata": {"samplerate": 44100, "name": "Drive" }, "layers": [
              {"type": "lstm", "activation": "", "shape": [null, null, 8], "weights": [{{Matrix(2, 32)}}, {{Matrix(8, 32)}}, [{{string.Join(",", Enumerable.Repeat("0", 32))}}]]},
              {"type": "dense", "activation": "", "shape": [null, null, 1], "weights": [{{Matrix(8, 1)}}, [0.0]]}]}
            """);
        Assert.Equal(0, exit);
        string block = output[(output.IndexOf("Declaration (paste", StringComparison.Ordinal))..];
        Assert.Contains("\nusing GenLstm;\n", block.ReplaceLineEndings("\n"));
        Assert.Contains("// Inputs: x_t[0] is the audio sample; x_t[1] is a conditioning value", block);
        Assert.Contains("// Trained at 44100 Hz (stated by the file)", block);
        Assert.Contains("[OutputHead(size: 1, InputSkip = 1)]", block);
        Assert.Contains("call state.SetSampleRateRatio(r / 44100)", block);
        Assert.Contains("sample rate 44100 Hz", output);
        Assert.Matches(@"\n  metadata\.name +Drive", output.ReplaceLineEndings("\n"));
        Assert.Contains("unused      nothing", output);
    }

    [Fact]
    public void A_front_end_before_the_LSTM_is_a_warning_in_the_pasted_block()
    {
        (int exit, string output, _) = Inspect($$"""
            {"in_shape": [null, null, 1], "layers": [
              {"type": "time-distributed-dense", "activation": "tanh", "shape": [null, null, 8], "weights": [{{Matrix(1, 8)}}, [{{string.Join(",", Enumerable.Repeat("0", 8))}}]]},
              {"type": "lstm", "activation": "", "shape": [null, null, 8], "weights": [{{Matrix(8, 32)}}, {{Matrix(8, 32)}}, [{{string.Join(",", Enumerable.Repeat("0", 32))}}]]}]}
            """);
        Assert.Equal(0, exit);
        Assert.Contains("// WARNING: the file runs 1 layer before its LSTM that GenLstm does not run:", output);
        Assert.Contains("(8 values per step), not the file's input", output);
    }

    [Fact]
    public void A_GRU_file_shows_its_tensors_and_prints_a_Gru_declaration()
    {
        string gru = $$"""{"gru.weight_ih_l0": {{Matrix(24, 1)}}, "gru.weight_hh_l0": {{Matrix(24, 8)}}, "gru.bias_ih_l0": {{Vector(24)}}, "gru.bias_hh_l0": {{Vector(24)}}, "dense.weight": {{Matrix(1, 8)}}}""";
        (int exit, string output, string error) = Inspect(gru);
        Assert.True(exit == 0, error);
        Assert.Contains("gru.weight_hh_l0", output);
        Assert.Contains("model       GRU 1 -> 8, 1 layer(s), forward, dense head -> 1", output);
        Assert.Contains("[Gru(inputSize: 1, hiddenSize: 8)]\n[OutputHead(size: 1)]", output.ReplaceLineEndings("\n"));
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>
/// NAM Core's example LSTM (<c>nam-core/lstm.nam</c>, outside the repository) through the <c>.nam</c> reader: the flat weights cut
/// into canonical tensors at the positions NAM's layout gives, with the stored state, the head, the rate and the metadata.
/// The reader's other cases, on files written in the test, are <c>GenLstm.Tests.NamReaderTests</c>.
/// </summary>
public sealed class NamFileTests
{
    [Fact]
    public void NAM_Cores_example_LSTM_reads_as_canonical_tensors_with_its_stored_state_and_head()
    {
        string path = RealData.FileAt("nam-core/lstm.nam");
        using JsonDocument json = JsonDocument.Parse(File.ReadAllBytes(path));
        float[] flat = [.. json.RootElement.GetProperty("weights").EnumerateArray().Select(w => (float)w.GetDouble())];
        Assert.Equal(70, flat.Length);

        WeightFile file = WeightFile.Open(path);
        Assert.Equal(WeightFileFormat.Nam, file.Format);
        Assert.Equal(
            ["weight_ih_l0 [12, 1]", "weight_hh_l0 [12, 3]", "bias_ih_l0 [12]", "bias_hh_l0 [12]", "initial_h_l0 [3]", "initial_c_l0 [3]", "output.weight [1, 3]", "output.bias [1]"],
            file.Tensors.Select(t => $"{t.Name} {t.ShapeText}"));
        Assert.Equal(48000, file.SampleRate);
        Assert.Equal(0, file.InputSkip);
        Assert.Empty(file.Skipped);
        Assert.Contains(new KeyValuePair<string, string>("version", "0.5.4"), file.Metadata);
        Assert.Contains(new KeyValuePair<string, string>("architecture", "LSTM"), file.Metadata);
        Assert.Contains(new KeyValuePair<string, string>("metadata.name", "Test LSTM"), file.Metadata);
        Assert.Contains(new KeyValuePair<string, string>("metadata.gear_make", "Darkglass Electronics"), file.Metadata);
        Assert.DoesNotContain(file.Metadata, entry => entry.Key.StartsWith("weights", StringComparison.Ordinal) || entry.Key.StartsWith("config", StringComparison.Ordinal));

        // Layer 0 (I = 1, H = 3): rows of [1 input | 3 hidden] weights at 0..47, bias at 48..59, h0 at 60..62, c0 at 63..65; head weight 66..68, bias 69.
        for (int row = 0; row < 12; row++)
        {
            Assert.Equal(flat[row * 4], file.GetTensor("weight_ih_l0").Values[row]);
            Assert.Equal(flat[(row * 4 + 1)..(row * 4 + 4)], file.GetTensor("weight_hh_l0").Values[(row * 3)..(row * 3 + 3)]);
        }
        Assert.Equal(flat[48..60], file.GetTensor("bias_ih_l0").Values);
        Assert.All(file.GetTensor("bias_hh_l0").Values, b => Assert.Equal(0f, b));
        Assert.Equal(flat[60..63], file.GetTensor("initial_h_l0").Values);
        Assert.Equal(flat[63..66], file.GetTensor("initial_c_l0").Values);
        Assert.Equal(flat[66..69], file.GetTensor("output.weight").Values);
        Assert.Equal(flat[69..70], file.GetTensor("output.bias").Values);
        // The stored state is not zero: the exporter stores the state reached after a second of silence.
        Assert.Contains(file.GetTensor("initial_c_l0").Values, c => c != 0);

        // A stream reads the same; the declaration inferred from the tensors is the one the config states.
        using FileStream stream = File.OpenRead(path);
        Assert.Equal(file.Tensors.Select(t => t.Values), WeightFile.Read(stream, path).Tensors.Select(t => t.Values));
        LstmDeclaration declaration = file.InferDeclaration();
        Assert.Equal(new LstmDeclaration(1, 3) { Layers = 1, OutputSize = 1 }, declaration);
    }
}

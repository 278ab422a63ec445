using System;
using System.IO;
using System.Linq;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>
/// The data is what the other tests assume: exactly the five documented models, each a one-layer LSTM(I, 20) +
/// Linear(20, 1) with a 2048-step PyTorch reference. A missing folder or file fails here (and everywhere else)
/// with a message naming where it looked and how to set GENLSTM_REALDATA.
/// </summary>
public sealed class DataSetTests
{
    public static TheoryData<string> ModelNames => new(RealData.ModelNames);

    [Fact]
    public void The_folder_holds_exactly_the_five_documented_models()
    {
        string folder = RealData.NeuralPiFolder;
        string[] found = Directory.GetFiles(folder, "*.json")
            .Select(path => Path.GetFileNameWithoutExtension(path))
            .Order(StringComparer.Ordinal)
            .ToArray();

        Assert.True(found.Length == 5,
            $"Expected exactly 5 models (*.json) in '{folder}', found {found.Length}: {string.Join(", ", found)}.");
        Assert.Equal(RealData.ModelNames.Order(StringComparer.Ordinal), found);
    }

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Model_is_the_documented_SimpleRNN_with_a_2048_step_reference(string name)
    {
        // Load checks model_data (LSTM, 1 layer, hidden 20, output 1) and every tensor's shape, or throws.
        NeuralPiModel model = NeuralPiModel.Load(name);
        TorchReference reference = TorchReference.Load(name, model.InputSize);

        // README: the FullD snapshots take the audio only; the others also take the Gain knob.
        Assert.Equal(name.EndsWith("_FullD", StringComparison.Ordinal) ? 1 : 2, model.InputSize);
        Assert.Equal(1, model.Skip);
        Assert.Equal(TorchReference.Steps * model.InputSize, reference.Inputs.Length);
        Assert.Equal(TorchReference.Steps, reference.OutputF64.Length);
    }
}

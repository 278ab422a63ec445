using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// The real models' files through GenLstm's own readers (<c>Load</c>, which recognizes the format by content), against the
/// frameworks' outputs: GuitarML's JSON state dicts against PyTorch, RTNeural's files against PyTorch and TensorFlow
/// (their hand-parsed twins are in <see cref="RtNeuralTests"/>), and RTNeural's broken model.
/// </summary>
public sealed class FileLoadTests(ITestOutputHelper log)
{
    /// <summary>
    /// The same bound as <see cref="PyTorchConformanceTests"/>: float32 over 2048 steps of a model whose outputs reach ±1
    /// (measured here up to 3.0e-6 with the float32 head; PyTorch's own float32 run is 1.6e-6 off its float64 run), while a
    /// real mistake is off by 0.3 or more.
    /// </summary>
    private const double NeuralPiTolerance = 1e-5;

    /// <summary>RTNeural's tolerance for float and double runs.</summary>
    private const double RtNeuralTolerance = 1e-6;

    public static TheoryData<string> NeuralPiModels => new(RealData.ModelNames);

    [Theory]
    [MemberData(nameof(NeuralPiModels))]
    public void A_GuitarML_file_loads_with_its_head_and_reproduces_PyTorch(string name)
    {
        string path = RealData.NeuralPiFile(name + ".json");
        WeightFile file = WeightFile.Open(path);
        Assert.Equal(WeightFileFormat.StateDictJson, file.Format);
        Assert.Equal(1, file.InputSkip);

        int inputSize = name.EndsWith("_FullD", StringComparison.Ordinal) ? 1 : 2;
        TorchReference reference = TorchReference.Load(name, inputSize);
        var outputs = new float[TorchReference.Steps];
        if (inputSize == 2)
        {
            var state = new NeuralPiHead2x20.State();
            NeuralPiHead2x20.FromWeights(file).Forward(reference.Inputs, ref state, outputs);
        }
        else
        {
            var state = new NeuralPiHead1x20.State();
            NeuralPiHead1x20.FromWeights(file).Forward(reference.Inputs, ref state, outputs);
        }

        // The file states skip = 1 and the declaration has it: the output is the pedal's, lin(h_t) + x_t[0].
        double error = outputs.Select((a, t) => Math.Abs(a - (reference.OutputF64[t] + reference.Inputs[t * inputSize]))).Max();
        log.WriteLine($"{name}: max |GenLstm - PyTorch float64| = {error:E2}");
        Assert.InRange(error, 0, NeuralPiTolerance);

        // The sizes model_data states are checked: the audio-only snapshot is not a two-input model.
        if (inputSize == 1)
        {
            var mismatch = Assert.Throws<WeightFormatException>(() => NeuralPiHead2x20.Load(path));
            Assert.Contains("input_size = 1", mismatch.Message);
            Assert.Contains("InputSize = 2", mismatch.Message);
        }
    }

    [Fact]
    public void RTNeurals_PyTorch_stack_loads_as_one_four_layer_model()
    {
        WeightFile file = WeightFile.Open(RealData.RtNeuralFile("lstm_torch.json"));
        Assert.Equal(WeightFileFormat.StateDictJson, file.Format);
        Assert.Contains(file.Statements, a => a.Name == "recurrent modules" && a.Value.Contains("'lstm2.' (layers from 1)"));
        float[] y = RunRtNeural(RtNeuralTorch4x8.FromWeights(file), "lstm_torch_x_python.csv");
        AssertClose("lstm_torch.json via Load", y, RtNeuralTests.Csv("lstm_torch_y_python.csv"));
    }

    [Fact]
    public void RTNeurals_Keras_model_loads_with_its_dense_head()
    {
        var model = RtNeuralKeras1x8.Load(RealData.RtNeuralFile("lstm_1d.json"));
        float[] x = RtNeuralTests.Csv("lstm_1d_x_python.csv");
        var y = new float[x.Length];
        var state = new RtNeuralKeras1x8.State();
        model.Forward(x, ref state, y);
        AssertClose("lstm_1d.json via Load", y, RtNeuralTests.Csv("lstm_1d_y_python.csv"));
    }

    [Fact]
    public void The_dense_layer_before_the_LSTM_is_reported_as_skipped()
    {
        WeightFile file = WeightFile.Open(RealData.RtNeuralFile("lstm.json"));
        Assert.Equal(WeightFileFormat.RtNeuralJson, file.Format);
        string skipped = Assert.Single(file.Skipped);
        Assert.Contains("layers[0] (time-distributed-dense)", skipped);
        Assert.Contains("before the LSTM", skipped);
        Assert.Equal([32, 8], file.GetTensor("weight_ih_l0").Shape);
        Assert.Equal([1, 8], file.GetTensor("output.weight").Shape);
    }

    [Fact]
    public void RTNeurals_broken_model_is_rejected_naming_the_mismatch()
    {
        string path = RealData.RtNeuralFile("bad_lstm.json");
        var error = Assert.Throws<WeightFormatException>(() => RtNeuralBad1x16.Load(path));
        log.WriteLine(error.Message);
        Assert.StartsWith(path, error.Message);
        Assert.Contains("16 units", error.Message);      // what the file's 'shape' declares
        Assert.Contains("for 20", error.Message);        // what its weights hold
        Assert.Contains("'shape'", error.Message);
    }

    private static float[] RunRtNeural(RtNeuralTorch4x8 model, string inputs)
    {
        float[] x = RtNeuralTests.Csv(inputs);
        var y = new float[x.Length];
        var state = new RtNeuralTorch4x8.State();
        model.Forward(x, ref state, y);
        return y;
    }

    private void AssertClose(string name, float[] actual, float[] expected)
    {
        double error = actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).Max();
        log.WriteLine($"{name}: {actual.Length} steps, max |GenLstm - framework| = {error:E2}");
        Assert.Equal(expected.Length, actual.Length);
        Assert.InRange(error, 0, RtNeuralTolerance);
    }
}

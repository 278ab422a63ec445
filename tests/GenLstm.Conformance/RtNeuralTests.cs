using System;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// RTNeural's own LSTM test models (a 4-layer PyTorch stack and two Keras models, exported to RTNeural's JSON) against the
/// outputs PyTorch and TensorFlow computed for them, which RTNeural's tests reproduce within 1e-6. The JSON is read here,
/// following <c>../shared/realdata/rtneural/README.md</c> (Keras kernels are [in][4H] and are transposed to PyTorch's
/// [4H][in]; Keras's single bias goes to bias_ih with a zero bias_hh; both frameworks order the gates i, f, g(c), o).
/// </summary>
public sealed class RtNeuralTests(ITestOutputHelper log)
{
    /// <summary>RTNeural's tolerance for float and double runs (its README); our float32 path stays within it.</summary>
    private const double Tolerance = 1e-6;

    [Fact]
    public void The_four_layer_PyTorch_stack_reproduces_PyTorch()
    {
        using JsonDocument json = Read("lstm_torch.json");
        JsonElement root = json.RootElement;
        PyTorchLstmTensors Layer(string module, int k) => new(
            Flat(root.GetProperty($"{module}.weight_ih_l{k}")), Flat(root.GetProperty($"{module}.weight_hh_l{k}")),
            Flat(root.GetProperty($"{module}.bias_ih_l{k}")), Flat(root.GetProperty($"{module}.bias_hh_l{k}")));
        var model = RtNeuralTorch4x8.FromPyTorch(
            DenseLayer.FromPyTorch(8, 1, Activation.None, Flat(root.GetProperty("dense.weight")), Flat(root.GetProperty("dense.bias"))),
            Layer("lstm", 0), Layer("lstm2", 0), Layer("lstm2", 1), Layer("lstm2", 2));

        float[] x = Csv("lstm_torch_x_python.csv");   // float64 text; PyTorch saw the values rounded to float32, as here
        var y = new float[x.Length];
        var state = new RtNeuralTorch4x8.State();
        model.Forward(x, ref state, y);

        AssertClose("lstm_torch (4 layers)", y, Csv("lstm_torch_y_python.csv"));
    }

    [Fact]
    public void The_Keras_LSTM_with_a_dense_head_reproduces_TensorFlow()
    {
        using JsonDocument json = Read("lstm_1d.json");
        JsonElement layers = json.RootElement.GetProperty("layers");
        var model = RtNeuralKeras1x8.FromPyTorch(KerasDense(layers[1], 8, 1), KerasLstm(layers[0]));

        float[] x = Csv("lstm_1d_x_python.csv");
        var y = new float[x.Length];
        var state = new RtNeuralKeras1x8.State();
        model.Forward(x, ref state, y);

        AssertClose("lstm_1d", y, Csv("lstm_1d_y_python.csv"));
    }

    [Fact]
    public void The_Keras_dense_LSTM_dense_model_reproduces_TensorFlow()
    {
        using JsonDocument json = Read("lstm.json");
        JsonElement layers = json.RootElement.GetProperty("layers");
        Assert.Equal("time-distributed-dense", layers[0].GetProperty("type").GetString());
        // The TimeDistributed Dense(1 -> 8, tanh) in front of the LSTM is not an LSTM feature: applied here, in float32.
        DenseLayer front = KerasDenseLayer(layers[0], 1, 8, Activation.Tanh);
        var model = RtNeuralKeras8x8.FromPyTorch(KerasDense(layers[2], 8, 1), KerasLstm(layers[1]));

        float[] x = Csv("lstm_x_python.csv");
        var features = new float[x.Length * 8];
        for (int t = 0; t < x.Length; t++)
        {
            front.Apply(x.AsSpan(t, 1), features.AsSpan(t * 8, 8));
        }
        var y = new float[x.Length];
        var state = new RtNeuralKeras8x8.State();
        model.Forward(features, ref state, y);

        AssertClose("lstm (dense, LSTM, dense)", y, Csv("lstm_y_python.csv"));
    }

    [Fact]
    public void The_deliberately_broken_model_is_rejected_naming_the_mismatch()
    {
        using JsonDocument json = Read("bad_lstm.json");
        JsonElement layers = json.RootElement.GetProperty("layers");
        Assert.Equal(16, layers[0].GetProperty("shape")[2].GetInt32());   // what the file declares

        // A head of the declared size, so that the LSTM's weights are what fails (the file's Dense is 20 x 1 as well).
        var head = DenseLayer.FromPyTorch(16, 1, Activation.None, new float[16], [0f]);
        var error = Assert.Throws<ArgumentException>(() => RtNeuralBad1x16.FromPyTorch(head, KerasLstm(layers[0])));

        log.WriteLine(error.Message);
        Assert.Contains("64", error.Message);   // 4H for the declared 16 units
        Assert.Contains("80", error.Message);   // 4H for the 20 units the weights hold
    }

    private void AssertClose(string name, float[] actual, float[] expected)
    {
        double error = actual.Zip(expected, (a, e) => Math.Abs((double)a - e)).Max();
        log.WriteLine($"{name}: {actual.Length} steps, max |GenLstm - framework| = {error:E2}");
        Assert.Equal(expected.Length, actual.Length);
        Assert.InRange(error, 0, Tolerance);
    }

    /// <summary>A Keras LSTM layer's [kernel [in][4H], recurrent [H][4H], bias [4H]] as PyTorch tensors (transposed; bias_hh = 0).</summary>
    private static PyTorchLstmTensors KerasLstm(JsonElement layer)
    {
        Assert.Equal("lstm", layer.GetProperty("type").GetString());
        JsonElement weights = layer.GetProperty("weights");
        float[] kernel = Flat(weights[0]), recurrent = Flat(weights[1]), bias = Flat(weights[2]);
        int gateColumns = bias.Length;   // 4H of the weights, whatever the file's "shape" says
        return new PyTorchLstmTensors(Transpose(kernel, kernel.Length / gateColumns, gateColumns),
            Transpose(recurrent, recurrent.Length / gateColumns, gateColumns), bias, new float[gateColumns]);
    }

    /// <summary>A Keras Dense layer (kernel [in][out], bias [out]) as the head's DenseLayer (activation none).</summary>
    private static DenseLayer KerasDense(JsonElement layer, int inputSize, int size) => KerasDenseLayer(layer, inputSize, size, Activation.None);

    private static DenseLayer KerasDenseLayer(JsonElement layer, int inputSize, int size, Activation activation)
    {
        JsonElement weights = layer.GetProperty("weights");
        float[] kernel = Flat(weights[0]);
        return DenseLayer.FromPyTorch(inputSize, size, activation, Transpose(kernel, kernel.Length / size, size), Flat(weights[1]));
    }

    /// <summary>[rows][columns] row-major to [columns][rows].</summary>
    private static float[] Transpose(float[] values, int rows, int columns)
    {
        var result = new float[values.Length];
        for (int r = 0; r < rows; r++)
        {
            for (int c = 0; c < columns; c++)
            {
                result[c * rows + r] = values[r * columns + c];
            }
        }
        return result;
    }

    /// <summary>Nested JSON lists (or one number) flattened row-major, each value rounded to float32 as the frameworks stored it.</summary>
    private static float[] Flat(JsonElement element)
    {
        var values = new System.Collections.Generic.List<float>();
        void Walk(JsonElement e)
        {
            if (e.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement child in e.EnumerateArray())
                {
                    Walk(child);
                }
            }
            else
            {
                values.Add((float)e.GetDouble());
            }
        }
        Walk(element);
        return [.. values];
    }

    private static JsonDocument Read(string fileName) => JsonDocument.Parse(File.ReadAllBytes(RealData.RtNeuralFile(fileName)));

    internal static float[] Csv(string fileName)
        => [.. File.ReadAllLines(RealData.RtNeuralFile(fileName)).Where(l => l.Length > 0).Select(l => (float)double.Parse(l, CultureInfo.InvariantCulture))];
}

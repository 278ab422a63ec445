using System;
using System.Collections.Generic;
using System.IO;
using System.Text.Json;

namespace GenLstm.Conformance;

/// <summary>
/// One NeuralPi model file (<c>&lt;name&gt;.json</c>): the PyTorch state dict of <c>SimpleRNN</c> =
/// <c>torch.nn.LSTM(input_size, 20)</c> (module <c>rec</c>) followed by <c>torch.nn.Linear(20, 1)</c> (module <c>lin</c>),
/// written as nested JSON lists. Loading checks <c>model_data</c> and every tensor's shape, and flattens the lists
/// row-major into the layouts <c>FromPyTorch</c> takes.
/// </summary>
internal sealed class NeuralPiModel
{
    public const int HiddenSize = 20;
    private const int GateRows = 4 * HiddenSize;

    private NeuralPiModel(string name, int inputSize, int skip, float[] weightIh, float[] weightHh, float[] biasIh,
        float[] biasHh, double[] linearWeight, double linearBias)
    {
        Name = name;
        InputSize = inputSize;
        Skip = skip;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        LinearWeight = linearWeight;
        LinearBias = linearBias;
    }

    public string Name { get; }

    /// <summary><c>model_data.input_size</c>: 2 (audio, gain) or 1 (audio).</summary>
    public int InputSize { get; }

    /// <summary><c>model_data.skip</c>: 1 means the plugin outputs lin(h_t) + x_t[0].</summary>
    public int Skip { get; }

    /// <summary><c>rec.weight_ih_l0</c>, [80, I] row-major.</summary>
    public float[] WeightIh { get; }

    /// <summary><c>rec.weight_hh_l0</c>, [80, 20] row-major.</summary>
    public float[] WeightHh { get; }

    /// <summary><c>rec.bias_ih_l0</c>, [80].</summary>
    public float[] BiasIh { get; }

    /// <summary><c>rec.bias_hh_l0</c>, [80].</summary>
    public float[] BiasHh { get; }

    /// <summary><c>lin.weight</c>, [1, 20] (the single row).</summary>
    public double[] LinearWeight { get; }

    /// <summary><c>lin.bias</c>, [1].</summary>
    public double LinearBias { get; }

    /// <summary>The Linear head in float64: y = lin.weight · h + lin.bias.</summary>
    public double Linear(ReadOnlySpan<float> hidden)
    {
        double y = LinearBias;
        for (int k = 0; k < HiddenSize; k++)
        {
            y += LinearWeight[k] * hidden[k];
        }
        return y;
    }

    /// <summary>Reads and checks <c>&lt;name&gt;.json</c> from the data folder.</summary>
    /// <exception cref="InvalidDataException">The file is not the documented SimpleRNN LSTM; the message says what differs.</exception>
    public static NeuralPiModel Load(string name)
    {
        string path = RealData.NeuralPiFile(name + ".json");
        using JsonDocument document = JsonDocument.Parse(File.ReadAllBytes(path));
        JsonElement root = document.RootElement;
        InvalidDataException Bad(string problem) => new($"{path}: {problem}");

        // model_data: the architecture the file claims. Anything but a one-layer LSTM of 20 units is not what we test.
        JsonElement modelData = root.GetProperty("model_data");
        string? unitType = modelData.GetProperty("unit_type").GetString();
        int numLayers = modelData.GetProperty("num_layers").GetInt32();
        int hiddenSize = modelData.GetProperty("hidden_size").GetInt32();
        int inputSize = modelData.GetProperty("input_size").GetInt32();
        int outputSize = modelData.GetProperty("output_size").GetInt32();
        if (unitType != "LSTM" || numLayers != 1 || hiddenSize != HiddenSize || outputSize != 1 || inputSize is not (1 or 2))
        {
            throw Bad($"model_data is unit_type={unitType}, num_layers={numLayers}, hidden_size={hiddenSize}, "
                + $"input_size={inputSize}, output_size={outputSize}; expected LSTM, 1, {HiddenSize}, 1 or 2, 1.");
        }

        JsonElement stateDict = root.GetProperty("state_dict");
        float[] Tensor(string tensor, params int[] shape) => Flatten(path, tensor, stateDict.GetProperty(tensor), shape);
        float[] linearWeight = Tensor("lin.weight", 1, HiddenSize);
        float[] linearBias = Tensor("lin.bias", 1);
        return new NeuralPiModel(name, inputSize, modelData.GetProperty("skip").GetInt32(),
            Tensor("rec.weight_ih_l0", GateRows, inputSize),
            Tensor("rec.weight_hh_l0", GateRows, HiddenSize),
            Tensor("rec.bias_ih_l0", GateRows),
            Tensor("rec.bias_hh_l0", GateRows),
            Array.ConvertAll(linearWeight, v => (double)v),
            linearBias[0]);
    }

    /// <summary>
    /// Flattens a nested JSON list row-major after checking it has exactly <paramref name="shape"/>. The values must be
    /// float32 numbers (PyTorch saved float32 tensors), so reading them as <see cref="float"/> loses nothing.
    /// </summary>
    private static float[] Flatten(string path, string tensor, JsonElement element, int[] shape)
    {
        var values = new List<float>();
        Walk(element, 0, "");
        return values.ToArray();

        void Walk(JsonElement node, int dimension, string index)
        {
            if (dimension == shape.Length)
            {
                double value = node.GetDouble();
                if ((double)(float)value != value)
                {
                    throw new InvalidDataException($"{path}: {tensor}{index} = {value} is not a float32 value.");
                }
                values.Add((float)value);
                return;
            }
            if (node.ValueKind != JsonValueKind.Array || node.GetArrayLength() != shape[dimension])
            {
                string found = node.ValueKind == JsonValueKind.Array ? $"a list of {node.GetArrayLength()}" : node.ValueKind.ToString();
                throw new InvalidDataException(
                    $"{path}: {tensor}{index} should be a list of {shape[dimension]} (shape [{string.Join(", ", shape)}]), found {found}.");
            }
            int i = 0;
            foreach (JsonElement child in node.EnumerateArray())
            {
                Walk(child, dimension + 1, $"{index}[{i++}]");
            }
        }
    }
}

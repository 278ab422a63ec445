using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace GenLstm.Formats;

/// <summary>
/// Reads the JSON model files audio projects ship: RTNeural's export of a Keras model (a <c>layers</c> list), a PyTorch
/// state dict dumped with <c>json.dump</c> (RTNeural's PyTorch flavour), and GuitarML's <c>model_data</c> + <c>state_dict</c>.
/// </summary>
internal static class JsonModelReader
{
    public static WeightFile Read(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        JsonDocument document = JsonText.Parse(bytes, sourceName, "the file starts like JSON but is not valid JSON");

        using (document)
        {
            JsonElement root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                throw new WeightFormatException(sourceName, null, $"a JSON model must be an object, not {root.ValueKind}.");
            }
            if (root.TryGetProperty("layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array)
            {
                return ReadRtNeural(sourceName, root, layers);
            }
            if (root.TryGetProperty("state_dict", out JsonElement stateDict) && stateDict.ValueKind == JsonValueKind.Object)
            {
                return ReadStateDict(sourceName, stateDict, ModelDataAttributes(sourceName, root));
            }
            return ReadStateDict(sourceName, root, []);
        }
    }

    /// <summary>RTNeural's Keras export: <c>in_shape</c>, then <c>layers</c> of <c>type</c>, <c>activation</c>, <c>shape</c>, <c>weights</c>.</summary>
    private static WeightFile ReadRtNeural(string sourceName, JsonElement root, JsonElement layers)
    {
        var keras = new List<KerasLayerWeights>();
        int index = 0;
        foreach (JsonElement layer in layers.EnumerateArray())
        {
            string name = $"layers[{index++}]";
            if (layer.ValueKind != JsonValueKind.Object)
            {
                throw new WeightFormatException(sourceName, name, $"a layer must be an object, not {layer.ValueKind}.");
            }
            string type = StringField(sourceName, layer, name, "type");
            string activation = layer.TryGetProperty("activation", out JsonElement a) && a.ValueKind == JsonValueKind.String ? a.GetString()! : "";
            int? units = layer.TryGetProperty("shape", out JsonElement shape) && shape.ValueKind == JsonValueKind.Array && shape.GetArrayLength() > 0
                && JsonText.TryGetInt32(shape[shape.GetArrayLength() - 1], out int last) ? last : null;
            if (!layer.TryGetProperty("weights", out JsonElement weights) || weights.ValueKind != JsonValueKind.Array)
            {
                throw new WeightFormatException(sourceName, name, $"the {type} layer has no 'weights' list.");
            }
            string[] names = type switch
            {
                "lstm" => ["kernel", "recurrent_kernel", "bias"],
                "dense" or "time-distributed-dense" => ["kernel", "bias"],
                _ => [.. Enumerable.Range(0, weights.GetArrayLength()).Select(i => $"weights[{i}]")],
            };
            if (weights.GetArrayLength() != names.Length)
            {
                throw new WeightFormatException(sourceName, $"{name}.weights",
                    $"a {type} layer has {names.Length} weight arrays ({string.Join(", ", names)}), found {weights.GetArrayLength()}.");
            }
            WeightTensor[] tensors = [.. weights.EnumerateArray().Select((w, i) => JsonTensor.Read(sourceName, $"{name}.weights[{i}]", names[i], w))];
            keras.Add(new KerasLayerWeights($"{name} ({type})", tensors)
            {
                Type = type,
                // RTNeural always runs sigmoid gates and tanh: its exporter writes the LSTM's activation but its loader ignores it.
                Activation = type == "lstm" ? null : activation,
                Units = type == "lstm" ? units : null,
                UnitsAttribute = $"'shape' [{(shape.ValueKind == JsonValueKind.Array ? string.Join(", ", shape.EnumerateArray().Select(e => e.GetRawText())) : "")}]",
            });
        }

        WeightFile file = KerasLayers.ToWeightFile(sourceName, WeightFileFormat.RtNeuralJson, keras, []);
        if (keras.Count > 0 && keras[0].Type == "lstm" && root.TryGetProperty("in_shape", out JsonElement inShape) && inShape.ValueKind == JsonValueKind.Array
            && inShape.GetArrayLength() > 0 && JsonText.TryGetInt32(inShape[inShape.GetArrayLength() - 1], out int inputSize))
        {
            var inShapeAttribute = new WeightFileAttribute("RTNeural model", "in_shape", inShape.GetRawText())
            {
                Disagreement = d => d.InputSize == inputSize ? null : $"InputSize = {d.InputSize}",
            };
            return new WeightFile(sourceName, file.Format, file.Tensors, [inShapeAttribute, .. file.Attributes], file.Skipped);
        }
        return file;
    }

    /// <summary>GuitarML's <c>model_data</c>: the sizes are checked; <c>skip</c> is reported (the head does not add the input).</summary>
    private static List<WeightFileAttribute> ModelDataAttributes(string sourceName, JsonElement root)
    {
        var attributes = new List<WeightFileAttribute>();
        if (!root.TryGetProperty("model_data", out JsonElement data) || data.ValueKind != JsonValueKind.Object)
        {
            return attributes;
        }
        const string origin = "model_data";
        if (data.TryGetProperty("unit_type", out JsonElement unit) && unit.ValueKind == JsonValueKind.String && unit.GetString() != "LSTM")
        {
            throw new WeightFormatException(sourceName, "model_data.unit_type", $"the model's recurrent unit is {unit.GetString()}; GenLstm runs LSTMs.");
        }
        void Size(string field, Func<LstmDeclaration, int> declared, string property)
        {
            if (data.TryGetProperty(field, out JsonElement value) && JsonText.TryGetInt32(value, out int size))
            {
                attributes.Add(new WeightFileAttribute(origin, field, size.ToString(CultureInfo.InvariantCulture))
                {
                    Disagreement = d => declared(d) == size ? null : $"{property} = {declared(d)}",
                });
            }
        }
        Size("input_size", d => d.InputSize, "InputSize");
        Size("hidden_size", d => d.HiddenSize, "HiddenSize");
        Size("num_layers", d => d.Layers, "Layers");
        if (data.TryGetProperty("skip", out JsonElement skip) && JsonText.TryGetInt32(skip, out int skipValue) && skipValue != 0)
        {
            attributes.Add(new WeightFileAttribute(origin, "skip", $"{skipValue}: the model's output is lin(h_t) + x_t[0]; add the input's first value to each output yourself"));
        }
        return attributes;
    }

    /// <summary>
    /// A state dict as one JSON object of name → nested lists. When it holds several LSTM modules (RTNeural's test model:
    /// <c>lstm</c> then the 3-layer <c>lstm2</c>), they run one after the other, so they become one stack in file order.
    /// </summary>
    private static WeightFile ReadStateDict(string sourceName, JsonElement stateDict, List<WeightFileAttribute> attributes)
    {
        var tensors = new List<WeightTensor>();
        var skipped = new List<string>();
        foreach (JsonProperty entry in stateDict.EnumerateObject())
        {
            if (entry.Value.ValueKind is JsonValueKind.Array or JsonValueKind.Number)
            {
                tensors.Add(JsonTensor.Read(sourceName, entry.Name, entry.Name, entry.Value));
            }
            else
            {
                skipped.Add($"entry '{entry.Name}': a {entry.Value.ValueKind}, not a tensor.");
            }
        }

        List<string> modules = [.. tensors.Select(t => LstmName().Match(t.Name)).Where(m => m.Success).Select(m => m.Groups["prefix"].Value).Distinct()];
        if (modules.Count > 1)
        {
            tensors = ChainModules(tensors, modules, attributes);
        }
        return new WeightFile(sourceName, WeightFileFormat.StateDictJson, tensors, attributes, skipped);
    }

    private static List<WeightTensor> ChainModules(List<WeightTensor> tensors, List<string> modules, List<WeightFileAttribute> attributes)
    {
        var firstLayer = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 0;
        foreach (string module in modules)
        {
            firstLayer[module] = next;
            next += tensors.Select(t => LstmName().Match(t.Name)).Where(m => m.Success && m.Groups["prefix"].Value == module)
                .Max(m => int.Parse(m.Groups["layer"].Value, CultureInfo.InvariantCulture)) + 1;
        }
        attributes.Add(new WeightFileAttribute("state dict", "LSTM modules",
            string.Join(", ", modules.Select(m => $"'{m}' (layers from {firstLayer[m]})")) + ", chained into one stack in file order"));
        return [.. tensors.Select(t => LstmName().Match(t.Name) is { Success: true } m
            ? t with { Name = $"{m.Groups["kind"].Value}_l{firstLayer[m.Groups["prefix"].Value] + int.Parse(m.Groups["layer"].Value, CultureInfo.InvariantCulture)}{m.Groups["reverse"].Value}" }
            : t)];
    }

    private static string StringField(string sourceName, JsonElement element, string name, string field)
        => element.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new WeightFormatException(sourceName, name, $"the layer has no string '{field}'.");

    private static Regex LstmName() => PyTorchLstmTensors.LstmTensorName();
}

/// <summary>A tensor written as nested JSON lists of numbers.</summary>
internal static class JsonTensor
{
    /// <param name="sourceName">The file, for messages.</param>
    /// <param name="where">Where the tensor is in the file, for messages.</param>
    /// <param name="name">The tensor's name.</param>
    /// <param name="element">A number or nested lists of numbers, rectangular.</param>
    public static WeightTensor Read(string sourceName, string where, string name, JsonElement element)
    {
        var shape = new List<long>();
        for (JsonElement e = element; e.ValueKind == JsonValueKind.Array; e = e[0])
        {
            shape.Add(e.GetArrayLength());
            if (e.GetArrayLength() == 0)
            {
                break;
            }
        }
        // Count before allocating: a ragged list must not make a short file allocate the product of its first lengths.
        long count = Count(sourceName, where, element, shape, 0);
        var values = new float[count];
        int written = 0;
        Fill(element, values, ref written);
        return new WeightTensor(name, shape, values);
    }

    private static long Count(string sourceName, string where, JsonElement element, List<long> shape, int depth)
    {
        if (depth == shape.Count)
        {
            return element.ValueKind == JsonValueKind.Number ? 1
                : throw new WeightFormatException(sourceName, where, $"expected a number at depth {depth}, found {element.ValueKind}: the lists are not a rectangular tensor of shape {SafeTensorInfo.FormatShape(shape)}.");
        }
        if (element.ValueKind != JsonValueKind.Array || element.GetArrayLength() != shape[depth])
        {
            throw new WeightFormatException(sourceName, where,
                $"the lists are not rectangular: expected a list of {shape[depth]} at depth {depth} (shape {SafeTensorInfo.FormatShape(shape)}), found {(element.ValueKind == JsonValueKind.Array ? $"a list of {element.GetArrayLength()}" : element.ValueKind.ToString())}.");
        }
        long count = 0;
        foreach (JsonElement item in element.EnumerateArray())
        {
            count += Count(sourceName, where, item, shape, depth + 1);
        }
        return count;
    }

    private static void Fill(JsonElement element, float[] values, ref int written)
    {
        if (element.ValueKind == JsonValueKind.Number)
        {
            // Text such as 1e999 reads as infinity; the loaders' finiteness check then names the element.
            values[written++] = element.TryGetDouble(out double value) ? (float)value : float.NaN;
            return;
        }
        foreach (JsonElement item in element.EnumerateArray())
        {
            Fill(item, values, ref written);
        }
    }
}

/// <summary>The JSON checks every reader needs: valid UTF-8 (System.Text.Json checks names only when they are read) and integers that are numbers.</summary>
internal static class JsonText
{
    /// <exception cref="WeightFormatException">The bytes are not valid UTF-8 JSON; the message starts with <paramref name="what"/>.</exception>
    public static JsonDocument Parse(ReadOnlyMemory<byte> json, string sourceName, string what)
    {
        if (!System.Text.Unicode.Utf8.IsValid(json.Span))
        {
            throw new WeightFormatException(sourceName, null, $"{what}: it is not valid UTF-8.");
        }
        try
        {
            return JsonDocument.Parse(json);
        }
        catch (JsonException e)
        {
            throw new WeightFormatException(sourceName, null, $"{what}: {e.Message}", e);
        }
    }

    /// <summary>Reads an integer, or false for anything else (a string, a list, a fraction).</summary>
    public static bool TryGetInt32(JsonElement element, out int value)
    {
        value = 0;
        return element.ValueKind == JsonValueKind.Number && element.TryGetInt32(out value);
    }
}

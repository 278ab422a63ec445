using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;
using GenLstm.Contract;

namespace GenLstm.Formats;

/// <summary>
/// Reads the JSON model files audio projects ship: RTNeural's export of a Keras model (a <c>layers</c> list), a PyTorch
/// state dict dumped with <c>json.dump</c> (RTNeural's PyTorch flavour), and GuitarML's <c>model_data</c> + <c>state_dict</c>.
/// </summary>
internal static class JsonModelReader
{
    /// <summary>The most layers an RTNeural JSON model may list: its recurrent stack, the head, and what runs before (refused or skipped).</summary>
    private const int MaxLayers = 1024;

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
            if (root.TryGetProperty("architecture", out JsonElement architecture) && architecture.ValueKind == JsonValueKind.String
                && root.TryGetProperty("weights", out JsonElement flat) && flat.ValueKind == JsonValueKind.Array)
            {
                return NamModelReader.Read(sourceName, root);
            }
            List<KeyValuePair<string, string>> metadata = JsonMetadata.Collect(root, exclude: ["layers", "state_dict", "model_data", "in_shape", "in_skip"]);
            if (root.TryGetProperty("layers", out JsonElement layers) && layers.ValueKind == JsonValueKind.Array)
            {
                WeightFile rtNeural = ReadRtNeural(sourceName, root, layers);
                return new WeightFile(sourceName, rtNeural.Format, rtNeural.Tensors, rtNeural.Statements, rtNeural.Skipped)
                {
                    PrecedingLayers = rtNeural.PrecedingLayers,
                    // RTNeural's format states the whole model: without AIDA-X's in_skip there is no skip.
                    InputSkip = root.TryGetProperty("in_skip", out JsonElement inSkip) && JsonText.TryGetInt32(inSkip, out int skip) ? skip : 0,
                    SampleRate = JsonMetadata.SampleRate(metadata),
                    Metadata = metadata,
                };
            }
            if (root.TryGetProperty("state_dict", out JsonElement stateDict) && stateDict.ValueKind == JsonValueKind.Object)
            {
                WeightFile simpleRnn = ReadStateDict(sourceName, stateDict, ModelDataStatements(sourceName, root));
                return new WeightFile(sourceName, simpleRnn.Format, simpleRnn.Tensors, simpleRnn.Statements, simpleRnn.Skipped)
                {
                    InputSkip = root.TryGetProperty("model_data", out JsonElement data) && data.ValueKind == JsonValueKind.Object
                        && data.TryGetProperty("skip", out JsonElement skipField) && JsonText.TryGetInt32(skipField, out int skipValue) ? skipValue : null,
                    SampleRate = JsonMetadata.SampleRate(metadata),
                    Metadata = metadata,
                };
            }
            return ReadStateDict(sourceName, root, []);
        }
    }

    /// <summary>RTNeural's Keras export: <c>in_shape</c>, then <c>layers</c> of <c>type</c>, <c>activation</c>, <c>shape</c>, <c>weights</c>.</summary>
    private static WeightFile ReadRtNeural(string sourceName, JsonElement root, JsonElement layers)
    {
        if (layers.GetArrayLength() > MaxLayers)
        {
            throw new WeightFormatException(sourceName, "layers", $"the model lists {layers.GetArrayLength()} layers; an RTNeural model GenLstm reads has at most {MaxLayers}.");
        }
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
                "lstm" or "gru" => ["kernel", "recurrent_kernel", "bias"],
                "dense" or "time-distributed-dense" => ["kernel", "bias"],
                _ => [.. Enumerable.Range(0, weights.GetArrayLength()).Select(i => $"weights[{i}]")],
            };
            if (weights.GetArrayLength() != names.Length)
            {
                throw new WeightFormatException(sourceName, $"{name}.weights",
                    $"a {type} layer has {names.Length} weight arrays ({string.Join(", ", names)}), found {weights.GetArrayLength()}.");
            }
            WeightTensor[] tensors = [.. weights.EnumerateArray().Select((w, i) => JsonTensor.Read(sourceName, $"{name}.weights[{i}]", names[i], w))];
            bool recurrent = type is "lstm" or "gru";
            keras.Add(new KerasLayerWeights($"{name} ({type})", tensors)
            {
                Type = type,
                // RTNeural always runs sigmoid gates and tanh: its exporter writes the recurrent layer's activation but its loader
                // ignores it. Its GRU is Keras's reset_after = True (bias [2][3H], row 0 the input bias), as KerasLayers reads it.
                Activation = recurrent ? null : activation,
                Units = recurrent ? units : null,
                UnitsAttribute = $"'shape' [{(shape.ValueKind == JsonValueKind.Array ? string.Join(", ", shape.EnumerateArray().Select(e => e.GetRawText())) : "")}]",
            });
        }

        WeightFile file = KerasLayers.ToWeightFile(sourceName, WeightFileFormat.RtNeuralJson, keras, []);
        if (keras.Count > 0 && keras[0].Type is "lstm" or "gru" && root.TryGetProperty("in_shape", out JsonElement inShape) && inShape.ValueKind == JsonValueKind.Array
            && inShape.GetArrayLength() > 0 && JsonText.TryGetInt32(inShape[inShape.GetArrayLength() - 1], out int inputSize))
        {
            var inShapeStatement = new WeightFileStatement("RTNeural model", "in_shape", JsonMetadata.Text(inShape))
            {
                Disagreement = d => d.InputSize == inputSize ? null : $"InputSize = {d.InputSize}",
            };
            return new WeightFile(sourceName, file.Format, file.Tensors, [inShapeStatement, .. file.Statements], file.Skipped) { PrecedingLayers = file.PrecedingLayers };
        }
        return file;
    }

    /// <summary>
    /// GuitarML's <c>model_data</c>: the cell (<c>unit_type</c>) and the sizes are checked against the declaration (<c>skip</c> becomes
    /// <see cref="WeightFile.InputSkip"/>).
    /// </summary>
    private static List<WeightFileStatement> ModelDataStatements(string sourceName, JsonElement root)
    {
        var statements = new List<WeightFileStatement>();
        if (!root.TryGetProperty("model_data", out JsonElement data) || data.ValueKind != JsonValueKind.Object)
        {
            return statements;
        }
        const string origin = "model_data";
        // CoreAudioML's SimpleRNN holds a torch.nn.LSTM or torch.nn.GRU under 'rec.': PyTorch's tensors either way.
        switch (data.TryGetProperty("unit_type", out JsonElement unit) && unit.ValueKind == JsonValueKind.String ? unit.GetString() : null)
        {
            case null or "LSTM":
                break;
            case "GRU":
                statements.Add(CellStatements.Gru(origin, "unit_type", "GRU"));
                break;
            case string other:
                throw new WeightFormatException(sourceName, "model_data.unit_type", $"the model's recurrent unit is {other}; GenLstm runs LSTMs and GRUs.");
        }
        void Size(string field, Func<LstmDeclaration, int> declared, string property)
        {
            if (data.TryGetProperty(field, out JsonElement value) && JsonText.TryGetInt32(value, out int size))
            {
                statements.Add(new WeightFileStatement(origin, field, size.ToString(CultureInfo.InvariantCulture))
                {
                    Disagreement = d => declared(d) == size ? null : $"{property} = {declared(d)}",
                });
            }
        }
        Size("input_size", d => d.InputSize, "InputSize");
        Size("hidden_size", d => d.HiddenSize, "HiddenSize");
        Size("num_layers", d => d.Layers, "Layers");
        return statements;
    }

    /// <summary>
    /// A state dict as one JSON object of name → nested lists. When it holds several LSTM or GRU modules (RTNeural's test models:
    /// <c>lstm</c> then the 3-layer <c>lstm2</c>, <c>gru</c> then <c>gru2</c>), they run one after the other, so they become one
    /// stack in file order.
    /// </summary>
    private static WeightFile ReadStateDict(string sourceName, JsonElement stateDict, List<WeightFileStatement> statements)
    {
        // The names first, each parsed once, and each module's layers counted in the same pass: linear in the entries, whatever
        // the number of modules, and a stack no model can have is refused before any tensor is read.
        var layersOf = new Dictionary<string, int>(StringComparer.Ordinal);
        var modules = new List<string>();
        foreach (JsonProperty entry in stateDict.EnumerateObject())
        {
            if (LstmName(entry.Name) is { } name)
            {
                if (!layersOf.TryGetValue(name.Prefix, out int layers))
                {
                    modules.Add(name.Prefix);
                }
                layersOf[name.Prefix] = Math.Max(layers, name.Layer + 1);
            }
        }
        long chained = layersOf.Values.Sum(layers => (long)layers);
        if (chained > LstmLimits.MaxLayers)
        {
            throw new WeightFormatException(sourceName, null,
                $"the state dict holds {modules.Count} recurrent module(s) of {chained} layers in all; a model has at most {LstmLimits.MaxLayers}.");
        }

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
                skipped.Add($"entry '{WeightFormatException.Quote(entry.Name)}': a {entry.Value.ValueKind}, not a tensor.");
            }
        }

        if (modules.Count > 1)
        {
            tensors = ChainModules(tensors, [.. tensors.Select(t => LstmName(t.Name))], modules, layersOf, statements);
        }
        return new WeightFile(sourceName, WeightFileFormat.StateDictJson, tensors, statements, skipped);
    }

    /// <summary>
    /// Renames the layers of consecutive recurrent modules into one stack: module k's layer j becomes layer (layers of the modules
    /// before k) + j.
    /// </summary>
    private static List<WeightTensor> ChainModules(List<WeightTensor> tensors, LstmTensorName?[] names, List<string> modules,
        Dictionary<string, int> layersOf, List<WeightFileStatement> statements)
    {
        var firstLayer = new Dictionary<string, int>(StringComparer.Ordinal);
        int next = 0;
        foreach (string module in modules)
        {
            firstLayer[module] = next;
            next += layersOf[module];
        }
        statements.Add(new WeightFileStatement("state dict", "recurrent modules",
            string.Join(", ", modules.Select(m => $"'{m}' (layers from {firstLayer[m]})")) + ", chained into one stack in file order"));
        return [.. tensors.Select((t, i) => names[i] is { } m
            ? t with { Name = $"{m.Kind}_l{firstLayer[m.Prefix] + m.Layer}{(m.Reverse ? "_reverse" : "")}" }
            : t)];
    }

    private static string StringField(string sourceName, JsonElement element, string name, string field)
        => element.TryGetProperty(field, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString()!
            : throw new WeightFormatException(sourceName, name, $"the layer has no string '{field}'.");

    private static LstmTensorName? LstmName(string name) => LstmTensorName.TryParse(name, out LstmTensorName parsed) ? parsed : null;
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

/// <summary>
/// What a JSON model says besides its weights (AIDA-X's <c>metadata</c>, RTNeural's <c>samplerate</c> and <c>author</c>, GuitarML's
/// <c>model_data</c>), flattened to dotted names and short, escaped values for <see cref="WeightFile.Metadata"/>.
/// </summary>
internal static class JsonMetadata
{
    private const int MaxEntries = 64, MaxDepth = 4, MaxValueLength = 80;

    /// <summary>The scalars of <paramref name="root"/> and of its objects (to a few levels), except the named members.</summary>
    public static List<KeyValuePair<string, string>> Collect(JsonElement root, string[] exclude)
    {
        var entries = new List<KeyValuePair<string, string>>();
        void Walk(JsonElement element, string prefix, int depth)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                if (entries.Count == MaxEntries || depth == 0 && exclude.Contains(property.Name, StringComparer.Ordinal))
                {
                    continue;
                }
                string name = prefix + Escape(property.Name);
                switch (property.Value.ValueKind)
                {
                    case JsonValueKind.Object when depth < MaxDepth:
                        Walk(property.Value, name + ".", depth + 1);
                        break;
                    case JsonValueKind.String or JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False:
                        entries.Add(new(name, Text(property.Value)));
                        break;
                }
            }
        }
        Walk(root, "", 0);
        return entries;
    }

    /// <summary>The training sample rate, from <c>samplerate</c> or <c>sample_rate</c> at the top or in <c>metadata</c> or <c>model_data</c>.</summary>
    public static double? SampleRate(IEnumerable<KeyValuePair<string, string>> metadata)
    {
        foreach ((string name, string value) in metadata)
        {
            string leaf = name[(name.LastIndexOf('.') + 1)..];
            if (leaf is "samplerate" or "sample_rate" && name.Count(c => c == '.') <= 1
                && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out double rate) && rate > 0 && double.IsFinite(rate))
            {
                return rate;
            }
        }
        return null;
    }

    /// <summary>A member's value as short text, or <c>absent</c>.</summary>
    public static string Text(JsonElement element, string member)
        => element.TryGetProperty(member, out JsonElement value) ? Text(value) : "absent";

    /// <summary>A value as one short line: strings unquoted, everything else as compact JSON; escaped and truncated.</summary>
    public static string Text(JsonElement value)
    {
        string text = value.ValueKind switch
        {
            JsonValueKind.String => value.GetString()!,
            JsonValueKind.Array or JsonValueKind.Object => Compact(value),
            _ => value.GetRawText(),
        };
        return Escape(text);
    }

    private static string Compact(JsonElement value)
    {
        var buffer = new System.IO.MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            value.WriteTo(writer);
        }
        return System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length);
    }

    private static string Escape(string text)
    {
        var builder = new System.Text.StringBuilder();
        foreach (char c in text.Length > MaxValueLength ? text[..MaxValueLength] : text)
        {
            builder.Append(char.IsControl(c) ? $"\\u{(int)c:x4}" : c.ToString());
        }
        return text.Length > MaxValueLength ? builder.Append('…').ToString() : builder.ToString();
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace GenLstm.Formats;

/// <summary>
/// Reads a Neural Amp Modeler (<c>.nam</c>) file of NAM's LSTM architecture: <c>config</c> gives <c>input_size</c>,
/// <c>hidden_size</c>, <c>num_layers</c> (and the head's <c>out_channels</c>, 1 when absent), and <c>weights</c> is one flat list
/// (NAM Core's <c>lstm.cpp</c>): for each layer the matrix [4H, I + H] row-major, each row the input weights then the hidden
/// weights; the bias [4H] (PyTorch's two biases summed); the stored initial state h0 [H] and c0 [H]; after the layers the head's
/// weight [out, H] and bias [out]. Gate order i, f, g, o, PyTorch's.
/// </summary>
/// <remarks>
/// The canonical tensors are <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c> (the summed bias), a zero
/// <c>bias_hh_l{k}</c>, <c>initial_h_l{k}</c>, <c>initial_c_l{k}</c>, and the head as <c>output.weight</c>, <c>output.bias</c>.
/// NaN and infinity are kept here and rejected, naming the tensor and element, when a model reads them.
/// </remarks>
internal static class NamModelReader
{
    /// <summary>The sample rate NAM assumes for a file that states none (files before version 0.5.2).</summary>
    private const double AssumedSampleRate = 48000;

    private const string ConfigOrigin = "NAM config";

    /// <summary>The sizes the <c>config</c> states, checked against GenLstm's bounds.</summary>
    private sealed record Sizes(int InputSize, int HiddenSize, int Layers, int OutChannels)
    {
        /// <summary>The input size of layer <paramref name="layer"/>: the model's for the first, H above.</summary>
        public int LayerInput(int layer) => layer == 0 ? InputSize : HiddenSize;

        /// <summary>The flat list's share of one layer: matrix 4H(I + H), bias 4H, h0 H, c0 H.</summary>
        public long LayerCount(int layer) => checked(4L * HiddenSize * (LayerInput(layer) + HiddenSize) + 4L * HiddenSize + 2L * HiddenSize);

        /// <summary>The head's share: weight out·H, bias out.</summary>
        public long HeadCount => checked((long)OutChannels * HiddenSize + OutChannels);

        /// <summary>How many numbers the flat list must hold.</summary>
        public long WeightCount => checked(Enumerable.Range(0, Layers).Sum(LayerCount) + HeadCount);

        public override string ToString()
            => $"input_size {InputSize}, hidden_size {HiddenSize}, num_layers {Layers}, out_channels {OutChannels}";
    }

    /// <summary>Reads the file's tensors, sizes and metadata.</summary>
    /// <param name="sourceName">The file, for messages.</param>
    /// <param name="root">The file's JSON object, which has a string <c>architecture</c> and a <c>weights</c> list.</param>
    /// <exception cref="WeightFormatException">Another architecture, a config GenLstm cannot run, or a weight list that does not fit it.</exception>
    public static WeightFile Read(string sourceName, JsonElement root)
    {
        RequireLstm(sourceName, root);
        Sizes sizes = ReadSizes(sourceName, root);
        float[] flat = ReadWeights(sourceName, root, sizes);
        List<KeyValuePair<string, string>> metadata = JsonMetadata.Collect(root, exclude: ["weights", "config"]);
        double sampleRate = ReadSampleRate(sourceName, root, metadata);
        return new WeightFile(sourceName, WeightFileFormat.Nam, Split(flat, sizes), Statements(sizes))
        {
            InputSkip = 0,
            SampleRate = sampleRate,
            Metadata = metadata,
        };
    }

    /// <summary>Refuses every architecture but <c>LSTM</c> (WaveNet, ConvNet, Linear, …), saying what the file holds.</summary>
    private static void RequireLstm(string sourceName, JsonElement root)
    {
        JsonElement architecture = root.TryGetProperty("architecture", out JsonElement a) ? a : default;
        if (architecture.ValueKind == JsonValueKind.String && architecture.GetString() == "LSTM")
        {
            return;
        }
        string config = root.TryGetProperty("config", out JsonElement c) && c.ValueKind == JsonValueKind.Object
            ? $"config keys [{Keys(c)}]"
            : $"config {(root.TryGetProperty("config", out JsonElement other) ? Describe(other) : "absent")}";
        throw new WeightFormatException(sourceName, null,
            $"a Neural Amp Modeler (.nam) file with architecture '{(architecture.ValueKind == JsonValueKind.Undefined ? "absent" : JsonMetadata.Text(architecture))}'; GenLstm runs only NAM's LSTM architecture "
            + $"(found: version '{JsonMetadata.Text(root, "version")}', {config}, {WeightsDescription(root)}).");
    }

    /// <summary>The config's sizes: whole numbers within GenLstm's bounds, before any of them sizes an allocation.</summary>
    private static Sizes ReadSizes(string sourceName, JsonElement root)
    {
        if (!root.TryGetProperty("config", out JsonElement config) || config.ValueKind != JsonValueKind.Object)
        {
            throw new WeightFormatException(sourceName, null,
                $"the NAM LSTM's 'config' is {(root.TryGetProperty("config", out JsonElement c) ? Describe(c) : "absent")}; it must be an object with "
                + "input_size, hidden_size and num_layers.");
        }
        return new Sizes(
            Size(sourceName, config, "input_size", LstmAttribute.MaxInputSize, "LstmAttribute.MaxInputSize", required: true),
            Size(sourceName, config, "hidden_size", LstmAttribute.MaxHiddenSize, "LstmAttribute.MaxHiddenSize", required: true),
            Size(sourceName, config, "num_layers", LstmAttribute.MaxLayers, "LstmAttribute.MaxLayers", required: true),
            Size(sourceName, config, "out_channels", OutputHeadAttribute.MaxSize, "OutputHeadAttribute.MaxSize", required: false));
    }

    /// <summary>One size of the config, from 1 to <paramref name="max"/>; an optional one absent is 1 (NAM's default).</summary>
    private static int Size(string sourceName, JsonElement config, string field, int max, string bound, bool required)
    {
        if (!config.TryGetProperty(field, out JsonElement value))
        {
            return required
                ? throw new WeightFormatException(sourceName, null,
                    $"the NAM LSTM's config has no '{field}'; it must state input_size, hidden_size and num_layers (found keys: [{Keys(config)}]).")
                : 1;
        }
        if (!JsonText.TryGetInt32(value, out int size) || size < 1 || size > max)
        {
            throw new WeightFormatException(sourceName, null,
                $"the NAM LSTM's config.{field} is {Describe(value)}; it must be a whole number from 1 to {max} ({bound}).");
        }
        return size;
    }

    /// <summary>The flat list as float32, after checking that its length is the one the config implies (so nothing is allocated from a size).</summary>
    private static float[] ReadWeights(string sourceName, JsonElement root, Sizes sizes)
    {
        if (!root.TryGetProperty("weights", out JsonElement weights) || weights.ValueKind != JsonValueKind.Array)
        {
            throw new WeightFormatException(sourceName, null, "the NAM LSTM has no 'weights' list: a .nam file's weights are one flat list of numbers.");
        }
        long expected = sizes.WeightCount;
        int count = weights.GetArrayLength();
        if (count != expected)
        {
            throw new WeightFormatException(sourceName, null,
                $"the NAM LSTM's 'weights' holds {count} numbers, but its config ({sizes}) implies {expected}: {CountFormula(sizes)}.");
        }
        var values = new float[count];
        int index = 0;
        foreach (JsonElement item in weights.EnumerateArray())
        {
            if (item.ValueKind != JsonValueKind.Number)
            {
                throw new WeightFormatException(sourceName, null,
                    $"weights[{index}] is {Describe(item)}, not a number: a .nam file's 'weights' is a flat list of numbers.");
            }
            // Text such as 1e999 reads as infinity; the loaders' finiteness check then names the tensor and element.
            values[index++] = item.TryGetDouble(out double value) ? (float)value : float.NaN;
        }
        return values;
    }

    /// <summary>How the expected count is made up, with this file's numbers.</summary>
    private static string CountFormula(Sizes sizes)
    {
        int h = sizes.HiddenSize;
        string first = $"4·{h}·({sizes.InputSize} + {h}) + 4·{h} + 2·{h} = {sizes.LayerCount(0)} for layer 0";
        string above = sizes.Layers == 1 ? ""
            : $", 4·{h}·({h} + {h}) + 4·{h} + 2·{h} = {sizes.LayerCount(1)} for each of layers 1 to {sizes.Layers - 1}";
        return "per layer 4H·(I + H) matrix + 4H bias + H h0 + H c0 (I = input_size for layer 0, hidden_size above), then out_channels·H + out_channels "
            + $"for the head; here {first}{above}, and {sizes.OutChannels}·{h} + {sizes.OutChannels} = {sizes.HeadCount} for the head";
    }

    /// <summary>Cuts the flat list into the canonical tensors, in file order.</summary>
    private static List<WeightTensor> Split(float[] flat, Sizes sizes)
    {
        var tensors = new List<WeightTensor>();
        int h = sizes.HiddenSize, gates = 4 * h, offset = 0;
        float[] Take(int length)
        {
            float[] part = flat[offset..(offset + length)];
            offset += length;
            return part;
        }
        for (int layer = 0; layer < sizes.Layers; layer++)
        {
            int input = sizes.LayerInput(layer);
            var weightIh = new float[gates * input];
            var weightHh = new float[gates * h];
            for (int row = 0; row < gates; row++)
            {
                Take(input).CopyTo(weightIh, row * input);
                Take(h).CopyTo(weightHh, row * h);
            }
            string suffix = $"_l{layer}";
            tensors.Add(new WeightTensor("weight_ih" + suffix, [gates, input], weightIh));
            tensors.Add(new WeightTensor("weight_hh" + suffix, [gates, h], weightHh));
            tensors.Add(new WeightTensor("bias_ih" + suffix, [gates], Take(gates)));
            tensors.Add(new WeightTensor("bias_hh" + suffix, [gates], new float[gates]));
            tensors.Add(new WeightTensor("initial_h" + suffix, [h], Take(h)));
            tensors.Add(new WeightTensor("initial_c" + suffix, [h], Take(h)));
        }
        tensors.Add(new WeightTensor("output.weight", [sizes.OutChannels, h], Take(sizes.OutChannels * h)));
        tensors.Add(new WeightTensor("output.bias", [sizes.OutChannels], Take(sizes.OutChannels)));
        return tensors;
    }

    /// <summary>The file's <c>sample_rate</c>, or NAM's assumption (noted in the metadata) when it states none.</summary>
    private static double ReadSampleRate(string sourceName, JsonElement root, List<KeyValuePair<string, string>> metadata)
    {
        if (!root.TryGetProperty("sample_rate", out JsonElement value))
        {
            metadata.Add(new("sample_rate", $"{AssumedSampleRate.ToString(CultureInfo.InvariantCulture)} (assumed: the file states none, and NAM assumes 48000 Hz)"));
            return AssumedSampleRate;
        }
        if (value.ValueKind != JsonValueKind.Number || !value.TryGetDouble(out double rate) || !double.IsFinite(rate) || rate <= 0)
        {
            throw new WeightFormatException(sourceName, null,
                $"the NAM file's sample_rate is {Describe(value)}; it must be a positive number of Hz (or absent, when NAM assumes 48000).");
        }
        return rate;
    }

    /// <summary>The config's sizes as statements a declaration must agree with.</summary>
    private static List<WeightFileStatement> Statements(Sizes sizes)
    {
        static string Text(int value) => value.ToString(CultureInfo.InvariantCulture);
        return
        [
            new(ConfigOrigin, "input_size", Text(sizes.InputSize)) { Disagreement = d => d.InputSize == sizes.InputSize ? null : $"InputSize = {d.InputSize}" },
            new(ConfigOrigin, "hidden_size", Text(sizes.HiddenSize)) { Disagreement = d => d.HiddenSize == sizes.HiddenSize ? null : $"HiddenSize = {d.HiddenSize}" },
            new(ConfigOrigin, "num_layers", Text(sizes.Layers)) { Disagreement = d => d.Layers == sizes.Layers ? null : $"Layers = {d.Layers}" },
            // NAM always runs its linear head: a declaration without [OutputHead(out_channels)], or with an activation, is another model.
            new(ConfigOrigin, "out_channels", Text(sizes.OutChannels))
            {
                Disagreement = d => d.OutputSize != sizes.OutChannels ? $"OutputSize = {d.OutputSize}"
                    : d.OutputActivation != Activation.None ? $"OutputActivation = {d.OutputActivation} (NAM's head is linear)" : null,
            },
        ];
    }

    /// <summary>What the file's <c>weights</c> is, for the refusal of another architecture.</summary>
    private static string WeightsDescription(JsonElement root)
        => root.TryGetProperty("weights", out JsonElement weights) && weights.ValueKind == JsonValueKind.Array
            ? $"{weights.GetArrayLength()} weights"
            : "no weights list";

    /// <summary>A JSON value for a message: a number as written, a string quoted, anything else by its kind.</summary>
    private static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.Number => JsonMetadata.Text(value),
        JsonValueKind.String => $"the string '{JsonMetadata.Text(value)}'",
        JsonValueKind.Array => "a list",
        JsonValueKind.Object => "an object",
        _ => JsonMetadata.Text(value),   // true, false, null
    };

    /// <summary>An object's member names for a message: the first few, control characters escaped, long names cut.</summary>
    private static string Keys(JsonElement element)
    {
        const int listed = 16, length = 40;
        static string Name(string name)
            => string.Concat((name.Length > length ? name[..length] + "…" : name).Select(ch => char.IsControl(ch) ? $"\\u{(int)ch:x4}" : ch.ToString()));
        List<string> names = [.. element.EnumerateObject().Select(p => p.Name)];
        return string.Join(", ", names.Take(listed).Select(Name)) + (names.Count > listed ? $", … ({names.Count - listed} more)" : "");
    }
}

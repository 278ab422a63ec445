using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text.Json;
using PureHDF;

namespace GenLstm.Keras;

/// <summary>
/// Reads Keras 2 HDF5 files, as <c>model.save("m.h5")</c> and <c>model.save_weights("w.h5")</c> write them, into a
/// <see cref="WeightFile"/> in GenLstm's canonical names: the LSTM layers' <c>kernel</c>, <c>recurrent_kernel</c> and
/// <c>bias</c> (gate order i, f, c, o) with or without the <c>lstm_cell</c> group level, the dense layer after the last LSTM
/// as the output head, every other layer listed in <see cref="WeightFile.Skipped"/> (see <see cref="WeightFile.FromKerasLayers"/>).
/// </summary>
/// <remarks>
/// <para>
/// The layers come in the file's <c>layer_names</c> order. Where the file holds <c>model_config</c> (<c>model.save</c>), each
/// layer's type, <c>units</c>, <c>activation</c> and <c>recurrent_activation</c> are read from it: the units are checked
/// against the weights, the activations against the declaration when a model is created.
/// </para>
/// <para>
/// This is a separate package because its HDF5 library (PureHDF) is neither trimming- nor NativeAOT-clean; the core GenLstm
/// library stays both. Call <see cref="Register"/> once to let <c>MyModel.Load(path)</c> and <see cref="WeightFile.Open(string)"/> read
/// HDF5 files too.
/// </para>
/// </remarks>
public static class KerasHdf5
{
    /// <summary>Lets <see cref="WeightFile.Open(string)"/> and every generated <c>Load</c> read Keras HDF5 files. Idempotent.</summary>
    public static void Register() => WeightFile.RegisterHdf5Reader(Parse);

    /// <summary>Reads a Keras HDF5 file.</summary>
    /// <param name="path">The <c>.h5</c> file.</param>
    /// <exception cref="WeightFormatException">The file is not a readable HDF5 file, or its layers do not fit together; the message names the file and the layer.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WeightFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        long length = new FileInfo(path).Length;
        if (length > WeightFileOptions.DefaultMaxBytes)
        {
            throw new WeightFormatException(path, null, $"the file holds {length} bytes beyond the {WeightFileOptions.DefaultMaxBytes}-byte limit (WeightFileOptions.MaxBytes); no model GenLstm runs needs more.");
        }
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads a Keras HDF5 file held in memory; see <see cref="Open(string)"/>.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">How messages name the file.</param>
    /// <exception cref="WeightFormatException">The content is not a readable HDF5 file, or its layers do not fit together.</exception>
    public static WeightFile Parse(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        List<KerasLayerWeights> layers;
        try
        {
            using var stream = new MemoryStream(bytes.ToArray(), writable: false);
            using var file = H5File.Open(stream, leaveOpen: false);
            layers = ReadLayers(sourceName, bytes.Length, file);
        }
        catch (Exception e) when (e is not WeightFormatException)
        {
            // PureHDF reports malformed structures with many exception types and some of the runtime's own, down to an
            // OutOfMemoryException when a damaged size asks for an array beyond .NET's limits.
            throw new WeightFormatException(sourceName, null, $"not a readable Keras HDF5 file: {e.GetType().Name}: {e.Message}", e);
        }
        return WeightFile.FromKerasLayers(sourceName, WeightFileFormat.KerasHdf5, layers);
    }

    private static List<KerasLayerWeights> ReadLayers(string sourceName, long fileLength, IH5Group file)
    {
        IH5Group root = file.LinkExists("model_weights") ? file.Group("model_weights") : file;
        Dictionary<string, LayerConfig> configs = file.AttributeExists("model_config")
            ? LayerConfig.Parse(file.Attribute("model_config").Read<string>())
            : [];
        IEnumerable<string> names = root.AttributeExists("layer_names")
            ? root.Attribute("layer_names").Read<string[]>()
            : root.Children().OfType<IH5Group>().Select(g => g.Name);

        var layers = new List<KerasLayerWeights>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        var walk = new Walk(sourceName, fileLength);
        foreach (string name in names)
        {
            if (!seen.Add(name))
            {
                throw new WeightFormatException(sourceName, name, "layer_names lists this layer twice.");
            }
            IH5Group group = root.Group(name);
            LayerConfig? config = configs.GetValueOrDefault(name);
            var weights = new List<(string Path, WeightTensor Tensor)>();
            foreach ((string path, IH5Dataset dataset) in Datasets(group, walk))
            {
                if (Read(sourceName, walk, path, dataset) is { } tensor)
                {
                    weights.Add((path, tensor));
                }
            }
            // A Bidirectional wrapper holds forward_<name>/… and backward_<name>/…: two layers here, forward first.
            foreach (IGrouping<string, (string Path, WeightTensor Tensor)> half in weights.GroupBy(w => Half(w.Path)).OrderBy(g => g.Key == "backward"))
            {
                LayerConfig? inner = config?.Inner ?? config;
                layers.Add(new KerasLayerWeights(half.Key.Length == 0 ? name : $"{name}/{half.Key}", [.. half.Select(w => w.Tensor)])
                {
                    Type = inner?.Type,
                    Backward = half.Key == "backward",
                    Activation = inner?.Activation,
                    RecurrentActivation = inner?.RecurrentActivation,
                    Units = inner?.Units,
                });
            }
        }
        return layers;
    }

    /// <summary>"forward" or "backward" for a path inside a Bidirectional wrapper, "" otherwise.</summary>
    private static string Half(string path)
        => path.Split('/').FirstOrDefault(part => part.StartsWith("forward", StringComparison.Ordinal) || part.StartsWith("backward", StringComparison.Ordinal)) is { } part
            ? part.StartsWith("forward", StringComparison.Ordinal) ? "forward" : "backward"
            : "";

    /// <summary>
    /// What reading one file may still do. A hostile file's groups can link back to a parent (a cycle PureHDF follows), nest
    /// thousands deep, or name one dataset from many places; Keras writes none of these. The walk goes at most
    /// <see cref="MaxDepth"/> groups below a layer, visits at most <see cref="MaxObjects"/> objects, and reads no more dataset
    /// bytes in all than the file holds (Keras stores weights uncompressed, each once).
    /// </summary>
    private sealed class Walk(string sourceName, long fileLength)
    {
        /// <summary>The deepest group below a layer's: Keras nests at most forward_lstm/lstm_cell/kernel:0.</summary>
        public const int MaxDepth = 6;

        /// <summary>The most groups and datasets read from one file.</summary>
        public const int MaxObjects = 65536;

        private int _objects;

        private readonly long _fileLength = fileLength;

        public long RemainingBytes { get; private set; } = fileLength;

        public string SourceName { get; } = sourceName;

        public void Visit(string path, int depth)
        {
            if (depth > MaxDepth)
            {
                throw new WeightFormatException(SourceName, path, $"groups nest more than {MaxDepth} deep below the layer (a link back to a parent, or not a Keras file).");
            }
            if (++_objects > MaxObjects)
            {
                throw new WeightFormatException(SourceName, path, $"the file holds more than {MaxObjects} groups and datasets below its layers.");
            }
        }

        public void Charge(string path, long bytes)
        {
            if (bytes > RemainingBytes)
            {
                throw new WeightFormatException(SourceName, path,
                    $"the datasets read so far hold more bytes than the {_fileLength}-byte file (one dataset reached from several places, or a compressed one); Keras stores each weight once, uncompressed.");
            }
            RemainingBytes -= bytes;
        }
    }

    /// <summary>Every dataset under a layer's group, with its path relative to the group.</summary>
    private static IEnumerable<(string Path, IH5Dataset Dataset)> Datasets(IH5Group group, Walk walk, string prefix = "", int depth = 0)
    {
        foreach (IH5Object child in group.Children())
        {
            string path = prefix + child.Name;
            walk.Visit(path, depth);
            if (child is IH5Dataset dataset)
            {
                yield return (path, dataset);
            }
            else if (child is IH5Group inner)
            {
                foreach ((string Path, IH5Dataset Dataset) nested in Datasets(inner, walk, path + "/", depth + 1))
                {
                    yield return nested;
                }
            }
        }
    }

    /// <summary>A float dataset as a tensor named by its leaf without <c>:0</c> (<c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>); null for other types.</summary>
    private static WeightTensor? Read(string sourceName, Walk walk, string path, IH5Dataset dataset)
    {
        if (dataset.Type.Class != H5DataTypeClass.FloatingPoint || dataset.Type.Size is not (4 or 8))
        {
            return null;
        }
        long[] shape = [.. dataset.Space.Dimensions.Select(d => checked((long)d))];
        if (shape.Length > 32)
        {
            throw new WeightFormatException(sourceName, path, $"the dataset has {shape.Length} dimensions; no weight tensor has more than 32.");
        }
        // PureHDF allocates what the dataspace claims before reading: a lying dataspace must not allocate beyond the file.
        // (Keras writes weights uncompressed, so a real dataset never holds more than the file.)
        long limit = walk.RemainingBytes;
        long bytes = shape.Aggregate(1L, (product, d) => d == 0 || product <= limit / d ? product * d : limit + 1) * dataset.Type.Size;
        if (bytes > limit)
        {
            throw new WeightFormatException(sourceName, path, $"the dataset claims shape {$"[{string.Join(", ", shape)}]"} of {dataset.Type.Size}-byte floats, more than the file holds beyond the datasets already read ({limit} bytes).");
        }
        walk.Charge(path, bytes);
        float[] values = dataset.Type.Size == 4 ? dataset.Read<float[]>() : Array.ConvertAll(dataset.Read<double[]>(), v => (float)v);
        string leaf = path[(path.LastIndexOf('/') + 1)..];
        int colon = leaf.LastIndexOf(':');
        return WeightTensor.Create(colon > 0 ? leaf[..colon] : leaf, values, shape);
    }

    /// <summary>What <c>model_config</c> says about one layer.</summary>
    private sealed record LayerConfig(string Type, string? Activation, string? RecurrentActivation, int? Units, LayerConfig? Inner)
    {
        /// <summary>The layers of a Sequential or functional model's configuration, by name.</summary>
        public static Dictionary<string, LayerConfig> Parse(string json)
        {
            using JsonDocument document = JsonDocument.Parse(json);
            JsonElement config = document.RootElement.TryGetProperty("config", out JsonElement c) ? c : document.RootElement;
            JsonElement layers = config.ValueKind == JsonValueKind.Array ? config
                : config.TryGetProperty("layers", out JsonElement l) ? l : default;
            var result = new Dictionary<string, LayerConfig>(StringComparer.Ordinal);
            if (layers.ValueKind == JsonValueKind.Array)
            {
                foreach (JsonElement layer in layers.EnumerateArray())
                {
                    if (Of(layer) is { } parsed && layer.GetProperty("config").TryGetProperty("name", out JsonElement name))
                    {
                        result[name.GetString()!] = parsed;
                    }
                }
            }
            return result;
        }

        private static LayerConfig? Of(JsonElement layer)
        {
            if (!layer.TryGetProperty("class_name", out JsonElement type) || !layer.TryGetProperty("config", out JsonElement config))
            {
                return null;
            }
            string? Text(string field) => config.TryGetProperty(field, out JsonElement v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
            LayerConfig? inner = config.TryGetProperty("layer", out JsonElement wrapped) ? Of(wrapped) : null;
            return new LayerConfig(type.GetString()!.ToLowerInvariant(), Text("activation"), Text("recurrent_activation"),
                config.TryGetProperty("units", out JsonElement units) && units.TryGetInt32(out int u) ? u : null, inner);
        }
    }
}

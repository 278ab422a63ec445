using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GenLstm.Formats;

namespace GenLstm;

/// <summary>
/// The weights of a trained model, read from any supported file and renamed to GenLstm's canonical names: PyTorch's
/// state-dict names (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>, <c>_l1</c>, <c>_reverse</c>, …) for the
/// LSTM and <c>output.weight</c> [out, in], <c>output.bias</c> for a dense layer that follows it. The generated
/// <c>Load</c> and <c>FromWeights</c> methods read a model from it.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Open(string)"/> recognizes the format by content, not by extension: safetensors (PyTorch or Keras names), NumPy
/// <c>.npz</c>, ONNX, RTNeural's JSON, a PyTorch state dict as JSON (RTNeural's and GuitarML's), Neural Amp Modeler's <c>.nam</c> (LSTM), and Keras HDF5 once the
/// <c>GenLstm.Keras</c> package has registered its reader (<see cref="RegisterHdf5Reader"/>). What the conversion does per
/// format (gate orders, transposes, bias split) is listed in the README's "Weights" section.
/// </para>
/// <para>
/// Layers of the file that GenLstm does not run (a convolution before the LSTM, a second dense layer) are listed in
/// <see cref="Skipped"/>; what the file states besides tensors (an ONNX node's <c>hidden_size</c>, a JSON model's
/// <c>skip</c>) is in <see cref="Statements"/> and checked by <see cref="RequireDeclaration"/>.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class WeightFile
{
    private static Func<ReadOnlyMemory<byte>, string, WeightFile>? s_hdf5Reader;

    private readonly Dictionary<string, WeightTensor> _byName;

    /// <summary>Where <see cref="GetTensor"/> notes the names it is asked for, in the copy <see cref="UnusedTensors"/> reads; null otherwise.</summary>
    private readonly HashSet<string>? _readLog;

    /// <summary>Creates a weight set from tensors already in canonical names (what every reader ends with).</summary>
    /// <param name="sourceName">How messages name the origin: the file path, say.</param>
    /// <param name="format">The format the tensors came from.</param>
    /// <param name="tensors">The tensors; names must be unique.</param>
    /// <param name="statements">What the file states besides tensors.</param>
    /// <param name="skipped">A line per layer or tensor of the file that the canonical set leaves out, saying why.</param>
    /// <exception cref="WeightFormatException">Two tensors have the same name.</exception>
    public WeightFile(string sourceName, WeightFileFormat format, IEnumerable<WeightTensor> tensors,
        IEnumerable<WeightFileStatement>? statements = null, IEnumerable<string>? skipped = null)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(tensors);
        SourceName = sourceName;
        Format = format;
        Tensors = [.. tensors];
        Statements = [.. statements ?? []];
        Skipped = [.. skipped ?? []];
        _byName = new Dictionary<string, WeightTensor>(StringComparer.Ordinal);
        foreach (WeightTensor tensor in Tensors)
        {
            if (!_byName.TryAdd(tensor.Name, tensor))
            {
                throw new WeightFormatException(sourceName, tensor.Name, "the name appears twice.");
            }
        }
    }

    /// <summary>A copy that notes every tensor name read through it in <paramref name="readLog"/>.</summary>
    private WeightFile(WeightFile source, HashSet<string> readLog)
    {
        SourceName = source.SourceName;
        Format = source.Format;
        Tensors = source.Tensors;
        Statements = source.Statements;
        Skipped = source.Skipped;
        PrecedingLayers = source.PrecedingLayers;
        InputSkip = source.InputSkip;
        SampleRate = source.SampleRate;
        Metadata = source.Metadata;
        _byName = source._byName;
        _readLog = readLog;
    }

    /// <summary>The file path, or the description given for a stream; every error message starts with it.</summary>
    public string SourceName { get; }

    /// <summary>The format the file was recognized as.</summary>
    public WeightFileFormat Format { get; }

    /// <summary>The tensors in canonical names, in file order.</summary>
    public IReadOnlyList<WeightTensor> Tensors { get; }

    /// <summary>What the file states besides its tensors.</summary>
    public IReadOnlyList<WeightFileStatement> Statements { get; }

    /// <summary>The file's layers and tensors that are not part of the canonical set, each with the reason.</summary>
    public IReadOnlyList<string> Skipped { get; }

    /// <summary>
    /// The file's layers that run before its recurrent layers and that GenLstm does not run (a Conv1D or Dense front end), one line
    /// each. When there are any, the recurrent layers read their output, not the file's input: feed the generated model what they compute.
    /// </summary>
    public IReadOnlyList<string> PrecedingLayers { get; init; } = [];

    /// <summary>
    /// How many of the model's first inputs the file's model adds to its first outputs (CoreAudioML and GuitarML <c>skip</c>, AIDA-X
    /// <c>in_skip</c>): y_t[j] = head(h_t)[j] + x_t[j] for j &lt; <see cref="InputSkip"/>. Null when the format cannot say
    /// (safetensors, NumPy, ONNX, Keras, a state dict without GuitarML's <c>model_data</c>); 0 when the file's format states the whole
    /// model and it has no skip (NAM, RTNeural / AIDA-X JSON without <c>in_skip</c>). <see cref="RequireDeclaration"/> checks a stated
    /// skip against <c>[OutputHead(InputSkip = …)]</c>.
    /// </summary>
    public int? InputSkip { get; init; }

    /// <summary>The sample rate the model was trained at, in Hz, when the file states it (AIDA-X <c>metadata.samplerate</c>, RTNeural <c>samplerate</c>, NAM <c>sample_rate</c>, 48 kHz for a NAM file that states none).</summary>
    public double? SampleRate { get; init; }

    /// <summary>What the file says about the model besides its computation (name, author, gains, training error, the tool that wrote it), in file order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; init; } = [];

    /// <summary>Reads a weight file of any supported format, recognized by content.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="WeightFormatException">
    /// The file is of no supported format, malformed, or beyond the limits; the message names the file and the tensor or field.
    /// </exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WeightFile Open(string path) => Open(path, WeightFileOptions.Default);

    /// <summary>Reads a weight file of any supported format, within the given limits; see <see cref="Open(string)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">Limits for a file that may be hostile; <see cref="WeightFileOptions.Default"/> when null.</param>
    /// <exception cref="WeightFormatException">The file is of no supported format, malformed, or beyond the limits.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WeightFile Open(string path, WeightFileOptions? options)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        options ??= WeightFileOptions.Default;
        return Parse(StreamBytes.ReadFile(path, options), path, options);
    }

    /// <summary>Reads a weight file from a stream (read to its end; not closed); see <see cref="Open(string)"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the file. A stream that cannot seek is read until it ends or passes <see cref="WeightFileOptions.MaxBytes"/>.</param>
    /// <param name="sourceName">How error messages name the stream's origin.</param>
    /// <exception cref="WeightFormatException">The content is of no supported format, malformed, or beyond the limits.</exception>
    public static WeightFile Read(Stream stream, string sourceName = "<stream>") => Read(stream, sourceName, WeightFileOptions.Default);

    /// <summary>Reads a weight file from a stream within the given limits; see <see cref="Read(Stream, string)"/>.</summary>
    /// <param name="stream">The stream, positioned at the start of the file. A stream that cannot seek is read until it ends or passes <see cref="WeightFileOptions.MaxBytes"/>.</param>
    /// <param name="sourceName">How error messages name the stream's origin.</param>
    /// <param name="options">Limits for a file that may be hostile; <see cref="WeightFileOptions.Default"/> when null.</param>
    /// <exception cref="WeightFormatException">The content is of no supported format, malformed, or beyond the limits.</exception>
    public static WeightFile Read(Stream stream, string sourceName, WeightFileOptions? options)
    {
        ArgumentNullException.ThrowIfNull(stream);
        options ??= WeightFileOptions.Default;
        return Parse(StreamBytes.ReadToEnd(stream, sourceName, options), sourceName, options);
    }

    /// <summary>Reads a weight file held in memory; see <see cref="Open(string)"/>.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">How error messages name the file.</param>
    /// <exception cref="WeightFormatException">The content is of no supported format, malformed, or beyond the limits.</exception>
    public static WeightFile Parse(ReadOnlyMemory<byte> bytes, string sourceName) => Parse(bytes, sourceName, WeightFileOptions.Default);

    /// <summary>Reads a weight file held in memory within the given limits; see <see cref="Parse(ReadOnlyMemory{byte}, string)"/>.</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">How error messages name the file.</param>
    /// <param name="options">Limits for a file that may be hostile; <see cref="WeightFileOptions.Default"/> when null.</param>
    /// <exception cref="WeightFormatException">The content is of no supported format, malformed, or beyond the limits.</exception>
    public static WeightFile Parse(ReadOnlyMemory<byte> bytes, string sourceName, WeightFileOptions? options)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        options ??= WeightFileOptions.Default;
        if (bytes.Length > options.MaxBytes)
        {
            throw StreamBytes.TooLarge(sourceName, $"holds {bytes.Length} bytes", options.MaxBytes);
        }
        try
        {
            return ParseFormat(bytes, sourceName, options);
        }
        catch (Exception e) when (e is not (WeightFormatException or OperationCanceledException))
        {
            // The contract: every failure to read a file is a WeightFormatException naming it. The readers check what they
            // can name; this is the net under them (an arithmetic overflow on a lying size, a parser's own exception, an array
            // request beyond .NET's limits).
            throw new WeightFormatException(sourceName, null, $"the file is malformed: {e.GetType().Name}: {e.Message}", e);
        }
    }

    private static WeightFile ParseFormat(ReadOnlyMemory<byte> bytes, string sourceName, WeightFileOptions options)
    {
        return FileSignature.Of(bytes.Span) switch
        {
            FileKind.SafeTensors => FromSafeTensors(SafeTensorsFile.Parse(bytes, sourceName)),
            FileKind.Zip => NumPyArchiveReader.Read(bytes, sourceName, options),
            FileKind.Json => JsonModelReader.Read(bytes, sourceName),
            FileKind.Hdf5 => s_hdf5Reader is { } reader ? reader(bytes, sourceName)
                : throw new WeightFormatException(sourceName, null,
                    "this is an HDF5 file (Keras .h5). Reading it needs the GenLstm.Keras package: add it and call GenLstm.Keras.KerasHdf5.Register() once at startup, "
                    + "or load with MyModel.FromWeights(GenLstm.Keras.KerasHdf5.Open(path))."),
            FileKind.Protobuf => OnnxReader.Read(bytes, sourceName),
            FileKind.NumPyArray => throw new WeightFormatException(sourceName, null,
                "this is a single NumPy array (.npy); the weights need names: save them with numpy.savez(path, **state_dict) as an .npz archive."),
            FileKind.PyTorchPickle => throw new WeightFormatException(sourceName, null,
                "this is a PyTorch pickle (torch.save). Pickles run code when loaded and are not read here: save the state dict with "
                + "safetensors.torch.save_file(model.state_dict(), path), or numpy.savez(path, **{k: v.numpy() for k, v in model.state_dict().items()})."),
            _ => throw new WeightFormatException(sourceName, null,
                $"not a weight file GenLstm reads (safetensors, .npz, ONNX, RTNeural, state-dict or NAM JSON, Keras HDF5); it starts with {FileSignature.Describe(bytes.Span)}."),
        };
    }

    /// <summary>
    /// Lets <see cref="Open(string)"/> read HDF5 files: the <c>GenLstm.Keras</c> package calls this (its <c>KerasHdf5.Register()</c>),
    /// so that the core library stays free of an HDF5 dependency.
    /// </summary>
    /// <param name="reader">Reads a whole HDF5 file, given its bytes and its name for messages.</param>
    public static void RegisterHdf5Reader(Func<ReadOnlyMemory<byte>, string, WeightFile> reader)
        => s_hdf5Reader = reader ?? throw new ArgumentNullException(nameof(reader));

    /// <summary>
    /// The weights of a safetensors file: its float tensors (F32, F64, F16, BF16) as they are when they carry PyTorch's
    /// names, or renamed from Keras weight names (<c>lstm/lstm_cell/kernel:0</c>, …; see <see cref="FromKerasLayers"/>) when
    /// the file holds a <c>recurrent_kernel</c>. Tensors of other dtypes are listed in <see cref="Skipped"/>.
    /// </summary>
    /// <param name="file">The opened file.</param>
    /// <exception cref="WeightFormatException">A Keras layer's tensors do not fit together.</exception>
    public static WeightFile FromSafeTensors(SafeTensorsFile file)
    {
        ArgumentNullException.ThrowIfNull(file);
        var tensors = new List<WeightTensor>();
        var skipped = new List<string>();
        foreach (SafeTensorInfo info in file.Tensors)
        {
            if (info.DType is "F32" or "F64" or "F16" or "BF16")
            {
                tensors.Add(new WeightTensor(info.Name, info.Shape, file.ReadFloat32(info.Name)));
            }
            else
            {
                skipped.Add($"tensor '{info.Name}' {info.ShapeText}: dtype {info.DType} is not a float type.");
            }
        }
        return KerasLayers.HoldsKerasNames(tensors)
            ? KerasLayers.FromNamedTensors(file.SourceName, WeightFileFormat.SafeTensors, tensors, skipped)
            : new WeightFile(file.SourceName, WeightFileFormat.SafeTensors, tensors, skipped: skipped);
    }

    /// <summary>
    /// The canonical weights of a Keras model given layer by layer, in the model's order: every LSTM layer (a <c>kernel</c>
    /// [in, 4H] with a <c>recurrent_kernel</c> [H, 4H] and a <c>bias</c> [4H], gate order i, f, c, o) becomes
    /// <c>weight_ih_l{k}</c> = kernelᵀ, <c>weight_hh_l{k}</c> = recurrent_kernelᵀ, <c>bias_ih_l{k}</c> = bias and a zero
    /// <c>bias_hh_l{k}</c> (a CuDNN bias of 8H is split into the two); a backward layer of a <c>Bidirectional</c> wrapper becomes
    /// <c>…_reverse</c>; the dense layer right after the last LSTM becomes <c>output.weight</c> = kernelᵀ and <c>output.bias</c>.
    /// Every other layer is listed in <see cref="Skipped"/>.
    /// </summary>
    /// <param name="sourceName">How messages name the file.</param>
    /// <param name="format">The format the layers were read from.</param>
    /// <param name="layers">The layers, in the model's order.</param>
    /// <exception cref="WeightFormatException">A layer's tensors do not fit together or contradict its configuration (e.g. its units).</exception>
    public static WeightFile FromKerasLayers(string sourceName, WeightFileFormat format, IEnumerable<KerasLayerWeights> layers)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ArgumentNullException.ThrowIfNull(layers);
        return KerasLayers.ToWeightFile(sourceName, format, [.. layers], []);
    }

    /// <summary>
    /// Writes the canonical tensors as a safetensors file (F32, in <see cref="Tensors"/> order), with the source format and
    /// name in its <c>__metadata__</c>: what <c>genlstm convert --to safetensors</c> writes, and what every generated <c>Load</c> reads.
    /// </summary>
    /// <param name="stream">Where the file goes.</param>
    public void WriteSafeTensors(Stream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        using var header = new MemoryStream();
        using (var json = new System.Text.Json.Utf8JsonWriter(header))
        {
            json.WriteStartObject();
            json.WriteStartObject("__metadata__");
            json.WriteString("format", Format.ToString());
            json.WriteString("source", Path.GetFileName(SourceName));
            json.WriteEndObject();
            long offset = 0;
            foreach (WeightTensor tensor in Tensors)
            {
                json.WriteStartObject(tensor.Name);
                json.WriteString("dtype", "F32");
                json.WriteStartArray("shape");
                foreach (long dimension in tensor.Shape)
                {
                    json.WriteNumberValue(dimension);
                }
                json.WriteEndArray();
                json.WriteStartArray("data_offsets");
                json.WriteNumberValue(offset);
                json.WriteNumberValue(offset += 4L * tensor.Values.Length);
                json.WriteEndArray();
                json.WriteEndObject();
            }
            json.WriteEndObject();
        }
        while (header.Length % 8 != 0)
        {
            header.WriteByte((byte)' ');
        }

        Span<byte> length = stackalloc byte[8];
        System.Buffers.Binary.BinaryPrimitives.WriteUInt64LittleEndian(length, (ulong)header.Length);
        stream.Write(length);
        header.Position = 0;
        header.CopyTo(stream);
        Span<byte> element = stackalloc byte[4];
        foreach (WeightTensor tensor in Tensors)
        {
            foreach (float value in tensor.Values)
            {
                System.Buffers.Binary.BinaryPrimitives.WriteSingleLittleEndian(element, value);
                stream.Write(element);
            }
        }
    }

    /// <summary>Whether the set holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>A tensor by name.</summary>
    /// <exception cref="WeightFormatException">No tensor has that name (the message lists those present).</exception>
    public WeightTensor GetTensor(string name)
    {
        if (_byName.TryGetValue(name, out WeightTensor? tensor))
        {
            _readLog?.Add(name);
            return tensor;
        }

        if (Skipped.FirstOrDefault(line => line.StartsWith($"tensor '{name}' ", StringComparison.Ordinal)) is { } reason)
        {
            throw new WeightFormatException(SourceName, name, $"the tensor cannot be read: {reason[(reason.IndexOf(':', StringComparison.Ordinal) + 2)..]}");
        }

        throw WeightFormatException.NoSuchTensor(SourceName, name, [.. Tensors.Select(t => $"'{t.Name}' {t.ShapeText}")]);
    }

    /// <summary>A copy of a tensor's values after checking its shape.</summary>
    /// <param name="name">The tensor's canonical name.</param>
    /// <param name="expectedShape">The shape it must have.</param>
    /// <exception cref="WeightFormatException">The tensor is missing or has another shape (the message gives both).</exception>
    public float[] ReadFloat32(string name, params ReadOnlySpan<long> expectedShape)
    {
        WeightTensor tensor = GetTensor(name);
        WeightFormatException.RequireShape(SourceName, name, tensor.Shape, expectedShape);
        return (float[])tensor.Values.Clone();
    }

    /// <summary>
    /// The declaration this file fits, inferred from its tensors (sizes, layers, directions, projection, peepholes, layer norm,
    /// the head) and from what it states (ONNX's direction, activations, clip and input_forget; Keras's activations), then checked
    /// by reading the file as that model's <c>Load</c> does: a declaration returned here loads this file. What no file states (a
    /// cell clip, a forget bias, the head's activation in PyTorch files) keeps its default.
    /// </summary>
    /// <exception cref="WeightFormatException">
    /// The file holds no LSTM or GRU, several under different module prefixes, or tensors that do not fit together; the
    /// message says which.
    /// </exception>
    public LstmDeclaration InferDeclaration()
    {
        string prefix = PyTorchLstmTensors.FindPrefix(this);
        WeightTensor first = GetTensor(prefix + "weight_ih_l0"), recurrent = GetTensor(prefix + "weight_hh_l0");
        WeightTensor? projection = Contains(prefix + "weight_hr_l0") ? GetTensor(prefix + "weight_hr_l0") : null;
        if (first.Shape.Count != 2 || recurrent.Shape.Count != 2 || projection is { Shape.Count: not 2 })
        {
            throw new WeightFormatException(SourceName, first.Name, $"weight_ih is [4H, I] (a GRU's [3H, I]) and weight_hh [4H, H or P] ([3H, H]); found {first.ShapeText} and {recurrent.ShapeText}.");
        }
        // H from the recurrent side (weight_hr is [P, H] with a projection, else weight_hh is [4H, H], a GRU's [3H, H]); every row
        // count must be 4H, or 3H for a GRU (the same names as torch.nn.GRU writes them; only an LSTM has a projection).
        long hidden = projection?.Shape[1] ?? recurrent.Shape[1];
        RecurrentCell cell = projection is null && hidden > 0 && recurrent.Shape[0] == 3 * hidden ? RecurrentCell.Gru : RecurrentCell.Lstm;
        long gateRows = cell.GateCount() * hidden;
        if (first.Shape[0] != gateRows || recurrent.Shape[0] != gateRows)
        {
            throw new WeightFormatException(SourceName, recurrent.Name,
                $"the recurrent layer's tensors do not fit together: with H = {hidden} ({(projection is null ? $"the columns of {recurrent.Name}" : $"the columns of {projection.Name}")}), "
                + $"{first.Name} must be [{gateRows}, I] and {recurrent.Name} [{gateRows}, {recurrent.Shape[1]}] (an LSTM has 4H rows, a GRU 3H); found {first.ShapeText} and {recurrent.ShapeText}.");
        }
        int layers = 1;
        while (Contains($"{prefix}weight_ih_l{layers}"))
        {
            layers++;
        }
        bool bidirectional = Contains(prefix + "weight_ih_l0_reverse");
        int projectionSize = projection is null ? 0 : (int)recurrent.Shape[1];
        int stackOutput = (bidirectional ? 2 : 1) * (projectionSize > 0 ? projectionSize : (int)hidden);
        List<WeightTensor> heads = [.. Tensors.Where(t => t.Name == Contract.DenseHeadRule.Weight)];
        if (heads.Count == 0)
        {
            heads = [.. Tensors.Where(t => Contract.DenseHeadRule.IsWeightName(t.Name) && t.Shape.Count == 2 && t.Shape[1] == stackOutput
                && !Contract.LstmTensorName.TryParse(t.Name, out _))];
        }

        var declaration = new LstmDeclaration((int)first.Shape[1], (int)hidden)
        {
            Cell = cell,
            Layers = layers,
            Direction = bidirectional ? LstmDirection.Bidirectional : LstmDirection.Forward,
            ProjectionSize = projectionSize,
            Peepholes = Contains(prefix + "weight_ci_l0"),
            LayerNorm = Contains(prefix + "layer_norm_weight_l0"),
            OutputSize = heads.Count == 1 ? (int)heads[0].Shape[0] : 0,
            InputSkip = heads.Count == 1 ? InputSkip ?? 0 : 0,
        };
        foreach (WeightFileStatement statement in Statements)
        {
            declaration = statement.Implies?.Invoke(declaration) ?? declaration;
        }
        ReadModel(declaration);
        return declaration;
    }

    /// <summary>
    /// The tensors a model of <paramref name="declaration"/> leaves unread, after reading the file as that model's <c>Load</c> does
    /// (so it throws what <c>Load</c> would): a second dense layer, an unused module, optimizer state.
    /// </summary>
    /// <param name="declaration">The declared model.</param>
    /// <exception cref="WeightFormatException">The file does not fit the declaration; the message says why.</exception>
    public IReadOnlyList<WeightTensor> UnusedTensors(LstmDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        var read = new HashSet<string>(StringComparer.Ordinal);
        new WeightFile(this, read).ReadModel(declaration);
        return [.. Tensors.Where(t => !read.Contains(t.Name))];
    }

    /// <summary>Reads the file as a generated model's <c>FromWeights</c> does: the file's statements, every layer's tensors, the head.</summary>
    private void ReadModel(LstmDeclaration declaration)
    {
        RequireDeclaration(declaration);
        PyTorchLstmTensors.ReadLayers(this, declaration);
        if (declaration.OutputSize > 0)
        {
            int directions = declaration.Direction == LstmDirection.Bidirectional ? 2 : 1;
            DenseLayer.Read(this, directions * (declaration.ProjectionSize > 0 ? declaration.ProjectionSize : declaration.HiddenSize),
                declaration.OutputSize, declaration.OutputActivation);
        }
    }

    /// <summary>Checks everything the file states about the model (<see cref="Statements"/>) against a declaration.</summary>
    /// <param name="declaration">The declared model.</param>
    /// <exception cref="WeightFormatException">A statement disagrees; the message names it, its value and the declaration's setting.</exception>
    public void RequireDeclaration(LstmDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(declaration);
        foreach (WeightFileStatement statement in Statements)
        {
            if (statement.Disagreement?.Invoke(declaration) is { } declared)
            {
                throw new WeightFormatException(SourceName, null,
                    $"{statement.Origin} has {statement.Name} = {statement.Value}, but the declaration has {declared}. Declare the model the file was trained as.");
            }
        }
        if (InputSkip is int skip && skip != declaration.InputSkip)
        {
            throw new WeightFormatException(SourceName, null, skip == 0
                ? $"the file's model has no input skip, but the declaration has [OutputHead(InputSkip = {declaration.InputSkip})]: its outputs would add inputs the model never added. Remove InputSkip."
                : $"the file's model adds its first {skip} input(s) to its output(s) (input skip {skip}: GuitarML's 'skip', AIDA-X's 'in_skip'), but the declaration has "
                    + (declaration.OutputSize == 0 ? "no [OutputHead] head" : $"InputSkip = {declaration.InputSkip}")
                    + $". Declare [OutputHead(..., InputSkip = {skip})], or the outputs miss the dry signal.");
        }
    }
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text.Json;

namespace GenLstm;

/// <summary>
/// Reads the safetensors format (what <c>safetensors.torch.save_file</c> writes): an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// </summary>
/// <remarks>
/// <para>
/// The whole file is validated when it is opened, before any tensor is read: the header length against the file's
/// real size, every tensor's byte range against the data section and against its dtype and shape. A truncated or
/// lying file therefore throws a <see cref="WeightFormatException"/> naming the file and tensor; it never causes a
/// huge allocation or an out-of-range access. Tensors of dtypes this reader cannot convert (integers, say) may be
/// present; only reading them as floats fails.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The largest JSON header accepted (the format's own reference implementation uses the same bound).</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    private const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1,
        ["BOOL"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
    };

    private readonly ReadOnlyMemory<byte> _data;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string sourceName, ReadOnlyMemory<byte> data, List<SafeTensorInfo> tensors,
        Dictionary<string, string> metadata)
    {
        SourceName = sourceName;
        _data = data;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file path, or the description given for a stream; every error message starts with it.</summary>
    public string SourceName { get; }

    /// <summary>Every tensor in the file, in the order of their data.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The optional <c>__metadata__</c> string map of the header (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="WeightFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(File.ReadAllBytes(path), path);
    }

    /// <summary>Reads and validates a safetensors file from a stream (read to its end; not closed).</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="sourceName">How error messages name the stream's origin.</param>
    /// <exception cref="WeightFormatException">The content is not a valid safetensors file.</exception>
    public static SafeTensorsFile Read(Stream stream, string sourceName = "<stream>")
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(Formats.StreamBytes.ReadToEnd(stream), sourceName);
    }

    /// <summary>Validates a safetensors file held in memory (the memory is kept, not copied).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">How error messages name the file.</param>
    /// <exception cref="WeightFormatException">The content is not a valid safetensors file.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        ReadOnlySpan<byte> span = bytes.Span;
        if (span.Length < 8)
        {
            throw new WeightFormatException(sourceName, null,
                $"the file is {span.Length} bytes long, too short to hold the 8-byte header length of a safetensors file.");
        }

        ulong headerLength = BinaryPrimitives.ReadUInt64LittleEndian(span);
        if (headerLength > (ulong)(span.Length - 8))
        {
            throw new WeightFormatException(sourceName, null,
                $"the header claims {headerLength} bytes but only {span.Length - 8} bytes follow the length field: the file is truncated or not safetensors.");
        }
        if (headerLength > MaxHeaderLength)
        {
            throw new WeightFormatException(sourceName, null,
                $"the header claims {headerLength} bytes, more than the {MaxHeaderLength} bytes allowed.");
        }

        ReadOnlyMemory<byte> data = bytes.Slice(8 + (int)headerLength);
        JsonDocument header = Formats.JsonText.Parse(bytes.Slice(8, (int)headerLength), sourceName, "the header is not valid JSON");

        using (header)
        {
            if (header.RootElement.ValueKind != JsonValueKind.Object)
            {
                throw new WeightFormatException(sourceName, null,
                    $"the header must be a JSON object, not {header.RootElement.ValueKind}.");
            }

            var tensors = new List<SafeTensorInfo>();
            var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
            foreach (JsonProperty entry in header.RootElement.EnumerateObject())
            {
                if (entry.Name == MetadataKey)
                {
                    ReadMetadata(sourceName, entry.Value, metadata);
                }
                else
                {
                    tensors.Add(ReadTensorInfo(sourceName, entry, data.Length));
                }
            }

            if (tensors.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
            {
                throw new WeightFormatException(sourceName, duplicate.Key, "the header names this tensor twice.");
            }
            tensors.Sort((a, b) => a.DataOffset.CompareTo(b.DataOffset));
            return new SafeTensorsFile(sourceName, data, tensors, metadata);
        }
    }

    /// <summary>Whether the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor's header entry.</summary>
    public bool TryGetInfo(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>A tensor's header entry.</summary>
    /// <exception cref="WeightFormatException">No tensor has that name (the message lists those present).</exception>
    public SafeTensorInfo GetInfo(string name)
    {
        if (_byName.TryGetValue(name, out SafeTensorInfo? info))
        {
            return info;
        }

        throw WeightFormatException.NoSuchTensor(SourceName, name, [.. Tensors.Select(t => $"'{t.Name}' {t.ShapeText}")]);
    }

    /// <summary>
    /// Reads a tensor as float32, converting from F64, F16 or BF16 where needed, after checking its shape.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="expectedShape">The shape it must have.</param>
    /// <exception cref="WeightFormatException">The tensor is missing, has another shape, or is not a float dtype.</exception>
    public float[] ReadFloat32(string name, params ReadOnlySpan<long> expectedShape)
    {
        WeightFormatException.RequireShape(SourceName, name, GetInfo(name).Shape, expectedShape);
        return ReadFloat32(name);
    }

    /// <summary>Reads a tensor as float32, converting from F64, F16 or BF16 where needed, in row-major order.</summary>
    /// <exception cref="WeightFormatException">The tensor is missing or is not a float dtype.</exception>
    public float[] ReadFloat32(string name)
    {
        SafeTensorInfo info = GetInfo(name);
        ReadOnlySpan<byte> bytes = Bytes(info);
        var result = new float[info.ElementCount];
        switch (info.DType)
        {
            case "F32":
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                }
                else
                {
                    for (int i = 0; i < result.Length; i++)
                    {
                        result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                    }
                }
                break;
            case "F64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }
                break;
            case "F16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }
                break;
            case "BF16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
                }
                break;
            default:
                throw new WeightFormatException(SourceName, name,
                    $"dtype {info.DType} cannot be read as floats; expected F32, F64, F16 or BF16.");
        }
        return result;
    }

    /// <summary>Reads a tensor as float64 (from F64 exactly, or widened from a float32-readable dtype).</summary>
    /// <exception cref="WeightFormatException">The tensor is missing or is not a float dtype.</exception>
    public double[] ReadFloat64(string name)
    {
        SafeTensorInfo info = GetInfo(name);
        if (info.DType != "F64")
        {
            return Array.ConvertAll(ReadFloat32(name), value => (double)value);
        }

        ReadOnlySpan<byte> bytes = Bytes(info);
        var result = new double[info.ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
        }
        return result;
    }

    private ReadOnlySpan<byte> Bytes(SafeTensorInfo info) => _data.Span.Slice((int)info.DataOffset, (int)info.ByteLength);

    private static void ReadMetadata(string sourceName, JsonElement element, Dictionary<string, string> metadata)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            throw new WeightFormatException(sourceName, null, $"'{MetadataKey}' must be an object of strings.");
        }
        foreach (JsonProperty item in element.EnumerateObject())
        {
            if (item.Value.ValueKind != JsonValueKind.String)
            {
                throw new WeightFormatException(sourceName, null,
                    $"'{MetadataKey}' entry '{item.Name}' must be a string, not {item.Value.ValueKind}.");
            }
            metadata[item.Name] = item.Value.GetString()!;
        }
    }

    private static SafeTensorInfo ReadTensorInfo(string sourceName, JsonProperty entry, int dataLength)
    {
        string name = entry.Name;
        WeightFormatException Bad(string problem) => new(sourceName, name, problem);

        if (entry.Value.ValueKind != JsonValueKind.Object)
        {
            throw Bad("the header entry must be an object with dtype, shape and data_offsets.");
        }
        if (!entry.Value.TryGetProperty("dtype", out JsonElement dtypeElement) || dtypeElement.ValueKind != JsonValueKind.String)
        {
            throw Bad("the header entry has no string 'dtype'.");
        }
        string dtype = dtypeElement.GetString()!;
        if (!ElementSizes.TryGetValue(dtype, out int elementSize))
        {
            throw Bad($"unknown dtype '{dtype}'.");
        }

        if (!entry.Value.TryGetProperty("shape", out JsonElement shapeElement) || shapeElement.ValueKind != JsonValueKind.Array)
        {
            throw Bad("the header entry has no 'shape' array.");
        }
        var shape = new List<long>();
        long elementCount = 1;
        foreach (JsonElement dimension in shapeElement.EnumerateArray())
        {
            if (dimension.ValueKind != JsonValueKind.Number || !dimension.TryGetInt64(out long size) || size < 0)
            {
                throw Bad($"shape entries must be non-negative integers, found {dimension.GetRawText()}.");
            }
            shape.Add(size);
            elementCount = size == 0 || elementCount <= long.MaxValue / size ? elementCount * size
                : throw Bad($"shape {SafeTensorInfo.FormatShape(shape)} has more elements than a file can hold.");
        }

        if (!entry.Value.TryGetProperty("data_offsets", out JsonElement offsets) || offsets.ValueKind != JsonValueKind.Array
            || offsets.GetArrayLength() != 2
            || offsets[0].ValueKind != JsonValueKind.Number || offsets[1].ValueKind != JsonValueKind.Number
            || !offsets[0].TryGetInt64(out long begin) || !offsets[1].TryGetInt64(out long end))
        {
            throw Bad("the header entry has no 'data_offsets' pair of integers.");
        }
        if (begin < 0 || end < begin || end > dataLength)
        {
            throw Bad($"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section: the file is truncated or corrupt.");
        }
        if (elementCount > (end - begin) / elementSize || elementCount * elementSize != end - begin)
        {
            throw Bad($"shape {SafeTensorInfo.FormatShape(shape)} of {dtype} needs {(elementCount > long.MaxValue / elementSize ? "more" : (elementCount * elementSize).ToString())} bytes, but data_offsets give {end - begin}.");
        }
        return new SafeTensorInfo(name, dtype, shape, begin, end - begin);
    }
}

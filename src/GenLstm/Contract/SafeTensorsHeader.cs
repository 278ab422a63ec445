// Contract: compiled into the runtime (SafeTensorsFile) and linked into the generator (WeightsFileReader), so that both accept
// exactly the same safetensors headers, with the same validation, before either reads a byte of tensor data.
using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;

namespace GenLstm.Contract;

/// <summary>
/// The header of a safetensors file (an 8-byte little-endian length, then a JSON object naming each tensor's dtype, shape
/// and byte range in the data section that follows), parsed and validated: the header length against the file's real size,
/// every byte range against the data section and against its dtype and shape, every name once. A file that fails carries
/// <see cref="Problem"/> (and <see cref="ProblemTensor"/>); nothing here throws on any input, and nothing allocates more than
/// the header's own size.
/// </summary>
internal sealed class SafeTensorsHeader
{
    /// <summary>The largest JSON header accepted (the format's own reference implementation uses the same bound).</summary>
    public const long MaxHeaderLength = 100L * 1024 * 1024;

    /// <summary>The key of the optional string map that is not a tensor.</summary>
    public const string MetadataKey = "__metadata__";

    private static readonly Dictionary<string, int> ElementSizes = new(StringComparer.Ordinal)
    {
        ["F64"] = 8, ["F32"] = 4, ["F16"] = 2, ["BF16"] = 2,
        ["I64"] = 8, ["I32"] = 4, ["I16"] = 2, ["I8"] = 1,
        ["U64"] = 8, ["U32"] = 4, ["U16"] = 2, ["U8"] = 1,
        ["BOOL"] = 1, ["F8_E4M3"] = 1, ["F8_E5M2"] = 1,
    };

    private SafeTensorsHeader(int dataStart, List<Entry> tensors, List<KeyValuePair<string, string>> metadata, string? problemTensor, string? problem)
    {
        DataStart = dataStart;
        Tensors = tensors;
        Metadata = metadata;
        ProblemTensor = problemTensor;
        Problem = problem;
    }

    /// <summary>One tensor's entry: its byte range is relative to <see cref="DataStart"/>.</summary>
    public sealed class Entry(string name, string dtype, long[] shape, long dataOffset, long byteLength)
    {
        public string Name { get; } = name;

        /// <summary>The element type as the file spells it: F32, F64, F16, BF16, I64, …</summary>
        public string DType { get; } = dtype;

        public long[] Shape { get; } = shape;

        public long DataOffset { get; } = dataOffset;

        public long ByteLength { get; } = byteLength;

        /// <summary>Bytes per element.</summary>
        public int ElementSize => ElementSizes[DType];

        /// <summary>The number of elements (checked against <see cref="ByteLength"/>, so it fits the file).</summary>
        public long ElementCount => ByteLength / ElementSize;
    }

    /// <summary>Where the data section starts in the file: 8 + the header's length.</summary>
    public int DataStart { get; }

    /// <summary>The tensors in the header's order; empty when <see cref="Problem"/> is set.</summary>
    public IReadOnlyList<Entry> Tensors { get; }

    /// <summary>The <c>__metadata__</c> strings, in the header's order.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Metadata { get; }

    /// <summary>The tensor <see cref="Problem"/> concerns, or null when it concerns the file.</summary>
    public string? ProblemTensor { get; }

    /// <summary>Why the file is not valid safetensors (a sentence ending in a period), or null.</summary>
    public string? Problem { get; }

    /// <summary>Parses and validates the header of a whole file held in <paramref name="file"/>.</summary>
    public static SafeTensorsHeader Parse(byte[] file) => Parse(file, 0, file.Length);

    /// <summary>Parses and validates the header of a whole file held in <paramref name="length"/> bytes of <paramref name="buffer"/> from <paramref name="offset"/>.</summary>
    /// <remarks><see cref="DataStart"/> is relative to <paramref name="offset"/>.</remarks>
    public static SafeTensorsHeader Parse(byte[] buffer, int offset, int length)
    {
        if (length < 8)
        {
            return Fail(null, $"the file is {length} bytes long, too short to hold the 8-byte header length of a safetensors file.");
        }
        ulong headerLength = 0;
        for (int i = 7; i >= 0; i--)
        {
            headerLength = (headerLength << 8) | buffer[offset + i];
        }
        if (headerLength > (ulong)(length - 8))
        {
            return Fail(null, $"the header claims {headerLength} bytes but only {length - 8} bytes follow the length field: the file is truncated or not safetensors.");
        }
        if (headerLength > MaxHeaderLength)
        {
            return Fail(null, $"the header claims {headerLength} bytes, more than the {MaxHeaderLength} bytes allowed.");
        }
        int dataStart = 8 + (int)headerLength;
        long dataLength = length - dataStart;

        object? root;
        try
        {
            string text = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true).GetString(buffer, offset + 8, (int)headerLength);
            root = TinyJson.Parse(text);
        }
        catch (DecoderFallbackException)
        {
            return Fail(null, "the header is not valid JSON: it is not valid UTF-8.");
        }
        catch (FormatException e)
        {
            return Fail(null, $"the header is not valid JSON ({e.Message}).");
        }
        if (root is not List<KeyValuePair<string, object?>> members)
        {
            return Fail(null, $"the header must be a JSON object, not {Kind(root)}.");
        }

        var tensors = new List<Entry>();
        var metadata = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, object?> member in members)
        {
            if (member.Key == MetadataKey)
            {
                if (member.Value is not List<KeyValuePair<string, object?>> items)
                {
                    return Fail(null, $"'{MetadataKey}' must be an object of strings.");
                }
                foreach (KeyValuePair<string, object?> item in items)
                {
                    if (item.Value is not string value)
                    {
                        return Fail(null, $"'{MetadataKey}' entry '{item.Key}' must be a string, not {Kind(item.Value)}.");
                    }
                    metadata.Add(new KeyValuePair<string, string>(item.Key, value));
                }
                continue;
            }
            string? problem = ReadEntry(member.Key, member.Value, dataLength, out Entry? entry);
            if (problem is not null)
            {
                return Fail(member.Key, problem);
            }
            tensors.Add(entry!);
        }
        if (tensors.GroupBy(t => t.Name, StringComparer.Ordinal).FirstOrDefault(g => g.Count() > 1) is { } duplicate)
        {
            return Fail(duplicate.Key, "the header names this tensor twice.");
        }
        // The format stores tensors in contiguous, disjoint byte ranges. Overlapping or shared ranges would let a small file
        // stand for any number of tensors: refuse them (empty tensors take no bytes and may sit anywhere).
        Entry? previous = null;
        foreach (Entry tensor in tensors.Where(t => t.ByteLength > 0).OrderBy(t => t.DataOffset))
        {
            if (previous is not null && tensor.DataOffset < previous.DataOffset + previous.ByteLength)
            {
                return Fail(tensor.Name, $"its data_offsets [{tensor.DataOffset}, {tensor.DataOffset + tensor.ByteLength}] overlap those of tensor '{MessageText.Quote(previous.Name)}' "
                    + $"[{previous.DataOffset}, {previous.DataOffset + previous.ByteLength}]; safetensors tensors occupy disjoint byte ranges.");
            }
            previous = tensor;
        }
        return new SafeTensorsHeader(dataStart, tensors, metadata, null, null);
    }

    /// <summary>"[4, 3]", for messages; a shape of more than 8 dimensions shows its first 8 and its rank.</summary>
    public static string FormatShape(IEnumerable<long> shape)
    {
        long[] all = [.. shape];
        return all.Length <= 8 ? "[" + string.Join(", ", all) + "]" : "[" + string.Join(", ", all.Take(8)) + $", … ({all.Length} dimensions)]";
    }

    /// <summary>The most dimensions a tensor's shape may have (numpy's limit; no weight tensor comes near it).</summary>
    public const int MaxRank = 32;

    private static string? ReadEntry(string name, object? value, long dataLength, out Entry? entry)
    {
        entry = null;
        if (value is not List<KeyValuePair<string, object?>> fields)
        {
            return "the header entry must be an object with dtype, shape and data_offsets.";
        }
        object? Field(string field) => fields.FirstOrDefault(f => f.Key == field).Value;

        if (Field("dtype") is not string dtype)
        {
            return "the header entry has no string 'dtype'.";
        }
        if (!ElementSizes.TryGetValue(dtype, out int elementSize))
        {
            return $"unknown dtype '{MessageText.Quote(dtype)}'.";
        }

        if (Field("shape") is not List<object?> dimensions)
        {
            return "the header entry has no 'shape' array.";
        }
        if (dimensions.Count > MaxRank)
        {
            return $"the shape has {dimensions.Count} dimensions, more than the {MaxRank} any weight tensor may have.";
        }
        var shape = new long[dimensions.Count];
        long elementCount = 1;
        for (int i = 0; i < shape.Length; i++)
        {
            if (dimensions[i] is not TinyJson.Number number || !number.TryGetInt64(out long size) || size < 0)
            {
                return $"shape entries must be non-negative integers, found {dimensions[i] ?? "null"}.";
            }
            shape[i] = size;
            if (size != 0 && elementCount > long.MaxValue / size)
            {
                return $"shape {FormatShape(shape.Take(i + 1))} has more elements than a file can hold.";
            }
            elementCount *= size;
        }

        if (Field("data_offsets") is not List<object?> { Count: 2 } offsets
            || offsets[0] is not TinyJson.Number first || !first.TryGetInt64(out long begin)
            || offsets[1] is not TinyJson.Number second || !second.TryGetInt64(out long end))
        {
            return "the header entry has no 'data_offsets' pair of integers.";
        }
        if (begin < 0 || end < begin || end > dataLength)
        {
            return $"data_offsets [{begin}, {end}] lie outside the {dataLength}-byte data section: the file is truncated or corrupt.";
        }
        if (elementCount > (end - begin) / elementSize || elementCount * elementSize != end - begin)
        {
            return $"shape {FormatShape(shape)} of {dtype} needs {(elementCount > long.MaxValue / elementSize ? "more" : (elementCount * elementSize).ToString(System.Globalization.CultureInfo.InvariantCulture))} bytes, but data_offsets give {end - begin}.";
        }
        entry = new Entry(name, dtype, shape, begin, end - begin);
        return null;
    }

    private static SafeTensorsHeader Fail(string? tensor, string problem) => new(0, [], [], tensor, problem);

    private static string Kind(object? value) => value switch
    {
        List<KeyValuePair<string, object?>> => "Object",
        List<object?> => "Array",
        string => "String",
        TinyJson.Number => "Number",
        bool b => b ? "True" : "False",
        _ => "Null",
    };
}

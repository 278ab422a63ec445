using System;
using System.Collections.Generic;
using System.Linq;
using System.Runtime.InteropServices;
using GenLstm.Contract;

namespace GenLstm.Formats;

/// <summary>An ONNX tensor (<c>TensorProto</c>): its values as float32, or null when it is not a float type or not in the file.</summary>
internal sealed record OnnxTensor(string Name, long[] Dims, int DataType, float[]? Values, bool External)
{
    public string ShapeText => SafeTensorInfo.FormatShape(Dims);
}

/// <summary>An ONNX node attribute (<c>AttributeProto</c>): the fields GenLstm reads.</summary>
internal sealed record OnnxAttribute(string Name, float? F, long? I, string? S, float[] Floats, long[] Ints, string[] Strings, OnnxTensor? T);

/// <summary>An ONNX node (<c>NodeProto</c>).</summary>
internal sealed record OnnxNode(string Name, string OpType, string Domain, string[] Inputs, string[] Outputs, IReadOnlyDictionary<string, OnnxAttribute> Attributes);

/// <summary>
/// The parts of an ONNX <c>ModelProto</c> GenLstm needs: the main graph's nodes and initializers. Decoded from the protobuf
/// wire format with <see cref="ProtobufReader"/>; field numbers are those of <c>onnx/onnx.proto</c>.
/// </summary>
internal sealed record OnnxGraph(IReadOnlyList<OnnxNode> Nodes, IReadOnlyDictionary<string, OnnxTensor> Initializers)
{
    private const int Float = 1, Float16 = 10, Double = 11, BFloat16 = 16;

    /// <exception cref="ProtobufException">The bytes are not a well-formed ModelProto, or a tensor's data does not fill its dims.</exception>
    public static OnnxGraph Parse(ReadOnlySpan<byte> model)
    {
        var reader = new ProtobufReader(model);
        ReadOnlySpan<byte> graph = default;
        bool hasGraph = false;
        while (reader.TryReadTag(out int field, out int wire))
        {
            if (field == 7 && wire == ProtobufReader.LengthDelimited)
            {
                graph = reader.ReadLengthDelimited();
                hasGraph = true;
            }
            else
            {
                reader.Skip(wire);
            }
        }
        if (!hasGraph)
        {
            throw new ProtobufException("the model has no graph (ModelProto field 7)");
        }

        var nodes = new List<OnnxNode>();
        var initializers = new Dictionary<string, OnnxTensor>(StringComparer.Ordinal);
        reader = new ProtobufReader(graph);
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtobufReader.LengthDelimited:
                    nodes.Add(ParseNode(reader.ReadLengthDelimited()));
                    break;
                case 5 when wire == ProtobufReader.LengthDelimited:
                    OnnxTensor tensor = ParseTensor(reader.ReadLengthDelimited());
                    if (!initializers.TryAdd(tensor.Name, tensor))
                    {
                        throw new ProtobufException($"two initializers are named '{tensor.Name}'");
                    }
                    break;
                default:
                    reader.Skip(wire);
                    break;
            }
        }
        return new OnnxGraph(nodes, initializers);
    }

    private static OnnxNode ParseNode(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        var inputs = new List<string>();
        var outputs = new List<string>();
        var attributes = new Dictionary<string, OnnxAttribute>(StringComparer.Ordinal);
        string name = "", opType = "", domain = "";
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtobufReader.LengthDelimited: inputs.Add(reader.ReadString()); break;
                case 2 when wire == ProtobufReader.LengthDelimited: outputs.Add(reader.ReadString()); break;
                case 3 when wire == ProtobufReader.LengthDelimited: name = reader.ReadString(); break;
                case 4 when wire == ProtobufReader.LengthDelimited: opType = reader.ReadString(); break;
                case 5 when wire == ProtobufReader.LengthDelimited:
                    OnnxAttribute attribute = ParseAttribute(reader.ReadLengthDelimited());
                    attributes[attribute.Name] = attribute;
                    break;
                case 7 when wire == ProtobufReader.LengthDelimited: domain = reader.ReadString(); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxNode(name, opType, domain, [.. inputs], [.. outputs], attributes);
    }

    private static OnnxAttribute ParseAttribute(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        string name = "";
        float? f = null;
        long? i = null;
        string? s = null;
        OnnxTensor? t = null;
        var floats = new List<float>();
        var ints = new List<long>();
        var strings = new List<string>();
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1 when wire == ProtobufReader.LengthDelimited: name = reader.ReadString(); break;
                case 2 when wire == ProtobufReader.Fixed32: f = BitConverter.UInt32BitsToSingle(reader.ReadFixed32()); break;
                case 3 when wire == ProtobufReader.Varint: i = (long)reader.ReadVarint(); break;
                case 4 when wire == ProtobufReader.LengthDelimited: s = reader.ReadString(); break;
                case 5 when wire == ProtobufReader.LengthDelimited: t = ParseTensor(reader.ReadLengthDelimited()); break;
                case 7: ReadFloats(ref reader, wire, floats); break;
                case 8: ReadVarints(ref reader, wire, ints); break;
                case 9 when wire == ProtobufReader.LengthDelimited: strings.Add(reader.ReadString()); break;
                default: reader.Skip(wire); break;
            }
        }
        return new OnnxAttribute(name, f, i, s, [.. floats], [.. ints], [.. strings], t);
    }

    private static OnnxTensor ParseTensor(ReadOnlySpan<byte> bytes)
    {
        var reader = new ProtobufReader(bytes);
        var dims = new List<long>();
        var floatData = new List<float>();
        var doubleData = new List<double>();
        ReadOnlySpan<byte> raw = default;
        bool hasRaw = false, external = false;
        int dataType = 0;
        string name = "";
        while (reader.TryReadTag(out int field, out int wire))
        {
            switch (field)
            {
                case 1: ReadVarints(ref reader, wire, dims); break;
                case 2 when wire == ProtobufReader.Varint: dataType = (int)reader.ReadVarint(); break;
                case 4: ReadFloats(ref reader, wire, floatData); break;
                case 8 when wire == ProtobufReader.LengthDelimited: name = reader.ReadString(); break;
                case 9 when wire == ProtobufReader.LengthDelimited: raw = reader.ReadLengthDelimited(); hasRaw = true; break;
                case 10: ReadDoubles(ref reader, wire, doubleData); break;
                case 13: external = true; reader.Skip(wire); break;
                case 14 when wire == ProtobufReader.Varint: external |= reader.ReadVarint() == 1; break;
                default: reader.Skip(wire); break;
            }
        }

        if (dims.Count > SafeTensorsHeader.MaxRank)
        {
            throw new ProtobufException($"tensor '{MessageText.Quote(name)}' has {dims.Count} dims, more than the {SafeTensorsHeader.MaxRank} any weight tensor may have");
        }
        long count = 1;
        foreach (long dimension in dims)
        {
            count = dimension >= 0 && (dimension == 0 || count <= int.MaxValue / dimension) ? count * dimension
                : throw new ProtobufException($"tensor '{name}' has dims {SafeTensorInfo.FormatShape(dims)}, not a size an array can hold");
        }
        float[]? values = external ? null : dataType switch
        {
            Float when hasRaw => Decode(raw, count, 4, name, b => BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadInt32LittleEndian(b))),
            Double when hasRaw => Decode(raw, count, 8, name, b => (float)System.Buffers.Binary.BinaryPrimitives.ReadDoubleLittleEndian(b)),
            Float16 when hasRaw => Decode(raw, count, 2, name, b => (float)System.Buffers.Binary.BinaryPrimitives.ReadHalfLittleEndian(b)),
            BFloat16 when hasRaw => Decode(raw, count, 2, name, b => BitConverter.Int32BitsToSingle(System.Buffers.Binary.BinaryPrimitives.ReadUInt16LittleEndian(b) << 16)),
            Float => Checked(floatData.ToArray(), count, name),
            Double => Checked([.. doubleData.Select(d => (float)d)], count, name),
            _ => null,
        };
        return new OnnxTensor(name, [.. dims], dataType, values, external);
    }

    private static float[] Decode(ReadOnlySpan<byte> raw, long count, int size, string name, Func<ReadOnlySpan<byte>, float> read)
    {
        if (raw.Length != count * size)
        {
            throw new ProtobufException($"tensor '{name}' has {count} elements by its dims but {raw.Length} bytes of raw_data ({count * size} expected)");
        }
        var values = new float[count];
        for (int k = 0; k < values.Length; k++)
        {
            values[k] = read(raw.Slice(k * size, size));
        }
        return values;
    }

    private static float[] Checked(float[] values, long count, string name)
        => values.Length == count ? values : throw new ProtobufException($"tensor '{name}' has {count} elements by its dims but {values.Length} values");

    private static void ReadVarints(ref ProtobufReader reader, int wire, List<long> into)
    {
        if (wire == ProtobufReader.Varint)
        {
            into.Add((long)reader.ReadVarint());
            return;
        }
        var packed = new ProtobufReader(reader.ReadLengthDelimited());
        while (!packed.AtEnd)
        {
            into.Add((long)packed.ReadVarint());
        }
    }

    private static void ReadFloats(ref ProtobufReader reader, int wire, List<float> into)
    {
        if (wire == ProtobufReader.Fixed32)
        {
            into.Add(BitConverter.UInt32BitsToSingle(reader.ReadFixed32()));
            return;
        }
        ReadOnlySpan<byte> packed = reader.ReadLengthDelimited();
        if (packed.Length % 4 != 0)
        {
            throw new ProtobufException($"a packed float field of {packed.Length} bytes is not whole floats");
        }
        into.AddRange(MemoryMarshal.Cast<byte, float>(packed).ToArray());
    }

    private static void ReadDoubles(ref ProtobufReader reader, int wire, List<double> into)
    {
        if (wire == ProtobufReader.Fixed64)
        {
            into.Add(BitConverter.UInt64BitsToDouble(reader.ReadFixed64()));
            return;
        }
        ReadOnlySpan<byte> packed = reader.ReadLengthDelimited();
        if (packed.Length % 8 != 0)
        {
            throw new ProtobufException($"a packed double field of {packed.Length} bytes is not whole doubles");
        }
        into.AddRange(MemoryMarshal.Cast<byte, double>(packed).ToArray());
    }
}

using System;
using System.Buffers.Binary;
using System.Linq;
using System.Text;

namespace GenLstm.Formats;

/// <summary>What a file's first bytes say it is.</summary>
internal enum FileKind
{
    Unknown,
    SafeTensors,
    Zip,
    Json,
    Hdf5,
    Protobuf,
    NumPyArray,
    PyTorchPickle,
}

/// <summary>Recognizes a weight file's format from its first bytes, so that no reader depends on the file's extension.</summary>
internal static class FileSignature
{
    private static ReadOnlySpan<byte> Hdf5Magic => [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A];

    private static ReadOnlySpan<byte> ZipMagic => [(byte)'P', (byte)'K', 3, 4];

    public static ReadOnlySpan<byte> NumPyMagic => [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    /// <summary>The format the bytes start like; <see cref="FileKind.Unknown"/> when none.</summary>
    public static FileKind Of(ReadOnlySpan<byte> bytes)
    {
        // safetensors: a little-endian u64 header length that fits the file, then the JSON header's '{'.
        if (bytes.Length >= 9 && BinaryPrimitives.ReadUInt64LittleEndian(bytes) <= (ulong)(bytes.Length - 8) && bytes[8] == (byte)'{')
        {
            return FileKind.SafeTensors;
        }
        if (bytes.StartsWith(Hdf5Magic))
        {
            return FileKind.Hdf5;
        }
        if (bytes.StartsWith(NumPyMagic))
        {
            return FileKind.NumPyArray;
        }
        if (bytes.StartsWith(ZipMagic))
        {
            // torch.save writes a zip whose entries are '<name>/data.pkl' and '<name>/data/0', …; numpy.savez writes '<name>.npy'.
            return bytes.IndexOf("data.pkl"u8) >= 0 && bytes.IndexOf(".npy"u8) < 0 ? FileKind.PyTorchPickle : FileKind.Zip;
        }
        int first = bytes.IndexOfAnyExcept(" \t\r\n"u8);
        if (first >= 0 && bytes[first] == (byte)'{')
        {
            return FileKind.Json;
        }
        // An ONNX ModelProto starts with a field tag: ir_version (field 1, varint), producer_name (2), or the graph (7).
        if (bytes.Length > 0 && bytes[0] is 0x08 or 0x12 or 0x1A or 0x22 or 0x2A or 0x3A or 0x42)
        {
            return FileKind.Protobuf;
        }
        return FileKind.Unknown;
    }

    /// <summary>The first bytes, for a message about an unrecognized file.</summary>
    public static string Describe(ReadOnlySpan<byte> bytes)
    {
        if (bytes.IsEmpty)
        {
            return "nothing (the file is empty)";
        }
        ReadOnlySpan<byte> head = bytes[..Math.Min(8, bytes.Length)];
        string hex = string.Join(" ", head.ToArray().Select(b => b.ToString("X2", System.Globalization.CultureInfo.InvariantCulture)));
        string text = new(Encoding.ASCII.GetString(head).Select(c => char.IsControl(c) ? '.' : c).ToArray());
        return $"the bytes {hex} (\"{text}\")";
    }
}

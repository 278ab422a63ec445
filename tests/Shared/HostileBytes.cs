using System;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;

namespace GenLstm.TestSupport;

/// <summary>
/// Writers of hostile file bytes (safetensors, <c>.npy</c>, hand-written zip archives with lying sizes and shared streams, deflate
/// bombs, JSON strings with control characters), linked into GenLstm.Tests (the runtime's readers) and GenLstm.Generators.Tests
/// (the generator's build-time reader), so that both are attacked with the same files.
/// </summary>
internal static class HostileBytes
{
    public static byte[] Utf8(string text) => Encoding.UTF8.GetBytes(text);

    public static byte[] Concat(params byte[][] parts)
    {
        var result = new byte[parts.Sum(p => (long)p.Length)];
        int offset = 0;
        foreach (byte[] part in parts)
        {
            part.CopyTo(result, offset);
            offset += part.Length;
        }
        return result;
    }

    /// <summary>A safetensors file: the 8-byte length of <paramref name="header"/>, the header, the data.</summary>
    public static byte[] SafeTensors(string header, byte[] data) => SafeTensors(Utf8(header), data);

    public static byte[] SafeTensors(byte[] header, byte[] data)
        => Concat(BitConverter.GetBytes((ulong)header.Length), header, data);

    /// <summary>One safetensors header entry, <c>"name":{"dtype":…,"shape":…,"data_offsets":[begin,end]}</c>: the name and dtype as JSON strings, the shape as given.</summary>
    public static string Entry(string name, string dtype, string shape, long begin, long end)
        => $"{JsonString(name)}:{{\"dtype\":{JsonString(dtype)},\"shape\":{shape},\"data_offsets\":[{begin},{end}]}}";

    /// <summary>A safetensors file whose length field says <paramref name="claimedHeaderLength"/>, whatever follows.</summary>
    public static byte[] SafeTensorsClaiming(ulong claimedHeaderLength, byte[] rest)
        => Concat(BitConverter.GetBytes(claimedHeaderLength), rest);

    /// <summary>
    /// A <c>.npy</c> array: the preamble (version 1.0, or 2.0 when the header needs more than 65,535 bytes), the header dict as given
    /// (padded with spaces and a newline to a multiple of 64, as numpy does), then <paramref name="data"/>.
    /// </summary>
    public static byte[] Npy(string headerDict, byte[] data)
    {
        bool version2 = headerDict.Length + 12 + 1 > 65535;
        int preamble = version2 ? 12 : 10;
        int padded = (preamble + headerDict.Length + 1 + 63) / 64 * 64 - preamble;
        byte[] header = Encoding.Latin1.GetBytes(headerDict.PadRight(padded - 1) + "\n");
        var prefix = new List<byte> { 0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', (byte)(version2 ? 2 : 1), 0 };
        prefix.AddRange(version2 ? BitConverter.GetBytes((uint)header.Length) : BitConverter.GetBytes((ushort)header.Length));
        return Concat([.. prefix], header, data);
    }

    /// <summary>numpy's header dict for an array.</summary>
    public static string NpyDict(string descr, bool fortranOrder, string shape)
        => $"{{'descr': '{descr}', 'fortran_order': {(fortranOrder ? "True" : "False")}, 'shape': {shape}, }}";

    /// <summary>Raw deflate (zip method 8) of <paramref name="data"/>.</summary>
    public static byte[] Deflate(byte[] data)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            deflate.Write(data);
        }
        return buffer.ToArray();
    }

    /// <summary>Raw deflate of <paramref name="count"/> zero bytes, written in chunks (the zeros are never held whole).</summary>
    public static byte[] DeflateZeros(long count, byte[]? prefix = null)
    {
        using var buffer = new MemoryStream();
        using (var deflate = new DeflateStream(buffer, CompressionLevel.SmallestSize, leaveOpen: true))
        {
            if (prefix is not null)
            {
                deflate.Write(prefix);
            }
            var zeros = new byte[1 << 20];
            for (long left = count; left > 0; left -= zeros.Length)
            {
                deflate.Write(zeros, 0, (int)Math.Min(zeros.Length, left));
            }
        }
        return buffer.ToArray();
    }

    private static readonly uint[] CrcTable = Enumerable.Range(0, 256).Select(n =>
    {
        uint c = (uint)n;
        for (int k = 0; k < 8; k++)
        {
            c = (c & 1) != 0 ? 0xEDB88320u ^ (c >> 1) : c >> 1;
        }
        return c;
    }).ToArray();

    /// <summary>The zip CRC-32 of <paramref name="data"/> followed by <paramref name="zeros"/> zero bytes.</summary>
    public static uint Crc32(byte[] data, long zeros = 0)
    {
        uint crc = 0xFFFFFFFFu;
        foreach (byte b in data)
        {
            crc = CrcTable[(crc ^ b) & 0xFF] ^ (crc >> 8);
        }
        for (long i = 0; i < zeros; i++)
        {
            crc = CrcTable[crc & 0xFF] ^ (crc >> 8);
        }
        return crc ^ 0xFFFFFFFFu;
    }

    /// <summary>
    /// A zip archive written byte by byte: one local header and data per member, then the central directory. Each entry of
    /// <paramref name="directory"/> names a member by index (several entries may name the same member, under other names).
    /// </summary>
    public static byte[] Zip(IReadOnlyList<ZipMember> members, IReadOnlyList<(string Name, int Member)>? directory = null)
    {
        directory ??= [.. members.Select((m, i) => (m.Name, i))];
        using var zip = new MemoryStream();
        var writer = new BinaryWriter(zip);
        var offsets = new long[members.Count];
        for (int i = 0; i < members.Count; i++)
        {
            ZipMember m = members[i];
            offsets[i] = zip.Position;
            byte[] name = Utf8(m.Name);
            writer.Write(0x04034b50u);
            writer.Write((ushort)20);
            WriteCommonFields(writer, m, name);
            writer.Write(name);
            writer.Write(m.Data);
        }
        long centralStart = zip.Position;
        foreach ((string entryName, int index) in directory)
        {
            ZipMember m = members[index];
            byte[] name = Utf8(entryName);
            writer.Write(0x02014b50u);
            writer.Write((ushort)20);
            writer.Write((ushort)20);
            WriteCommonFields(writer, m, name);
            writer.Write((ushort)0);
            writer.Write((ushort)0);
            writer.Write((ushort)0);
            writer.Write(0u);
            writer.Write((uint)offsets[index]);
            writer.Write(name);
        }
        long centralEnd = zip.Position;
        writer.Write(0x06054b50u);
        writer.Write((ushort)0);
        writer.Write((ushort)0);
        writer.Write((ushort)directory.Count);
        writer.Write((ushort)directory.Count);
        writer.Write((uint)(centralEnd - centralStart));
        writer.Write((uint)centralStart);
        writer.Write((ushort)0);
        writer.Flush();
        return zip.ToArray();
    }

    /// <summary>
    /// The fields a local header and a central-directory record share, from "general purpose flags" to "extra field length":
    /// no flags, the member's method, a fixed DOS time and date, its CRC and sizes (as stated, true or not), the name's length.
    /// </summary>
    private static void WriteCommonFields(BinaryWriter writer, ZipMember member, byte[] name)
    {
        writer.Write((ushort)0);
        writer.Write(member.Method);
        writer.Write((ushort)0);
        writer.Write((ushort)0x21);
        writer.Write(member.Crc);
        writer.Write((uint)member.Data.Length);
        writer.Write(member.UncompressedSize);
        writer.Write((ushort)name.Length);
        writer.Write((ushort)0);
    }

    /// <summary>A string of <paramref name="length"/> characters: <paramref name="unit"/> repeated.</summary>
    public static string Repeat(string unit, int length)
    {
        var builder = new StringBuilder(length + unit.Length);
        while (builder.Length < length)
        {
            builder.Append(unit);
        }
        return builder.ToString(0, length);
    }

    /// <summary>A name with every control character from U+0001 to U+001F, newlines among them, for the messages that echo names.</summary>
    public static string ControlName => "evil\n\r\t\u0001\u0007\u001b[31mred\u001b[0m" + new string([.. Enumerable.Range(1, 31).Select(i => (char)i)]) + "end";

    /// <summary><paramref name="text"/> as a JSON string literal (quotes included), escaping what JSON requires.</summary>
    public static string JsonString(string text)
    {
        var builder = new StringBuilder(text.Length + 2).Append('"');
        foreach (char c in text)
        {
            builder.Append(c switch
            {
                '"' => "\\\"",
                '\\' => "\\\\",
                < ' ' => $"\\u{(int)c:x4}",
                _ => c.ToString(),
            });
        }
        return builder.Append('"').ToString();
    }
}

/// <summary>One member of a hand-written zip (<see cref="HostileBytes.Zip"/>).</summary>
/// <param name="Name">The member's name (bytes of the name field, UTF-8).</param>
/// <param name="Data">The stored bytes: raw deflate for method 8.</param>
/// <param name="Method">0 stored, 8 deflate.</param>
/// <param name="Crc">The CRC-32 the headers state.</param>
/// <param name="UncompressedSize">The uncompressed size the headers state (may lie).</param>
internal sealed record ZipMember(string Name, byte[] Data, ushort Method, uint Crc, uint UncompressedSize)
{
    public static ZipMember Stored(string name, byte[] data) => new(name, data, 0, HostileBytes.Crc32(data), (uint)data.Length);

    public static ZipMember Deflated(string name, byte[] data) => new(name, HostileBytes.Deflate(data), 8, HostileBytes.Crc32(data), (uint)data.Length);
}

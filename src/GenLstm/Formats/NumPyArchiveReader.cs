using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using System.Text;
using System.Text.RegularExpressions;

namespace GenLstm.Formats;

/// <summary>
/// Reads NumPy <c>.npz</c> archives (<c>numpy.savez</c>, <c>numpy.savez_compressed</c>): a zip of <c>.npy</c> arrays named
/// like the tensors. Float arrays (<c>f2</c>, <c>f4</c>, <c>f8</c>, either byte order, C or Fortran order) are read; others are skipped.
/// </summary>
internal static partial class NumPyArchiveReader
{
    /// <summary>Deflate expands at most about 1032-fold; an array claiming more bytes than that from its compressed size is a lie.</summary>
    private const long MaxDeflateRatio = 1032;

    public static WeightFile Read(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        Stream stream = MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        var tensors = new List<WeightTensor>();
        var skipped = new List<string>();
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    skipped.Add($"entry '{entry.FullName}': not a .npy array.");
                    continue;
                }
                string name = entry.FullName[..^".npy".Length];
                long bound = entry.CompressedLength * (entry.CompressedLength == entry.Length ? 1 : MaxDeflateRatio) + 1024;
                using Stream content = entry.Open();
                if (ReadArray(sourceName, name, content, Math.Min(bound, entry.Length)) is { } tensor)
                {
                    tensors.Add(tensor);
                }
                else
                {
                    skipped.Add($"array '{name}': not a float array.");
                }
            }
        }
        catch (InvalidDataException e)
        {
            throw new WeightFormatException(sourceName, null, $"the zip archive (.npz) is corrupt: {e.Message}", e);
        }
        return new WeightFile(sourceName, WeightFileFormat.NumPyArchive, tensors, skipped: skipped);
    }

    /// <summary>One <c>.npy</c> array, or null when its dtype is not a float type.</summary>
    /// <param name="sourceName">The file, for messages.</param>
    /// <param name="name">The array's name.</param>
    /// <param name="content">The entry's decompressed bytes.</param>
    /// <param name="maxLength">The most bytes the entry can hold; a header claiming more is rejected before anything is allocated.</param>
    internal static WeightTensor? ReadArray(string sourceName, string name, Stream content, long maxLength)
    {
        Span<byte> preamble = stackalloc byte[12];
        int prefix = ReadFully(content, preamble[..10]);
        if (prefix < 10 || !preamble.StartsWith(FileSignature.NumPyMagic))
        {
            throw new WeightFormatException(sourceName, name, "the entry is not a .npy array (no \\x93NUMPY magic).");
        }
        int major = preamble[6];
        long headerLength;
        if (major == 1)
        {
            headerLength = BinaryPrimitives.ReadUInt16LittleEndian(preamble[8..]);
        }
        else if (major is 2 or 3)
        {
            if (ReadFully(content, preamble[10..12]) < 2)
            {
                throw new WeightFormatException(sourceName, name, "the .npy header is truncated.");
            }
            headerLength = BinaryPrimitives.ReadUInt32LittleEndian(preamble[8..]);
        }
        else
        {
            throw new WeightFormatException(sourceName, name, $".npy format version {major} is not one this reader knows (1, 2, 3).");
        }
        if (headerLength > Math.Min(maxLength, 1 << 20))
        {
            throw new WeightFormatException(sourceName, name, $"the .npy header claims {headerLength} bytes, more than the entry holds.");
        }
        var headerBytes = new byte[headerLength];
        if (ReadFully(content, headerBytes) < headerLength)
        {
            throw new WeightFormatException(sourceName, name, "the .npy header is truncated.");
        }
        string header = Encoding.Latin1.GetString(headerBytes);
        Match descr = Descr().Match(header), fortran = FortranOrder().Match(header), shapeMatch = Shape().Match(header);
        if (!descr.Success || !fortran.Success || !shapeMatch.Success)
        {
            throw new WeightFormatException(sourceName, name, $"the .npy header is not the dict numpy writes ('descr', 'fortran_order', 'shape'): {header.Trim()}");
        }

        var shape = new List<long>();
        long count = 1;
        foreach (string part in shapeMatch.Groups[1].Value.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long dimension))
            {
                throw new WeightFormatException(sourceName, name, $"the shape ({shapeMatch.Groups[1].Value}) holds '{part}', not a size.");
            }
            shape.Add(dimension);
            count = dimension == 0 || count <= maxLength / dimension ? count * dimension
                : throw new WeightFormatException(sourceName, name, $"the shape ({shapeMatch.Groups[1].Value}) has more elements than the entry's {maxLength} bytes can hold.");
        }

        string dtype = descr.Groups[1].Value;
        int size = dtype.Length == 3 && dtype[1] == 'f' ? dtype[2] - '0' : 0;
        if (size is not (2 or 4 or 8) || dtype[0] is not ('<' or '>' or '='))
        {
            return null;
        }
        if (count * size > maxLength)
        {
            throw new WeightFormatException(sourceName, name, $"the shape {SafeTensorInfo.FormatShape(shape)} of {dtype} needs {count * size} bytes; the entry holds at most {maxLength}.");
        }
        var data = new byte[count * size];
        if (ReadFully(content, data) < data.Length)
        {
            throw new WeightFormatException(sourceName, name, $"the array is truncated: its shape {SafeTensorInfo.FormatShape(shape)} of {dtype} needs {data.Length} bytes.");
        }

        bool bigEndian = dtype[0] == '>';
        var values = new float[count];
        for (int i = 0; i < values.Length; i++)
        {
            ReadOnlySpan<byte> element = data.AsSpan(i * size, size);
            values[i] = size switch
            {
                2 => (float)(bigEndian ? BinaryPrimitives.ReadHalfBigEndian(element) : BinaryPrimitives.ReadHalfLittleEndian(element)),
                4 => bigEndian ? BinaryPrimitives.ReadSingleBigEndian(element) : BinaryPrimitives.ReadSingleLittleEndian(element),
                _ => (float)(bigEndian ? BinaryPrimitives.ReadDoubleBigEndian(element) : BinaryPrimitives.ReadDoubleLittleEndian(element)),
            };
        }
        return new WeightTensor(name, shape, fortran.Groups[1].Value == "True" ? ToRowMajor(values, shape) : values);
    }

    /// <summary>Fortran (column-major) order to row-major: the element at index (i0, …, in) sits at Σ i_k · Π_{j&lt;k} shape_j.</summary>
    private static float[] ToRowMajor(float[] columnMajor, List<long> shape)
    {
        var result = new float[columnMajor.Length];
        var index = new long[shape.Count];
        for (int rowMajor = 0; rowMajor < result.Length; rowMajor++)
        {
            long offset = 0, stride = 1;
            for (int k = 0; k < shape.Count; k++)
            {
                offset += index[k] * stride;
                stride *= shape[k];
            }
            result[rowMajor] = columnMajor[offset];
            for (int k = shape.Count - 1; k >= 0 && ++index[k] == shape[k]; k--)
            {
                index[k] = 0;
            }
        }
        return result;
    }

    private static int ReadFully(Stream stream, Span<byte> buffer)
    {
        int total = 0;
        while (total < buffer.Length)
        {
            int read = stream.Read(buffer[total..]);
            if (read == 0)
            {
                break;
            }
            total += read;
        }
        return total;
    }

    [GeneratedRegex(@"'descr'\s*:\s*'([^']*)'")]
    private static partial Regex Descr();

    [GeneratedRegex(@"'fortran_order'\s*:\s*(True|False)")]
    private static partial Regex FortranOrder();

    [GeneratedRegex(@"'shape'\s*:\s*\(([^)]*)\)")]
    private static partial Regex Shape();
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Runtime.InteropServices;
using GenLstm.Contract;

namespace GenLstm.Formats;

/// <summary>
/// Reads NumPy <c>.npz</c> archives (<c>numpy.savez</c>, <c>numpy.savez_compressed</c>): a zip of <c>.npy</c> arrays named
/// like the tensors. Float arrays (<c>f2</c>, <c>f4</c>, <c>f8</c>, either byte order, C or Fortran order) are read; others are skipped.
/// </summary>
internal static class NumPyArchiveReader
{
    /// <summary>Deflate expands at most about 1032-fold; an array claiming more bytes than that from its compressed size is a lie.</summary>
    private const long MaxDeflateRatio = 1032;

    public static WeightFile Read(ReadOnlyMemory<byte> bytes, string sourceName, WeightFileOptions options)
    {
        Stream stream = MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment)
            ? new MemoryStream(segment.Array!, segment.Offset, segment.Count, writable: false)
            : new MemoryStream(bytes.ToArray(), writable: false);
        var tensors = new List<WeightTensor>();
        var skipped = new List<string>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        // Deflate can expand a tiny entry a thousandfold, and several directory records can name one stream: what all entries
        // expand to is charged against one budget, before each entry's data is allocated.
        long budget = options.MaxExpandedBytes(bytes.Length);
        try
        {
            using var archive = new ZipArchive(stream, ZipArchiveMode.Read);
            foreach (ZipArchiveEntry entry in archive.Entries)
            {
                if (!names.Add(entry.FullName))
                {
                    throw new WeightFormatException(sourceName, entry.FullName, "the archive holds two entries of this name.");
                }
                if (!entry.FullName.EndsWith(".npy", StringComparison.Ordinal))
                {
                    skipped.Add($"entry '{WeightFormatException.Quote(entry.FullName)}': not a .npy array.");
                    continue;
                }
                string name = entry.FullName[..^".npy".Length];
                long bound = entry.CompressedLength * (entry.CompressedLength == entry.Length ? 1 : MaxDeflateRatio) + 1024;
                long length = Math.Min(bound, entry.Length);
                if (length > budget)
                {
                    throw new WeightFormatException(sourceName, name,
                        $"the entry expands to {entry.Length} bytes, beyond what the archive's {bytes.Length} bytes may expand to ({options.MaxExpandedBytes(bytes.Length)} bytes in all"
                        + (options.Declaration is null ? ", 16× the file" : ", with 8 bytes per weight of the declared model") + "; WeightFileOptions.MaxBytes caps it).");
                }
                budget -= length;
                using Stream content = entry.Open();
                if (ReadArray(sourceName, name, content, length) is { } tensor)
                {
                    tensors.Add(tensor);
                }
                else
                {
                    skipped.Add($"array '{WeightFormatException.Quote(name)}': not a float array.");
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
        // The preamble's and the header dict's reading is the generator's too (Contract/NpyHeader.cs).
        var preamble = new byte[12];
        if (NpyHeader.CheckPreamble(preamble, ReadFully(content, preamble.AsSpan(0, 10)), out int preambleLength) is { } preambleProblem)
        {
            throw new WeightFormatException(sourceName, name, preambleProblem);
        }
        if (preambleLength == 12 && ReadFully(content, preamble.AsSpan(10, 2)) < 2)
        {
            throw new WeightFormatException(sourceName, name, "the .npy header is truncated.");
        }
        if (NpyHeader.ReadHeaderLength(preamble, preambleLength, maxLength, out int headerLength) is { } lengthProblem)
        {
            throw new WeightFormatException(sourceName, name, lengthProblem);
        }
        var headerBytes = new byte[headerLength];
        if (ReadFully(content, headerBytes) < headerLength)
        {
            throw new WeightFormatException(sourceName, name, "the .npy header is truncated.");
        }
        NpyHeader header = NpyHeader.Parse(headerBytes, 0, headerLength, maxLength);
        if (header.Problem is { } problem)
        {
            throw new WeightFormatException(sourceName, name, problem);
        }

        List<long> shape = [.. header.Shape];
        long count = header.ElementCount;
        string dtype = header.Descr;
        int size = header.FloatSize;
        if (size == 0)
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

        bool bigEndian = header.BigEndian;
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
        return new WeightTensor(name, shape, header.FortranOrder ? ToRowMajor(values, shape) : values);
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
}

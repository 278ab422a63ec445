using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading;
using GenLstm.Generators.Models;

namespace GenLstm.Generators.Weights;

/// <summary>
/// Reads the weights files <c>[LstmWeights]</c> names, at build time: safetensors (F32, F64) and NumPy <c>.npz</c> archives
/// (<c>&lt;f4</c>, <c>&lt;f8</c>, C order). Other formats are converted first with <c>genlstm convert</c>. Never throws: a
/// file that cannot be read carries its <see cref="WeightsFile.Error"/>, which the diagnostics stage reports.
/// </summary>
internal static class WeightsFileReader
{
    public static WeightsFile Read(string path, CancellationToken cancellationToken)
    {
        byte[] bytes;
        try
        {
            // AdditionalText.GetText() decodes text; weights are binary, so the file is read by its path (once, cached by the pipeline).
#pragma warning disable RS1035 // File IO: the only way to read a binary AdditionalFile
            bytes = File.ReadAllBytes(path);
#pragma warning restore RS1035
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            return new WeightsFile(path, "", 0, [], $"cannot be read: {e.Message}");
        }

        string hash;
        using (var sha = SHA256.Create())
        {
            hash = string.Concat(sha.ComputeHash(bytes).Select(b => b.ToString("x2", CultureInfo.InvariantCulture)));
        }
        cancellationToken.ThrowIfCancellationRequested();
        try
        {
            List<StoredTensor> tensors = path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase) ? ReadNpz(bytes) : ReadSafeTensors(bytes);
            return new WeightsFile(path, hash, bytes.Length, tensors, null);
        }
        catch (Exception e) when (e is FormatException or InvalidDataException or OverflowException or ArgumentException)
        {
            return new WeightsFile(path, hash, bytes.Length, [], e.Message);
        }
    }

    private static List<StoredTensor> ReadSafeTensors(byte[] bytes)
    {
        if (bytes.Length < 8)
        {
            throw new FormatException("is too short to be a safetensors file");
        }
        ulong headerLength = BitConverter.ToUInt64(bytes, 0);
        if (headerLength > (ulong)(bytes.Length - 8))
        {
            throw new FormatException($"claims a {headerLength}-byte header but holds {bytes.Length - 8} bytes after the length: it is truncated or not safetensors");
        }
        int dataStart = 8 + (int)headerLength;
        if (TinyJson.Parse(Encoding.UTF8.GetString(bytes, 8, (int)headerLength)) is not List<KeyValuePair<string, object?>> header)
        {
            throw new FormatException("has a header that is not a JSON object");
        }

        var tensors = new List<StoredTensor>();
        foreach (KeyValuePair<string, object?> entry in header.Where(e => e.Key != "__metadata__"))
        {
            var fields = entry.Value as List<KeyValuePair<string, object?>> ?? throw new FormatException($"tensor '{entry.Key}' has no header object");
            object? Field(string name) => fields.FirstOrDefault(f => f.Key == name).Value;
            string dtype = Field("dtype") as string ?? throw new FormatException($"tensor '{entry.Key}' has no dtype");
            long[] shape = Integers(Field("shape"), entry.Key, "shape");
            long[] offsets = Integers(Field("data_offsets"), entry.Key, "data_offsets");
            int size = dtype switch { "F32" => 4, "F64" => 8, _ => throw new FormatException($"tensor '{entry.Key}' is {dtype}; compile-time weights read F32 and F64 (convert with genlstm convert)") };
            long count = shape.Aggregate(1L, (product, d) => checked(product * d));
            if (offsets.Length != 2 || offsets[0] < 0 || offsets[1] != offsets[0] + count * size || dataStart + offsets[1] > bytes.Length)
            {
                throw new FormatException($"tensor '{entry.Key}' has data_offsets [{string.Join(", ", offsets)}] that do not fit its shape or the file");
            }
            tensors.Add(new StoredTensor(entry.Key, shape, Floats(bytes, dataStart + (int)offsets[0], (int)count, size)));
        }
        return tensors;
    }

    private static List<StoredTensor> ReadNpz(byte[] bytes)
    {
        var tensors = new List<StoredTensor>();
        using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        foreach (ZipArchiveEntry entry in archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)))
        {
            string name = entry.FullName.Substring(0, entry.FullName.Length - ".npy".Length);
            using var content = new MemoryStream();
            using (Stream stream = entry.Open())
            {
                stream.CopyTo(content);
            }
            byte[] npy = content.ToArray();
            if (npy.Length < 10 || npy[0] != 0x93 || Encoding.ASCII.GetString(npy, 1, 5) != "NUMPY")
            {
                throw new FormatException($"array '{name}' is not a .npy array");
            }
            int headerLength = npy[6] == 1 ? BitConverter.ToUInt16(npy, 8) : checked((int)BitConverter.ToUInt32(npy, 8));
            int headerStart = npy[6] == 1 ? 10 : 12;
            string header = Encoding.ASCII.GetString(npy, headerStart, Math.Min(headerLength, npy.Length - headerStart));
            string dtype = Regex.Match(header, @"'descr'\s*:\s*'([^']*)'").Groups[1].Value;
            if (Regex.IsMatch(header, @"'fortran_order'\s*:\s*True"))
            {
                throw new FormatException($"array '{name}' is in Fortran order; save it C-contiguous (numpy.ascontiguousarray)");
            }
            int size = dtype switch { "<f4" => 4, "<f8" => 8, _ => throw new FormatException($"array '{name}' is {dtype}; compile-time weights read <f4 and <f8") };
            long[] shape = Regex.Match(header, @"'shape'\s*:\s*\(([^)]*)\)").Groups[1].Value
                .Split(new[] { ',' }, StringSplitOptions.RemoveEmptyEntries).Select(d => long.Parse(d.Trim(), CultureInfo.InvariantCulture)).ToArray();
            long count = shape.Aggregate(1L, (product, d) => checked(product * d));
            int dataStart = headerStart + headerLength;
            if (dataStart + count * size > npy.Length)
            {
                throw new FormatException($"array '{name}' is truncated");
            }
            tensors.Add(new StoredTensor(name, shape, Floats(npy, dataStart, (int)count, size)));
        }
        return tensors;
    }

    private static long[] Integers(object? value, string tensor, string field)
        => value is List<object?> items && items.All(i => i is double d && d >= 0 && d == Math.Floor(d))
            ? items.Select(i => (long)(double)i!).ToArray()
            : throw new FormatException($"tensor '{tensor}' has no '{field}' list of non-negative integers");

    private static float[] Floats(byte[] bytes, int start, int count, int size)
    {
        var values = new float[count];
        for (int i = 0; i < count; i++)
        {
            values[i] = size == 4 ? BitConverter.ToSingle(bytes, start + 4 * i) : (float)BitConverter.ToDouble(bytes, start + 8 * i);
        }
        return values;
    }
}

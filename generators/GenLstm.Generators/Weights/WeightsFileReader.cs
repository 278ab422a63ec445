using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Security.Cryptography;
using System.Threading;
using GenLstm.Contract;
using GenLstm.Generators.Models;

namespace GenLstm.Generators.Weights;

/// <summary>
/// Reads the weights files <c>[BakedWeights]</c> names, at build time: safetensors (F32, F64) and NumPy <c>.npz</c> archives
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
            long length = new FileInfo(path).Length;
            if (length > ReadBudget.DefaultMaxBytes)
            {
                return new WeightsFile(path, "", length, [], $"holds {length} bytes, beyond the {ReadBudget.DefaultMaxBytes} bytes a build reads (Load's default limit too)");
            }
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
        // The header's decisions are the runtime's too: one parser, compiled into both (src/GenLstm/Contract/SafeTensorsHeader.cs).
        SafeTensorsHeader header = SafeTensorsHeader.Parse(bytes);
        if (header.Problem is { } problem)
        {
            throw new FormatException($"is not valid safetensors: {(header.ProblemTensor is { } tensor ? $"tensor '{tensor}': " : "")}{problem}");
        }
        var tensors = new List<StoredTensor>();
        foreach (SafeTensorsHeader.Entry entry in header.Tensors)
        {
            int size = entry.DType switch { "F32" => 4, "F64" => 8, _ => throw new FormatException($"tensor '{entry.Name}' is {entry.DType}; compile-time weights read F32 and F64 (convert with genlstm convert)") };
            tensors.Add(new StoredTensor(entry.Name, entry.Shape, Floats(bytes, header.DataStart + (int)entry.DataOffset, (int)entry.ElementCount, size)));
        }
        return tensors;
    }

    private static List<StoredTensor> ReadNpz(byte[] bytes)
    {
        var tensors = new List<StoredTensor>();
        var names = new HashSet<string>(StringComparer.Ordinal);
        // Deflate expands a tiny entry a thousandfold, and several directory records can name one stream: all entries together
        // may expand only as far as Load's rule allows for the most weights a build embeds (the compiler's memory is at stake).
        long budget = ReadBudget.MaxExpandedBytes(ReadBudget.DefaultMaxBytes, bytes.Length, EmbeddedWeightsPlan.MaxEmbeddedWeights);
        using var archive = new ZipArchive(new MemoryStream(bytes, writable: false), ZipArchiveMode.Read);
        foreach (ZipArchiveEntry entry in archive.Entries.Where(e => e.FullName.EndsWith(".npy", StringComparison.Ordinal)))
        {
            string name = entry.FullName.Substring(0, entry.FullName.Length - ".npy".Length);
            if (!names.Add(name))
            {
                throw new FormatException($"the archive holds two entries named '{MessageText.Quote(entry.FullName)}'");
            }
            byte[] npy = ReadEntry(entry, name, ref budget);
            // The preamble's and the header dict's reading is the runtime's too (src/GenLstm/Contract/NpyHeader.cs).
            string Problem(string problem) => $"array '{name}': {problem}";
            if (NpyHeader.CheckPreamble(npy, Math.Min(npy.Length, 10), out int preambleLength) is { } preambleProblem)
            {
                throw new FormatException(Problem(preambleProblem));
            }
            if (npy.Length < preambleLength)
            {
                throw new FormatException(Problem("the .npy header is truncated."));
            }
            if (NpyHeader.ReadHeaderLength(npy, preambleLength, npy.Length, out int headerLength) is { } lengthProblem)
            {
                throw new FormatException(Problem(lengthProblem));
            }
            if (preambleLength + headerLength > npy.Length)
            {
                throw new FormatException(Problem("the .npy header is truncated."));
            }
            NpyHeader header = NpyHeader.Parse(npy, preambleLength, headerLength, npy.Length);
            if (header.Problem is { } problem)
            {
                throw new FormatException(Problem(problem));
            }
            if (header.FortranOrder)
            {
                throw new FormatException($"array '{name}' is in Fortran order; save it C-contiguous (numpy.ascontiguousarray)");
            }
            int size = header.Descr switch { "<f4" => 4, "<f8" => 8, _ => throw new FormatException($"array '{name}' is {header.Descr}; compile-time weights read <f4 and <f8") };
            int dataStart = preambleLength + headerLength;
            if (dataStart + header.ElementCount * size > npy.Length)
            {
                throw new FormatException($"array '{name}' is truncated");
            }
            tensors.Add(new StoredTensor(name, header.Shape, Floats(npy, dataStart, (int)header.ElementCount, size)));
        }
        return tensors;
    }

    /// <summary>Reads one entry, charging what it expands to against <paramref name="budget"/> as it goes (its stated size may lie).</summary>
    private static byte[] ReadEntry(ZipArchiveEntry entry, string name, ref long budget)
    {
        if (entry.Length > budget)
        {
            throw new FormatException($"array '{MessageText.Quote(name)}' expands to {entry.Length} bytes, beyond the {budget} bytes left of what this archive may expand to");
        }
        using var content = new MemoryStream();
        using (Stream stream = entry.Open())
        {
            var buffer = new byte[81920];
            int read;
            while ((read = stream.Read(buffer, 0, buffer.Length)) > 0)
            {
                budget -= read;
                if (budget < 0)
                {
                    throw new FormatException($"array '{MessageText.Quote(name)}' expands beyond what this archive may expand to (a decompression bomb or a lying size)");
                }
                content.Write(buffer, 0, read);
            }
        }
        return content.ToArray();
    }

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

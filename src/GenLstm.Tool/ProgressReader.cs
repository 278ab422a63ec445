using System;
using System.IO;

namespace GenLstm.Tool;

/// <summary>Reads whole files, reporting progress on standard error for large ones.</summary>
internal static class ProgressReader
{
    /// <summary>Files above this size report their progress.</summary>
    private const long ReportAbove = 16L << 20;

    private const int Chunk = 4 << 20;

    public static byte[] ReadAll(string path, TextWriter progress)
    {
        using FileStream stream = File.OpenRead(path);
        if (stream.Length > Array.MaxLength)
        {
            throw new IOException($"{path}: {stream.Length} bytes is more than one array can hold.");
        }
        var bytes = new byte[stream.Length];
        bool report = stream.Length > ReportAbove;
        int read = 0, lastPercent = -1;
        while (read < bytes.Length)
        {
            int count = stream.Read(bytes, read, Math.Min(Chunk, bytes.Length - read));
            if (count == 0)
            {
                throw new IOException($"{path}: the file ended after {read} of {bytes.Length} bytes.");
            }
            read += count;
            int percent = (int)(100L * read / bytes.Length);
            if (report && percent / 10 != lastPercent / 10)
            {
                progress.Write($"\rreading {Path.GetFileName(path)}: {percent}% of {bytes.Length >> 20} MiB");
                lastPercent = percent;
            }
        }
        if (report)
        {
            progress.WriteLine();
        }
        return bytes;
    }
}

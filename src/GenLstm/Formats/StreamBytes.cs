using System;
using System.IO;

namespace GenLstm.Formats;

/// <summary>
/// Reads a whole weight file into memory, for the readers that take a whole file, refusing one larger than
/// <see cref="WeightFileOptions.MaxBytes"/> before reading it (a file or seekable stream by its length, any other stream as
/// soon as it goes beyond).
/// </summary>
internal static class StreamBytes
{
    /// <summary>A file's bytes; an I/O failure names the file.</summary>
    public static ReadOnlyMemory<byte> ReadFile(string path, WeightFileOptions options)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, bufferSize: 1, FileOptions.SequentialScan);
            return ReadToEnd(stream, path, options);
        }
        catch (IOException e) when (e is not WeightFormatException and not FileNotFoundException and not DirectoryNotFoundException)
        {
            // The runtime's own messages do not always say which file ("The file is too long", a device error).
            throw new IOException($"{path}: the file cannot be read: {e.Message}", e);
        }
    }

    /// <summary>What remains of a stream (not closed).</summary>
    public static ReadOnlyMemory<byte> ReadToEnd(Stream stream, string sourceName, WeightFileOptions options)
    {
        long max = options.MaxBytes;
        if (stream.CanSeek)
        {
            long remaining = Math.Max(0, stream.Length - stream.Position);
            if (remaining > max)
            {
                throw TooLarge(sourceName, $"holds {remaining} bytes", max);
            }
            var bytes = new byte[remaining];
            int read = 0;
            for (int n; read < bytes.Length && (n = stream.Read(bytes, read, bytes.Length - read)) > 0;)
            {
                read += n;
            }
            return bytes.AsMemory(0, read);
        }

        // A stream of unknown length: read in chunks, and stop as soon as it passes the limit.
        var copy = new MemoryStream();
        var buffer = new byte[81920];
        for (int n; (n = stream.Read(buffer, 0, buffer.Length)) > 0;)
        {
            if (copy.Length + n > max)
            {
                throw TooLarge(sourceName, "goes on", max);
            }
            copy.Write(buffer, 0, n);
        }
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }

    /// <summary>The refusal of a file over <see cref="WeightFileOptions.MaxBytes"/>: what it does ("holds N bytes", "goes on"), the limit.</summary>
    internal static WeightFormatException TooLarge(string sourceName, string what, long max)
        => new(sourceName, null, $"the file {what} beyond the {max}-byte limit (WeightFileOptions.MaxBytes); no model GenLstm runs needs more. "
            + "Raise the limit for a larger trusted file.");
}

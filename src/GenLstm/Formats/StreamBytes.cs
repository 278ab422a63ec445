using System;
using System.IO;

namespace GenLstm.Formats;

/// <summary>Reads what remains of a stream into memory, for the readers that take a whole file.</summary>
internal static class StreamBytes
{
    public static ReadOnlyMemory<byte> ReadToEnd(Stream stream)
    {
        var copy = stream.CanSeek ? new MemoryStream(checked((int)Math.Max(0, stream.Length - stream.Position))) : new MemoryStream();
        stream.CopyTo(copy);
        return copy.GetBuffer().AsMemory(0, (int)copy.Length);
    }
}

// Contract: compiled into the runtime and linked into the generator, so that a hostile file is bounded by the same rule
// whether Load reads it at run time or [BakedWeights] reads it at build time (the compiler's memory is the host's there).
namespace GenLstm.Contract;

/// <summary>How many bytes a weight file may be, and what its compressed entries may expand to, when it may be hostile.</summary>
internal static class ReadBudget
{
    /// <summary>The default largest file: 256 MiB, above any model GenLstm runs in real time (a 2-layer 2048-unit LSTM is 256 MiB of float64).</summary>
    public const long DefaultMaxBytes = 256L << 20;

    /// <summary>
    /// The most bytes the compressed entries of a file of <paramref name="fileLength"/> bytes may expand to in total: what
    /// incompressible tensors of that size hold (4×, for the headers and a float16 array's float32 copy, plus 1 MiB), plus
    /// 8 bytes per weight the reader needs (the float64 tensors, however well they compress) or, when that is not known,
    /// 16× the file; never more than <paramref name="maxBytes"/>.
    /// </summary>
    /// <param name="maxBytes">The largest file the reader accepts.</param>
    /// <param name="fileLength">The compressed file's size in bytes.</param>
    /// <param name="neededWeights">The weights the reader needs from the file, or null when it does not know.</param>
    public static long MaxExpandedBytes(long maxBytes, long fileLength, long? neededWeights)
    {
        long needed = neededWeights is { } weights ? 8 * weights : 16 * fileLength;
        return System.Math.Min(maxBytes, 4 * fileLength + (1L << 20) + needed);
    }
}

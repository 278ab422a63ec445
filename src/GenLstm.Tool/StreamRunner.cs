using System;
using System.IO;

namespace GenLstm.Tool;

/// <summary>
/// Runs a stream of a 1-input, 1-output model over audio in blocks with <see cref="RecurrentStream.Forward"/>, the state carried
/// from block to block; nothing is allocated per sample.
/// </summary>
internal static class StreamRunner
{
    /// <summary>Samples per <see cref="RecurrentStream.Forward"/> call.</summary>
    private const int Block = 512;

    /// <summary>The progress bar's width in characters.</summary>
    private const int BarWidth = 20;

    /// <summary>Runs <paramref name="count"/> samples of silence, discarding their outputs.</summary>
    public static void Preroll(RecurrentStream stream, int count)
    {
        var silence = new float[Math.Min(Block, count)];
        var discarded = new float[silence.Length];
        for (int done = 0; done < count; done += silence.Length)
        {
            int length = Math.Min(silence.Length, count - done);
            stream.Forward(silence.AsSpan(0, length), discarded.AsSpan(0, length));
        }
    }

    /// <summary>Runs <paramref name="input"/> into <paramref name="output"/> (of the same length).</summary>
    /// <param name="stream">The stream, where the previous run left it.</param>
    /// <param name="input">The samples.</param>
    /// <param name="output">Receives the model's outputs.</param>
    /// <param name="progress">Where to draw a progress bar (<c>\r[#####.....] 50%</c>), or null for none.</param>
    public static void Run(RecurrentStream stream, ReadOnlySpan<float> input, Span<float> output, TextWriter? progress)
    {
        int lastPercent = -1;
        for (int done = 0; done < input.Length;)
        {
            int length = Math.Min(Block, input.Length - done);
            stream.Forward(input.Slice(done, length), output.Slice(done, length));
            done += length;
            int percent = (int)(100L * done / input.Length);
            if (progress is not null && percent != lastPercent)
            {
                int filled = percent * BarWidth / 100;
                progress.Write($"\r[{new string('#', filled)}{new string('.', BarWidth - filled)}] {percent}%");
                lastPercent = percent;
            }
        }
        progress?.WriteLine();
    }
}

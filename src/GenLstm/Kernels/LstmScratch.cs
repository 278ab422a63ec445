using System;
using System.ComponentModel;

namespace GenLstm.CompilerServices;

/// <summary>
/// Per-thread scratch sequences for the generated <c>Forward</c> of stacked models: the outputs of the last layer before a
/// head, and the second sequence bidirectional layers alternate with. Each thread keeps its own buffers for good, so a
/// real-time loop allocates nothing after its first call (a shared pool may drop its buffers under memory pressure and
/// allocate again). Not for user code.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LstmScratch
{
    /// <summary>The longest buffer (in floats, 16 MiB) a thread keeps; a longer sequence gets a buffer of its own each call.</summary>
    public const int MaxKeptLength = 1 << 22;

    [ThreadStatic]
    private static float[]? t_layerOutputs;

    [ThreadStatic]
    private static float[]? t_sweep;

    /// <summary>At least <paramref name="length"/> floats for the last layer's outputs before the head; contents undefined.</summary>
    public static float[] LayerOutputs(int length) => Get(ref t_layerOutputs, length);

    /// <summary>At least <paramref name="length"/> floats for the layers of a bidirectional stack to alternate with; contents undefined.</summary>
    public static float[] Sweep(int length) => Get(ref t_sweep, length);

    private static float[] Get(ref float[]? kept, int length)
    {
        if (kept is { } buffer && buffer.Length >= length)
        {
            return buffer;
        }
        return length > MaxKeptLength ? new float[length] : kept = new float[length];
    }
}

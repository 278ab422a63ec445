using System;

namespace GenLstm;

/// <summary>The finiteness check every weight loader applies, and how its messages name an element.</summary>
internal static class NonFiniteWeights
{
    /// <summary>The index of the first NaN or infinity, or -1 when every value is finite.</summary>
    public static int IndexOf(ReadOnlySpan<float> values)
    {
        for (int i = 0; i < values.Length; i++)
        {
            if (!float.IsFinite(values[i]))
            {
                return i;
            }
        }
        return -1;
    }

    /// <summary>A row-major element's position: <c>[i]</c> in a vector, <c>[row, column]</c> in a matrix.</summary>
    public static string Position(int index, long columns)
        => columns <= 1 ? $"[{index}]" : $"[{index / columns}, {index % columns}]";
}

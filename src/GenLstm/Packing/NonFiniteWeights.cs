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

    /// <summary>Reads a float32 tensor of the given shape and rejects it, naming the file, tensor and element, unless every value is finite.</summary>
    /// <exception cref="WeightFormatException">The tensor is missing, misshaped, or holds a NaN or infinity.</exception>
    public static float[] ReadFloat32(WeightFile file, string name, params ReadOnlySpan<long> shape)
    {
        float[] values = file.ReadFloat32(name, shape);
        int bad = IndexOf(values);
        if (bad >= 0)
        {
            throw new WeightFormatException(file.SourceName, name,
                $"weights must be finite; element {Position(bad, shape.Length > 1 ? shape[1] : 1)} is {values[bad]}.");
        }
        return values;
    }

    /// <summary>Throws, naming the parameter, the element and its value, unless every value is finite.</summary>
    /// <param name="values">The weights.</param>
    /// <param name="columns">Columns of the row-major tensor (1 for a vector), for the element's position.</param>
    /// <param name="parameterName">The parameter the values were passed as.</param>
    /// <exception cref="ArgumentException">A value is NaN or infinite.</exception>
    public static void Require(ReadOnlySpan<float> values, int columns, string parameterName)
    {
        int bad = IndexOf(values);
        if (bad >= 0)
        {
            throw new ArgumentException($"Weights must be finite; element {bad} (index {Position(bad, columns)}) is {values[bad]}.", parameterName);
        }
    }
}

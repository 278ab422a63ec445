using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text.Json;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>Reading the real files' plain values (one-column CSVs, nested JSON lists) and comparing runs against them.</summary>
internal static class RealDataValues
{
    /// <summary>A one-column CSV of the real-data folder (RTNeural's test inputs and outputs), one float per line.</summary>
    public static float[] ReadColumn(string relativePath)
        => [.. File.ReadAllLines(RealData.FileAt(relativePath)).Where(line => line.Length > 0).Select(line => float.Parse(line, CultureInfo.InvariantCulture))];

    /// <summary>A JSON tensor (nested lists) as its values in row-major order.</summary>
    public static IEnumerable<float> Flatten(JsonElement element)
        => element.ValueKind == JsonValueKind.Array ? element.EnumerateArray().SelectMany(Flatten) : [element.GetSingle()];

    /// <summary>max |actual − expected|; the lengths must agree.</summary>
    public static double MaxAbsDifference(double[] actual, double[] expected)
    {
        Assert.Equal(expected.Length, actual.Length);
        return actual.Zip(expected, (a, e) => Math.Abs(a - e)).Max();
    }
}

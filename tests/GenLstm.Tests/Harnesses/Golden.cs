using System;
using System.IO;

namespace GenLstm.Tests;

/// <summary>The golden files written by tests/scripts/make_golden.py with Debian's PyTorch (committed, regenerable).</summary>
internal static class Golden
{
    /// <summary>The sizes that have a golden file, as "IxH".</summary>
    public static readonly string[] Sizes = ["1x40", "3x20", "16x32", "64x64", "37x61", "128x256", "5x24"];

    public static string PathOf(string size) => Path.Combine(AppContext.BaseDirectory, "Golden", $"lstm_{size}.safetensors");

    public static SafeTensorsFile Open(string size) => SafeTensorsFile.Open(PathOf(size));

    /// <summary>max |actual − expected| over all elements; the lengths must agree.</summary>
    public static double MaxAbsDifference(ReadOnlySpan<double> actual, ReadOnlySpan<double> expected)
    {
        if (actual.Length != expected.Length)
        {
            throw new ArgumentException($"length {actual.Length} vs {expected.Length}");
        }
        double max = 0;
        for (int i = 0; i < actual.Length; i++)
        {
            max = Math.Max(max, Math.Abs(actual[i] - expected[i]));
        }
        return max;
    }

    public static double MaxAbsDifference(ReadOnlySpan<float> actual, ReadOnlySpan<double> expected)
        => MaxAbsDifference(Array.ConvertAll(actual.ToArray(), v => (double)v), expected);

    public static double MaxAbsDifference(ReadOnlySpan<float> actual, ReadOnlySpan<float> expected)
        => MaxAbsDifference(actual, Array.ConvertAll(expected.ToArray(), v => (double)v));
}

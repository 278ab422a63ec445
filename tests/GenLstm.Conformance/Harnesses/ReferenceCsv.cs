using System;
using System.Globalization;
using System.IO;
using System.Linq;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>A reference CSV of the real-data folder (a header of column names, then rows of numbers), read by column name.</summary>
internal sealed class ReferenceCsv(string[] header, double[][] rows)
{
    /// <summary>Reads <paramref name="relativePath"/> under the real-data folder; fails unless every <paramref name="required"/> column is there.</summary>
    public static ReferenceCsv Read(string relativePath, params string[] required)
    {
        string[] lines = [.. File.ReadAllLines(RealData.FileAt(relativePath)).Where(line => line.Length > 0)];
        string[] header = lines[0].Split(',');
        Assert.Subset(header.ToHashSet(), required.ToHashSet());
        return new ReferenceCsv(header, [.. lines.Skip(1).Select(line => line.Split(',').Select(v => double.Parse(v, CultureInfo.InvariantCulture)).ToArray())]);
    }

    /// <summary>One column, row after row.</summary>
    public double[] Column(string name) => [.. rows.Select(row => row[Array.IndexOf(header, name)])];

    /// <summary>Several columns interleaved row by row, as float32 model inputs (x0, x1 of step 0, then of step 1, …).</summary>
    public float[] Interleaved(string[] names) => [.. rows.SelectMany(row => names.Select(name => (float)row[Array.IndexOf(header, name)]))];
}

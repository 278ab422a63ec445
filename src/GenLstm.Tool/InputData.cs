using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.Formats;

namespace GenLstm.Tool;

/// <summary>
/// The input sequence of <c>genlstm check</c>: a CSV of one step per line, or a NumPy <c>.npy</c> array [T, I]; with
/// <c>--columns</c>, some of its columns (a CSV's other columns are often the framework's reference outputs).
/// </summary>
internal static class InputData
{
    /// <summary>Reads the steps, each <paramref name="inputSize"/> values: the file's columns, or those <paramref name="columns"/> chooses.</summary>
    /// <param name="path">The CSV or <c>.npy</c> file (recognized by content).</param>
    /// <param name="inputSize">How many values the model reads per step.</param>
    /// <param name="columns">
    /// <c>--columns</c>: comma-separated zero-based column indexes or, when the CSV has a header line, header names (a header
    /// name wins over an index that reads the same), in the order the model reads them; null to take every column.
    /// </param>
    /// <exception cref="FormatException">
    /// The data is not numbers, not <paramref name="inputSize"/> per step, or <paramref name="columns"/> names no column of it.
    /// </exception>
    public static List<double[]> Read(string path, int inputSize, string? columns = null)
    {
        byte[] bytes = File.ReadAllBytes(path);
        Table table = FileSignature.Of(bytes) == FileKind.NumPyArray ? ReadNpy(path, bytes) : ReadCsv(path);
        if (table.Rows.Count == 0)
        {
            throw new FormatException($"{path}: no input rows.");
        }
        return columns is null ? AllColumns(path, table, inputSize) : Select(path, table, inputSize, columns);
    }

    /// <summary>The rows as they are, when each has the model's input count.</summary>
    private static List<double[]> AllColumns(string path, Table table, int inputSize)
    {
        List<double[]> rows = table.Rows;
        int bad = rows.FindIndex(row => row.Length != inputSize);
        if (bad < 0)
        {
            return rows;
        }
        int width = rows[bad].Length;
        string problem = rows.TrueForAll(row => row.Length == width)
            ? $"{path}: each step has {Values(width)}; the model reads {inputSize} per step."
            : $"{path}: step {bad} has {Values(width)}; the model reads {inputSize} per step.";
        if (width < inputSize)
        {
            throw new FormatException(problem);
        }
        string indexes = string.Join(",", Enumerable.Range(0, inputSize));
        string suggestion = table.Header is { } header && header.Length == width && header.Distinct(StringComparer.Ordinal).Count() == width
            ? $"--columns {string.Join(",", header.Take(inputSize))} (or --columns {indexes})"
            : $"--columns {indexes}";
        throw new FormatException($"{problem} If the other columns are references or labels, use {suggestion} to choose them.");
    }

    /// <summary>The columns <paramref name="columns"/> (<c>--columns</c>) chooses, in its order.</summary>
    private static List<double[]> Select(string path, Table table, int inputSize, string columns)
    {
        string[] entries = columns.Split(',', StringSplitOptions.TrimEntries);
        if (entries.Any(entry => entry.Length == 0))
        {
            throw new FormatException($"--columns '{columns}': expected a comma-separated list of zero-based column indexes{(table.Header is null ? "" : " or header names")}, such as --columns {Example(table.Header, inputSize)}.");
        }
        var indexes = new int[entries.Length];
        for (int k = 0; k < entries.Length; k++)
        {
            indexes[k] = ColumnOf(path, table, inputSize, entries[k]);
        }
        if (indexes.Length != inputSize)
        {
            throw new FormatException($"--columns {columns} chooses {Plural(indexes.Length, "column")}; the model reads {inputSize} per step.");
        }

        int needed = indexes.Max() + 1;
        var selected = new List<double[]>(table.Rows.Count);
        for (int step = 0; step < table.Rows.Count; step++)
        {
            double[] row = table.Rows[step];
            if (row.Length < needed)
            {
                throw new FormatException($"{path}: step {step} has {Values(row.Length)}; --columns {columns} reads column {needed - 1}.");
            }
            selected.Add([.. indexes.Select(index => row[index])]);
        }
        return selected;
    }

    /// <summary>The zero-based column one entry of <c>--columns</c> names: a header name first, else an index.</summary>
    private static int ColumnOf(string path, Table table, int inputSize, string entry)
    {
        if (table.Header is { } header)
        {
            int named = Array.IndexOf(header, entry);
            if (named < 0)
            {
                int[] matches = [.. Enumerable.Range(0, header.Length).Where(k => string.Equals(header[k], entry, StringComparison.OrdinalIgnoreCase))];
                named = matches.Length == 1 ? matches[0] : -1;
            }
            if (named >= 0)
            {
                int rowWidth = table.Rows[0].Length;
                return header.Length == rowWidth
                    ? named
                    : throw new FormatException($"{path}: --columns: the header has {Plural(header.Length, "name")} ({string.Join(", ", header)}) but the rows have {Values(rowWidth)}, so a name does not tell which column it is; give zero-based indexes.");
            }
        }
        if (int.TryParse(entry, NumberStyles.None, CultureInfo.InvariantCulture, out int index))
        {
            int width = table.Rows.Max(row => row.Length);
            return index < width
                ? index
                : throw new FormatException($"{path}: --columns: there is no column {index}; the rows have {Values(width)} (indexes 0 to {width - 1}).");
        }
        throw new FormatException(table.Header is { } names
            ? $"{path}: --columns: no column is named '{entry}'; the header's names are {string.Join(", ", names)} (zero-based indexes work too)."
            : table.IsArray
                ? $"{path}: --columns: '{entry}' is not a column index; a .npy array has no column names, so give zero-based indexes along its last axis, such as --columns {Example(null, inputSize)}."
                : $"{path}: --columns: '{entry}' is not a column index, and the file has no header line to name its columns; give zero-based indexes, such as --columns {Example(null, inputSize)}.");
    }

    /// <summary>A <c>--columns</c> list of <paramref name="count"/> columns: the header's first names, else the first indexes.</summary>
    private static string Example(string[]? header, int count)
        => string.Join(",", header is not null && header.Length >= count ? header.Take(count) : Enumerable.Range(0, count).Select(k => k.ToString(CultureInfo.InvariantCulture)));

    private static string Values(int count) => Plural(count, "value");

    private static string Plural(int count, string noun) => count == 1 ? $"1 {noun}" : $"{count} {noun}s";

    private static Table ReadNpy(string path, byte[] bytes)
    {
        WeightTensor tensor = NumPyArchiveReader.ReadArray(path, "input", new MemoryStream(bytes), bytes.Length)
            ?? throw new FormatException($"{path}: the array is not of a float type.");
        int columns = tensor.Shape.Count switch
        {
            1 => 1,
            2 => (int)tensor.Shape[1],
            _ => throw new FormatException($"{path}: expected an array [T, I] or [T], found {tensor.ShapeText}."),
        };
        return new([.. tensor.Values.Chunk(Math.Max(columns, 1)).Select(row => row.Select(v => (double)v).ToArray())], Header: null, IsArray: true);
    }

    /// <summary>One step per line, values separated by commas, semicolons or whitespace; a first line that is not numbers is a header.</summary>
    private static Table ReadCsv(string path)
    {
        var rows = new List<double[]>();
        string[]? header = null;
        int number = 0;
        foreach (string line in File.ReadLines(path))
        {
            number++;
            string[] fields = line.Split([',', ';', ' ', '\t'], StringSplitOptions.RemoveEmptyEntries);
            if (fields.Length == 0)
            {
                continue;
            }
            var values = new double[fields.Length];
            for (int k = 0; k < fields.Length; k++)
            {
                if (!double.TryParse(fields[k], NumberStyles.Float, CultureInfo.InvariantCulture, out values[k]))
                {
                    if (rows.Count == 0 && number == 1)
                    {
                        header = fields;
                        goto NextLine;
                    }
                    throw new FormatException($"{path}: line {number}: '{fields[k]}' is not a number.");
                }
            }
            rows.Add(values);
        NextLine:;
        }
        return new(rows, header, IsArray: false);
    }

    /// <summary>A file's rows, its CSV header's names if it has one, and whether it is a <c>.npy</c> array.</summary>
    private sealed record Table(List<double[]> Rows, string[]? Header, bool IsArray);
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.Formats;

namespace GenLstm.Tool;

/// <summary>The input sequence of <c>genlstm check</c>: a CSV of one step per line, or a NumPy <c>.npy</c> array [T, I].</summary>
internal static class InputData
{
    /// <exception cref="FormatException">The data is not numbers, or not <paramref name="inputSize"/> per step.</exception>
    public static List<double[]> Read(string path, int inputSize)
    {
        byte[] bytes = File.ReadAllBytes(path);
        List<double[]> rows = FileSignature.Of(bytes) == FileKind.NumPyArray ? ReadNpy(path, bytes) : ReadCsv(path);
        int bad = rows.FindIndex(row => row.Length != inputSize);
        if (rows.Count == 0 || bad >= 0)
        {
            throw new FormatException(rows.Count == 0
                ? $"{path}: no input rows."
                : $"{path}: step {bad} has {rows[bad].Length} values; the model reads {inputSize} per step.");
        }
        return rows;
    }

    private static List<double[]> ReadNpy(string path, byte[] bytes)
    {
        WeightTensor tensor = NumPyArchiveReader.ReadArray(path, "input", new MemoryStream(bytes), bytes.Length)
            ?? throw new FormatException($"{path}: the array is not of a float type.");
        int columns = tensor.Shape.Count switch
        {
            1 => 1,
            2 => (int)tensor.Shape[1],
            _ => throw new FormatException($"{path}: expected an array [T, I] or [T], found {tensor.ShapeText}."),
        };
        return [.. tensor.Values.Chunk(Math.Max(columns, 1)).Select(row => row.Select(v => (double)v).ToArray())];
    }

    /// <summary>One step per line, values separated by commas, semicolons or whitespace; a first line that is not numbers is a header.</summary>
    private static List<double[]> ReadCsv(string path)
    {
        var rows = new List<double[]>();
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
                        goto NextLine;   // a header
                    }
                    throw new FormatException($"{path}: line {number}: '{fields[k]}' is not a number.");
                }
            }
            rows.Add(values);
        NextLine:;
        }
        return rows;
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GenLstm.Contract;

namespace GenLstm;

/// <summary>
/// Thrown when a weight file is malformed or does not fit the declared model: the message names the file,
/// the tensor and what was expected.
/// </summary>
public sealed class WeightFormatException : IOException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="sourceName">The file path, or a description of the stream, the weights came from.</param>
    /// <param name="tensorName">The tensor concerned, or <see langword="null"/> when the problem is the file as a whole.</param>
    /// <param name="problem">What is wrong and what was expected.</param>
    /// <param name="innerException">The underlying error, if any.</param>
    public WeightFormatException(string sourceName, string? tensorName, string problem, Exception? innerException = null)
        : base(Compose(sourceName, tensorName, problem), innerException)
    {
        SourceName = sourceName;
        TensorName = tensorName;
    }

    /// <summary>The file path, or a description of the stream, the weights came from.</summary>
    public string SourceName { get; }

    /// <summary>The tensor concerned, or <see langword="null"/> when the problem is the file as a whole.</summary>
    public string? TensorName { get; }

    /// <summary>The error for a tensor a file does not hold, listing (the first twelve of) those it does.</summary>
    /// <param name="sourceName">The file.</param>
    /// <param name="name">The missing tensor.</param>
    /// <param name="present">Every tensor present, as <c>'name' [shape]</c>.</param>
    internal static WeightFormatException NoSuchTensor(string sourceName, string name, IReadOnlyList<string> present)
    {
        const int listed = 12;
        string list = string.Join(", ", present.Take(listed)) + (present.Count > listed ? $", … ({present.Count - listed} more)" : "");
        return new WeightFormatException(sourceName, name, $"the file has no such tensor. Present: {(present.Count == 0 ? "none" : list)}.");
    }

    /// <summary>Throws unless a tensor has the expected shape; the message gives both.</summary>
    internal static void RequireShape(string sourceName, string name, IReadOnlyList<long> actual, ReadOnlySpan<long> expected)
    {
        if (!actual.SequenceEqual(expected.ToArray()))
        {
            throw new WeightFormatException(sourceName, name, $"expected shape {SafeTensorInfo.FormatShape(expected.ToArray())}, found {SafeTensorInfo.FormatShape(actual)}.");
        }
    }

    /// <summary>Text from a file as a message quotes it: escaped, and cut after <paramref name="max"/> characters.</summary>
    internal static string Quote(string text, int max = MessageText.MaxName) => MessageText.Quote(text, max);

    private static string Compose(string sourceName, string? tensorName, string problem)
        => tensorName is null
            ? $"{sourceName}: {Quote(problem, MessageText.MaxProblem)}"
            : $"{sourceName}: tensor '{Quote(tensorName)}': {Quote(problem, MessageText.MaxProblem)}";
}

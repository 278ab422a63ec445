using System;
using System.IO;

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

    private static string Compose(string sourceName, string? tensorName, string problem)
        => tensorName is null
            ? $"{sourceName}: {problem}"
            : $"{sourceName}: tensor '{tensorName}': {problem}";
}

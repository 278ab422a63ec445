using System;
using System.IO;
using System.Linq;
using GenLstm.Keras;
using GenLstm.Tool;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>
/// What <c>genlstm inspect</c> does with one model file of the real-data folder, run in this process through
/// <see cref="Commands.Inspect"/> with its own writers, as the tool's <c>Program</c> runs it (Keras HDF5 registered first).
/// </summary>
/// <param name="RelativePath">The file's path under the real-data folder, with <c>/</c> separators (the theory case's name).</param>
/// <param name="FullPath">The file's absolute path.</param>
/// <param name="ExitCode">0 printed a declaration; 2 bad or unsupported file; 3 I/O; 4 readable but not runnable.</param>
/// <param name="Output">What it wrote to standard output.</param>
/// <param name="Error">What it wrote to standard error.</param>
internal sealed record InspectRun(string RelativePath, string FullPath, int ExitCode, string Output, string Error)
{
    /// <summary>The model files' extensions; the folder's other files (<c>.pb</c> tensors, <c>.csv</c> references, <c>.md</c>) are data, not models.</summary>
    private static readonly string[] ModelExtensions = [".json", ".nam", ".h5", ".onnx"];

    /// <summary>
    /// The real-data folder (see <see cref="RealData"/>): the parent of its <c>neuralpi-torch</c> folder, which throws,
    /// saying where it looked, if the data is missing; a missing folder fails every case instead of listing none.
    /// </summary>
    public static string RealDataFolder => Path.GetDirectoryName(RealData.NeuralPiFolder)!;

    /// <summary><see cref="ModelFilePaths"/> as theory data.</summary>
    public static TheoryData<string> ModelFiles() => new(ModelFilePaths());

    /// <summary>Every model file under the real-data folder, recursively, as relative paths in ordinal order.</summary>
    public static string[] ModelFilePaths()
    {
        string root = RealDataFolder;
        string[] files = [.. Directory.EnumerateFiles(root, "*", SearchOption.AllDirectories)
            .Where(path => ModelExtensions.Contains(Path.GetExtension(path), StringComparer.OrdinalIgnoreCase))
            .Select(path => Path.GetRelativePath(root, path).Replace(Path.DirectorySeparatorChar, '/'))
            .Order(StringComparer.Ordinal)];
        if (files.Length == 0)
        {
            throw new FileNotFoundException($"No model file ({string.Join(", ", ModelExtensions)}) was found under the real-data folder '{root}'.");
        }
        return files;
    }

    /// <summary>Runs <see cref="Commands.Inspect"/> on the file at <paramref name="relativePath"/> under the real-data folder.</summary>
    public static InspectRun Of(string relativePath)
    {
        KerasHdf5.Register(); // as the tool's Program does before any command
        string fullPath = Path.GetFullPath(Path.Combine(RealDataFolder, relativePath));
        Assert.True(File.Exists(fullPath), $"The model file '{fullPath}' does not exist.");
        using var output = new StringWriter();
        using var error = new StringWriter();
        int exitCode = Commands.Inspect(new FileInfo(fullPath), output, error);
        return new InspectRun(relativePath, fullPath, exitCode, output.ToString(), error.ToString());
    }
}

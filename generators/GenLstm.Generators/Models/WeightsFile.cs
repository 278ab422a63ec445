using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm.Generators.Models;

/// <summary>One tensor of a weights file, as float32, row-major.</summary>
internal sealed class StoredTensor(string name, long[] shape, float[] values)
{
    public string Name { get; } = name;

    public long[] Shape { get; } = shape;

    public float[] Values { get; } = values;

    public string ShapeText => "[" + string.Join(", ", Shape) + "]";
}

/// <summary>
/// A weights file listed as <c>AdditionalFiles</c>, read once by the generator. Equal when the path and the content's hash
/// are, so that the pipeline compares two hashes instead of the tensors: editing C# never re-reads or re-compares the weights.
/// </summary>
/// <param name="Path">The file's full path.</param>
/// <param name="Hash">SHA-256 of the content, hex.</param>
/// <param name="Length">The file's length in bytes.</param>
/// <param name="Tensors">The float tensors, in file order; empty when <paramref name="Error"/> is set.</param>
/// <param name="Error">Why the file cannot be read, or null.</param>
internal sealed record WeightsFile(string Path, string Hash, long Length, IReadOnlyList<StoredTensor> Tensors, string? Error)
{
    public bool Equals(WeightsFile? other) => other is not null && Path == other.Path && Hash == other.Hash && Error == other.Error;

    public override int GetHashCode() => StringComparer.Ordinal.GetHashCode(Path) ^ StringComparer.Ordinal.GetHashCode(Hash);

    /// <summary>Whether the path names a file the generator can read: safetensors or a NumPy archive.</summary>
    public static bool IsWeightsPath(string path)
        => path.EndsWith(".safetensors", StringComparison.OrdinalIgnoreCase) || path.EndsWith(".npz", StringComparison.OrdinalIgnoreCase);

    /// <summary>Whether this file is the one a declaration names: its path ends with the declared (relative) path.</summary>
    public bool Matches(string declaredPath)
    {
        string Normalize(string p) => p.Replace('\\', '/');
        string full = Normalize(Path), declared = Normalize(declaredPath).TrimStart('.', '/');
        return full.EndsWith("/" + declared, StringComparison.Ordinal) || full == declared;
    }

    public StoredTensor? Find(string name) => Tensors.FirstOrDefault(t => t.Name == name);
}

/// <summary>A model's <c>[BakedWeights]</c>: which file, and where the attribute is (for diagnostics).</summary>
/// <param name="Spec">The model.</param>
/// <param name="Path">The path the attribute gives.</param>
/// <param name="Location">The attribute's path argument, for diagnostics; null for the emitting stage, which must not depend on it.</param>
internal sealed record WeightsRequest(LstmSpec Spec, string Path, LocationInfo? Location);

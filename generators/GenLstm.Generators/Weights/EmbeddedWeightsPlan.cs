using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GenLstm.Generators.Models;

namespace GenLstm.Generators.Weights;

/// <summary>The generated file of one model's embedded weights.</summary>
internal sealed record EmbeddedWeightsSource(string HintName, string Text);

/// <summary>
/// Decides what a model's <c>[LstmWeights]</c> becomes: the embedded weights' source, or the diagnostic that says why not.
/// Both pipeline stages (source and diagnostics) call <see cref="Resolve"/>, so they always agree.
/// </summary>
internal static class EmbeddedWeightsPlan
{
    /// <summary>
    /// The most weights (floats) embedded at compile time: 4 MiB of float32. Measured on this project's CI machine (2-core
    /// Zen 4), an assembly holding them as float literals builds in +0.7 s and 170 MB for 100 kB, +3.7 s and 420 MB for 1 MB,
    /// +9.4 s and 1.25 GB for 4 MB (a 10 MB array literal had taken 92 s and 11 GB as bytes); beyond this, load at run time.
    /// </summary>
    public const int MaxEmbeddedWeights = 1 << 20;

    private sealed record Resolution(WeightsFile? File, WeightsBinding.Result? Binding, DiagnosticInfo? Problem);

    public static DiagnosticInfo? Diagnose(WeightsRequest request, ImmutableArray<WeightsFile> files) => Resolve(request, files).Problem;

    public static EmbeddedWeightsSource? Source(WeightsRequest request, ImmutableArray<WeightsFile> files)
    {
        Resolution resolution = Resolve(request, files);
        return resolution.Problem is null && resolution.File is { } file && resolution.Binding is { } binding
            ? new EmbeddedWeightsSource(request.Spec.HintName.Replace(".g.cs", ".Weights.g.cs"), LstmGenerator.Emitter.EmitEmbeddedWeights(request.Spec, request.Path, file, binding))
            : null;
    }

    private static Resolution Resolve(WeightsRequest request, ImmutableArray<WeightsFile> files)
    {
        DiagnosticInfo Problem(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
            => DiagnosticInfo.Create(descriptor, request.Location, arguments);

        if (!WeightsFile.IsWeightsPath(request.Path))
        {
            return new Resolution(null, null, Problem(DiagnosticDescriptors.WeightsFileNotFound, request.Path,
                "is not a .safetensors or .npz file, the formats the generator reads; convert it with 'genlstm convert <file> --to safetensors', or load it at run time"));
        }
        WeightsFile? file = files.FirstOrDefault(f => f.Matches(request.Path));
        if (file is null)
        {
            return new Resolution(null, null, Problem(DiagnosticDescriptors.WeightsFileNotFound, request.Path,
                $"is not among the project's AdditionalFiles; add <AdditionalFiles Include=\"{request.Path}\" /> to the project file"));
        }
        WeightsBinding.Result binding = WeightsBinding.Bind(request.Spec, file);
        if (!binding.Succeeded)
        {
            return new Resolution(file, binding, Problem(DiagnosticDescriptors.WeightsMismatch, request.Path,
                binding.Tensor is null ? $"the file {binding.Problem}" : $"tensor '{binding.Tensor}' {binding.Problem}"));
        }
        long count = binding.Tensors.Sum(t => (long)t.Tensor.Values.Length);
        if (count > MaxEmbeddedWeights)
        {
            return new Resolution(file, binding, Problem(DiagnosticDescriptors.WeightsTooLarge, count.ToString("N0", CultureInfo.InvariantCulture), request.Path,
                MaxEmbeddedWeights.ToString("N0", CultureInfo.InvariantCulture), request.Spec.TypeName));
        }
        return new Resolution(file, binding, null);
    }
}

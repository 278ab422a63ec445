using System;
using System.Collections.Immutable;
using System.Globalization;
using System.Linq;
using GenLstm.Generators.Models;

namespace GenLstm.Generators.Weights;

/// <summary>The generated file of one model's embedded weights.</summary>
internal sealed record EmbeddedWeightsSource(string HintName, string Text);

/// <summary>
/// Decides what a model's <c>[BakedWeights]</c> becomes: the embedded weights' source, or the diagnostic that says why not.
/// Both pipeline stages (source and diagnostics) call <see cref="Resolve"/>, so they always agree.
/// </summary>
internal static class EmbeddedWeightsPlan
{
    /// <summary>
    /// The most weights (floats) embedded at compile time: 1 MiB of float32. Measured on a 2-core Zen 4 (a clean Release build
    /// of a library holding one model, against 3.1 s and 178 MB without weights), embedding 100 kB costs +0.6 s and 200 MB of
    /// compiler memory (0.4 MB of generated source), 1 MB +6.4 s and 480 MB (4.2 MB), 4 MB +18.5 s and 1.48 GB (16.8 MB). Beyond
    /// this limit every build and the IDE would slow down; such models load at run time.
    /// </summary>
    public const int MaxEmbeddedWeights = 1 << 18;

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
        // The file's own text (a tensor name, a dtype) reaches the error list escaped and cut, as in the runtime's messages.
        DiagnosticInfo Problem(Microsoft.CodeAnalysis.DiagnosticDescriptor descriptor, params string[] arguments)
            => DiagnosticInfo.Create(descriptor, request.Location, [.. arguments.Select(a => Contract.MessageText.Quote(a, Contract.MessageText.MaxProblem))]);

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

using System;
using System.Collections.Generic;
using System.Linq;
using GenLstm.Contract;
using GenLstm.Generators.Models;

namespace GenLstm.Generators.Weights;

/// <summary>
/// Matches a declaration with a weights file at build time, by the rules <c>Load</c> applies at run time: PyTorch's
/// state-dict names under at most one module prefix, every layer and direction the declaration has and no other, the head
/// as <c>output.weight</c> or the one <c>&lt;module&gt;.weight</c> of its shape. The bound tensors get their canonical
/// names (no prefix; the head as <c>output.weight</c>, <c>output.bias</c>), which is all the embedded data holds.
/// </summary>
internal static class WeightsBinding
{
    /// <summary>The bound tensors in canonical names, or the first problem (with the tensor it concerns).</summary>
    public sealed record Result(IReadOnlyList<(string Name, StoredTensor Tensor)> Tensors, string? Tensor, string? Problem)
    {
        public bool Succeeded => Problem is null;

        public static Result Fail(string? tensor, string problem) => new([], tensor, problem);
    }

    public static Result Bind(LstmSpec spec, WeightsFile file)
    {
        if (file.Error is { } error)
        {
            return Result.Fail(null, error);
        }
        // Which prefix, which tensors with which shapes, which are too many, which is the head: the runtime's rules, compiled into
        // both (src/GenLstm/Contract/PyTorchLstmLayout.cs); only the messages are the generator's.
        const string anchor = PyTorchLstmLayout.Anchor;
        List<string> prefixes = PyTorchLstmLayout.FindPrefixes(file.Tensors.Select(t => t.Name));
        if (prefixes.Count != 1)
        {
            return Result.Fail(anchor, prefixes.Count == 0
                ? $"no PyTorch LSTM tensors (looked for '{anchor}', with or without a module prefix); present: {string.Join(", ", file.Tensors.Take(8).Select(t => $"'{t.Name}' {t.ShapeText}"))}"
                : $"several LSTMs are present ({string.Join(", ", prefixes.Select(p => $"'{p}{anchor}'"))}); the file must hold exactly one");
        }
        string prefix = prefixes[0];

        var layout = new PyTorchLstmLayout(spec.InputSize, spec.HiddenSize, spec.Layers, spec.Directions, spec.ProjectionSize, spec.Math.Peepholes, spec.Math.LayerNorm,
            [.. spec.Math.ExtraGates.Select(g => g.Name)], spec.Cell);
        var bound = new List<(string, StoredTensor)>();
        foreach (TensorRequirement required in layout.Required)
        {
            StoredTensor? tensor = file.Find(prefix + required.Name);
            if (tensor is null)
            {
                return Result.Fail(prefix + required.Name, $"is missing; the declaration needs it with shape {required.ShapeText}");
            }
            if (!tensor.Shape.SequenceEqual(required.Shape))
            {
                return Result.Fail(tensor.Name, $"has shape {tensor.ShapeText}; the declaration needs {required.ShapeText}");
            }
            bound.Add((required.Name, tensor));
        }
        if (layout.FindUnexpected(file.Tensors.Select(t => t.Name), prefix) is { } extra)
        {
            return Result.Fail(extra, "belongs to a layer, direction, projection, peephole or layer norm the declaration does not have; declare the model the file was trained as");
        }
        if (layout.Layers.SelectMany(l => l.Optional).FirstOrDefault(t => file.Find(prefix + t.Name) is not null) is { } initial)
        {
            // Load reads a stored initial state; the embedded model cannot hold one, so it would start from zero instead.
            return Result.Fail(prefix + initial.Name, "is a stored initial state, which compile-time weights do not embed; load this file at run time (Load)");
        }

        if (spec.Head is { } head)
        {
            long columns = spec.StackOutputSize;
            List<StoredTensor> candidates = DenseHeadRule.Candidates(file.Tensors, t => t.Name, t => t.Shape, head.Size, columns);
            StoredTensor? weight = DenseHeadRule.Choose(candidates, t => t.Name);
            if (weight is null)
            {
                return Result.Fail(DenseHeadRule.Weight, candidates.Count == 0
                    ? $"is missing: the head [OutputHead({head.Size})] needs a weight of shape [{head.Size}, {columns}] ('output.weight' or one '<module>.weight')"
                    : $"is ambiguous: several tensors could be the head's weight ({string.Join(", ", candidates.Select(c => $"'{c.Name}'"))})");
            }
            bound.Add((DenseHeadRule.Weight, weight));
            if (file.Find(DenseHeadRule.BiasOf(weight.Name)) is { } bias)
            {
                if (!bias.Shape.SequenceEqual(new long[] { head.Size }))
                {
                    return Result.Fail(bias.Name, $"has shape {bias.ShapeText}; the head needs [{head.Size}]");
                }
                bound.Add((DenseHeadRule.Bias, bias));
            }
        }
        foreach ((string _, StoredTensor tensor) in bound)
        {
            int bad = Array.FindIndex(tensor.Values, v => float.IsNaN(v) || float.IsInfinity(v));
            if (bad >= 0)
            {
                return Result.Fail(tensor.Name, $"holds {tensor.Values[bad].ToString(System.Globalization.CultureInfo.InvariantCulture)} at element {bad}; weights must be finite");
            }
        }
        return new Result(bound, null, null);
    }
}

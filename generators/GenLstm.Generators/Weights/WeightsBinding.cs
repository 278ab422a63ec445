using System;
using System.Collections.Generic;
using System.Linq;
using System.Text.RegularExpressions;
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
    private static readonly Regex LstmName = new(@"^(?<prefix>(?:.*\.)?)(?<kind>weight_ih|weight_hh|bias_ih|bias_hh|weight_hr|weight_ci|weight_cf|weight_co|layer_norm_weight)_l(?<layer>\d{1,9})(?<reverse>_reverse)?$");

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
        const string anchor = "weight_ih_l0";
        List<string> prefixes = [.. file.Tensors.Select(t => LstmName.Match(t.Name)).Where(m => m.Success && m.Groups["kind"].Value == "weight_ih"
            && m.Groups["layer"].Value == "0" && !m.Groups["reverse"].Success).Select(m => m.Groups["prefix"].Value)];
        if (prefixes.Count != 1)
        {
            return Result.Fail(anchor, prefixes.Count == 0
                ? $"no PyTorch LSTM tensors (looked for '{anchor}', with or without a module prefix); present: {string.Join(", ", file.Tensors.Take(8).Select(t => $"'{t.Name}' {t.ShapeText}"))}"
                : $"several LSTMs are present ({string.Join(", ", prefixes.Select(p => $"'{p}{anchor}'"))}); the file must hold exactly one");
        }
        string prefix = prefixes[0];

        List<(string Name, long[] Shape)> required = Required(spec);
        var bound = new List<(string, StoredTensor)>();
        foreach ((string name, long[] shape) in required)
        {
            StoredTensor? tensor = file.Find(prefix + name);
            if (tensor is null)
            {
                return Result.Fail(prefix + name, $"is missing; the declaration needs it with shape [{string.Join(", ", shape)}]");
            }
            if (!tensor.Shape.SequenceEqual(shape))
            {
                return Result.Fail(tensor.Name, $"has shape {tensor.ShapeText}; the declaration needs [{string.Join(", ", shape)}]");
            }
            bound.Add((name, tensor));
        }
        var requiredNames = new HashSet<string>(required.Select(r => prefix + r.Name), StringComparer.Ordinal);
        if (file.Tensors.FirstOrDefault(t => LstmName.Match(t.Name) is { Success: true } m && m.Groups["prefix"].Value == prefix && !requiredNames.Contains(t.Name)) is { } extra)
        {
            return Result.Fail(extra.Name, "belongs to a layer, direction, projection, peephole or layer norm the declaration does not have; declare the model the file was trained as");
        }

        if (spec.Head is { } head)
        {
            long columns = spec.StackOutputSize;
            List<StoredTensor> candidates = [.. file.Tensors.Where(t => (t.Name == "weight" || t.Name.EndsWith(".weight", StringComparison.Ordinal))
                && t.Shape.Length == 2 && t.Shape[0] == head.Size && t.Shape[1] == columns)];
            StoredTensor? weight = candidates.FirstOrDefault(t => t.Name == "output.weight") ?? (candidates.Count == 1 ? candidates[0] : null);
            if (weight is null)
            {
                return Result.Fail("output.weight", candidates.Count == 0
                    ? $"is missing: the head [LstmOutput({head.Size})] needs a weight of shape [{head.Size}, {columns}] ('output.weight' or one '<module>.weight')"
                    : $"is ambiguous: several tensors could be the head's weight ({string.Join(", ", candidates.Select(c => $"'{c.Name}'"))})");
            }
            bound.Add(("output.weight", weight));
            if (file.Find(weight.Name.Substring(0, weight.Name.Length - "weight".Length) + "bias") is { } bias)
            {
                if (!bias.Shape.SequenceEqual(new long[] { head.Size }))
                {
                    return Result.Fail(bias.Name, $"has shape {bias.ShapeText}; the head needs [{head.Size}]");
                }
                bound.Add(("output.bias", bias));
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

    /// <summary>Every LSTM tensor the declaration reads, with its shape, in PyTorch's order.</summary>
    private static List<(string Name, long[] Shape)> Required(LstmSpec spec)
    {
        long h = spec.HiddenSize, gates = 4 * h, recurrent = spec.RecurrentSize;
        var required = new List<(string, long[])>();
        for (int layer = 0; layer < spec.Layers; layer++)
        {
            long columns = layer == 0 ? spec.InputSize : spec.StackOutputSize;
            for (int d = 0; d < spec.Directions; d++)
            {
                string suffix = $"_l{layer}{(d == 1 ? "_reverse" : "")}";
                required.Add(("weight_ih" + suffix, new[] { gates, columns }));
                required.Add(("weight_hh" + suffix, new[] { gates, recurrent }));
                required.Add(("bias_ih" + suffix, new[] { gates }));
                required.Add(("bias_hh" + suffix, new[] { gates }));
                if (spec.ProjectionSize > 0)
                {
                    required.Add(("weight_hr" + suffix, new[] { recurrent, h }));
                }
                if (spec.Math.Peepholes)
                {
                    required.AddRange(new[] { "weight_ci", "weight_cf", "weight_co" }.Select(kind => (kind + suffix, new[] { h })));
                }
                if (spec.Math.LayerNorm)
                {
                    required.Add(("layer_norm_weight" + suffix, new[] { gates }));
                }
                foreach (ExtraGate gate in spec.Math.ExtraGates)
                {
                    required.Add(($"weight_ih_{gate.Name}{suffix}", new[] { h, columns }));
                    required.Add(($"weight_hh_{gate.Name}{suffix}", new[] { h, recurrent }));
                    required.Add(($"bias_{gate.Name}{suffix}", new[] { h }));
                }
            }
        }
        return required;
    }
}

// Contract: compiled into the runtime (PyTorchLstmTensors.ReadLayers, the generated Load) and linked into the generator
// (WeightsBinding, the [BakedWeights] check), so that the file a build accepts is the file Load accepts: which names are an
// LSTM's, which module prefix holds it, which tensors a declaration reads with which shapes, and which are too many.
using System;
using System.Collections.Generic;
using System.Linq;
#if GENLSTM_GENERATOR
using GenLstm.Generators;
#endif

namespace GenLstm.Contract;

/// <summary>
/// A name in PyTorch's LSTM naming: <c>{prefix}{kind}_l{layer}[_reverse]</c>, the prefix empty or ending in '.', as in
/// <c>lstm.weight_ih_l0</c> or <c>bias_hh_l1_reverse</c>.
/// </summary>
internal readonly struct LstmTensorName
{
    /// <summary>The kinds of tensor an LSTM layer has: PyTorch's, the variants', and the stored initial state.</summary>
    public static readonly string[] Kinds =
        ["weight_ih", "weight_hh", "bias_ih", "bias_hh", "weight_hr", "weight_ci", "weight_cf", "weight_co", "layer_norm_weight", "initial_h", "initial_c"];

    private const string ReverseSuffix = "_reverse";

    private LstmTensorName(string prefix, string kind, int layer, bool reverse)
    {
        Prefix = prefix;
        Kind = kind;
        Layer = layer;
        Reverse = reverse;
    }

    /// <summary>The module prefix: "" or ending in '.'.</summary>
    public string Prefix { get; }

    /// <summary>One of <see cref="Kinds"/>.</summary>
    public string Kind { get; }

    public int Layer { get; }

    public bool Reverse { get; }

    /// <summary>Reads a name; false when it is not an LSTM tensor's (the layer is 1 to 9 ASCII digits).</summary>
    public static bool TryParse(string name, out LstmTensorName parsed)
    {
        parsed = default;
        bool reverse = name.EndsWith(ReverseSuffix, StringComparison.Ordinal);
        int end = reverse ? name.Length - ReverseSuffix.Length : name.Length;
        int digits = end;
        while (digits > 0 && name[digits - 1] >= '0' && name[digits - 1] <= '9')
        {
            digits--;
        }
        if (end - digits is < 1 or > 9 || digits < 2 || name[digits - 2] != '_' || name[digits - 1] != 'l')
        {
            return false;
        }
        string head = name.Substring(0, digits - 2);
        int dot = head.LastIndexOf('.');
        string kind = head.Substring(dot + 1);
        if (Array.IndexOf(Kinds, kind) < 0)
        {
            return false;
        }
        parsed = new LstmTensorName(head.Substring(0, dot + 1), kind, int.Parse(name.Substring(digits, end - digits), System.Globalization.CultureInfo.InvariantCulture), reverse);
        return true;
    }
}

/// <summary>A tensor a declaration reads: its name without module prefix, and its shape.</summary>
internal sealed class TensorRequirement(string name, params long[] shape)
{
    public string Name { get; } = name;

    public long[] Shape { get; } = shape;

    public string ShapeText => SafeTensorsHeader.FormatShape(Shape);
}

/// <summary>The tensors of one added gate (<c>[LstmGate(name)]</c>) in one layer and direction.</summary>
internal sealed class ExtraGateTensors(TensorRequirement weightIh, TensorRequirement weightHh, TensorRequirement bias)
{
    /// <summary><c>weight_ih_{name}_l{k}</c>, [H, columns].</summary>
    public TensorRequirement WeightIh { get; } = weightIh;

    /// <summary><c>weight_hh_{name}_l{k}</c>, [H, R].</summary>
    public TensorRequirement WeightHh { get; } = weightHh;

    /// <summary><c>bias_{name}_l{k}</c>, [H].</summary>
    public TensorRequirement Bias { get; } = bias;
}

/// <summary>The tensors of one layer and direction, named with its suffix (<c>_l1</c>, <c>_l0_reverse</c>).</summary>
internal sealed class LstmLayerTensors
{
    public LstmLayerTensors(int layer, bool reverse, long columns, long hidden, long recurrent, int projectionSize, bool peepholes, bool layerNorm, IReadOnlyList<string> extraGates,
        RecurrentCell cell = RecurrentCell.Lstm)
    {
        string suffix = "_l" + layer.ToString(System.Globalization.CultureInfo.InvariantCulture) + (reverse ? "_reverse" : "");
        long gates = cell.GateCount() * hidden;
        WeightIh = new("weight_ih" + suffix, gates, columns);
        WeightHh = new("weight_hh" + suffix, gates, recurrent);
        BiasIh = new("bias_ih" + suffix, gates);
        BiasHh = new("bias_hh" + suffix, gates);
        WeightHr = projectionSize > 0 ? new("weight_hr" + suffix, recurrent, hidden) : null;
        Peepholes = peepholes ? [new("weight_ci" + suffix, hidden), new("weight_cf" + suffix, hidden), new("weight_co" + suffix, hidden)] : [];
        LayerNorm = layerNorm ? new("layer_norm_weight" + suffix, gates) : null;
        ExtraGates = [.. extraGates.Select(gate => new ExtraGateTensors(
            new($"weight_ih_{gate}{suffix}", hidden, columns), new($"weight_hh_{gate}{suffix}", hidden, recurrent), new($"bias_{gate}{suffix}", hidden)))];
        InitialHidden = new("initial_h" + suffix, recurrent);
        InitialCell = cell == RecurrentCell.Lstm ? new("initial_c" + suffix, hidden) : null;
    }

    /// <summary><c>weight_ih_l{k}</c>, [4H, columns] (a GRU's [3H, columns]): I for layer 0, D·R above.</summary>
    public TensorRequirement WeightIh { get; }

    /// <summary><c>weight_hh_l{k}</c>, [4H, R].</summary>
    public TensorRequirement WeightHh { get; }

    /// <summary><c>bias_ih_l{k}</c>, [4H].</summary>
    public TensorRequirement BiasIh { get; }

    /// <summary><c>bias_hh_l{k}</c>, [4H].</summary>
    public TensorRequirement BiasHh { get; }

    /// <summary><c>weight_hr_l{k}</c>, [P, H], with a projection; else null.</summary>
    public TensorRequirement? WeightHr { get; }

    /// <summary><c>weight_ci_l{k}</c>, <c>weight_cf_l{k}</c>, <c>weight_co_l{k}</c>, [H] each, with peepholes; else empty.</summary>
    public IReadOnlyList<TensorRequirement> Peepholes { get; }

    /// <summary><c>layer_norm_weight_l{k}</c>, [4H], with layer norm; else null.</summary>
    public TensorRequirement? LayerNorm { get; }

    /// <summary>Every added gate's tensors, in declaration order.</summary>
    public IReadOnlyList<ExtraGateTensors> ExtraGates { get; }

    /// <summary><c>initial_h_l{k}</c>, [R]: a stored initial state, optional (absent means zero).</summary>
    public TensorRequirement InitialHidden { get; }

    /// <summary><c>initial_c_l{k}</c>, [H]: optional as <see cref="InitialHidden"/>; null for a GRU, which has no cell state.</summary>
    public TensorRequirement? InitialCell { get; }

    /// <summary>The tensors that must be present, in PyTorch's order.</summary>
    public IEnumerable<TensorRequirement> Required
    {
        get
        {
            yield return WeightIh;
            yield return WeightHh;
            yield return BiasIh;
            yield return BiasHh;
            if (WeightHr is { } weightHr)
            {
                yield return weightHr;
            }
            foreach (TensorRequirement peephole in Peepholes)
            {
                yield return peephole;
            }
            if (LayerNorm is { } layerNorm)
            {
                yield return layerNorm;
            }
            foreach (ExtraGateTensors gate in ExtraGates)
            {
                yield return gate.WeightIh;
                yield return gate.WeightHh;
                yield return gate.Bias;
            }
        }
    }

    /// <summary>The tensors that may be present and are read when they are.</summary>
    public IEnumerable<TensorRequirement> Optional => InitialCell is null ? [InitialHidden] : [InitialHidden, InitialCell];
}

/// <summary>
/// Every tensor a declared LSTM stack reads from a file of PyTorch's names: per layer and direction in PyTorch's order (layer by
/// layer, forward before reverse). A <c>Reverse</c> model stores its one direction under the plain names.
/// </summary>
internal sealed class PyTorchLstmLayout
{
    /// <summary>The tensor whose name locates the LSTM and its module prefix.</summary>
    public const string Anchor = "weight_ih_l0";

    private readonly HashSet<string> _names;

    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="layers">The number of stacked layers.</param>
    /// <param name="directions">2 when bidirectional, else 1.</param>
    /// <param name="projectionSize">P, or 0 for none.</param>
    /// <param name="peepholes">Whether the cells have peepholes.</param>
    /// <param name="layerNorm">Whether the gates are layer-normalized.</param>
    /// <param name="extraGates">The names of the gates <c>[LstmGate]</c> adds, in declaration order.</param>
    /// <param name="cell">The cell, which decides the gates per layer (a GRU has 3, and none of the LSTM's options).</param>
    public PyTorchLstmLayout(int inputSize, int hiddenSize, int layers, int directions, int projectionSize, bool peepholes, bool layerNorm, IReadOnlyList<string> extraGates,
        RecurrentCell cell = RecurrentCell.Lstm)
    {
        long recurrent = projectionSize > 0 ? projectionSize : hiddenSize;
        var list = new List<LstmLayerTensors>();
        for (int layer = 0; layer < layers; layer++)
        {
            long columns = layer == 0 ? inputSize : directions * recurrent;
            for (int d = 0; d < directions; d++)
            {
                list.Add(new LstmLayerTensors(layer, d == 1, columns, hiddenSize, recurrent, projectionSize, peepholes, layerNorm, extraGates, cell));
            }
        }
        Layers = list;
        _names = new HashSet<string>(list.SelectMany(l => l.Required.Concat(l.Optional)).Select(t => t.Name), StringComparer.Ordinal);
    }

    /// <summary>Every layer and direction, in PyTorch's order (as <c>h_n</c> is indexed).</summary>
    public IReadOnlyList<LstmLayerTensors> Layers { get; }

    /// <summary>Every tensor that must be present, in PyTorch's order.</summary>
    public IEnumerable<TensorRequirement> Required => Layers.SelectMany(l => l.Required);

    /// <summary>
    /// The module prefixes under which a file holds an LSTM: every <c>{prefix}weight_ih_l0</c> with the prefix empty or ending in
    /// '.'. One is the LSTM to read; none or several is an error.
    /// </summary>
    public static List<string> FindPrefixes(IEnumerable<string> names)
        => [.. names.Where(n => n.EndsWith(Anchor, StringComparison.Ordinal))
            .Select(n => n.Substring(0, n.Length - Anchor.Length))
            .Where(p => p.Length == 0 || p[p.Length - 1] == '.')];

    /// <summary>
    /// The first name that is an LSTM tensor's under <paramref name="prefix"/> but not one this layout reads: a layer, direction,
    /// projection, peephole or layer norm the declaration does not have. Loading it as the declaration would drop part of the
    /// model silently. Null when there is none.
    /// </summary>
    public string? FindUnexpected(IEnumerable<string> names, string prefix)
        => names.FirstOrDefault(n => LstmTensorName.TryParse(n, out LstmTensorName parsed) && parsed.Prefix == prefix
            && !_names.Contains(n.Substring(prefix.Length)));
}

/// <summary>
/// Which tensors are a dense head's: <c>output.weight</c> [size, columns], else the one <c>&lt;module&gt;.weight</c> (or
/// <c>weight</c>) of that shape, as <c>nn.Linear(columns, size)</c> writes it; its bias is the name with <c>weight</c> replaced by
/// <c>bias</c>, optional (zero when absent).
/// </summary>
internal static class DenseHeadRule
{
    /// <summary>The head's weight in canonical naming.</summary>
    public const string Weight = "output.weight";

    /// <summary>The head's bias in canonical naming.</summary>
    public const string Bias = "output.bias";

    /// <summary>Whether a name can be a dense layer's weight: <c>weight</c> or <c>&lt;module&gt;.weight</c>.</summary>
    public static bool IsWeightName(string name) => name == "weight" || name.EndsWith(".weight", StringComparison.Ordinal);

    /// <summary>The tensors that could be the head's weight: a weight name with shape [size, columns], in file order.</summary>
    public static List<T> Candidates<T>(IEnumerable<T> tensors, Func<T, string> name, Func<T, IReadOnlyList<long>> shape, long size, long columns)
        => [.. tensors.Where(t => IsWeightName(name(t)) && shape(t) is { Count: 2 } s && s[0] == size && s[1] == columns)];

    /// <summary>The head's weight among the candidates: <c>output.weight</c>, else the only one; null when none or several.</summary>
    public static T? Choose<T>(IReadOnlyList<T> candidates, Func<T, string> name)
        where T : class
        => candidates.FirstOrDefault(t => name(t) == Weight) ?? (candidates.Count == 1 ? candidates[0] : null);

    /// <summary>The name of the bias that goes with a head weight.</summary>
    public static string BiasOf(string weightName) => weightName.Substring(0, weightName.Length - "weight".Length) + "bias";
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;

namespace GenLstm.Formats;

/// <summary>
/// Turns a Keras model's layers into GenLstm's canonical (PyTorch) tensors. Keras's LSTM gate order i, f, c, o is PyTorch's
/// i, f, g, o, so only the orientation changes: Keras multiplies a row vector by [in, 4H], PyTorch a matrix [4H, in] by a
/// column; Keras has one bias where PyTorch adds two. A Keras GRU's gates are z, r, h where PyTorch's are r, z, n, and its
/// bias is [2, 3H] (input, recurrent) with <c>reset_after = True</c> or one [3H] with <c>reset_after = False</c>.
/// </summary>
internal static partial class KerasLayers
{
    private enum Kind { Recurrent, Dense, Other, OtherRecurrent }

    /// <summary>Whether tensor names are Keras's (a <c>…/recurrent_kernel</c> is present) rather than PyTorch's.</summary>
    public static bool HoldsKerasNames(IEnumerable<WeightTensor> tensors)
        => tensors.Any(t => Leaf(t.Name) == "recurrent_kernel");

    /// <summary>
    /// Groups tensors named by Keras weight paths (<c>lstm/lstm_cell/kernel:0</c>, <c>model_weights/lstm/lstm/kernel:0</c>,
    /// <c>bidirectional/backward_lstm/kernel</c>) into layers. Their order is not in such a file: LSTM layers come in natural name
    /// order (<c>lstm</c>, <c>lstm_1</c>, <c>lstm_2</c>, forward before backward), then the dense layers, so the first dense
    /// layer is the head.
    /// </summary>
    public static WeightFile FromNamedTensors(string sourceName, WeightFileFormat format, IReadOnlyList<WeightTensor> tensors, List<string> skipped)
    {
        var layers = new Dictionary<string, List<WeightTensor>>(StringComparer.Ordinal);
        foreach (WeightTensor tensor in tensors)
        {
            string leaf = Leaf(tensor.Name);
            if (leaf is not ("kernel" or "recurrent_kernel" or "bias"))
            {
                skipped.Add($"tensor '{tensor.Name}' {tensor.ShapeText}: not a kernel, recurrent_kernel or bias.");
                continue;
            }
            string layer = LayerPath(tensor.Name);
            if (!layers.TryGetValue(layer, out List<WeightTensor>? weights))
            {
                layers[layer] = weights = [];
            }
            weights.Add(tensor with { Name = leaf });
        }

        List<KerasLayerWeights> ordered = [.. layers
            .Select(pair => new KerasLayerWeights(pair.Key, pair.Value) { Backward = pair.Key.Split('/').Any(part => part.StartsWith("backward", StringComparison.Ordinal)) })
            .OrderBy(layer => Classify(layer))
            .ThenBy(layer => NaturalKey(layer.Name.Replace("backward_", "", StringComparison.Ordinal).Replace("forward_", "", StringComparison.Ordinal)), StringComparer.Ordinal)
            .ThenBy(layer => layer.Backward)];
        return ToWeightFile(sourceName, format, ordered, skipped);
    }

    /// <summary>The canonical weight set of layers given in the model's order; see <see cref="WeightFile.FromKerasLayers"/>.</summary>
    public static WeightFile ToWeightFile(string sourceName, WeightFileFormat format, IReadOnlyList<KerasLayerWeights> layers, List<string> skipped)
    {
        var tensors = new List<WeightTensor>();
        var statements = new List<WeightFileStatement>();
        if (layers.FirstOrDefault(layer => Classify(layer) == Kind.OtherRecurrent) is { } other)
        {
            throw new WeightFormatException(sourceName, other.Name,
                $"the model's recurrent layer '{other.Name}' is a {(other.Type ?? "recurrent layer").ToUpperInvariant()} ({Describe(other)}), not an LSTM or a GRU; GenLstm runs LSTM and GRU cells.");
        }
        int first = Enumerable.Range(0, layers.Count).FirstOrDefault(i => Classify(layers[i]) == Kind.Recurrent, -1);
        if (first < 0)
        {
            throw new WeightFormatException(sourceName, null,
                $"the model has no LSTM or GRU layer; its layers: {(layers.Count == 0 ? "none" : string.Join("; ", layers.Take(12).Select(l => $"'{l.Name}' ({Describe(l)})")))}.");
        }
        RecurrentCell cell = CellOf(layers[first]);
        if (cell == RecurrentCell.Gru)
        {
            statements.Add(CellStatements.Gru($"Keras layer '{layers[first].Name}'", "type", layers[first].Type ?? "gru (from its weights' shapes)"));
        }
        int end = first;
        int layerIndex = -1;
        for (int i = first; i >= 0 && i < layers.Count && Classify(layers[i]) == Kind.Recurrent; i++, end = i)
        {
            if (CellOf(layers[i]) != cell)
            {
                throw new WeightFormatException(sourceName, layers[i].Name,
                    $"the model's recurrent layers mix cells: '{layers[first].Name}' is {Article(cell)}, '{layers[i].Name}' ({Describe(layers[i])}) {Article(CellOf(layers[i]))}; a GenLstm model has one cell.");
            }
            bool reverse = layers[i].Backward && i > first && !layers[i - 1].Backward;
            if (!reverse)
            {
                layerIndex++;
            }
            AddRecurrent(sourceName, layers[i], cell, $"_l{layerIndex}{(reverse ? "_reverse" : "")}", tensors, statements);
        }
        int head = first >= 0 && end < layers.Count && Classify(layers[end]) == Kind.Dense ? end : -1;
        if (head >= 0)
        {
            AddHead(sourceName, layers[head], tensors, statements);
        }
        var preceding = new List<string>();
        for (int i = 0; i < layers.Count; i++)
        {
            if (i < first || i >= end && i != head)
            {
                string where = i < first ? $"it runs before the {cell.ToString().ToUpperInvariant()}, GenLstm does not run it"
                    : $"it runs after the {cell.ToString().ToUpperInvariant()}" + (head >= 0 ? " and its head" : "") + ", GenLstm does not run it";
                skipped.Add($"layer '{layers[i].Name}' ({Describe(layers[i])}): {where}.");
                if (i < first)
                {
                    preceding.Add($"layer '{layers[i].Name}' ({Describe(layers[i])})");
                }
            }
        }
        return new WeightFile(sourceName, format, tensors, statements, skipped) { PrecedingLayers = preceding };
    }

    /// <summary>A layer's type and weights' shapes, for messages: <c>conv1d, kernel [12, 1, 16], bias [16]</c>.</summary>
    private static string Describe(KerasLayerWeights layer)
        => $"{layer.Type ?? Classify(layer).ToString().ToLowerInvariant()}{string.Concat(layer.Weights.Select(w => $", {w.Name} {w.ShapeText}"))}";

    /// <summary>The activation a Keras activation name stands for; null for one GenLstm lacks.</summary>
    public static Activation? ActivationOf(string kerasName) => kerasName switch
    {
        "" or "linear" => Activation.None,
        "sigmoid" => Activation.Sigmoid,
        "tanh" => Activation.Tanh,
        "relu" => Activation.Relu,
        "softmax" => Activation.Softmax,
        "hard_sigmoid" => Activation.HardSigmoid,
        "elu" => Activation.Elu,
        "softsign" => Activation.Softsign,
        "softplus" => Activation.Softplus,
        _ => null,
    };

    private static Kind Classify(KerasLayerWeights layer)
    {
        WeightTensor? kernel = Weight(layer, "kernel");
        WeightTensor? recurrent = Weight(layer, "recurrent_kernel");
        return layer.Type switch
        {
            "lstm" or "cudnnlstm" or "gru" or "cudnngru" => Kind.Recurrent,
            "dense" or "time-distributed-dense" or "timedistributed" => Kind.Dense,
            "simplernn" or "simple_rnn" => Kind.OtherRecurrent,
            null when recurrent is { Shape.Count: 2 } && (recurrent.Shape[1] == 3 * recurrent.Shape[0] || recurrent.Shape[1] == 4 * recurrent.Shape[0]) => Kind.Recurrent,
            null when recurrent is null && kernel is { Shape.Count: 2 } => Kind.Dense,
            _ => Kind.Other,
        };
    }

    /// <summary>A recurrent layer's cell: by its type, or without one by its recurrent_kernel, [H, 3H] for a GRU and [H, 4H] for an LSTM.</summary>
    private static RecurrentCell CellOf(KerasLayerWeights layer) => layer.Type switch
    {
        "gru" or "cudnngru" => RecurrentCell.Gru,
        null when Weight(layer, "recurrent_kernel") is { Shape: [long hidden, long gates] } && gates == 3 * hidden => RecurrentCell.Gru,
        _ => RecurrentCell.Lstm,
    };

    private static string Article(RecurrentCell cell) => cell == RecurrentCell.Gru ? "a GRU" : "an LSTM";

    /// <summary>
    /// One LSTM or GRU layer as PyTorch's tensors: kernel and recurrent_kernel transposed, a GRU's gate blocks reordered from
    /// z, r, h to r, z, n, the bias split into bias_ih and bias_hh; and what the layer's configuration states.
    /// </summary>
    private static void AddRecurrent(string sourceName, KerasLayerWeights layer, RecurrentCell cell, string suffix, List<WeightTensor> tensors, List<WeightFileStatement> statements)
    {
        WeightTensor kernel = RequireWeight(sourceName, layer, "kernel", 2);
        WeightTensor recurrent = RequireWeight(sourceName, layer, "recurrent_kernel", 2);
        int gateCount = cell.GateCount();
        string kind = cell == RecurrentCell.Gru ? "a GRU" : "an LSTM";
        long hidden = recurrent.Shape[0];
        long gates = gateCount * hidden;
        if (recurrent.Shape[1] != gates || kernel.Shape[1] != gates)
        {
            throw new WeightFormatException(sourceName, $"{layer.Name}/{(recurrent.Shape[1] != gates ? "recurrent_kernel" : "kernel")}",
                $"{kind} layer's recurrent_kernel is [H, {gateCount}H] and its kernel [in, {gateCount}H]; found {recurrent.ShapeText} and {kernel.ShapeText}.");
        }
        if (layer.Units is int units && units != hidden)
        {
            throw new WeightFormatException(sourceName, $"{layer.Name}/recurrent_kernel",
                $"the layer declares {units} units ({layer.UnitsAttribute}) but its weights are for {hidden}: recurrent_kernel is {recurrent.ShapeText}, expected [{units}, {gateCount * units}].");
        }

        (float[] biasIh, float[] biasHh, bool twoBiases) = SplitBias(sourceName, layer, cell, gates);
        WeightTensor weightIh = kernel.Transposed("weight_ih" + suffix), weightHh = recurrent.Transposed("weight_hh" + suffix);
        if (cell == RecurrentCell.Gru)
        {
            weightIh = weightIh with { Values = GateBlocks.Reorder(weightIh.Values, GateBlocks.GruFromZrh, hidden, kernel.Shape[0]) };
            weightHh = weightHh with { Values = GateBlocks.Reorder(weightHh.Values, GateBlocks.GruFromZrh, hidden, hidden) };
            biasIh = GateBlocks.Reorder(biasIh, GateBlocks.GruFromZrh, hidden, 1);
            biasHh = GateBlocks.Reorder(biasHh, GateBlocks.GruFromZrh, hidden, 1);
        }
        tensors.Add(weightIh);
        tensors.Add(weightHh);
        tensors.Add(new WeightTensor("bias_ih" + suffix, [gates], biasIh));
        tensors.Add(new WeightTensor("bias_hh" + suffix, [gates], biasHh));

        string origin = $"Keras layer '{layer.Name}'";
        if (cell == RecurrentCell.Gru && Weight(layer, "bias") is { } bias)
        {
            // The bias's shape is reset_after: Keras keeps the recurrent bias apart only where r multiplies U_n h + b_hn.
            statements.Add(CellStatements.ResetAfter(origin, "reset_after", $"{(twoBiases ? "True" : "False")} (bias {bias.ShapeText})", twoBiases));
        }
        AddActivationStatements(origin, layer, cell, statements);
    }

    /// <summary>
    /// A recurrent layer's bias as PyTorch's two: Keras's one bias [G·H] is bias_ih with bias_hh zero (an LSTM adds them; a GRU
    /// with <c>reset_after = False</c> adds them inside n); two biases, [2·G·H] (CuDNNLSTM, CuDNNGRU) or [2, G·H] (a GRU with
    /// <c>reset_after = True</c>), are input then recurrent. No bias (<c>use_bias = False</c>) is zeros.
    /// </summary>
    private static (float[] BiasIh, float[] BiasHh, bool TwoBiases) SplitBias(string sourceName, KerasLayerWeights layer, RecurrentCell cell, long gates)
    {
        float[] biasIh = new float[gates], biasHh = new float[gates];
        if (Weight(layer, "bias") is not { } bias)
        {
            return (biasIh, biasHh, false);
        }
        bool one = bias.Shape is [long length] && length == gates;
        bool two = bias.Shape is [long flat] && flat == 2 * gates || bias.Shape is [2, long perRow] && perRow == gates;
        if (!one && !two)
        {
            string expected = cell == RecurrentCell.Gru
                ? $"[{gates}] (reset_after = False) or [2, {gates}] (reset_after = True; [{2 * gates}] from CuDNNGRU)"
                : $"[{gates}] (or [{2 * gates}] from CuDNNLSTM)";
            throw new WeightFormatException(sourceName, $"{layer.Name}/bias", $"expected shape {expected}, found {bias.ShapeText}.");
        }
        bias.Values.AsSpan(0, (int)gates).CopyTo(biasIh);
        if (two)
        {
            bias.Values.AsSpan((int)gates).CopyTo(biasHh);
        }
        return (biasIh, biasHh, two);
    }

    /// <summary>
    /// The layer's <c>activation</c> and <c>recurrent_activation</c>: an LSTM's activation is its cell and hidden activation, a
    /// GRU's that of its new gate n; the recurrent activation is the gates' (i, f, o or r, z).
    /// </summary>
    private static void AddActivationStatements(string origin, KerasLayerWeights layer, RecurrentCell cell, List<WeightFileStatement> statements)
    {
        if (layer.Activation is { } activation)
        {
            Activation? declared = ActivationOf(activation);
            statements.Add(cell == RecurrentCell.Gru
                ? new WeightFileStatement(origin, "activation", activation)
                {
                    Disagreement = d => d.CellActivation == declared ? null : $"CellActivation = {d.CellActivation}",
                    Implies = d => declared is { } a ? d with { CellActivation = a } : d,
                }
                : new WeightFileStatement(origin, "activation", activation)
                {
                    Disagreement = d => d.CellActivation == declared && d.HiddenActivation == declared ? null
                        : $"CellActivation = {d.CellActivation}, HiddenActivation = {d.HiddenActivation}",
                    Implies = d => declared is { } a ? d with { CellActivation = a, HiddenActivation = a } : d,
                });
        }
        if (layer.RecurrentActivation is { } recurrentActivation)
        {
            Activation? declared = ActivationOf(recurrentActivation);
            statements.Add(new WeightFileStatement(origin, "recurrent_activation", recurrentActivation)
            {
                Disagreement = d => d.GateActivation == declared ? null : $"GateActivation = {d.GateActivation}",
                Implies = d => declared is { } a ? d with { GateActivation = a } : d,
            });
        }
    }

    private static void AddHead(string sourceName, KerasLayerWeights layer, List<WeightTensor> tensors, List<WeightFileStatement> statements)
    {
        WeightTensor kernel = RequireWeight(sourceName, layer, "kernel", 2);
        tensors.Add(kernel.Transposed("output.weight"));
        if (Weight(layer, "bias") is { } bias)
        {
            if (bias.Shape.Count != 1 || bias.Shape[0] != kernel.Shape[1])
            {
                throw new WeightFormatException(sourceName, $"{layer.Name}/bias", $"expected shape [{kernel.Shape[1]}] to go with kernel {kernel.ShapeText}, found {bias.ShapeText}.");
            }
            tensors.Add(bias with { Name = "output.bias" });
        }
        if (layer.Activation is { } activation)
        {
            Activation? declared = ActivationOf(activation);
            statements.Add(new WeightFileStatement($"Keras layer '{layer.Name}' (the output head)", "activation", activation.Length == 0 ? "linear" : activation)
            {
                Disagreement = d => d.OutputSize == 0 || d.OutputActivation == declared ? null : $"[OutputHead] with Activation.{d.OutputActivation}",
                Implies = d => declared is { } a ? d with { OutputActivation = a } : d,
            });
        }
    }

    private static WeightTensor? Weight(KerasLayerWeights layer, string name) => layer.Weights.FirstOrDefault(w => w.Name == name);

    private static WeightTensor RequireWeight(string sourceName, KerasLayerWeights layer, string name, int rank)
    {
        WeightTensor weight = Weight(layer, name)
            ?? throw new WeightFormatException(sourceName, $"{layer.Name}/{name}", $"the layer has no '{name}'; it holds {string.Join(", ", layer.Weights.Select(w => $"'{w.Name}' {w.ShapeText}"))}.");
        return weight.Shape.Count == rank ? weight
            : throw new WeightFormatException(sourceName, $"{layer.Name}/{name}", $"expected {rank} dimensions, found {weight.ShapeText}.");
    }

    /// <summary>A weight path's last part without the <c>:0</c> suffix TensorFlow variables carry.</summary>
    private static string Leaf(string name) => VariableSuffix().Replace(name[(name.LastIndexOf('/') + 1)..], "");

    /// <summary>
    /// The layer a weight path belongs to: the path without its leaf, without the file's top group (<c>model_weights</c>,
    /// <c>layers</c>), without the cell level some Keras versions add (<c>lstm_cell</c>, <c>lstm_cell_3</c>, <c>cell</c>) and
    /// without the repeated layer name of <c>model.save</c> (<c>lstm/lstm</c>); likewise <c>gru_cell</c>.
    /// </summary>
    private static string LayerPath(string name)
    {
        var parts = new List<string>();
        string[] segments = name.Split('/');
        foreach (string segment in segments.Take(segments.Length - 1))
        {
            if (segment is "model_weights" or "layers" or "cell" or "vars" || RecurrentCellLevel().IsMatch(segment) || parts.Count > 0 && parts[^1] == segment)
            {
                continue;
            }
            parts.Add(segment);
        }
        return string.Join("/", parts);
    }

    /// <summary>Sorts <c>lstm_10</c> after <c>lstm_2</c>: numbers padded to ten digits.</summary>
    private static string NaturalKey(string name) => Digits().Replace(name, m => m.Value.PadLeft(10, '0'));

    [GeneratedRegex(@":\d+$")]
    private static partial Regex VariableSuffix();

    [GeneratedRegex(@"^(lstm|gru)_cell(_\d+)?$")]
    private static partial Regex RecurrentCellLevel();

    [GeneratedRegex(@"\d+")]
    private static partial Regex Digits();
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using GenLstm.Contract;

namespace GenLstm.Formats;

/// <summary>
/// Reads an ONNX model's <c>LSTM</c> or <c>GRU</c> nodes, one per layer in graph order: their <c>W</c>, <c>R</c>, <c>B</c>, <c>P</c>
/// constants become the canonical tensors (<see cref="OnnxLstmTensors.ToPyTorch"/>, <see cref="OnnxGruTensors.ToPyTorch"/>), their
/// attributes become <see cref="WeightFileStatement"/>s checked against the declaration. A <c>Gemm</c> (or <c>MatMul</c> + <c>Add</c>)
/// with constant weights after the last recurrent node becomes the output head.
/// </summary>
internal static class OnnxReader
{
    /// <summary>ONNX's default activations per direction: an LSTM's f, g, h; a GRU's f (z, r) and g (h).</summary>
    private static readonly string[] DefaultLstmActivations = ["Sigmoid", "Tanh", "Tanh"], DefaultGruActivations = ["Sigmoid", "Tanh"];

    /// <summary>Operators that only move or reshape data; they are not reported as skipped layers.</summary>
    private static readonly HashSet<string> Plumbing = new(StringComparer.Ordinal)
    {
        "Transpose", "Squeeze", "Unsqueeze", "Reshape", "Shape", "Gather", "Concat", "Slice", "Constant", "Identity", "Cast",
        "ConstantOfShape", "Expand", "Flatten", "Split",
    };

    public static WeightFile Read(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        OnnxGraph graph;
        try
        {
            graph = OnnxGraph.Parse(bytes.Span);
        }
        catch (ProtobufException e)
        {
            throw new WeightFormatException(sourceName, null,
                $"not a weight file GenLstm reads (safetensors, .npz, ONNX, RTNeural or state-dict JSON, Keras HDF5); read as ONNX, it fails: {e.Message}.");
        }

        Dictionary<string, OnnxTensor> constants = new(graph.Initializers, StringComparer.Ordinal);
        foreach (OnnxNode node in graph.Nodes.Where(n => n.OpType == "Constant" && n.Outputs.Length == 1))
        {
            if (node.Attributes.TryGetValue("value", out OnnxAttribute? value) && value.T is { } tensor)
            {
                constants[node.Outputs[0]] = tensor with { Name = node.Outputs[0] };
            }
        }

        List<OnnxNode> lstms = [.. graph.Nodes.Where(n => n.OpType is "LSTM" or "GRU" && n.Domain is "" or "ai.onnx")];
        if (lstms.Count == 0)
        {
            string operators = string.Join(", ", graph.Nodes.Select(n => n.OpType).Distinct().Take(24));
            throw new WeightFormatException(sourceName, null, graph.Nodes.FirstOrDefault(n => n.OpType is "RNN") is { } other
                ? $"the ONNX graph's recurrent node '{other.Name}' is an {other.OpType}, not an LSTM or a GRU; GenLstm runs LSTM and GRU cells. Its operators: {operators}."
                : $"the ONNX graph has no LSTM or GRU node; its operators: {(operators.Length == 0 ? "none" : operators)}.");
        }
        if (lstms.Count > LstmLimits.MaxLayers)
        {
            // Before any node's tensors are read: a small file could otherwise name one W from thousands of nodes.
            throw new WeightFormatException(sourceName, null, $"the ONNX graph has {lstms.Count} LSTM/GRU nodes, one per layer; a model has at most {LstmLimits.MaxLayers}.");
        }
        // The recurrent nodes, one per layer, all of the first one's cell.
        string opType = lstms[0].OpType;
        RecurrentCell cell = opType == "GRU" ? RecurrentCell.Gru : RecurrentCell.Lstm;
        if (lstms.FirstOrDefault(n => n.OpType != opType) is { } mixed)
        {
            throw new WeightFormatException(sourceName, null,
                $"the ONNX graph mixes recurrent cells: node '{lstms[0].Name}' is an {opType}, node '{mixed.Name}' a {mixed.OpType}; a GenLstm model has one cell.");
        }

        var tensors = new List<WeightTensor>();
        var statements = new List<WeightFileStatement>
        {
            new("ONNX graph", $"{opType} nodes", lstms.Count.ToString(CultureInfo.InvariantCulture))
            {
                Disagreement = d => d.Layers == lstms.Count ? null : $"Layers = {d.Layers}",
            },
        };
        if (cell == RecurrentCell.Gru)
        {
            statements.Add(CellStatements.Gru($"ONNX node '{lstms[0].Name}'", "op_type", opType));
        }
        for (int layer = 0; layer < lstms.Count; layer++)
        {
            AddLayer(sourceName, lstms[layer], cell, layer, constants, name => graph.Nodes.Any(n => n.Outputs.Contains(name, StringComparer.Ordinal)), tensors, statements);
        }

        var used = new HashSet<OnnxNode>(lstms);
        int? inputSkip = null;
        if (FindHead(lstms[^1], graph, constants) is { } head)
        {
            tensors.Add(head.Weight);
            if (head.Bias is not null)
            {
                tensors.Add(head.Bias);
            }
            used.UnionWith(head.Nodes);
            if (InputSkipAdd(head, graph, lstms[0]) is { } skipAdd)
            {
                // CoreAudioML's lin(h_t) + x[..., 0:skip]: the amp models' skip covers the outputs, the first input features.
                long inputSize = tensors.First(t => t.Name == "weight_ih_l0").Shape[1];
                inputSkip = (int)Math.Min(inputSize, head.Weight.Shape[0]);
                used.Add(skipAdd);
            }
        }
        List<string> skipped = [.. graph.Nodes
            .Where(n => !used.Contains(n) && !Plumbing.Contains(n.OpType) && n.Inputs.Any(constants.ContainsKey))
            .Select(n => $"node '{n.Name}' ({n.OpType}) with constant inputs {string.Join(", ", n.Inputs.Where(constants.ContainsKey).Select(i => $"'{i}' {constants[i].ShapeText}"))}: GenLstm does not run it.")];
        return new WeightFile(sourceName, WeightFileFormat.Onnx, tensors, statements, skipped)
        {
            PrecedingLayers = Upstream(graph, lstms[0]),
            InputSkip = inputSkip,
        };
    }

    /// <summary>
    /// The computing nodes (not <see cref="Plumbing"/>) whose outputs reach the first recurrent node's input X: a front end GenLstm does not
    /// run, such as a Conv before the LSTM. Empty when X is the graph's input, reshaped at most.
    /// </summary>
    private static List<string> Upstream(OnnxGraph graph, OnnxNode lstm)
    {
        Dictionary<string, OnnxNode> producers = Producers(graph);
        var found = new List<string>();
        var seen = new HashSet<OnnxNode>();
        var pending = new Stack<string>();
        pending.Push(lstm.Inputs.Length > 0 ? lstm.Inputs[0] : "");
        while (pending.Count > 0)
        {
            if (!producers.TryGetValue(pending.Pop(), out OnnxNode? node) || !seen.Add(node))
            {
                continue;
            }
            if (!Plumbing.Contains(node.OpType))
            {
                found.Add($"node '{node.Name}' ({node.OpType})");
            }
            foreach (string input in node.Inputs)
            {
                pending.Push(input);
            }
        }
        found.Reverse();
        return found;
    }

    /// <summary>
    /// One LSTM or GRU node as the canonical tensors of layer <paramref name="layer"/> (both directions), and its attributes as
    /// statements. The inputs are the same for both: X, W, R, B, sequence_lens, initial_h; an LSTM adds initial_c and P.
    /// </summary>
    private static void AddLayer(string sourceName, OnnxNode node, RecurrentCell cell, int layer, Dictionary<string, OnnxTensor> constants,
        Func<string, bool> producedInGraph, List<WeightTensor> tensors, List<WeightFileStatement> statements)
    {
        string origin = $"ONNX node '{node.Name}'";
        float[] Input(int index, string role, bool required)
        {
            string name = index < node.Inputs.Length ? node.Inputs[index] : "";
            if (name.Length == 0)
            {
                return required ? throw new WeightFormatException(sourceName, role, $"{origin} has no input {role}.") : [];
            }
            if (!constants.TryGetValue(name, out OnnxTensor? tensor))
            {
                throw new WeightFormatException(sourceName, name, producedInGraph(name)
                    ? $"input {role} of {origin} is computed in the graph, not a constant (initializer or Constant node): GenLstm reads weights only from the file's constants."
                    : $"input {role} of {origin} is an input of the graph, fed at run time: the file holds no weights for it (an operator test, not a trained model). GenLstm reads weights only from the file's constants.");
            }
            return tensor switch
            {
                { External: true } => throw new WeightFormatException(sourceName, name,
                    $"input {role} of {origin} is stored in an external data file; save a self-contained model (onnx.save(model, path, save_as_external_data=False))."),
                { Values: null } => throw new WeightFormatException(sourceName, name, $"input {role} of {origin} has ONNX data type {tensor.DataType}, not a float type."),
                _ => tensor.Values,
            };
        }
        long[] Dims(int index) => constants[node.Inputs[index]].Dims;

        // initial_h / initial_c [D, batch, H]: a stored state when the file holds it as a constant for one stream; when the
        // graph computes it (exporters fill zeros of the run's batch size) or takes it as an input, streams start from zero.
        float[]? InitialState(int index, string role, int directions, int hidden)
        {
            if (index >= node.Inputs.Length || !constants.TryGetValue(node.Inputs[index], out OnnxTensor? tensor))
            {
                return null;
            }
            float[] values = Input(index, role, required: true);
            long[] dims = tensor.Dims;
            if (dims.Length != 3 || dims[0] != directions || dims[1] != 1 || dims[2] != hidden || values.Length != directions * hidden)
            {
                throw new WeightFormatException(sourceName, node.Inputs[index],
                    $"{origin}: the constant {role} must be [{directions}, 1, {hidden}] (one stream's state per direction); found {SafeTensorInfo.FormatShape(dims)}.");
            }
            return values;
        }

        float[] w = Input(1, "W", required: true), r = Input(2, "R", required: true), b = Input(3, "B", required: false);
        long[] wDims = Dims(1), rDims = Dims(2);
        int gateCount = cell.GateCount();
        if (wDims.Length != 3 || rDims.Length != 3 || rDims[1] != gateCount * rDims[2] || wDims[1] != rDims[1] || wDims[0] != rDims[0] || wDims[0] is not (1 or 2))
        {
            throw new WeightFormatException(sourceName, node.Inputs[2],
                $"{origin}: W must be [D, {gateCount}H, I] and R [D, {gateCount}H, H] with D = 1 or 2; found W {SafeTensorInfo.FormatShape(wDims)}, R {SafeTensorInfo.FormatShape(rDims)}.");
        }
        int directions = (int)wDims[0], hidden = (int)rDims[2], input = (int)wDims[2];
        string direction = node.Attributes.TryGetValue("direction", out OnnxAttribute? d) && d.S is { } s ? s : "forward";
        if (direction is not ("forward" or "reverse" or "bidirectional"))
        {
            throw new WeightFormatException(sourceName, null, $"{origin} has direction = '{WeightFormatException.Quote(direction)}'; ONNX's are forward, reverse and bidirectional.");
        }
        if ((direction == "bidirectional") != (directions == 2))
        {
            throw new WeightFormatException(sourceName, node.Inputs[1], $"{origin} has direction = {direction} but W holds {directions} direction(s): {SafeTensorInfo.FormatShape(wDims)}.");
        }
        bool inputForget = node.Attributes.TryGetValue("input_forget", out OnnxAttribute? forget) && forget.I is not (null or 0);

        PyTorchLstmTensors[] converted;
        try
        {
            converted = cell == RecurrentCell.Gru
                ? OnnxGruTensors.ToPyTorch(w, r, b, input, hidden, directions)
                : new OnnxLstmTensors(w, r, b, Input(7, "P", required: false)).ToPyTorch(input, hidden, directions, inputForget);
        }
        catch (ArgumentException e)
        {
            throw new WeightFormatException(sourceName, e.ParamName?.ToUpperInvariant(), $"{origin}: {e.Message}", e);
        }
        float[]? initialH = InitialState(5, "initial_h", directions, hidden);
        float[]? initialC = cell == RecurrentCell.Lstm ? InitialState(6, "initial_c", directions, hidden) : null;
        long gateRows = gateCount * hidden;
        for (int k = 0; k < directions; k++)
        {
            string suffix = $"_l{layer}{(k == 1 ? "_reverse" : "")}";
            PyTorchLstmTensors t = converted[k];
            if (initialH is not null)
            {
                tensors.Add(new WeightTensor("initial_h" + suffix, [hidden], initialH[(k * hidden)..((k + 1) * hidden)]));
            }
            if (initialC is not null)
            {
                tensors.Add(new WeightTensor("initial_c" + suffix, [hidden], initialC[(k * hidden)..((k + 1) * hidden)]));
            }
            tensors.Add(new WeightTensor("weight_ih" + suffix, [gateRows, input], t.WeightIh));
            tensors.Add(new WeightTensor("weight_hh" + suffix, [gateRows, hidden], t.WeightHh));
            tensors.Add(new WeightTensor("bias_ih" + suffix, [gateRows], t.BiasIh));
            tensors.Add(new WeightTensor("bias_hh" + suffix, [gateRows], t.BiasHh));
            if (t.Peepholes is { } peepholes)
            {
                tensors.Add(new WeightTensor("weight_ci" + suffix, [hidden], peepholes[..hidden]));
                tensors.Add(new WeightTensor("weight_cf" + suffix, [hidden], peepholes[hidden..(2 * hidden)]));
                tensors.Add(new WeightTensor("weight_co" + suffix, [hidden], peepholes[(2 * hidden)..]));
            }
        }

        AddStatements(node, cell, origin, hidden, direction, statements);
    }

    private static void AddStatements(OnnxNode node, RecurrentCell cell, string origin, int hidden, string direction, List<WeightFileStatement> statements)
    {
        if (node.Attributes.TryGetValue("hidden_size", out OnnxAttribute? hiddenSize) && hiddenSize.I is long declaredHidden)
        {
            statements.Add(new WeightFileStatement(origin, "hidden_size", declaredHidden.ToString(CultureInfo.InvariantCulture))
            {
                Disagreement = d => d.HiddenSize == declaredHidden && declaredHidden == hidden ? null : $"HiddenSize = {d.HiddenSize} (and R is for {hidden})",
            });
        }
        LstmDirection fileDirection = direction switch
        {
            "reverse" => LstmDirection.Reverse,
            "bidirectional" => LstmDirection.Bidirectional,
            _ => LstmDirection.Forward,
        };
        statements.Add(new WeightFileStatement(origin, "direction", direction)
        {
            Disagreement = d => d.Direction == fileDirection && direction is "forward" or "reverse" or "bidirectional" ? null : $"Direction = LstmDirection.{d.Direction}",
            Implies = d => d with { Direction = fileDirection },
        });

        statements.Add(cell == RecurrentCell.Gru ? GruActivations(node, origin) : LstmActivations(node, origin));
        if (node.Attributes.ContainsKey("activation_alpha") || node.Attributes.ContainsKey("activation_beta"))
        {
            statements.Add(new WeightFileStatement(origin, "activation_alpha/beta",
                $"[{string.Join(", ", node.Attributes.GetValueOrDefault("activation_alpha")?.Floats ?? [])}] / [{string.Join(", ", node.Attributes.GetValueOrDefault("activation_beta")?.Floats ?? [])}]: set GateAlpha, GateBeta, … to these (not checked)")
            {
                IsBeyondDeclaration = true,
            });
        }
        float clip = node.Attributes.TryGetValue("clip", out OnnxAttribute? c) && c.F is float value ? value : 0;
        statements.Add(new WeightFileStatement(origin, "clip", clip == 0 ? "none" : clip.ToString("R", CultureInfo.InvariantCulture))
        {
            Disagreement = d => d.ActivationClip == clip ? null : $"ActivationClip = {d.ActivationClip.ToString("R", CultureInfo.InvariantCulture)}",
            Implies = d => d with { ActivationClip = clip },
        });
        if (cell == RecurrentCell.Gru)
        {
            // ONNX's default is 0, the reset gate on h before the product: the other variant than PyTorch's.
            bool linearBeforeReset = node.Attributes.TryGetValue("linear_before_reset", out OnnxAttribute? reset) && reset.I is not (null or 0);
            statements.Add(CellStatements.ResetAfter(origin, "linear_before_reset", linearBeforeReset ? "1" : "0 (ONNX's default)", linearBeforeReset));
            return;
        }
        bool inputForget = node.Attributes.TryGetValue("input_forget", out OnnxAttribute? forget) && forget.I is not (null or 0);
        statements.Add(new WeightFileStatement(origin, "input_forget", inputForget ? "1" : "0")
        {
            Disagreement = d => d.CoupledInputForget == inputForget ? null : $"CoupledInputForget = {d.CoupledInputForget.ToString().ToLowerInvariant()}",
            Implies = d => d with { CoupledInputForget = inputForget },
        });
    }

    /// <summary>An LSTM node's activations f, g, h per direction: the declaration's GateActivation, CellActivation, HiddenActivation.</summary>
    private static WeightFileStatement LstmActivations(OnnxNode node, string origin)
    {
        string[] activations = Activations(node, DefaultLstmActivations);
        return new WeightFileStatement(origin, "activations", $"[{string.Join(", ", activations)}]")
        {
            Disagreement = d => DisagreeingActivations(activations, [d.GateActivation, d.CellActivation, d.HiddenActivation]) is { } declared
                ? $"GateActivation, CellActivation, HiddenActivation = [{declared}]" : null,
            Implies = d => activations.Length >= 3 && ActivationOf(activations[0]) is { } gate && ActivationOf(activations[1]) is { } cell && ActivationOf(activations[2]) is { } hiddenActivation
                ? d with { GateActivation = gate, CellActivation = cell, HiddenActivation = hiddenActivation }
                : d,
        };
    }

    /// <summary>A GRU node's activations f (gates z, r) and g (the new gate h) per direction: the declaration's GateActivation and CellActivation.</summary>
    private static WeightFileStatement GruActivations(OnnxNode node, string origin)
    {
        string[] activations = Activations(node, DefaultGruActivations);
        return new WeightFileStatement(origin, "activations", $"[{string.Join(", ", activations)}]")
        {
            Disagreement = d => DisagreeingActivations(activations, [d.GateActivation, d.CellActivation]) is { } declared
                ? $"GateActivation, CellActivation = [{declared}]" : null,
            Implies = d => activations.Length >= 2 && ActivationOf(activations[0]) is { } gate && ActivationOf(activations[1]) is { } cell
                ? d with { GateActivation = gate, CellActivation = cell }
                : d,
        };
    }

    private static string[] Activations(OnnxNode node, string[] defaults)
        => node.Attributes.TryGetValue("activations", out OnnxAttribute? a) && a.Strings.Length > 0 ? a.Strings : defaults;

    /// <summary>Null when every direction's activations are the declared ones; else the declared ones as text, for the message.</summary>
    private static string? DisagreeingActivations(string[] activations, Activation[] declared)
    {
        string text = string.Join(", ", declared.Select(x => x.ToString()));
        bool agrees = activations.Length % declared.Length == 0 && activations.Chunk(declared.Length).All(group => string.Join(", ", group) == text);
        return agrees ? null : text;
    }

    /// <summary>The activation an ONNX activation name stands for (ONNX's names are the enum's); null for one GenLstm lacks.</summary>
    private static Activation? ActivationOf(string onnxName)
        => Enum.TryParse(onnxName, ignoreCase: false, out Activation activation) && activation is not (Activation.None or Activation.Softmax) ? activation : null;

    private sealed record Head(WeightTensor Weight, WeightTensor? Bias, OnnxNode[] Nodes);

    /// <summary>
    /// The dense layer after the recurrent node: a <c>Gemm</c> with a constant B (transB = 1: [out, in], as PyTorch exports Linear), or a
    /// <c>MatMul</c> by a constant [in, out] followed by an <c>Add</c> of a constant [out], fed (through reshapes) by the node's Y.
    /// </summary>
    private static Head? FindHead(OnnxNode lastLstm, OnnxGraph graph, Dictionary<string, OnnxTensor> constants)
    {
        int start = graph.Nodes.ToList().IndexOf(lastLstm);
        foreach (OnnxNode node in graph.Nodes.Skip(start + 1))
        {
            if (node.OpType == "Gemm" && node.Inputs.Length >= 2 && constants.TryGetValue(node.Inputs[1], out OnnxTensor? b) && b is { Values: { } bValues, Dims.Length: 2 }
                && (node.Attributes.GetValueOrDefault("alpha")?.F ?? 1) == 1 && (node.Attributes.GetValueOrDefault("beta")?.F ?? 1) == 1)
            {
                bool transposed = node.Attributes.GetValueOrDefault("transB")?.I == 1;
                WeightTensor weight = transposed ? new WeightTensor("output.weight", b.Dims, bValues) : new WeightTensor("", b.Dims, bValues).Transposed("output.weight");
                return new Head(weight, Bias(node.Inputs.Length > 2 ? node.Inputs[2] : null, weight.Shape[0], constants), [node]);
            }
            if (node.OpType == "MatMul" && node.Inputs.Length == 2 && node.Outputs.Length == 1 && constants.TryGetValue(node.Inputs[1], out OnnxTensor? m) && m is { Values: { } mValues, Dims.Length: 2 })
            {
                WeightTensor weight = new WeightTensor("", m.Dims, mValues).Transposed("output.weight");
                OnnxNode? add = graph.Nodes.FirstOrDefault(n => n.OpType == "Add" && n.Inputs.Contains(node.Outputs[0]));
                string? biasName = add?.Inputs.FirstOrDefault(i => i != node.Outputs[0]);
                WeightTensor? bias = Bias(biasName, weight.Shape[0], constants);
                return new Head(weight, bias, bias is null || add is null ? [node] : [node, add]);
            }
        }
        return null;
    }

    /// <summary>
    /// The <c>Add</c> of an amp model's input skip: it adds to the head's output the graph input the first LSTM reads (through
    /// slices and reshapes), as <c>torch.onnx.export</c> writes CoreAudioML's <c>lin(x) + x[:, :, 0:skip]</c>; null without one.
    /// </summary>
    private static OnnxNode? InputSkipAdd(Head head, OnnxGraph graph, OnnxNode firstLstm)
    {
        Dictionary<string, OnnxNode> producers = Producers(graph);
        // The graph input a value comes from through plumbing alone, or null when a computation (or a constant) makes it.
        string? Source(string name)
        {
            var seen = new HashSet<string>(StringComparer.Ordinal);
            while (producers.TryGetValue(name, out OnnxNode? producer))
            {
                if (!Plumbing.Contains(producer.OpType) || producer.Inputs.Length == 0 || !seen.Add(name))
                {
                    return null;
                }
                name = producer.Inputs[0];
            }
            return graph.Initializers.ContainsKey(name) ? null : name;
        }

        string? input = firstLstm.Inputs.Length > 0 ? Source(firstLstm.Inputs[0]) : null;
        if (input is null || head.Nodes[^1].Outputs is not [string headOutput, ..])
        {
            return null;
        }
        return graph.Nodes.FirstOrDefault(node => node.OpType == "Add" && node.Inputs.Length == 2 && node.Inputs.Contains(headOutput)
            && Source(node.Inputs[0] == headOutput ? node.Inputs[1] : node.Inputs[0]) == input);
    }

    /// <summary>The node that computes each value of the graph (the first, if a damaged graph names a value twice).</summary>
    private static Dictionary<string, OnnxNode> Producers(OnnxGraph graph)
    {
        var producers = new Dictionary<string, OnnxNode>(StringComparer.Ordinal);
        foreach (OnnxNode node in graph.Nodes)
        {
            foreach (string output in node.Outputs)
            {
                producers.TryAdd(output, node);
            }
        }
        return producers;
    }

    private static WeightTensor? Bias(string? name, long size, Dictionary<string, OnnxTensor> constants)
        => name is not null && constants.TryGetValue(name, out OnnxTensor? c) && c.Values is { } values && values.Length == size
            ? new WeightTensor("output.bias", [size], values)
            : null;
}

using System;
using System.Collections.Generic;
using System.Linq;
using GenLstm.Contract;

namespace GenLstm;

/// <summary>
/// The four tensors of one layer (and direction) of a <c>torch.nn.LSTM</c>, found in a weight file (<see cref="WeightFile"/>) by their
/// state-dict names (<c>weight_ih_l0</c>, <c>weight_hh_l0</c>, <c>bias_ih_l0</c>, <c>bias_hh_l0</c>; <c>_l1</c>, <c>_reverse</c>
/// for further layers and directions) and checked against the declared sizes. Generated <c>Load</c> methods use it; it is public so other loaders can reuse the checks.
/// </summary>
/// <remarks>
/// The names may carry a module prefix, as in a larger model's state dict (<c>lstm.weight_ih_l0</c>,
/// <c>rec.weight_ih_l0</c>): the prefix is found automatically when exactly one is present. Tensors that belong
/// to an LSTM layer or direction the declaration does not have (<c>weight_ih_l1</c>, <c>…_reverse</c>,
/// <c>weight_hr_l0</c>) are an error: loading only part of a stacked model silently is the bug this guards against.
/// </remarks>
public sealed class PyTorchLstmTensors
{
    /// <summary>
    /// Wraps one layer's tensors held in memory (row-major, PyTorch's gate order i, f, g, o), for the generated
    /// <c>FromPyTorch(params PyTorchLstmTensors[])</c> of stacked models. Shapes are checked when the model is created.
    /// </summary>
    /// <param name="weightIh"><c>weight_ih_l{k}</c>, [4H, I].</param>
    /// <param name="weightHh"><c>weight_hh_l{k}</c>, [4H, H].</param>
    /// <param name="biasIh"><c>bias_ih_l{k}</c>, [4H].</param>
    /// <param name="biasHh"><c>bias_hh_l{k}</c>, [4H].</param>
    /// <param name="weightHr"><c>weight_hr_l{k}</c>, [P, H], for a model with <c>ProjectionSize</c> = P; null otherwise.</param>
    /// <param name="peepholes">p_i, p_f, p_o, [3, H], for a model with <c>Peepholes</c>; null otherwise.</param>
    /// <param name="layerNorm">The layer-norm scales of gates i, f, g, o, [4H], for a model with <c>LayerNorm</c>; null otherwise.</param>
    /// <param name="extraGates">The added gates' tensors (<c>[LstmGate]</c>), every gate's in declaration order; null without.</param>
    /// <exception cref="ArgumentNullException">One of the four LSTM tensors is null.</exception>
    public PyTorchLstmTensors(float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh, float[]? weightHr = null, float[]? peepholes = null,
        float[]? layerNorm = null, (float[] WeightIh, float[] WeightHh, float[] Bias)? extraGates = null)
        : this("", weightIh ?? throw new ArgumentNullException(nameof(weightIh)), weightHh ?? throw new ArgumentNullException(nameof(weightHh)),
            biasIh ?? throw new ArgumentNullException(nameof(biasIh)), biasHh ?? throw new ArgumentNullException(nameof(biasHh)), weightHr, peepholes, layerNorm,
            extraGates)
    {
    }

    private PyTorchLstmTensors(string prefix, float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh, float[]? weightHr, float[]? peepholes,
        float[]? layerNorm, (float[] WeightIh, float[] WeightHh, float[] Bias)? extraGates)
    {
        ExtraGates = extraGates;
        LayerNorm = layerNorm;
        Peepholes = peepholes;
        Prefix = prefix;
        WeightIh = weightIh;
        WeightHh = weightHh;
        BiasIh = biasIh;
        BiasHh = biasHh;
        WeightHr = weightHr;
    }

    /// <summary>The module prefix the tensors were found under ("" for none).</summary>
    public string Prefix { get; }

    /// <summary><c>weight_ih_l{k}</c>, [4H, I] row-major (I of this layer: the model's for layer 0, H or 2H above).</summary>
    public float[] WeightIh { get; }

    /// <summary>
    /// The peephole weights p_i, p_f, p_o, [3, H] (from <c>weight_ci_l{k}</c>, <c>weight_cf_l{k}</c>, <c>weight_co_l{k}</c>, [H]
    /// each), for a model with <c>Peepholes</c>; null without.
    /// </summary>
    public float[]? Peepholes { get; }

    /// <summary>
    /// The layer-norm scales γ of gates i, f, g, o, [4H] (<c>layer_norm_weight_l{k}</c>), for a model with <c>LayerNorm</c>;
    /// null without. The biases are added after the normalization.
    /// </summary>
    public float[]? LayerNorm { get; }

    /// <summary>
    /// The tensors of the gates <c>[LstmGate]</c> adds, every gate's in declaration order: <c>weight_ih_{name}_l{k}</c> [H, I],
    /// <c>weight_hh_{name}_l{k}</c> [H, R], <c>bias_{name}_l{k}</c> [H]; null without added gates.
    /// </summary>
    public (float[] WeightIh, float[] WeightHh, float[] Bias)? ExtraGates { get; }

    /// <summary>The added gates' tensors, or an error naming what the declaration expects.</summary>
    /// <exception cref="ArgumentException">This layer has no <see cref="ExtraGates"/>.</exception>
    public (float[] WeightIh, float[] WeightHh, float[] Bias) RequireExtraGates()
        => ExtraGates ?? throw new ArgumentException("The layer has no tensors for the gates [LstmGate] adds.", "extraGates");

    /// <summary>The layer-norm scales, or an error naming what the declaration expects.</summary>
    /// <exception cref="ArgumentException">This layer has no <see cref="LayerNorm"/>.</exception>
    public float[] RequireLayerNorm()
        => LayerNorm ?? throw new ArgumentException("The layer has no layer-norm scales (layer_norm_weight) but the model declares LayerNorm = true.", "layerNorm");

    /// <summary>The peephole weights, or an error naming what the declaration expects.</summary>
    /// <exception cref="ArgumentException">This layer has no <see cref="Peepholes"/>.</exception>
    public float[] RequirePeepholes()
        => Peepholes ?? throw new ArgumentException("The layer has no peephole weights (weight_ci, weight_cf, weight_co) but the model declares Peepholes = true.", "peepholes");

    /// <summary><c>weight_hr_l{k}</c>, [P, H]: the projection of an LSTM with <c>proj_size</c> = P; null without one.</summary>
    public float[]? WeightHr { get; }

    /// <summary><c>weight_hh_l{k}</c>, [4H, H] ([4H, P] with a projection) row-major.</summary>
    public float[] WeightHh { get; }

    /// <summary><c>bias_ih_l{k}</c>, [4H].</summary>
    public float[] BiasIh { get; }

    /// <summary><c>bias_hh_l{k}</c>, [4H].</summary>
    public float[] BiasHh { get; }

    /// <summary>
    /// The state a new stream of this layer starts from, h_0 (<c>initial_h_l{k}</c>, [H], or [P] with a projection), when the file
    /// stores one: NAM files store the state their LSTM reaches after a second of silence, ONNX files may hold <c>initial_h</c> as a
    /// constant. Null means zero, PyTorch's default. Generated models copy it into their <c>InitialState</c>.
    /// </summary>
    public float[]? InitialHidden { get; init; }

    /// <summary>The stored initial cell state c_0 (<c>initial_c_l{k}</c>, [H]); null means zero. See <see cref="InitialHidden"/>.</summary>
    public float[]? InitialCell { get; init; }

    /// <summary>The projection W_hr as the dense layer a model with <c>ProjectionSize</c> applies after every step.</summary>
    /// <param name="hiddenSize">H, the columns of W_hr.</param>
    /// <param name="projectionSize">P, its rows.</param>
    /// <exception cref="ArgumentException">This layer has no <see cref="WeightHr"/>, or it is not [P, H].</exception>
    public DenseLayer Projection(int hiddenSize, int projectionSize)
        => DenseLayer.FromPyTorch(hiddenSize, projectionSize, Activation.None,
            WeightHr ?? throw new ArgumentException($"The layer has no weight_hr (its projection, [{projectionSize}, {hiddenSize}]) but the model declares ProjectionSize = {projectionSize}.", "weightHr"),
            bias: default);

    /// <summary>
    /// One layer from Keras's tensors: <c>kernel</c> [I, 4H], <c>recurrent_kernel</c> [H, 4H], <c>bias</c> [4H] (gate order i, f, c, o,
    /// which is PyTorch's i, f, g, o), as <c>layer.get_weights()</c> returns them, row-major. Keras's one bias becomes
    /// <see cref="BiasIh"/>; <see cref="BiasHh"/> is zero.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="kernel">W, [I, 4H].</param>
    /// <param name="recurrentKernel">U, [H, 4H].</param>
    /// <param name="bias">b, [4H]; empty for none.</param>
    /// <exception cref="ArgumentException">A span has the wrong length; the message names it and gives the shape.</exception>
    public static PyTorchLstmTensors FromKeras(int inputSize, int hiddenSize, ReadOnlySpan<float> kernel, ReadOnlySpan<float> recurrentKernel, ReadOnlySpan<float> bias)
    {
        int gates = PackedLstmWeights.GateCount * hiddenSize;
        RequireShape(kernel, inputSize, gates, nameof(kernel));
        RequireShape(recurrentKernel, hiddenSize, gates, nameof(recurrentKernel));
        if (!bias.IsEmpty)
        {
            RequireShape(bias, 1, gates, nameof(bias));
        }
        var weightIh = new float[gates * inputSize];
        var weightHh = new float[gates * hiddenSize];
        TransposeInto(kernel, inputSize, gates, weightIh);
        TransposeInto(recurrentKernel, hiddenSize, gates, weightHh);
        return new PyTorchLstmTensors(weightIh, weightHh, bias.IsEmpty ? new float[gates] : bias.ToArray(), new float[gates]);
    }

    /// <summary>
    /// One layer from per-gate tensors, as the original TensorFlow LSTM tutorial holds them: for each gate x of i (input),
    /// f (forget), o (output) and c (cell candidate), W_x [I, H] multiplies the input, U_x [H, H] the previous h, and b_x [H]
    /// is added: x = act(x_t W_x + h_{t-1} U_x + b_x). Row-major spans.
    /// </summary>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="wi">W_i, [I, H].</param>
    /// <param name="ui">U_i, [H, H].</param>
    /// <param name="bi">b_i, [H].</param>
    /// <param name="wf">W_f, [I, H].</param>
    /// <param name="uf">U_f, [H, H].</param>
    /// <param name="bf">b_f, [H].</param>
    /// <param name="wo">W_o, [I, H].</param>
    /// <param name="uo">U_o, [H, H].</param>
    /// <param name="bo">b_o, [H].</param>
    /// <param name="wc">W_c, [I, H].</param>
    /// <param name="uc">U_c, [H, H].</param>
    /// <param name="bc">b_c, [H].</param>
    /// <exception cref="ArgumentException">A span has the wrong length; the message names it and gives the shape.</exception>
    public static PyTorchLstmTensors FromGates(int inputSize, int hiddenSize,
        ReadOnlySpan<float> wi, ReadOnlySpan<float> ui, ReadOnlySpan<float> bi,
        ReadOnlySpan<float> wf, ReadOnlySpan<float> uf, ReadOnlySpan<float> bf,
        ReadOnlySpan<float> wo, ReadOnlySpan<float> uo, ReadOnlySpan<float> bo,
        ReadOnlySpan<float> wc, ReadOnlySpan<float> uc, ReadOnlySpan<float> bc)
    {
        int gates = PackedLstmWeights.GateCount * hiddenSize;
        var weightIh = new float[gates * inputSize];
        var weightHh = new float[gates * hiddenSize];
        var biasIh = new float[gates];
        // PyTorch's row blocks are i, f, g (= the tutorial's c), o.
        void Gate(int block, ReadOnlySpan<float> w, ReadOnlySpan<float> u, ReadOnlySpan<float> b, string wName, string uName, string bName)
        {
            RequireShape(w, inputSize, hiddenSize, wName);
            RequireShape(u, hiddenSize, hiddenSize, uName);
            RequireShape(b, 1, hiddenSize, bName);
            TransposeInto(w, inputSize, hiddenSize, weightIh.AsSpan(block * hiddenSize * inputSize, hiddenSize * inputSize));
            TransposeInto(u, hiddenSize, hiddenSize, weightHh.AsSpan(block * hiddenSize * hiddenSize, hiddenSize * hiddenSize));
            b.CopyTo(biasIh.AsSpan(block * hiddenSize));
        }
        Gate(0, wi, ui, bi, nameof(wi), nameof(ui), nameof(bi));
        Gate(1, wf, uf, bf, nameof(wf), nameof(uf), nameof(bf));
        Gate(2, wc, uc, bc, nameof(wc), nameof(uc), nameof(bc));
        Gate(3, wo, uo, bo, nameof(wo), nameof(uo), nameof(bo));
        return new PyTorchLstmTensors(weightIh, weightHh, biasIh, new float[gates]);
    }

    private static void RequireShape(ReadOnlySpan<float> values, int rows, int columns, string parameterName)
    {
        if (values.Length != rows * columns)
        {
            throw new ArgumentException(
                $"Expected {(rows == 1 ? $"[{columns}]" : $"[{rows}, {columns}]")} = {rows * columns} values, got {values.Length}.", parameterName);
        }
    }

    /// <summary>[rows, columns] row-major into [columns, rows] row-major.</summary>
    internal static void TransposeInto(ReadOnlySpan<float> source, int rows, int columns, Span<float> destination)
    {
        for (int row = 0; row < rows; row++)
        {
            for (int column = 0; column < columns; column++)
            {
                destination[column * rows + row] = source[row * columns + column];
            }
        }
    }

    /// <summary>Finds and reads the tensors of a one-layer LSTM with the given sizes.</summary>
    /// <param name="file">The opened file.</param>
    /// <param name="inputSize">The declared input size I.</param>
    /// <param name="hiddenSize">The declared hidden size H.</param>
    /// <exception cref="WeightFormatException">
    /// A tensor is missing, misshaped, of a non-float dtype, or belongs to a layer or direction the declaration
    /// lacks; or several prefixes hold LSTM tensors.
    /// </exception>
    public static PyTorchLstmTensors Read(WeightFile file, int inputSize, int hiddenSize)
        => ReadLayers(file, new LstmDeclaration(inputSize, hiddenSize))[0];

    /// <summary>
    /// Finds and reads the tensors of every layer and direction of a stacked LSTM, in PyTorch's order (layer by layer,
    /// forward before reverse, as <c>h_n</c> is indexed): <c>weight_ih_l{k}</c>, <c>weight_hh_l{k}</c>, <c>bias_ih_l{k}</c>,
    /// <c>bias_hh_l{k}</c>, and the same with <c>_reverse</c> for the reverse half of a bidirectional layer.
    /// </summary>
    /// <remarks>
    /// Layer 0 reads I inputs; layer k &gt; 0 reads the H outputs of the layer below (P with a projection), twice that when
    /// bidirectional. A <see cref="LstmDirection.Reverse"/> model stores its one direction under the plain names (no <c>_reverse</c>).
    /// With a projection (PyTorch's <c>proj_size</c> = P), <c>weight_hh</c> is [4H, P] and <c>weight_hr_l{k}</c> [P, H] is read too.
    /// </remarks>
    /// <param name="file">The opened file.</param>
    /// <param name="declaration">
    /// The declared model (a generated type's <c>Declaration</c>): its sizes, <see cref="LstmDeclaration.Layers"/>,
    /// <see cref="LstmDeclaration.Direction"/>, <see cref="LstmDeclaration.ProjectionSize"/> P (then <c>weight_hr_l{k}</c> is read),
    /// <see cref="LstmDeclaration.Peepholes"/> (<c>weight_ci_l{k}</c>, <c>weight_cf_l{k}</c>, <c>weight_co_l{k}</c> [H]),
    /// <see cref="LstmDeclaration.LayerNorm"/> (<c>layer_norm_weight_l{k}</c> [4H]) and <see cref="LstmDeclaration.ExtraGates"/>.
    /// </param>
    /// <exception cref="WeightFormatException">
    /// A tensor is missing, misshaped, of a non-float dtype, or belongs to a layer or direction the declaration
    /// lacks (say <c>weight_ih_l2</c> for two layers); or several prefixes hold LSTM tensors.
    /// </exception>
    public static PyTorchLstmTensors[] ReadLayers(WeightFile file, LstmDeclaration declaration)
    {
        ArgumentNullException.ThrowIfNull(file);
        ArgumentNullException.ThrowIfNull(declaration);
        ArgumentOutOfRangeException.ThrowIfLessThan(declaration.Layers, 1);
        string prefix = FindPrefix(file);
        RequireCell(file, prefix, declaration);
        // Which tensors, with which shapes, and which are too many: the rules the generator checks [BakedWeights] files by.
        LstmDeclaration d = declaration;
        PyTorchLstmLayout layout = d.Layout();
        if (layout.FindUnexpected(file.Tensors.Select(t => t.Name), prefix) is { } unexpected)
        {
            throw new WeightFormatException(file.SourceName, unexpected,
                $"the file holds an LSTM layer, direction or projection that the declaration (Layers = {d.Layers}, Direction = {d.Direction}, "
                + $"{(d.ProjectionSize == 0 ? "no projection" : $"ProjectionSize = {d.ProjectionSize}")}, {(d.Peepholes ? "peepholes" : "no peepholes")}, {(d.LayerNorm ? "layer norm" : "no layer norm")}) does not have. Declare the model the file was trained as.");
        }

        float[] Read(TensorRequirement tensor) => NonFiniteWeights.ReadFloat32(file, prefix + tensor.Name, tensor.Shape);
        float[]? ReadOptional(TensorRequirement tensor) => file.Contains(prefix + tensor.Name) ? Read(tensor) : null;
        return [.. layout.Layers.Select(layer => new PyTorchLstmTensors(prefix, Read(layer.WeightIh), Read(layer.WeightHh), Read(layer.BiasIh), Read(layer.BiasHh),
            layer.WeightHr is { } weightHr ? Read(weightHr) : null,
            layer.Peepholes.Count > 0 ? [.. layer.Peepholes.SelectMany(Read)] : null,
            layer.LayerNorm is { } norm ? Read(norm) : null,
            layer.ExtraGates.Count > 0
                ? ([.. layer.ExtraGates.SelectMany(g => Read(g.WeightIh))], [.. layer.ExtraGates.SelectMany(g => Read(g.WeightHh))], [.. layer.ExtraGates.SelectMany(g => Read(g.Bias))])
                : null)
        {
            InitialHidden = ReadOptional(layer.InitialHidden),
            InitialCell = layer.InitialCell is { } initialCell ? ReadOptional(initialCell) : null,
        })];
    }

    internal static string FindPrefix(WeightFile file)
    {
        const string anchor = PyTorchLstmLayout.Anchor;
        List<string> prefixes = PyTorchLstmLayout.FindPrefixes(file.Tensors.Select(t => t.Name));
        string prefix = prefixes.Count switch
        {
            0 => throw new WeightFormatException(file.SourceName, anchor,
                $"no PyTorch LSTM tensors found (looked for '{anchor}', with or without a module prefix such as 'lstm.'). "
                + (file.Tensors.Count == 0
                    ? "The file holds no tensors GenLstm reads" + (file.Skipped.Count == 0 ? "." : $"; it skipped: {string.Join(" ", file.Skipped.Take(6))}")
                    : $"Present: {string.Join(", ", file.Tensors.Take(12).Select(t => $"'{t.Name}' {t.ShapeText}"))}.")),
            1 => prefixes[0],
            _ => throw new WeightFormatException(file.SourceName, anchor,
                $"several LSTMs are present ({string.Join(", ", prefixes.Select(p => $"'{p}{anchor}'"))}); this loader expects exactly one."),
        };
        return prefix;
    }

    /// <summary>
    /// Refuses a file whose cell is not the declared one: an LSTM's and a GRU's state dicts have the same tensor names
    /// (<c>torch.nn.LSTM</c>, <c>torch.nn.GRU</c>), and <c>weight_hh_l0</c> is [4H, H] for the one, [3H, H] for the other, so a
    /// loader that read one as the other would report a shape error instead of the reason.
    /// </summary>
    private static void RequireCell(WeightFile file, string prefix, LstmDeclaration declaration)
    {
        string name = prefix + "weight_hh_l0";
        if (!file.Contains(name) || file.Contains(prefix + "weight_hr_l0") || file.GetTensor(name) is not { Shape: [long rows, long hidden] } recurrent || hidden <= 0)
        {
            return;
        }
        RecurrentCell? held = rows == 3 * hidden ? RecurrentCell.Gru : rows == 4 * hidden ? RecurrentCell.Lstm : null;
        if (held is { } cell && cell != declaration.Cell)
        {
            throw new WeightFormatException(file.SourceName, name,
                $"the file holds {(cell == RecurrentCell.Gru ? "a GRU" : "an LSTM")}, not {(cell == RecurrentCell.Gru ? "an LSTM" : "a GRU")}: {name} is {recurrent.ShapeText}, "
                + (cell == RecurrentCell.Gru ? $"3 gates (r, z, n) of {hidden} units, where an LSTM has 4 ([{4 * hidden}, {hidden}])" : $"4 gates (i, f, g, o) of {hidden} units, where a GRU has 3 ([{3 * hidden}, {hidden}])")
                + $". Declare it with [{cell.AttributeName()}(...)].");
        }
    }
}

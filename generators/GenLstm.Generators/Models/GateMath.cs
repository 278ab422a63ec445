namespace GenLstm.Generators.Models;

/// <summary>An activation with its parameters α and β (ONNX's defaults filled in where the declaration gives none).</summary>
internal sealed record GateFunction(Activation Activation, float Alpha, float Beta)
{
    public static readonly GateFunction Sigmoid = new(Activation.Sigmoid, 0, 0);
    public static readonly GateFunction Tanh = new(Activation.Tanh, 0, 0);

    /// <summary>The activation with α and β as declared, or ONNX's defaults for the ones left NaN.</summary>
    public static GateFunction Create(Activation activation, float alpha, float beta)
    {
        (float defaultAlpha, float defaultBeta) = ActivationDefaults.Of(activation);
        return new GateFunction(activation, float.IsNaN(alpha) ? defaultAlpha : alpha, float.IsNaN(beta) ? defaultBeta : beta);
    }

    /// <summary>Whether the activation reads α and β.</summary>
    public bool HasAlpha => Activation is Activation.HardSigmoid or Activation.LeakyRelu or Activation.ThresholdedRelu or Activation.ScaledTanh or Activation.Affine or Activation.Elu;

    public bool HasBeta => Activation is Activation.HardSigmoid or Activation.ScaledTanh or Activation.Affine;

    public override string ToString()
        => Activation + (HasAlpha ? "(" + Format(Alpha) + (HasBeta ? ", " + Format(Beta) : "") + ")" : "");

    public static string Format(float value) => value.ToString("R", System.Globalization.CultureInfo.InvariantCulture);
}

/// <summary>
/// The element-wise part of a step, between the preactivations and h_t: the cell (LSTM or GRU), activations, peepholes,
/// coupling, clips and the forget bias. <see cref="Standard"/> is PyTorch's LSTM, <see cref="StandardGru"/> PyTorch's GRU;
/// every other combination is emitted by the same code.
/// </summary>
/// <param name="Gate">The LSTM's i, f, o activation; a GRU's r and z (ONNX's f).</param>
/// <param name="Cell">The LSTM's cell candidate g; a GRU's new gate n (ONNX's g).</param>
/// <param name="Hidden">The LSTM's activation of c_t in h_t; unused by a GRU.</param>
/// <param name="Kind">The recurrent cell.</param>
/// <param name="ResetAfter">A GRU's reset-gate placement: after U_n h (PyTorch) or before it (Keras reset_after = False).</param>
internal sealed record GateMath(bool Peepholes, bool CoupledInputForget, float CellClip, float ActivationClip, float ForgetBias,
    GateFunction Gate, GateFunction Cell, GateFunction Hidden, bool LayerNorm = false, Expressions.DeclaredExpression? CellExpression = null, Expressions.DeclaredExpression? HiddenExpression = null,
    Helpers.EquatableArray<ExtraGate> ExtraGates = default, RecurrentCell Kind = RecurrentCell.Lstm, bool ResetAfter = true)
{
    public static readonly GateMath Standard = new(false, false, 0, 0, 0, GateFunction.Sigmoid, GateFunction.Tanh, GateFunction.Tanh);

    /// <summary>PyTorch's <c>torch.nn.GRU</c>: sigmoid r and z, tanh n, the reset gate after U_n h.</summary>
    public static readonly GateMath StandardGru = Standard with { Kind = RecurrentCell.Gru };

    public bool IsStandard => Equals(Standard);

    /// <summary>Whether the cell is a GRU (whose packed slots i, f, g, o hold r, z, and n's input and hidden parts).</summary>
    public bool IsGru => Kind == RecurrentCell.Gru;

    /// <summary>
    /// Whether the cell is a GRU whose reset gate applies before U_n (Keras reset_after = False): its step needs every unit's r
    /// before n's product, so it runs in two passes, as a layer-norm step does.
    /// </summary>
    public bool IsResetBeforeGru => IsGru && !ResetAfter;

    /// <summary>Whether a step runs in two passes over the blocks (layer norm, a reset-before GRU), with a gate buffer in the state.</summary>
    public bool HasTwoPasses => LayerNorm || IsResetBeforeGru;

    /// <summary>Whether this is the cell's standard form (PyTorch's LSTM or GRU), whose header needs no variant line.</summary>
    public bool IsStandardForm => Equals(Standard) || Equals(StandardGru);

    /// <summary>
    /// Whether the weights are an LSTM's four gates' W, U and b alone (no peepholes, layer-norm scales or added gates), so that
    /// Keras's and the TensorFlow tutorial's tensors describe the model completely (FromKeras, FromGates: LSTM layouts).
    /// </summary>
    public bool HasPlainWeights => !IsGru && !Peepholes && !LayerNorm && ExtraGates.Count == 0;

    /// <summary>
    /// Whether a step can be split between two cores (GenLstm.LstmWorker): not in two passes (layer normalization needs every unit's
    /// z before any activation, a reset-before GRU every unit's r) nor with added gates (computed for all units before the tiles).
    /// </summary>
    public bool HasSplitSteps => !HasTwoPasses && ExtraGates.Count == 0;

    /// <summary>
    /// Whether an ONNX LSTM node's weights can express this model (FromOnnx: an LSTM node's layout; a GRU's node loads
    /// through Load): always for an LSTM, except that ONNX Runtime couples the gates as
    /// f = 1 − i and GenLstm as i = 1 − f, which FromOnnx bridges by negating the input gate's weights into the forget gate:
    /// exact only for a gate activation with act(−z) = 1 − act(z) (Sigmoid, HardSigmoid with β = 0.5).
    /// </summary>
    public bool HasOnnxForm => !IsGru && !LayerNorm && ExtraGates.Count == 0 && (!CoupledInputForget || Gate.Activation == Activation.Sigmoid
        || (Gate.Activation == Activation.HardSigmoid && Gate.Beta == 0.5f));

    /// <summary>
    /// Whether <c>LstmDeclaration</c> (what <c>WeightFile.InferDeclaration</c> reads from a file) states all of this math: no cell
    /// clip, forget bias, activation α or β of the declaration's own, <c>[LstmCell]</c>/<c>[LstmHidden]</c> expressions or added
    /// gates. Only then is a file whose model equals the type's declaration this very model, so that <c>RecurrentModel</c> may
    /// load it into the type.
    /// </summary>
    public bool IsDescribedByDeclaration => CellClip == 0 && ForgetBias == 0 && CellExpression is null && HiddenExpression is null
        && ExtraGates.Count == 0 && HasDefaultParameters(Gate) && HasDefaultParameters(Cell) && HasDefaultParameters(Hidden);

    private static bool HasDefaultParameters(GateFunction function)
        => function == GateFunction.Create(function.Activation, float.NaN, float.NaN);

    /// <summary>What the declaration changes from the standard LSTM, for comments: "peepholes, CIFG, …".</summary>
    public string Describe()
    {
        var parts = new System.Collections.Generic.List<string>();
        if (IsGru && !ResetAfter) parts.Add("reset gate before the recurrent product, n = tanh(W_n x + U_n (r * h) + b_n)");
        if (LayerNorm) parts.Add("layer normalization of each gate");
        foreach (ExtraGate gate in ExtraGates) parts.Add($"gate {gate.Name} = {gate.Function}(W x + U h + b)");
        if (CellExpression is not null) parts.Add($"c_t = {CellExpression.Text}");
        if (HiddenExpression is not null) parts.Add($"h_t = {HiddenExpression.Text}");
        if (Peepholes) parts.Add("peepholes");
        if (CoupledInputForget) parts.Add("coupled input and forget gates (i = 1 - f)");
        if (ActivationClip > 0) parts.Add($"activation inputs clipped to +-{GateFunction.Format(ActivationClip)}");
        if (CellClip > 0) parts.Add($"c_t clipped to +-{GateFunction.Format(CellClip)}");
        if (ForgetBias != 0) parts.Add($"forget bias {GateFunction.Format(ForgetBias)}");
        if (Gate != GateFunction.Sigmoid) parts.Add($"gates {Gate}");
        if (Cell != GateFunction.Tanh) parts.Add($"{(IsGru ? "new gate" : "cell candidate")} {Cell}");
        if (Hidden != GateFunction.Tanh) parts.Add($"hidden {Hidden}");
        return string.Join(", ", parts);
    }
}

/// <summary>A gate added by <c>[LstmGate(name, activation)]</c>, with its own weights (GenLstm.LstmExtraGates).</summary>
internal sealed record ExtraGate(string Name, GateFunction Function);

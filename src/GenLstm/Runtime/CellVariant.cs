using System;
using System.Collections.Generic;
using System.Globalization;
using GenLstm.Contract;

namespace GenLstm.Runtime;

/// <summary>
/// The element-wise part of a step of a layer whose cell is not PyTorch's LSTM or GRU, in the variants a file states (ONNX's
/// activations, clip, input_forget and peepholes; Keras's activations and reset_after; layer normalization; PyTorch's proj_size,
/// applied by the layer after these): the generated kernels' equations
/// (GateMath in the generator), applied per unit to the four slots a tile accumulated. Each activation has ONNX's default α and
/// β, as a declaration that states none; the activation inputs are clipped after the peephole terms are added, as ONNX clips.
/// Immutable; one instance serves every layer and stream of a model.
/// </summary>
internal sealed class CellVariant
{
    private readonly float _clip;
    private readonly (Activation Function, float Alpha, float Beta) _gate, _cell, _hidden;

    private CellVariant(LstmDeclaration declaration)
    {
        _gate = WithDefaults(declaration.GateActivation);
        _cell = WithDefaults(declaration.CellActivation);
        _hidden = WithDefaults(declaration.HiddenActivation);
        _clip = declaration.ActivationClip;
        CoupledInputForget = declaration.CoupledInputForget;
        ResetBefore = declaration.Cell == RecurrentCell.Gru && !declaration.ResetAfter;
        Description = Describe(declaration);
    }

    /// <summary>Whether a GRU's reset gate applies to h_{t-1} before U_n (Keras's reset_after = False, ONNX's linear_before_reset = 0).</summary>
    public bool ResetBefore { get; }

    /// <summary>Whether an LSTM's input gate is 1 − f (CIFG).</summary>
    public bool CoupledInputForget { get; }

    /// <summary>The variants in words, for <see cref="RecurrentModel.KernelDescription"/>: "peepholes, clip 1.5".</summary>
    public string Description { get; }

    /// <summary>
    /// The variant math of <paramref name="declaration"/>'s cell, or null for PyTorch's LSTM or GRU (the tiles' own update). A
    /// projected LSTM has one too: its h_t is W_hr (o ⊙ tanh(c_t)), so its units go through the slots as a variant's do.
    /// </summary>
    public static CellVariant? Of(LstmDeclaration declaration)
        => Describe(declaration).Length == 0 ? null : new CellVariant(declaration);

    /// <summary>
    /// An LSTM's c_t and h_t for every unit from the four slots' preactivations (<paramref name="slots"/>, as
    /// <see cref="PreactivationStore"/> lays them out, overwritten) and c_{t-1} in <paramref name="cell"/>. The gates i, f and g
    /// first, then o, whose peephole reads c_t: each stage adds the peephole terms to z (<paramref name="peepholes"/>: p_i, p_f
    /// and p_o, H each, or nothing), normalizes z over the units when the layer has layer normalization (TFLite's layer-norm
    /// LSTM: <paramref name="layerNorm"/> holds γ of i, f, g, o, H each, and <paramref name="layerNormBias"/> the bias added
    /// after it), then clips it and applies the activations.
    /// </summary>
    public void UpdateLstm(Span<float> slots, ReadOnlySpan<float> peepholes, ReadOnlySpan<float> layerNorm, ReadOnlySpan<float> layerNormBias,
        Span<float> hidden, Span<float> cell)
    {
        const int Stride = PreactivationStore.SlotStride;
        int units = hidden.Length;
        if (!peepholes.IsEmpty)
        {
            for (int unit = 0; unit < units; unit++)
            {
                int at = PreactivationStore.Offset(unit);
                slots[at] += peepholes[unit] * cell[unit];
                slots[at + Stride] += peepholes[units + unit] * cell[unit];
            }
        }
        if (!layerNorm.IsEmpty)
        {
            for (int gate = 0; gate < 3; gate++)
            {
                Normalize(slots, gate, units, layerNorm, layerNormBias);
            }
        }
        for (int unit = 0; unit < units; unit++)
        {
            int at = PreactivationStore.Offset(unit);
            float f = Activate(_gate, Clip(slots[at + Stride]));
            float i = CoupledInputForget ? 1f - f : Activate(_gate, Clip(slots[at]));
            float g = Activate(_cell, Clip(slots[at + 2 * Stride]));
            cell[unit] = f * cell[unit] + i * g;
        }
        if (!peepholes.IsEmpty)
        {
            for (int unit = 0; unit < units; unit++)
            {
                slots[PreactivationStore.Offset(unit) + 3 * Stride] += peepholes[2 * units + unit] * cell[unit];
            }
        }
        if (!layerNorm.IsEmpty)
        {
            Normalize(slots, 3, units, layerNorm, layerNormBias);
        }
        for (int unit = 0; unit < units; unit++)
        {
            float o = Activate(_gate, Clip(slots[PreactivationStore.Offset(unit) + 3 * Stride]));
            hidden[unit] = o * Activate(_hidden, cell[unit]);
        }
    }

    /// <summary>
    /// One gate's z over the units, normalized as the generated kernels do (TFLite's MeanStddevNormalization: the mean, the variance
    /// from the deviations, 1 / sqrt(variance + 1e-8), in float), scaled by γ and biased.
    /// </summary>
    private static void Normalize(Span<float> slots, int gate, int units, ReadOnlySpan<float> gamma, ReadOnlySpan<float> bias)
    {
        int first = gate * PreactivationStore.SlotStride;
        float sum = 0;
        for (int unit = 0; unit < units; unit++)
        {
            sum += slots[first + PreactivationStore.Offset(unit)];
        }
        float mean = sum / units;
        float squares = 0;
        for (int unit = 0; unit < units; unit++)
        {
            float deviation = slots[first + PreactivationStore.Offset(unit)] - mean;
            squares += deviation * deviation;
        }
        float inverseStddev = 1f / MathF.Sqrt(squares / units + 1e-8f);
        for (int unit = 0; unit < units; unit++)
        {
            ref float z = ref slots[first + PreactivationStore.Offset(unit)];
            z = (z - mean) * inverseStddev * gamma[gate * units + unit] + bias[gate * units + unit];
        }
    }

    /// <summary>
    /// A GRU's h_t for every unit, over h_{t-1} in <paramref name="hidden"/>, from the slots r, z, n's input part and n's hidden
    /// part (<paramref name="slots"/>); a reset-before GRU takes n's hidden part U_n (r ⊙ h_{t-1}) from <paramref name="resetHidden"/>.
    /// </summary>
    public void UpdateGru(ReadOnlySpan<float> slots, ReadOnlySpan<float> resetHidden, Span<float> hidden)
    {
        const int Stride = PreactivationStore.SlotStride;
        for (int unit = 0; unit < hidden.Length; unit++)
        {
            int at = PreactivationStore.Offset(unit);
            float z = Activate(_gate, Clip(slots[at + Stride]));
            float newInput = ResetBefore
                ? slots[at + 2 * Stride] + resetHidden[at + 3 * Stride]
                : ResetGate(slots, unit) * slots[at + 3 * Stride] + slots[at + 2 * Stride];
            float n = Activate(_cell, Clip(newInput));
            hidden[unit] = z * (hidden[unit] - n) + n;
        }
    }

    /// <summary>A GRU's reset gate r of <paramref name="unit"/> from the slots' preactivations.</summary>
    public float ResetGate(ReadOnlySpan<float> slots, int unit) => Activate(_gate, Clip(slots[PreactivationStore.Offset(unit)]));

    private float Clip(float x) => _clip > 0 ? Math.Clamp(x, -_clip, _clip) : x;

    /// <summary>An activation as the generated scalar code writes it (LstmMath's functions, evaluated in double, and MathF's).</summary>
    private static float Activate((Activation Function, float Alpha, float Beta) activation, float x)
    {
        (Activation function, float alpha, float beta) = activation;
        return function switch
        {
            Activation.Sigmoid => LstmMath.Sigmoid(x),
            Activation.Tanh => LstmMath.Tanh(x),
            Activation.Relu => MathF.Max(x, 0f),
            Activation.HardSigmoid => MathF.Min(MathF.Max(alpha * x + beta, 0f), 1f),
            Activation.LeakyRelu => MathF.Max(x, 0f) + alpha * MathF.Min(x, 0f),
            Activation.ThresholdedRelu => x > alpha ? x : 0f,
            Activation.ScaledTanh => alpha * LstmMath.Tanh(beta * x),
            Activation.Affine => alpha * x + beta,
            Activation.Elu => LstmMath.Elu(x, alpha),
            Activation.Softsign => x / (1f + MathF.Abs(x)),
            Activation.Softplus => LstmMath.Softplus(x),
            _ => throw new InvalidOperationException($"{function} is not a gate activation; LstmDeclaration allows only ONNX's gate activations."),
        };
    }

    private static (Activation, float, float) WithDefaults(Activation function)
    {
        (float alpha, float beta) = ActivationDefaults.Of(function);
        return (function, alpha, beta);
    }

    /// <summary>What of the element-wise math differs from PyTorch's cell, in words; empty when nothing does.</summary>
    private static string Describe(LstmDeclaration declaration)
    {
        bool gru = declaration.Cell == RecurrentCell.Gru;
        var parts = new List<string>();
        if (gru && !declaration.ResetAfter)
        {
            parts.Add("reset before U h");
        }
        if (declaration.ProjectionSize > 0)
        {
            parts.Add($"projection to {declaration.ProjectionSize}");
        }
        if (declaration.LayerNorm)
        {
            parts.Add("layer norm");
        }
        if (declaration.Peepholes)
        {
            parts.Add("peepholes");
        }
        if (declaration.CoupledInputForget)
        {
            parts.Add("CIFG");
        }
        if (declaration.ActivationClip > 0)
        {
            parts.Add("clip " + declaration.ActivationClip.ToString("R", CultureInfo.InvariantCulture));
        }
        if (declaration.GateActivation != Activation.Sigmoid || declaration.CellActivation != Activation.Tanh
            || (!gru && declaration.HiddenActivation != Activation.Tanh))
        {
            parts.Add(gru
                ? $"activations {declaration.GateActivation}, {declaration.CellActivation}"
                : $"activations {declaration.GateActivation}, {declaration.CellActivation}, {declaration.HiddenActivation}");
        }
        return string.Join(", ", parts);
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GenLstm.Contract;

namespace GenLstm.Runtime;

/// <summary>
/// The element-wise part of a step of a layer whose cell is not PyTorch's LSTM or GRU, in the variants a file states (ONNX's
/// activations, clip, input_forget and peepholes; Keras's activations and reset_after; layer normalization; PyTorch's proj_size,
/// applied by the layer after these): the generated kernels' equations
/// (GateMath in the generator), applied to the four slots a tile accumulated, a register of units at a time on the widest of
/// Vector256, Vector128 or scalars (<see cref="IKernelVector{TVector}"/>), as the generated two-pass kernels do. Each activation has
/// ONNX's default α and β, as a declaration that states none; the activation inputs are clipped after the peephole terms are added,
/// as ONNX clips. Immutable; one instance serves every layer and stream of a model.
/// </summary>
internal sealed class CellVariant
{
    private const int Stride = PreactivationStore.SlotStride;

    private readonly float _clip;
    private readonly GateFunction _gate, _cell, _hidden;

    private CellVariant(LstmDeclaration declaration)
    {
        _gate = GateFunction.WithDefaults(declaration.GateActivation);
        _cell = GateFunction.WithDefaults(declaration.CellActivation);
        _hidden = GateFunction.WithDefaults(declaration.HiddenActivation);
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
    /// An LSTM's c_t and h_t from the four slots' preactivations (<paramref name="slots"/>, as <see cref="PreactivationStore"/> lays
    /// them out, overwritten) and c_{t-1} in <paramref name="cell"/>. The gates i, f and g first, then o, whose peephole reads c_t:
    /// each stage adds the peephole terms to z (<paramref name="peepholes"/>: p_i, p_f and p_o, each padded to the blocks, or
    /// nothing), normalizes z over the <paramref name="units"/> when the layer has layer normalization (TFLite's layer-norm LSTM:
    /// <paramref name="layerNorm"/> holds γ of i, f, g, o, H each, and <paramref name="layerNormBias"/> the bias added after it),
    /// then clips it and applies the activations. <paramref name="hidden"/> and <paramref name="cell"/> span every block's units.
    /// </summary>
    public void UpdateLstm(Span<float> slots, ReadOnlySpan<float> peepholes, ReadOnlySpan<float> layerNorm, ReadOnlySpan<float> layerNormBias,
        int units, Span<float> hidden, Span<float> cell)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            UpdateLstm<Vector256Kernel, Vector256<float>>(slots, peepholes, layerNorm, layerNormBias, units, hidden, cell);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            UpdateLstm<Vector128Kernel, Vector128<float>>(slots, peepholes, layerNorm, layerNormBias, units, hidden, cell);
        }
        else
        {
            UpdateLstm<ScalarKernel, float>(slots, peepholes, layerNorm, layerNormBias, units, hidden, cell);
        }
    }

    /// <summary>
    /// A GRU's h_t over h_{t-1} in <paramref name="hidden"/> (every block's units), from the slots r, z, n's input part and n's
    /// hidden part (<paramref name="slots"/>); a reset-before GRU takes n's hidden part U_n (r ⊙ h_{t-1}) from <paramref name="resetHidden"/>.
    /// </summary>
    public void UpdateGru(ReadOnlySpan<float> slots, ReadOnlySpan<float> resetHidden, Span<float> hidden)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            UpdateGru<Vector256Kernel, Vector256<float>>(slots, resetHidden, hidden);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            UpdateGru<Vector128Kernel, Vector128<float>>(slots, resetHidden, hidden);
        }
        else
        {
            UpdateGru<ScalarKernel, float>(slots, resetHidden, hidden);
        }
    }

    /// <summary>A reset-before GRU's first pass: h_{t-1} in <paramref name="recurrent"/> (every block's units) becomes r ⊙ h_{t-1}.</summary>
    public void ApplyResetGate(ReadOnlySpan<float> slots, Span<float> recurrent)
    {
        if (Vector256.IsHardwareAccelerated)
        {
            ApplyResetGate<Vector256Kernel, Vector256<float>>(slots, recurrent);
        }
        else if (Vector128.IsHardwareAccelerated)
        {
            ApplyResetGate<Vector128Kernel, Vector128<float>>(slots, recurrent);
        }
        else
        {
            ApplyResetGate<ScalarKernel, float>(slots, recurrent);
        }
    }

    private void UpdateLstm<TKernel, TVector>(Span<float> slots, ReadOnlySpan<float> peepholes, ReadOnlySpan<float> layerNorm,
        ReadOnlySpan<float> layerNormBias, int units, Span<float> hidden, Span<float> cell)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        ref float z = ref MemoryMarshal.GetReference(slots);
        ref float c = ref MemoryMarshal.GetReference(cell);
        ref float p = ref MemoryMarshal.GetReference(peepholes);
        nuint padded = (nuint)cell.Length, count = (nuint)TKernel.Count;
        if (!peepholes.IsEmpty)
        {
            for (nuint unit = 0; unit < padded; unit += count)
            {
                nuint at = Offset(unit);
                TVector cPrevious = TKernel.Load(ref c, unit);
                TKernel.Store(TKernel.Add(TKernel.Load(ref z, at), TKernel.Multiply(TKernel.Load(ref p, unit), cPrevious)), ref z, at);
                TKernel.Store(TKernel.Add(TKernel.Load(ref z, at + Stride), TKernel.Multiply(TKernel.Load(ref p, padded + unit), cPrevious)), ref z, at + Stride);
            }
        }
        if (!layerNorm.IsEmpty)
        {
            for (int gate = 0; gate < 3; gate++)
            {
                Normalize(slots, gate, units, layerNorm, layerNormBias);
            }
        }
        for (nuint unit = 0; unit < padded; unit += count)
        {
            nuint at = Offset(unit);
            TVector f = Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, at + Stride)));
            TVector i = CoupledInputForget
                ? TKernel.Subtract(TKernel.Broadcast(1f), f)
                : Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, at)));
            TVector g = Activate<TKernel, TVector>(_cell, Clip<TKernel, TVector>(TKernel.Load(ref z, at + 2 * Stride)));
            TKernel.Store(TKernel.Add(TKernel.Multiply(f, TKernel.Load(ref c, unit)), TKernel.Multiply(i, g)), ref c, unit);
        }
        if (!peepholes.IsEmpty)
        {
            for (nuint unit = 0; unit < padded; unit += count)
            {
                nuint at = Offset(unit) + 3 * Stride;
                TKernel.Store(TKernel.Add(TKernel.Load(ref z, at), TKernel.Multiply(TKernel.Load(ref p, 2 * padded + unit), TKernel.Load(ref c, unit))), ref z, at);
            }
        }
        if (!layerNorm.IsEmpty)
        {
            Normalize(slots, 3, units, layerNorm, layerNormBias);
        }
        ref float h = ref MemoryMarshal.GetReference(hidden);
        for (nuint unit = 0; unit < padded; unit += count)
        {
            TVector o = Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, Offset(unit) + 3 * Stride)));
            TKernel.Store(TKernel.Multiply(o, Activate<TKernel, TVector>(_hidden, TKernel.Load(ref c, unit))), ref h, unit);
        }
    }

    private void UpdateGru<TKernel, TVector>(ReadOnlySpan<float> slots, ReadOnlySpan<float> resetHidden, Span<float> hidden)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        ref float z = ref MemoryMarshal.GetReference(slots);
        ref float recurrent = ref MemoryMarshal.GetReference(resetHidden);
        ref float h = ref MemoryMarshal.GetReference(hidden);
        for (nuint unit = 0; unit < (nuint)hidden.Length; unit += (nuint)TKernel.Count)
        {
            nuint at = Offset(unit);
            TVector update = Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, at + Stride)));
            TVector newInput = ResetBefore
                ? TKernel.Add(TKernel.Load(ref z, at + 2 * Stride), TKernel.Load(ref recurrent, at + 3 * Stride))
                : TKernel.MultiplyAdd(Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, at))), TKernel.Load(ref z, at + 3 * Stride),
                    TKernel.Load(ref z, at + 2 * Stride));
            TVector n = Activate<TKernel, TVector>(_cell, Clip<TKernel, TVector>(newInput));
            TKernel.Store(TKernel.MultiplyAdd(update, TKernel.Subtract(TKernel.Load(ref h, unit), n), n), ref h, unit);
        }
    }

    private void ApplyResetGate<TKernel, TVector>(ReadOnlySpan<float> slots, Span<float> recurrent)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        ref float z = ref MemoryMarshal.GetReference(slots);
        ref float columns = ref MemoryMarshal.GetReference(recurrent);
        for (nuint unit = 0; unit < (nuint)recurrent.Length; unit += (nuint)TKernel.Count)
        {
            TVector reset = Activate<TKernel, TVector>(_gate, Clip<TKernel, TVector>(TKernel.Load(ref z, Offset(unit))));
            TKernel.Store(TKernel.Multiply(reset, TKernel.Load(ref columns, unit)), ref columns, unit);
        }
    }

    /// <summary>Where slot 0 of the register of units at <paramref name="unit"/> is (<see cref="PreactivationStore.Offset"/>).</summary>
    private static nuint Offset(nuint unit) => (nuint)PreactivationStore.Offset((int)unit);

    /// <summary>
    /// One gate's z over the units, normalized as the generated kernels do (TFLite's MeanStddevNormalization: the mean, the variance
    /// from the deviations, 1 / sqrt(variance + 1e-8), in float), scaled by γ and biased.
    /// </summary>
    private static void Normalize(Span<float> slots, int gate, int units, ReadOnlySpan<float> gamma, ReadOnlySpan<float> bias)
    {
        int first = gate * Stride;
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

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private TVector Clip<TKernel, TVector>(TVector x)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
        => _clip > 0 ? TKernel.Min(TKernel.Max(x, TKernel.Broadcast(-_clip)), TKernel.Broadcast(_clip)) : x;

    /// <summary>An activation as the generated code writes it for this register width (LstmMath's functions and the vector type's).</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Activate<TKernel, TVector>(GateFunction activation, TVector x)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        TVector alpha = TKernel.Broadcast(activation.Alpha), beta = TKernel.Broadcast(activation.Beta), zero = TKernel.Broadcast(0f);
        return activation.Function switch
        {
            Activation.Sigmoid => TKernel.Sigmoid(x),
            Activation.Tanh => TKernel.Tanh(x),
            Activation.Relu => TKernel.Max(x, zero),
            Activation.HardSigmoid => TKernel.Min(TKernel.Max(TKernel.Add(TKernel.Multiply(alpha, x), beta), zero), TKernel.Broadcast(1f)),
            Activation.LeakyRelu => TKernel.Add(TKernel.Max(x, zero), TKernel.Multiply(alpha, TKernel.Min(x, zero))),
            Activation.ThresholdedRelu => TKernel.AboveOrZero(x, alpha),
            Activation.ScaledTanh => TKernel.Multiply(alpha, TKernel.Tanh(TKernel.Multiply(beta, x))),
            Activation.Affine => TKernel.Add(TKernel.Multiply(alpha, x), beta),
            Activation.Elu => TKernel.Elu(x, activation.Alpha),
            Activation.Softsign => TKernel.Divide(x, TKernel.Add(TKernel.Broadcast(1f), TKernel.Abs(x))),
            Activation.Softplus => TKernel.Softplus(x),
            _ => throw new InvalidOperationException($"{activation.Function} is not a gate activation; LstmDeclaration allows only ONNX's gate activations."),
        };
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

    /// <summary>An activation with its α and β.</summary>
    private readonly record struct GateFunction(Activation Function, float Alpha, float Beta)
    {
        /// <summary>The activation with ONNX's default α and β, as a declaration that states none runs it.</summary>
        public static GateFunction WithDefaults(Activation function)
        {
            (float alpha, float beta) = ActivationDefaults.Of(function);
            return new GateFunction(function, alpha, beta);
        }
    }
}

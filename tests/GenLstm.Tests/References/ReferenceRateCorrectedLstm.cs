using System;
using System.Collections.Generic;

namespace GenLstm.Tests;

/// <summary>RTNeural's <c>SampleRateCorrectionMode</c> (common.h): None, NoInterp, LinInterp. Public only so xunit theories can take it.</summary>
public enum ReferenceRateCorrectionMode
{
    /// <summary>No correction: the plain LSTM.</summary>
    None,

    /// <summary>RTNeural's NoInterp: an integer delay D = round(ratio) (half away from zero, as std::round).</summary>
    NoInterpolation,

    /// <summary>RTNeural's LinInterp: a real delay d = ratio, read by linear interpolation between two slots.</summary>
    LinearInterpolation,
}

/// <summary>
/// An independent float64 LSTM stack with RTNeural's sample-rate correction, written from the PyTorch LSTM equations
/// (gates i, f, g, o; c' = f c + i g; h' = o tanh(c')) and from RTNeural's <c>LSTMLayerT</c> (lstm_eigen.h/.tpp:
/// <c>prepare</c>, <c>computeOutputs</c>, <c>processDelay</c>) — not from GenLstm's code. Each layer keeps two delay
/// lines (c and h) in RTNeural's shifting-buffer form: the new c_t, h_t are written at slot <c>delayWriteIdx</c>; the
/// layer's recurrent c and h for the next step, and its output to the next layer or the head, are read from slot 0
/// (NoInterp) or <c>delayPlus1Mult·slot[0] + delayMult·slot[1]</c> (LinInterp); then slots 0 … delayWriteIdx−1 take
/// the value of the slot above. After the last layer comes an optional dense head (y = W h + b) and then the input
/// skip (y[j] += x[j] for j &lt; inputSkip). With an initial state, the recurrent h, c and every delay slot start at it;
/// without, at zero (RTNeural's reset). Exact Math.Tanh and Math.Exp, all arithmetic in double.
/// </summary>
internal sealed class ReferenceRateCorrectedLstm
{
    /// <summary>
    /// One layer's PyTorch tensors: weight_ih [4H, I], weight_hh [4H, H], bias_ih [4H], bias_hh [4H] (gate order i, f, g,
    /// o), and an optional initial state h0 [H], c0 [H] (each null means zero).
    /// </summary>
    public sealed record Layer(float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh,
        float[]? InitialH = null, float[]? InitialC = null);

    private readonly int _inputSize;
    private readonly Layer[] _layers;
    private readonly int[] _hiddenSizes;
    private readonly float[]? _headWeight;
    private readonly float[]? _headBias;
    private readonly int _inputSkip;
    private readonly ReferenceRateCorrectionMode _mode;

    // RTNeural's prepare(): delayWriteIdx, delayMult, delayPlus1Mult (slots = delayWriteIdx + 1).
    private readonly int _delayWriteIdx;
    private readonly double _delayMult = 1;
    private readonly double _delayPlus1Mult;

    /// <param name="inputSize">I, the first layer's input width.</param>
    /// <param name="layers">The stack, first layer first; layer l's input width is layer l−1's H.</param>
    /// <param name="headWeight">The dense head's weight [out, H_last], or null for no head (the output is h).</param>
    /// <param name="headBias">The dense head's bias [out] (required with <paramref name="headWeight"/>).</param>
    /// <param name="inputSkip">How many leading inputs are added to the same-index outputs after the head.</param>
    /// <param name="ratio">The delay in samples (host rate / model rate), ≥ 1.</param>
    /// <param name="mode">Which of RTNeural's correction modes.</param>
    public ReferenceRateCorrectedLstm(int inputSize, IReadOnlyList<Layer> layers, float[]? headWeight, float[]? headBias,
        int inputSkip, double ratio, ReferenceRateCorrectionMode mode)
    {
        if (layers.Count == 0) throw new ArgumentException("At least one layer.", nameof(layers));
        _inputSize = inputSize;
        _layers = [.. layers];
        _hiddenSizes = new int[_layers.Length];
        int width = inputSize;
        for (int l = 0; l < _layers.Length; l++)
        {
            Layer layer = _layers[l];
            int h = layer.BiasIh.Length / 4;
            if (layer.BiasIh.Length != 4 * h || layer.BiasHh.Length != 4 * h || layer.WeightIh.Length != 4 * h * width
                || layer.WeightHh.Length != 4 * h * h || layer.InitialH is { Length: var ih } && ih != h
                || layer.InitialC is { Length: var ic } && ic != h)
            {
                throw new ArgumentException($"Layer {l}: inconsistent shapes (H {h}, input {width}).", nameof(layers));
            }
            _hiddenSizes[l] = h;
            width = h;
        }
        if ((headWeight is null) != (headBias is null)) throw new ArgumentException("Head weight and bias go together.", nameof(headBias));
        if (headWeight is not null && headWeight.Length != headBias!.Length * width) throw new ArgumentException("Head weight is not [out, H].", nameof(headWeight));
        _headWeight = headWeight;
        _headBias = headBias;
        OutputSize = headBias?.Length ?? width;
        if (inputSkip < 0 || inputSkip > Math.Min(inputSize, OutputSize)) throw new ArgumentOutOfRangeException(nameof(inputSkip));
        _inputSkip = inputSkip;
        _mode = mode;

        switch (mode)
        {
            case ReferenceRateCorrectionMode.None:
                break;
            case ReferenceRateCorrectionMode.NoInterpolation:
            {
                // prepare(int delaySamples): delayWriteIdx = delaySamples - 1.
                int delaySamples = (int)Math.Round(ratio, MidpointRounding.AwayFromZero);
                if (delaySamples < 1) throw new ArgumentOutOfRangeException(nameof(ratio), "The delay must round to at least 1.");
                _delayWriteIdx = delaySamples - 1;
                break;
            }
            case ReferenceRateCorrectionMode.LinearInterpolation:
            {
                // prepare(T delaySamples); below 1 RTNeural would read past its buffer (slot 1 of 1).
                if (!(ratio >= 1) || double.IsInfinity(ratio)) throw new ArgumentOutOfRangeException(nameof(ratio), "The delay must be at least 1.");
                double delayOffFactor = ratio - Math.Floor(ratio);
                _delayMult = 1 - delayOffFactor;
                _delayPlus1Mult = delayOffFactor;
                _delayWriteIdx = (int)Math.Ceiling(ratio) - (int)Math.Ceiling(delayOffFactor);
                break;
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(mode));
        }
    }

    /// <summary>The width of one output step: the head's out, or the last layer's H.</summary>
    public int OutputSize { get; }

    /// <summary>Number of slots in each delay line (delayWriteIdx + 1), or 0 without correction.</summary>
    public int DelaySlots => _mode == ReferenceRateCorrectionMode.None ? 0 : _delayWriteIdx + 1;

    /// <summary>Runs <paramref name="steps"/> steps of <c>inputs</c> ([T, I] row-major) from the initial state; returns [T, out] row-major.</summary>
    public double[] Run(float[] inputs, int steps)
    {
        if (inputs.Length < steps * _inputSize) throw new ArgumentException("Too few inputs.", nameof(inputs));
        int layerCount = _layers.Length;
        var h = new double[layerCount][];
        var c = new double[layerCount][];
        var hDelayed = new double[layerCount][][];
        var cDelayed = new double[layerCount][][];
        for (int l = 0; l < layerCount; l++)
        {
            int size = _hiddenSizes[l];
            h[l] = Start(_layers[l].InitialH, size);
            c[l] = Start(_layers[l].InitialC, size);
            hDelayed[l] = new double[DelaySlots][];
            cDelayed[l] = new double[DelaySlots][];
            for (int s = 0; s < DelaySlots; s++)
            {
                hDelayed[l][s] = Start(_layers[l].InitialH, size);
                cDelayed[l][s] = Start(_layers[l].InitialC, size);
            }
        }

        var outputs = new double[steps * OutputSize];
        var x = new double[_inputSize];
        for (int t = 0; t < steps; t++)
        {
            for (int k = 0; k < _inputSize; k++) x[k] = inputs[t * _inputSize + k];

            double[] layerInput = x;
            for (int l = 0; l < layerCount; l++)
            {
                (double[] cNew, double[] hNew) = Cell(_layers[l], _hiddenSizes[l], layerInput, h[l], c[l]);
                if (_mode == ReferenceRateCorrectionMode.None)
                {
                    c[l] = cNew;
                    h[l] = hNew;
                }
                else
                {
                    // computeOutputs(): write at delayWriteIdx, then processDelay(ct_delayed, cVec), processDelay(outs_delayed, outs).
                    Array.Copy(cNew, cDelayed[l][_delayWriteIdx], cNew.Length);
                    Array.Copy(hNew, hDelayed[l][_delayWriteIdx], hNew.Length);
                    c[l] = ProcessDelay(cDelayed[l]);
                    h[l] = ProcessDelay(hDelayed[l]);
                }
                layerInput = h[l];
            }

            for (int o = 0; o < OutputSize; o++)
            {
                double y = layerInput[o];
                if (_headWeight is not null)
                {
                    int width = layerInput.Length;
                    y = _headBias![o];
                    for (int k = 0; k < width; k++) y += (double)_headWeight[o * width + k] * layerInput[k];
                }
                if (o < _inputSkip) y += x[o];
                outputs[t * OutputSize + o] = y;
            }
        }
        return outputs;
    }

    /// <summary>RTNeural's processDelay: read the output (slot 0, or interpolated), then shift slots down by one (copying values).</summary>
    private double[] ProcessDelay(double[][] delay)
    {
        int size = delay[0].Length;
        var output = new double[size];
        for (int u = 0; u < size; u++)
        {
            output[u] = _mode == ReferenceRateCorrectionMode.NoInterpolation
                ? delay[0][u]
                : _delayPlus1Mult * delay[0][u] + _delayMult * delay[1][u];
        }
        for (int j = 0; j < _delayWriteIdx; j++) Array.Copy(delay[j + 1], delay[j], size);
        return output;
    }

    /// <summary>One PyTorch LSTM step: z = W_ih x + b_ih + W_hh h + b_hh; gates i, f, g, o; returns (c', h').</summary>
    private static (double[] C, double[] H) Cell(Layer layer, int hiddenSize, double[] x, double[] h, double[] c)
    {
        int inputSize = x.Length;
        var z = new double[4 * hiddenSize];
        for (int row = 0; row < 4 * hiddenSize; row++)
        {
            double sum = (double)layer.BiasIh[row] + layer.BiasHh[row];
            for (int k = 0; k < inputSize; k++) sum += (double)layer.WeightIh[row * inputSize + k] * x[k];
            for (int k = 0; k < hiddenSize; k++) sum += (double)layer.WeightHh[row * hiddenSize + k] * h[k];
            z[row] = sum;
        }
        var cNew = new double[hiddenSize];
        var hNew = new double[hiddenSize];
        for (int u = 0; u < hiddenSize; u++)
        {
            double i = Sigmoid(z[u]);
            double f = Sigmoid(z[hiddenSize + u]);
            double g = Math.Tanh(z[2 * hiddenSize + u]);
            double o = Sigmoid(z[3 * hiddenSize + u]);
            cNew[u] = f * c[u] + i * g;
            hNew[u] = o * Math.Tanh(cNew[u]);
        }
        return (cNew, hNew);
    }

    private static double[] Start(float[]? initial, int size) =>
        initial is null ? new double[size] : Array.ConvertAll(initial, v => (double)v);

    private static double Sigmoid(double x) => 1.0 / (1.0 + Math.Exp(-x));
}

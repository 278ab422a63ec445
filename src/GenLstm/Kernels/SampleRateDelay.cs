using System;
using System.Numerics;

namespace GenLstm;

/// <summary>
/// The recurrent delay of one stream of a model declared with <see cref="LstmAttribute.MaxSampleRateRatio"/>: RTNeural's
/// sample-rate correction. A model trained at rate R and run at rate r = d × R (d ≥ 1) reads each layer's h and c from d steps
/// back instead of 1, so its time constants stay those it learned. Generated <c>State</c> structs hold one, set by their
/// <c>SetSampleRateRatio</c>; <c>default</c> is ratio 1, no correction.
/// </summary>
/// <remarks>
/// With the ratio d, after each step writes h_t and c_t of a layer into that layer's history, the layer's state becomes
/// <list type="bullet">
/// <item><see cref="SampleRateCorrectionMode.NoInterpolation"/>: the values of step t − D + 1, D = d rounded;</item>
/// <item><see cref="SampleRateCorrectionMode.LinearInterpolation"/>: w · s_{t−⌊d⌋} + (1 − w) · s_{t−⌊d⌋+1}, w = d − ⌊d⌋ (in float, as RTNeural);</item>
/// </list>
/// which is both the layer's output and what the next step reads as h_{t−1}, c_{t−1}: read at step t + 1, it is d steps back.
/// </remarks>
public struct SampleRateDelay
{
    private int _position;
    private int _newerBack;
    private float _olderWeight;
    private float _newerWeight;
    private double _ratio;
    private SampleRateCorrectionMode _mode;

    /// <summary>The host-to-model rate ratio the stream runs at: 1 until it is set.</summary>
    public readonly double Ratio => _ratio == 0 ? 1 : _ratio;

    /// <summary>How the ratio becomes a delay.</summary>
    public readonly SampleRateCorrectionMode Mode => _mode;

    /// <summary>Whether the state is delayed at all: false at ratio 1 (or a ratio that rounds to 1), where streams run the plain kernels.</summary>
    public readonly bool IsActive => _newerBack > 0 || _olderWeight != 0;

    /// <summary>The delay of a ratio, checked against the largest ratio the model declares.</summary>
    /// <param name="ratio">Host rate over the model's rate, from 1 to <paramref name="maxRatio"/>.</param>
    /// <param name="mode">How the ratio becomes a delay.</param>
    /// <param name="maxRatio">The model's <see cref="LstmAttribute.MaxSampleRateRatio"/>.</param>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is below 1, above <paramref name="maxRatio"/> or not finite, or the mode is not defined.</exception>
    public static SampleRateDelay Create(double ratio, SampleRateCorrectionMode mode, int maxRatio)
    {
        if (!(ratio >= 1 && ratio <= maxRatio))
        {
            throw new ArgumentOutOfRangeException(nameof(ratio), ratio, ratio < 1
                ? $"The ratio (host rate / model rate) must be at least 1: a host slower than the model's rate needs its audio resampled to the model's rate; the correction only delays the recurrence."
                : $"The ratio (host rate / model rate) must be from 1 to {maxRatio}, the model's MaxSampleRateRatio; declare a larger MaxSampleRateRatio on [Lstm] for it.");
        }
        var delay = new SampleRateDelay { _ratio = ratio, _mode = mode };
        switch (mode)
        {
            case SampleRateCorrectionMode.None:
                break;
            case SampleRateCorrectionMode.NoInterpolation:
                delay._newerBack = (int)Math.Round(ratio, MidpointRounding.AwayFromZero) - 1;
                break;
            case SampleRateCorrectionMode.LinearInterpolation:
                // RTNeural's prepare(T): the fraction in the model's float type, its complement 1 - fraction.
                float fraction = (float)ratio - MathF.Floor((float)ratio);
                delay._newerBack = (int)Math.Floor(ratio) - 1;
                delay._olderWeight = fraction;
                delay._newerWeight = 1 - fraction;
                break;
            default:
                throw new ArgumentOutOfRangeException(nameof(mode), mode, "Not a SampleRateCorrectionMode.");
        }
        return delay;
    }

    /// <summary>Fills a layer's history with its current state, as if the stream had held it forever; the next step writes slot 0.</summary>
    /// <param name="history">The layer's history: <paramref name="slots"/> × (h's length + c's length) values.</param>
    /// <param name="slots">The history's slots (the model's MaxSampleRateRatio + 1).</param>
    /// <param name="hidden">The layer's h.</param>
    /// <param name="cell">The layer's c.</param>
    public void Fill(Span<float> history, int slots, ReadOnlySpan<float> hidden, ReadOnlySpan<float> cell)
    {
        int stride = hidden.Length + cell.Length;
        for (int slot = 0; slot < slots; slot++)
        {
            hidden.CopyTo(history.Slice(slot * stride));
            cell.CopyTo(history.Slice(slot * stride + hidden.Length));
        }
        _position = 0;
    }

    /// <summary>
    /// After a layer's step: records its h_t and c_t in the history and replaces them with the delayed state (see the remarks).
    /// </summary>
    /// <param name="history">The layer's history: <paramref name="slots"/> × (h's length + c's length) values.</param>
    /// <param name="slots">The history's slots (the model's MaxSampleRateRatio + 1).</param>
    /// <param name="hidden">The layer's h: h_t on entry, the delayed h on return.</param>
    /// <param name="cell">The layer's c: c_t on entry, the delayed c on return.</param>
    public readonly void Apply(Span<float> history, int slots, Span<float> hidden, Span<float> cell)
    {
        int stride = hidden.Length + cell.Length;
        Span<float> current = history.Slice(_position * stride, stride);
        hidden.CopyTo(current);
        cell.CopyTo(current.Slice(hidden.Length));

        int newerSlot = (_position - _newerBack + slots) % slots;
        ReadOnlySpan<float> newer = history.Slice(newerSlot * stride, stride);
        if (_olderWeight == 0)
        {
            newer.Slice(0, hidden.Length).CopyTo(hidden);
            newer.Slice(hidden.Length).CopyTo(cell);
            return;
        }
        ReadOnlySpan<float> older = history.Slice((newerSlot - 1 + slots) % slots * stride, stride);
        Interpolate(older.Slice(0, hidden.Length), newer.Slice(0, hidden.Length), hidden);
        Interpolate(older.Slice(hidden.Length), newer.Slice(hidden.Length), cell);
    }

    /// <summary>
    /// destination = w · older + (1 − w) · newer, element by element: two products and a sum in float, as RTNeural computes
    /// it, on whole vectors then the rest one by one (the same operations, so the same bits on every path).
    /// </summary>
    private readonly void Interpolate(ReadOnlySpan<float> older, ReadOnlySpan<float> newer, Span<float> destination)
    {
        int k = 0;
        if (Vector.IsHardwareAccelerated)
        {
            var olderWeight = new Vector<float>(_olderWeight);
            var newerWeight = new Vector<float>(_newerWeight);
            for (; k <= destination.Length - Vector<float>.Count; k += Vector<float>.Count)
            {
                (olderWeight * new Vector<float>(older.Slice(k)) + newerWeight * new Vector<float>(newer.Slice(k))).CopyTo(destination.Slice(k));
            }
        }
        for (; k < destination.Length; k++)
        {
            destination[k] = _olderWeight * older[k] + _newerWeight * newer[k];
        }
    }

    /// <summary>After every layer's <see cref="Apply"/> of a step: the next step writes the next slot.</summary>
    /// <param name="slots">The history's slots.</param>
    public void Advance(int slots) => _position = _position + 1 == slots ? 0 : _position + 1;
}

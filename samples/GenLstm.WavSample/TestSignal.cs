using System;

namespace GenLstm.WavSample;

/// <summary>
/// A deterministic test signal that sounds like a guitar: plucked notes, each a series of harmonics that die away, the
/// higher ones faster. The same arguments always give the same samples, so CI needs no input file.
/// </summary>
internal static class TestSignal
{
    private static readonly double[] Notes = [82.41, 110.00, 146.83, 196.00, 246.94, 329.63, 196.00, 110.00]; // E2 … E4 and back (Hz)
    private const double NoteSeconds = 0.35;  // time between plucks
    private const double RingSeconds = 2.0;   // how long a note sounds (its fundamental is then down by 52 dB)
    private const double AttackSeconds = 0.002;
    private const double HighestHarmonicHz = 10000;
    private const float Peak = 0.8f;

    /// <summary>The signal, <paramref name="seconds"/> long at <paramref name="sampleRate"/> Hz, peak 0.8.</summary>
    public static float[] Generate(double seconds, int sampleRate)
    {
        double[] signal = new double[(int)Math.Round(seconds * sampleRate)];
        int noteLength = (int)Math.Round(NoteSeconds * sampleRate);
        for (int note = 0; note * noteLength < signal.Length; note++)
        {
            AddPluck(signal, note * noteLength, Notes[note % Notes.Length], sampleRate);
        }

        double peak = 0;
        foreach (double x in signal) peak = Math.Max(peak, Math.Abs(x));
        return Array.ConvertAll(signal, x => (float)(x * Peak / Math.Max(peak, double.Epsilon)));
    }

    // One pluck from sample `onset` on: harmonic k at amplitude 1/k, decaying at 3 + 1.5k per second, a 2 ms attack.
    private static void AddPluck(double[] signal, int onset, double fundamental, int sampleRate)
    {
        int length = Math.Min(signal.Length - onset, (int)(RingSeconds * sampleRate));
        double attack = AttackSeconds * sampleRate;
        for (int k = 1; k * fundamental < Math.Min(HighestHarmonicHz, sampleRate / 2.0); k++)
        {
            double omega = 2 * Math.PI * k * fundamental / sampleRate;
            double decay = (3.0 + 1.5 * k) / sampleRate;
            for (int n = 0; n < length; n++)
            {
                signal[onset + n] += Math.Sin(omega * n) * Math.Exp(-decay * n) * Math.Min(1.0, n / attack) / k;
            }
        }
    }
}

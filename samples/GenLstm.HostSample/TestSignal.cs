using System;

namespace GenLstm.HostSample;

/// <summary>
/// A deterministic guitar-like test signal: a plucked string every half second (Karplus–Strong: a burst of noise in a
/// delay line one period long, averaged and damped on every pass), E2, A2, D3, G3 and round again, peak 0.5.
/// </summary>
internal static class TestSignal
{
    private static readonly double[] Notes = [82.41, 110.00, 146.83, 196.00];
    private const double NoteSeconds = 0.5;
    private const double Damping = 0.996; // per pass through the delay line
    private const double Peak = 0.5;

    public static float[] Pluck(double seconds, int sampleRate)
    {
        double[] signal = new double[(int)Math.Round(seconds * sampleRate)];
        int noteLength = (int)Math.Round(NoteSeconds * sampleRate);
        uint seed = 12345;
        for (int note = 0; note * noteLength < signal.Length; note++)
        {
            int onset = note * noteLength;
            double[] line = new double[Math.Max(2, (int)Math.Round(sampleRate / Notes[note % Notes.Length]))];
            for (int i = 0; i < line.Length; i++)
            {
                seed = seed * 1664525 + 1013904223;              // a fixed LCG: the same signal on every machine
                line[i] = (seed >> 8) / (double)(1 << 24) * 2 - 1;
            }
            for (int n = 0; onset + n < signal.Length; n++)
            {
                int i = n % line.Length;
                double y = line[i];
                signal[onset + n] += y;
                line[i] = Damping * 0.5 * (y + line[(i + 1) % line.Length]);
            }
        }

        double peak = 0;
        foreach (double x in signal) peak = Math.Max(peak, Math.Abs(x));
        return Array.ConvertAll(signal, x => (float)(x * Peak / Math.Max(peak, double.Epsilon)));
    }
}

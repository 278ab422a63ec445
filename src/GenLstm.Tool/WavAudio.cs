using System;
using System.IO;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

namespace GenLstm.Tool;

/// <summary>
/// One channel of audio as float samples, read from and written to WAV files with NAudio, and resampled with NAudio's WDL
/// resampler (as the WAV sample does).
/// </summary>
/// <param name="Samples">The samples, in -1..1 for PCM files.</param>
/// <param name="Rate">The sample rate in Hz.</param>
/// <param name="Channels">How many channels the file has; <see cref="Samples"/> holds the first.</param>
internal sealed record WavAudio(float[] Samples, int Rate, int Channels)
{
    /// <summary>The length in seconds.</summary>
    public double Seconds => (double)Samples.Length / Rate;

    /// <summary>Reads the first channel of a WAV file of PCM or IEEE-float samples.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="FormatException">The file is not a WAV file NAudio reads, its samples are of another encoding, or it holds none.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static WavAudio Read(string path)
    {
        WavAudio audio;
        try
        {
            using var reader = new WaveFileReader(path);
            ISampleProvider source = reader.ToSampleProvider();
            if (reader.WaveFormat.Channels > 1)
            {
                source = new MultiplexingSampleProvider([source], 1);   // output 0 = input channel 0
            }
            var samples = new float[reader.SampleCount];
            int read = Fill(samples, source);
            audio = new WavAudio(read == samples.Length ? samples : samples[..read], reader.WaveFormat.SampleRate, reader.WaveFormat.Channels);
        }
        catch (Exception e) when (e is FormatException or ArgumentException)
        {
            throw new FormatException($"{path}: not a WAV file of PCM or IEEE-float samples: {e.Message}", e);
        }
        return audio.Samples.Length > 0 ? audio : throw new FormatException($"{path}: the WAV file holds no samples.");
    }

    /// <summary>Writes the samples as a mono WAV file of 32-bit IEEE floats, which keeps them exactly.</summary>
    /// <param name="path">The file, replaced if it exists.</param>
    public void Write(string path)
    {
        using var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(Rate, 1));
        writer.WriteSamples(Samples, 0, Samples.Length);
    }

    /// <summary>The audio at another rate (WDL resampler), cut or padded with zeros to <paramref name="length"/> samples.</summary>
    /// <param name="rate">The new rate in Hz.</param>
    /// <param name="length">The length wanted; by default the same duration at the new rate.</param>
    public WavAudio Resample(int rate, int? length = null)
    {
        var resampler = new WdlResamplingSampleProvider(new ArraySampleProvider(Samples, Rate), rate);
        var samples = new float[length ?? (int)Math.Round(Seconds * rate)];
        Fill(samples, resampler);
        return this with { Samples = samples, Rate = rate };
    }

    /// <summary>Reads <paramref name="source"/> into <paramref name="buffer"/> until it is full or the source ends; the count read.</summary>
    private static int Fill(float[] buffer, ISampleProvider source)
    {
        int filled = 0, read;
        while (filled < buffer.Length && (read = source.Read(buffer.AsSpan(filled))) > 0)
        {
            filled += read;
        }
        return filled;
    }

    /// <summary>An array of mono samples as an NAudio source, for the resampler.</summary>
    private sealed class ArraySampleProvider(float[] samples, int rate) : ISampleProvider
    {
        private int _position;

        public WaveFormat WaveFormat { get; } = WaveFormat.CreateIeeeFloatWaveFormat(rate, 1);

        public int Read(Span<float> buffer)
        {
            int count = Math.Min(buffer.Length, samples.Length - _position);
            samples.AsSpan(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }
    }
}

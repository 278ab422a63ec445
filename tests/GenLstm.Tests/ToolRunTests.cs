using System;
using System.CommandLine;
using System.CommandLine.Help;
using System.IO;
using System.Linq;
using GenLstm.Tool;
using NAudio.Wave;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// <c>genlstm run</c> on the WAV sample's amp model (LSTM(1, 40) with a head, trained at 48 kHz) and on WAV files written here:
/// its output, read back, is a direct <see cref="RecurrentModel"/> run of the same samples, bit for bit.
/// </summary>
public sealed class ToolRunTests : IDisposable
{
    /// <summary>samples/GenLstm.WavSample/amp_model.nam, found from the test's output folder up to the repository's root.</summary>
    private static readonly string AmpModel = Path.Combine(RepositoryRoot(), "samples", "GenLstm.WavSample", "amp_model.nam");

    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-run-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? folder = new(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            if (File.Exists(Path.Combine(folder.FullName, "GenLstm.sln")))
            {
                return folder.FullName;
            }
        }
        throw new DirectoryNotFoundException($"No folder above {AppContext.BaseDirectory} holds GenLstm.sln.");
    }

    private static string GoldenPath(string name) => Path.Combine(AppContext.BaseDirectory, "Golden", name);

    [Fact]
    public void At_the_models_rate_the_output_is_a_direct_run_bit_for_bit()
    {
        string input = WriteSine("in48.wav", 48000, WaveFormat.CreateIeeeFloatWaveFormat(48000, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input);

        Assert.True(exit == 0, error);
        AssertWritten(written, 48000, Direct(ReadWav(input).Samples));
        Assert.Contains("no correction needed", output);
        Assert.Contains($"kernel      {RecurrentModel.Load(AmpModel).KernelDescription}", output);
        Assert.Contains("generic kernel:", output);
        Assert.Contains("48000 samples (1 s of audio)", output);
        Assert.Contains("x real time", output);
        Assert.Equal("", error);   // one second: no progress bar
    }

    [Fact]
    public void Above_the_models_rate_it_runs_the_sample_rate_correction()
    {
        string input = WriteSine("in96.wav", 96000, new WaveFormat(96000, 16, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input);

        Assert.True(exit == 0, error);
        AssertWritten(written, 96000, Direct(ReadWav(input).Samples, stream => stream.SetSampleRateRatio(2)));
        Assert.Contains("sample-rate correction at ratio 2", output);
    }

    [Fact]
    public void No_correction_runs_at_ratio_1_whatever_the_rates()
    {
        string input = WriteSine("in96.wav", 96000, new WaveFormat(96000, 16, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input, "--no-correction");

        Assert.True(exit == 0, error);
        AssertWritten(written, 96000, Direct(ReadWav(input).Samples));
        Assert.Contains("--no-correction", output);
    }

    [Fact]
    public void Model_rate_overrides_the_files_rate()
    {
        string input = WriteSine("in96.wav", 96000, new WaveFormat(96000, 16, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input, "--model-rate", "24000");

        Assert.True(exit == 0, error);
        AssertWritten(written, 96000, Direct(ReadWav(input).Samples, stream => stream.SetSampleRateRatio(4)));
        Assert.Contains("ratio 4", output);
        Assert.Contains("(--model-rate)", output);
    }

    [Fact]
    public void Preroll_runs_silence_first()
    {
        string input = WriteSine("in48.wav", 48000, new WaveFormat(48000, 24, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input, "--preroll", "1000");

        Assert.True(exit == 0, error);
        AssertWritten(written, 48000, Direct([.. new float[1000], .. ReadWav(input).Samples])[1000..]);
        Assert.Contains("preroll     1000 samples of silence", output);
    }

    /// <summary>Below the model's rate the audio is resampled up to it and the output back: same rate and length as the input.</summary>
    [Fact]
    public void Below_the_models_rate_the_audio_is_resampled_and_the_output_keeps_the_inputs_rate_and_length()
    {
        string input = WriteSine("in44.wav", 44100, new WaveFormat(44100, 16, 1));
        (int exit, string output, string error, string written) = Run(AmpModel, input);

        Assert.True(exit == 0, error);
        (float[] samples, int rate, int channels) = ReadWav(written);
        Assert.Equal((44100, 1, 44100), (rate, channels, samples.Length));
        Assert.All(samples, sample => Assert.True(float.IsFinite(sample)));
        Assert.Contains(samples, sample => sample != 0);
        Assert.Contains("resampled to 48000 Hz for the model and back", output);
        Assert.Contains("48000 samples (1 s of audio)", output);
    }

    [Fact]
    public void Of_several_channels_the_first_one_is_run()
    {
        string input = WriteSine("stereo.wav", 48000, new WaveFormat(48000, 16, 2));
        (int exit, string output, string error, string written) = Run(AmpModel, input);

        Assert.True(exit == 0, error);
        float[] first = [.. ReadWav(input).Samples.Where((_, i) => i % 2 == 0)];
        AssertWritten(written, 48000, Direct(first));
        Assert.Contains("2 channels: the first one is run", output);
    }

    [Fact]
    public void A_long_input_draws_a_progress_bar_on_standard_error()
    {
        string input = WriteSine("long.wav", 8000, new WaveFormat(8000, 16, 1), seconds: 6);
        (int exit, _, string error, _) = Run(AmpModel, input, "--no-correction");

        Assert.Equal(0, exit);
        Assert.Contains("\r[####################] 100%", error);
        Assert.Contains("\r[##########..........] 50%", error);
    }

    [Fact]
    public void Failures_have_their_own_exit_codes_and_messages()
    {
        string input = WriteSine("in48.wav", 48000, new WaveFormat(48000, 16, 1));

        (int exit, _, string error, _) = Run(AmpModel, Path.Combine(_folder, "missing.wav"));
        Assert.Equal(3, exit);
        Assert.Contains("missing.wav", error);

        string bad = Path.Combine(_folder, "bad.nam");
        File.WriteAllText(bad, "not weights");
        (exit, _, error, _) = Run(bad, input);
        Assert.Equal(2, exit);

        (exit, _, error, _) = Run(AmpModel, AmpModel);
        Assert.Equal(4, exit);
        Assert.Contains("amp_model.nam: not a WAV file", error);

        (exit, _, error, _) = Run(GoldenPath("stack_head_2x9_relu.safetensors"), input);
        Assert.Equal(4, exit);
        Assert.Contains("the model has 2 inputs; run needs a 1-input audio model (use check for other inputs)", error);

        (exit, _, error, _) = Run(GoldenPath("stack_bidirectional_4x17.safetensors"), input);
        Assert.Equal(4, exit);
        Assert.Contains("the model's Bidirectional direction reads a whole sequence from its end; run streams audio block by block", error);

        (exit, _, error, _) = Run(AmpModel, WriteSine("in800.wav", 800000, new WaveFormat(800000, 16, 1), seconds: 0.01));
        Assert.Equal(4, exit);
        Assert.Contains("beyond the sample-rate correction's largest ratio, 16", error);

        (exit, _, _, _) = Run(AmpModel, input, "--preroll", "-1");
        Assert.Equal(1, exit);
        (exit, _, _, _) = Run(AmpModel, input, "--model-rate", "0");
        Assert.Equal(1, exit);
    }

    [Fact]
    public void Help_lists_the_arguments_and_options()
    {
        var output = new StringWriter();
        Command root = CommandLine.Build();
        foreach (HelpOption option in root.Options.OfType<HelpOption>())
        {
            ((HelpAction)option.Action!).MaxWidth = int.MaxValue;
        }
        Assert.Equal(0, root.Parse(["run", "--help"]).Invoke(new InvocationConfiguration { Output = output, Error = output }));

        string help = output.ToString();
        Assert.Contains("genlstm run <file> <input> <output> [options]", help);
        Assert.Contains("--model-rate <Hz>", help);
        Assert.Contains("--no-correction", help);
        Assert.Contains("--preroll <N>", help);
    }

    [Fact]
    public void Inspect_says_how_RecurrentModel_Load_runs_the_file()
    {
        var output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(new FileInfo(GoldenPath("stack_head_2x9_relu.safetensors")), output, new StringWriter()));
        Assert.Contains("kernel      with no declaration, RecurrentModel.Load runs the generic kernel: LSTM(2, 9) + head(6, None)\n", output.ToString().ReplaceLineEndings("\n"));

        output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(new FileInfo(GoldenPath("stack_bidirectional_4x17.safetensors")), output, new StringWriter()));
        Assert.Contains("kernel      with no declaration, RecurrentModel.Load runs the generic kernel: LSTM(4, 17, bidirectional)\n", output.ToString().ReplaceLineEndings("\n"));

        // ONNX's activation alpha and beta, which no inferred declaration holds.
        output = new StringWriter();
        Assert.Equal(0, Commands.Inspect(new FileInfo(Path.Combine(AppContext.BaseDirectory, "Onnx", "activations_a.onnx")), output, new StringWriter()));
        string text = output.ToString().ReplaceLineEndings("\n");
        Assert.Contains("kernel      with no declaration, RecurrentModel.Load refuses it: the generic kernel does not run activation_alpha/beta = [0.3, 0.9] / [0.6, 1.1]"
            + ": set GateAlpha, GateBeta, … to these (not checked)\n"
            + "            with the declaration below in an application, RecurrentModel.Load runs its generated kernel\n\nDeclaration (paste", text);
    }

    /// <summary>Runs <c>genlstm run</c> on <paramref name="model"/> and <paramref name="input"/>, writing out.wav in the test's folder.</summary>
    private (int Exit, string Output, string Error, string Written) Run(string model, string input, params string[] options)
    {
        string written = Path.Combine(_folder, "out.wav");
        var output = new StringWriter();
        var error = new StringWriter();
        int exit = CommandLine.Build().Parse(["run", model, input, written, .. options]).Invoke(new InvocationConfiguration { Output = output, Error = error });
        return (exit, output.ToString(), error.ToString(), written);
    }

    /// <summary>The amp model's stream from its initial state, set up by <paramref name="setup"/>, over <paramref name="input"/>.</summary>
    private static float[] Direct(float[] input, Action<RecurrentStream>? setup = null)
    {
        RecurrentStream stream = RecurrentModel.Load(AmpModel).CreateStream();
        setup?.Invoke(stream);
        var output = new float[input.Length];
        stream.Forward(input, output);
        return output;
    }

    private static void AssertWritten(string path, int rate, float[] expected)
    {
        (float[] samples, int writtenRate, int channels) = ReadWav(path);
        Assert.Equal((rate, 1), (writtenRate, channels));
        Assert.Equal(expected.Select(BitConverter.SingleToInt32Bits), samples.Select(BitConverter.SingleToInt32Bits));
    }

    /// <summary>A 440 Hz sine at half scale (each channel its own phase) in <paramref name="format"/>.</summary>
    private string WriteSine(string name, int rate, WaveFormat format, double seconds = 1)
    {
        string path = Path.Combine(_folder, name);
        int frames = (int)(rate * seconds);
        float[] samples = [.. Enumerable.Range(0, frames * format.Channels).Select(i => 0.5f * MathF.Sin((2 * MathF.PI * 440 * (i / format.Channels) / rate) + (i % format.Channels)))];
        using var writer = new WaveFileWriter(path, format);
        writer.WriteSamples(samples, 0, samples.Length);
        return path;
    }

    /// <summary>A WAV file's samples (interleaved) as NAudio reads them, its rate and channel count.</summary>
    private static (float[] Samples, int Rate, int Channels) ReadWav(string path)
    {
        using var reader = new WaveFileReader(path);
        ISampleProvider source = reader.ToSampleProvider();
        var samples = new float[reader.SampleCount * reader.WaveFormat.Channels];
        int read = 0;
        while (read < samples.Length && source.Read(samples.AsSpan(read)) is > 0 and int count)
        {
            read += count;
        }
        Assert.Equal(samples.Length, read);
        return (samples, reader.WaveFormat.SampleRate, reader.WaveFormat.Channels);
    }
}

// GenLstm WAV sample: plays a WAV file through a Neural Amp Modeler (.nam) LSTM amp model declared at compile time
// (NamAmp.cs), in blocks of 512 samples with Forward, the state carried from block to block.
//
//   GenLstm.WavSample in.wav out.wav [--model amp.nam] [--check]
//   GenLstm.WavSample --generate test.wav [--seconds 2] [--rate 48000]
//
// The model runs at the file's rate: above the rate it was trained at, the state's sample-rate correction stretches
// its recurrence (ratio = file rate / model rate, up to 4); below it, the input is resampled up to the model's rate.
// --check runs the input again one sample at a time with Step and requires bit-identical output (exit code 1 if not).

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.WavSample;
using NAudio.Wave;
using NAudio.Wave.SampleProviders;

const int BlockSize = 512;
string[] valueOptions = ["--model", "--generate", "--seconds", "--rate"];

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var positional = new List<string>();
var options = new Dictionary<string, string>();
bool check = false;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--check") check = true;
    else if (valueOptions.Contains(args[i]) && i + 1 < args.Length) options[args[i]] = args[++i];
    else if (args[i].StartsWith("--", StringComparison.Ordinal)) return Usage($"unknown option or missing value: {args[i]}");
    else positional.Add(args[i]);
}

// --generate: write the test signal and stop.
if (options.TryGetValue("--generate", out string? generatePath))
{
    if (!double.TryParse(options.GetValueOrDefault("--seconds", "2"), out double seconds) || seconds <= 0
        || !int.TryParse(options.GetValueOrDefault("--rate", "48000"), out int generateRate) || generateRate <= 0)
    {
        return Usage("--seconds and --rate take positive numbers");
    }
    float[] signal = TestSignal.Generate(seconds, generateRate);
    WriteWav(generatePath, signal, generateRate);
    Console.WriteLine($"wrote {generatePath}: plucked-string test signal, {signal.Length} samples ({seconds:0.###} s) at {generateRate} Hz, mono 32-bit float");
    return 0;
}

if (positional.Count != 2) return Usage("expected an input and an output file");
string inputPath = positional[0], outputPath = positional[1];
string modelPath = options.GetValueOrDefault("--model") ?? Path.Combine(AppContext.BaseDirectory, "amp_model.nam");
foreach (string path in new[] { inputPath, modelPath })
{
    if (!File.Exists(path)) return Fail($"file not found: {path}");
}

// 1. The model, and the rates.
NamAmp model = NamAmp.Load(modelPath);
using var reader = new WaveFileReader(inputPath);
int fileRate = reader.WaveFormat.SampleRate;
double modelRate = model.SampleRate ?? fileRate;
Console.WriteLine($"GenLstm WAV sample: {Path.GetFileName(inputPath)} through {Path.GetFileName(modelPath)}");
Console.WriteLine($"  model       LSTM({NamAmp.InputSize}, {NamAmp.HiddenSize}) + Linear({NamAmp.HiddenSize}, 1), trained at "
    + (model.SampleRate is null ? "an unstated rate (taken to be the file's)" : $"{modelRate} Hz"));
Console.WriteLine($"  input       {fileRate} Hz, {reader.WaveFormat.Channels} channel(s){(reader.WaveFormat.Channels > 1 ? ", the first one used" : "")}");

// 2. The input, mono, at the rate the model will run at: the file's, or the model's if the file's is lower.
ISampleProvider source = reader.ToSampleProvider();
if (reader.WaveFormat.Channels > 1) source = new MultiplexingSampleProvider([source], 1); // output 0 = input channel 0
int rate = fileRate;
double ratio = 1;
string correction;
if (fileRate < modelRate)
{
    rate = (int)Math.Round(modelRate);
    source = new WdlResamplingSampleProvider(source, rate);
    correction = $"none; below the model's rate the correction cannot work, so the input is resampled {fileRate} -> {rate} Hz "
        + $"(WDL resampler) and the output is written at {rate} Hz";
}
else if (fileRate > modelRate)
{
    ratio = fileRate / modelRate;
    correction = $"sample-rate ratio {ratio:0.####} ({fileRate} / {modelRate} Hz), linear interpolation";
}
else
{
    correction = "none (the rates match)";
}
float[] input = ReadAll(source);
Console.WriteLine($"  correction  {correction}");
if (input.Length == 0) return Fail("the input file has no samples");

NamAmp.State StartState()
{
    NamAmp.State state = model.InitialState; // the file's stored h0, c0
    if (ratio > 1) state.SetSampleRateRatio(ratio);
    return state;
}

NamAmp.State blockState;
try
{
    blockState = StartState();
}
catch (ArgumentOutOfRangeException e)
{
    return Fail($"the file's rate is too high for this model: {e.Message}");
}

// 3. The whole file in blocks, the state carried across them; only this is timed.
float[] output = new float[input.Length];
long start = Stopwatch.GetTimestamp();
for (int i = 0; i < input.Length; i += BlockSize)
{
    int length = Math.Min(BlockSize, input.Length - i);
    model.Forward(input.AsSpan(i, length), ref blockState, output.AsSpan(i, length));
}
TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
double audioSeconds = (double)input.Length / rate;
Console.WriteLine($"  processing  {input.Length} samples ({audioSeconds:0.00} s at {rate} Hz) in blocks of {BlockSize}: "
    + $"{elapsed.TotalMilliseconds:0.0} ms, {audioSeconds / elapsed.TotalSeconds:0.0}x real time");

WriteWav(outputPath, output, rate);
Console.WriteLine($"  output      {outputPath}: {rate} Hz, mono, 32-bit float");

// 4. --check: the written file, read back, against the same input run again one sample at a time through Step from a
//    fresh state; they must agree bit for bit (32-bit float WAV keeps the model's floats exactly).
if (check)
{
    float[] stepped = new float[input.Length];
    NamAmp.State stepState = StartState();
    for (int n = 0; n < input.Length; n++)
    {
        model.Step(input.AsSpan(n, 1), ref stepState, stepped.AsSpan(n, 1));
    }
    float[] written;
    using (var writtenFile = new WaveFileReader(outputPath))
    {
        written = ReadAll(writtenFile.ToSampleProvider());
    }
    if (written.Length != stepped.Length)
    {
        Console.Error.WriteLine($"check FAILED: {outputPath} holds {written.Length} samples, the input {stepped.Length}");
        return 1;
    }
    for (int n = 0; n < stepped.Length; n++)
    {
        if (BitConverter.SingleToInt32Bits(stepped[n]) != BitConverter.SingleToInt32Bits(written[n]))
        {
            Console.Error.WriteLine($"check FAILED: sample {n}: {outputPath} {written[n]:R}, Step {stepped[n]:R}");
            return 1;
        }
    }
    Console.WriteLine($"check: {Path.GetFileName(outputPath)} (blocks through Forward) and Step agree on {stepped.Length} samples");
}
return 0;

static float[] ReadAll(ISampleProvider source)
{
    var samples = new List<float>();
    float[] buffer = new float[16384];
    int read;
    while ((read = source.Read(buffer)) > 0) samples.AddRange(new ReadOnlySpan<float>(buffer, 0, read));
    return [.. samples];
}

static void WriteWav(string path, float[] samples, int rate)
{
    using var writer = new WaveFileWriter(path, WaveFormat.CreateIeeeFloatWaveFormat(rate, 1));
    writer.WriteSamples(samples, 0, samples.Length);
}

static int Fail(string message)
{
    Console.Error.WriteLine(message);
    return 2;
}

static int Usage(string problem) => Fail($"""
    {problem}
    usage: GenLstm.WavSample in.wav out.wav [--model amp.nam] [--check]
           GenLstm.WavSample --generate test.wav [--seconds 2] [--rate 48000]
    """);

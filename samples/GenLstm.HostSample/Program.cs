// GenLstm host sample: the pattern of an audio plugin that plays whatever LSTM or GRU model file its users bring.
//
//   GenLstm.HostSample [model files…] [--rate HZ] [--check]
//
// 1. Declare the shapes you expect (DeclaredModels.cs); the generator compiles a kernel for each at build time.
// 2. RecurrentModel.Load(path) reads any supported file (.nam, RTNeural / GuitarML JSON, safetensors, ONNX, …) and runs
//    it on the declared type whose declaration equals the file's model, or else on the runtime's generic kernel: every
//    file plays, the declared ones faster. model.Kernel and model.KernelDescription say which was chosen.
// 3. Per stream (a channel, a voice): model.CreateStream() when playback is prepared, stream.Forward(in, out) in the
//    audio callback (no allocation, no lock), stream.Reset() when playback restarts.
//
// Each file here plays 2 s of plucked notes in buffers of 64 samples, as a host's audio callback would, and the output
// level and the time per buffer are printed. --rate runs the streams at a host rate above the model's (sample-rate
// correction). --check also plays the signal on the generic kernel and requires the declared type's output to agree
// within 1e-4 (exit code 1 if not). Exit code 2 if no file could be played.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using GenLstm;
using GenLstm.HostSample;

const int BufferSize = 64;         // samples per audio callback
const double Seconds = 2;          // length of the test signal
const double DefaultRate = 48000;  // for files that do not state the rate they were trained at
const double MaxCheckDifference = 1e-4;

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture;

var paths = new List<string>();
bool check = false;
double? hostRate = null;
for (int i = 0; i < args.Length; i++)
{
    if (args[i] == "--check") check = true;
    else if (args[i] == "--rate" && i + 1 < args.Length && double.TryParse(args[i + 1], out double rate) && rate > 0) { hostRate = rate; i++; }
    else if (args[i].StartsWith("--", StringComparison.Ordinal)) return Usage($"unknown option or missing value: {args[i]}");
    else paths.Add(args[i]);
}
if (paths.Count == 0) paths.Add(Path.Combine(AppContext.BaseDirectory, "amp_model.nam"));

// The declared types registered themselves (module initializers) before Main ran.
Console.WriteLine($"GenLstm host sample: {paths.Count} model file(s), {Seconds} s of plucked notes each, buffers of {BufferSize} samples");
Console.WriteLine($"  declared    {string.Join(", ", RecurrentModel.RegisteredTypes.Select(t => t.Name))}:");
Console.WriteLine($"              {Describe(AmpLstm40.Declaration)}; {Describe(GuitarMLLstm20.Declaration)}; {Describe(PedalGru4.Declaration)}");

int played = 0, failedChecks = 0;
foreach (string path in paths)
{
    Console.WriteLine();
    Console.WriteLine($"{path}");
    try
    {
        // What a plugin does when the user picks a file: load it once; the model is then shared by every stream.
        RecurrentModel model = RecurrentModel.Load(path);
        Console.WriteLine($"  model       {Describe(model.Declaration)}, "
            + (model.SampleRate is { } r ? $"trained at {r} Hz" : $"rate not stated (taken as {DefaultRate} Hz)"));
        Console.WriteLine($"  kernel      {model.KernelDescription}");
        Console.WriteLine(model.Kernel == RecurrentKernel.Generated
            ? "  why         a declared type's declaration equals the file's model, so its compiled kernel runs the file"
            : "  why         no declared type matches the file's model, so the generic kernel runs it (sizes read at run time);\n"
              + "              to compile one in, declare (genlstm inspect prints it):\n"
              + string.Join("\n", model.Declaration.ToCSharp().Split('\n').Select(line => "                " + line)));
        if (model.InputSize != 1 || model.OutputSize != 1)
        {
            // E.g. NeuralPi's conditioned models: x_t = [sample, gain knob]. A host would feed the knob as a second input.
            Console.WriteLine($"  skipped     not a mono audio model ({model.InputSize} input(s), {model.OutputSize} output(s)): "
                + "this sample plays one sample in, one sample out");
            continue;
        }

        double modelRate = model.SampleRate ?? DefaultRate;
        double rate = hostRate is { } h && h > modelRate ? h : modelRate;
        if (hostRate is { } below && below < modelRate)
        {
            Console.WriteLine($"  rate        {below} Hz is below the model's {modelRate} Hz: a host resamples up to the model's rate "
                + "(see GenLstm.WavSample); played at the model's rate here");
        }
        else if (rate > modelRate)
        {
            Console.WriteLine($"  rate        {rate} Hz: sample-rate ratio {rate / modelRate:0.####} (each stream's SetSampleRateRatio)");
        }
        float[] input = TestSignal.Pluck(Seconds, (int)Math.Round(rate));
        float[] output = new float[input.Length];

        Timing timing = Play(model, rate / modelRate, input, output);
        double bufferBudget = BufferSize / rate;
        Console.WriteLine($"  output      RMS {Rms(output):0.0000} (input {Rms(input):0.0000}), peak {Peak(output):0.0000} (input {Peak(input):0.0000})");
        Console.WriteLine($"  time        {timing.MeanSeconds * 1e6:0.00} µs per buffer on average, {timing.WorstSeconds * 1e6:0.00} µs the slowest, "
            + $"of a {bufferBudget * 1e6:0} µs budget at {rate} Hz: {bufferBudget / timing.MeanSeconds:0}x real time; "
            + $"{timing.AllocatedBytes} bytes allocated while playing");
        played++;

        if (check)
        {
            if (model.Kernel != RecurrentKernel.Generated)
            {
                Console.WriteLine("  check       the generic kernel was chosen: no generated kernel to compare with");
                continue;
            }
            // The same file on the generic kernel, even though a declared type matches: both must give the same output.
            RecurrentModel generic = RecurrentModel.FromWeights(WeightFile.Open(path), RecurrentKernel.Generic);
            float[] genericOutput = new float[input.Length];
            Timing genericTiming = Play(generic, rate / modelRate, input, genericOutput);
            double maxDifference = output.Zip(genericOutput, (a, b) => Math.Abs((double)a - b)).Max();
            bool ok = maxDifference <= MaxCheckDifference;
            if (!ok) failedChecks++;
            Console.WriteLine($"  check       generated vs {generic.KernelDescription}: max |diff| {maxDifference:0.00e+00} "
                + $"[{(ok ? "OK" : "FAILED")}: must be <= {MaxCheckDifference:0e+00}]; the generic kernel took "
                + $"{genericTiming.MeanSeconds * 1e6:0.00} µs per buffer (generated: {genericTiming.MeanSeconds / timing.MeanSeconds:0.00}x as fast)");
        }
    }
    catch (Exception e) when (e is NotSupportedException or IOException or UnauthorizedAccessException or ArgumentOutOfRangeException)
    {
        // WeightFormatException (an IOException): not a model file, malformed, or no LSTM/GRU in it. NotSupportedException:
        // a variant the generic kernel does not run and no declared type matches; the message gives the declaration to add.
        // ArgumentOutOfRangeException: --rate beyond the ratio the kernel allows. A plugin shows the message and keeps going.
        Console.WriteLine($"  failed      {e.GetType().Name}: {e.Message.Replace("\n", "\n              ", StringComparison.Ordinal)}");
    }
}

Console.WriteLine();
Console.WriteLine($"{played} of {paths.Count} file(s) played" + (check ? $", {failedChecks} check(s) failed" : ""));
return failedChecks > 0 ? 1 : played == 0 ? 2 : 0;

// The host side: prepare a stream and the buffers, then call the audio callback once per buffer. Only the callback is
// timed; it allocates nothing (the bytes allocated on this thread while playing are printed to show it). The times are
// those of a stream's first seconds, JIT tiering included, as a host would see them.
static Timing Play(RecurrentModel model, double ratio, float[] signal, float[] output)
{
    // "prepareToPlay": everything that allocates happens here, off the audio thread.
    RecurrentStream stream = model.CreateStream();  // at the file's initial state (NAM files store one)
    if (ratio > 1) stream.SetSampleRateRatio(ratio);
    float[] hostInput = new float[BufferSize], hostOutput = new float[BufferSize];
    Process(stream, hostInput, hostOutput);          // one buffer of silence: first-call costs paid here…
    stream.Reset();                                  // …and back to the initial state (the ratio is kept)

    long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
    long total = 0, worst = 0;
    int buffers = 0;
    for (int offset = 0; offset < signal.Length; offset += BufferSize, buffers++)
    {
        int length = Math.Min(BufferSize, signal.Length - offset);   // a host may send a shorter last buffer
        signal.AsSpan(offset, length).CopyTo(hostInput);             // the host fills its input buffer
        long start = Stopwatch.GetTimestamp();
        Process(stream, hostInput.AsSpan(0, length), hostOutput.AsSpan(0, length));
        long elapsed = Stopwatch.GetTimestamp() - start;
        total += elapsed;
        worst = Math.Max(worst, elapsed);
        hostOutput.AsSpan(0, length).CopyTo(output.AsSpan(offset));  // and takes its output buffer
    }
    long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
    return new Timing((double)total / Stopwatch.Frequency / buffers, (double)worst / Stopwatch.Frequency, allocated);
}

// The audio callback: the model's steps over one buffer, the stream's state carried to the next buffer.
// AggressiveOptimization compiles it fully optimized on its first call rather than tiering up later.
[MethodImpl(MethodImplOptions.AggressiveOptimization)]
static void Process(RecurrentStream stream, ReadOnlySpan<float> input, Span<float> output) => stream.Forward(input, output);

static string Describe(LstmDeclaration d)
    => $"{(d.Cell == RecurrentCell.Gru ? "GRU" : "LSTM")}({d.InputSize}, {d.HiddenSize}{(d.Layers > 1 ? $", {d.Layers} layers" : "")})"
        + (d.OutputSize > 0 ? $" + head({d.OutputSize}{(d.OutputActivation == Activation.None ? "" : $", {d.OutputActivation}")})" : "")
        + (d.InputSkip > 0 ? $" + input skip {d.InputSkip}" : "");

static double Rms(float[] x) => Math.Sqrt(x.Sum(v => (double)v * v) / x.Length);

static double Peak(float[] x) => x.Max(v => Math.Abs((double)v));

static int Usage(string problem)
{
    Console.Error.WriteLine($"""
        {problem}
        usage: GenLstm.HostSample [model files…] [--rate HZ] [--check]
        """);
    return 2;
}

internal readonly record struct Timing(double MeanSeconds, double WorstSeconds, long AllocatedBytes);

// GenLstm sample: a trained "amp model" (an LSTM that imitates a guitar effect) run the way an audio plugin runs
// it, one sample at a time in 64-sample buffers, checked against PyTorch and timed.
//
// amp_model.safetensors (written by train_amp.py) holds the trained torch.nn.LSTM(1, 40) + torch.nn.Linear(40, 1),
// a fresh 0.5 s test signal, PyTorch's output of the same model on it, and the true effect's output.
// Exit code 1 if GenLstm's output differs from PyTorch's by an ESR above 1e-6, so CI can run this as a check.

using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Runtime.Intrinsics;
using GenLstm;
using GenLstm.Sample;

const int BufferSize = 64;           // samples per audio callback
const int TimedPasses = 15;          // timed passes over the whole signal; the median is reported
const double MaxEsrVsPyTorch = 1e-6; // the check: same model, same input, so only float rounding may differ

CultureInfo.CurrentCulture = CultureInfo.InvariantCulture; // print 1.5e-13, not 1,5e-13

// 1. Load: open the file once; the model and everything else come from it.
string path = args.Length > 0 ? args[0] : Path.Combine(AppContext.BaseDirectory, "amp_model.safetensors");
if (!File.Exists(path))
{
    Console.Error.WriteLine($"Model file not found: {path}");
    return 2;
}
SafeTensorsFile file = SafeTensorsFile.Open(path);
AmpModel model = AmpModel.FromSafeTensors(file); // rec.weight_ih_l0 … rec.bias_hh_l0, packed; and the head, lin.weight / lin.bias
float[] input = file.ReadFloat32("test_input");                // the test signal (never seen in training)
float[] torchOutput = file.ReadFloat32("test_output_torch");   // PyTorch's output of this model on it: lin(h_t)
float[] target = file.ReadFloat32("test_target");              // the true effect's output, which the model imitates
int sampleRate = int.Parse(file.Metadata["sample_rate"], CultureInfo.InvariantCulture);

Console.WriteLine("GenLstm sample: a trained LSTM amp model, streamed sample by sample");
Console.WriteLine($"  model    {Path.GetFileName(path)}: LSTM({AmpModel.InputSize}, {AmpModel.HiddenSize}) + Linear({AmpModel.HiddenSize}, 1), {sampleRate} Hz");
Console.WriteLine($"  effect   {file.Metadata.GetValueOrDefault("effect", "(not described)")}");
Console.WriteLine($"  signal   {input.Length} samples ({(double)input.Length / sampleRate:0.00} s), buffers of {BufferSize}");
Console.WriteLine($"  SIMD     Vector512 {YesNo(Vector512.IsHardwareAccelerated)}, Vector256 {YesNo(Vector256.IsHardwareAccelerated)}, "
    + $"Vector128 {YesNo(Vector128.IsHardwareAccelerated)} -> GenLstm kernel: {KernelPath()}");

// 2. Stream the test signal once, buffer by buffer, and compare.
var amp = new AmpProcessor(model);
float[] output = new float[input.Length];
long allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
Stream(amp, input, output);
long allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;

double esrVsTorch = Esr(output, reference: torchOutput);
double maxDiff = output.Zip(torchOutput, (a, b) => Math.Abs((double)a - b)).Max();
double esrVsEffect = Esr(output, reference: target);
bool ok = esrVsTorch <= MaxEsrVsPyTorch;

Console.WriteLine();
Console.WriteLine("Accuracy");
Console.WriteLine($"  vs PyTorch, same model (test_output_torch)  ESR {esrVsTorch:0.00e+00}, max |diff| {maxDiff:0.00e+00}  "
    + $"[{(ok ? "OK" : "FAILED")}: ESR must be <= {MaxEsrVsPyTorch:0e+00}]");
Console.WriteLine($"  vs the true effect (test_target)           ESR {esrVsEffect:0.00000} "
    + $"(PyTorch's: {file.Metadata.GetValueOrDefault("test_esr", "?")}): how well the network learned the effect");

// 3. Speed: a warm-up pass, then the median of several timed passes over the whole signal.
Stream(amp, input, output);
double[] nsPerStep = new double[TimedPasses];
for (int pass = 0; pass < TimedPasses; pass++)
{
    long start = Stopwatch.GetTimestamp();
    Stream(amp, input, output);
    nsPerStep[pass] = Stopwatch.GetElapsedTime(start).TotalNanoseconds / input.Length;
}
Array.Sort(nsPerStep);
double median = nsPerStep[TimedPasses / 2];
double samplePeriodNs = 1e9 / sampleRate; // 20833 ns at 48 kHz: the budget for one sample

Console.WriteLine();
Console.WriteLine($"Speed (median of {TimedPasses} passes over the signal, after a warm-up pass; one thread, one channel)");
Console.WriteLine($"  {median:0.0} ns per step (fastest pass {nsPerStep[0]:0.0}, slowest {nsPerStep[^1]:0.0})");
Console.WriteLine($"  {samplePeriodNs / median:0.0}x real time at {sampleRate / 1000.0:0.#} kHz (a sample period is {samplePeriodNs:0.0} ns)");
Console.WriteLine($"  heap allocations while streaming: {allocated} bytes");

return ok ? 0 : 1;

// Feeds the signal to the processor the way an audio host would: consecutive buffers of BufferSize samples, the
// LSTM state carried across them. Reset first, so that every pass starts from PyTorch's zero state.
static void Stream(AmpProcessor amp, float[] input, float[] output)
{
    amp.Reset();
    for (int start = 0; start < input.Length; start += BufferSize)
    {
        int length = Math.Min(BufferSize, input.Length - start);
        amp.Process(input.AsSpan(start, length), output.AsSpan(start, length));
    }
}

// Error-to-signal ratio, the usual amp-modelling metric: sum((y - ref)^2) / sum(ref^2), in float64.
static double Esr(float[] output, float[] reference)
{
    double error = 0, energy = 0;
    for (int n = 0; n < output.Length; n++)
    {
        double difference = (double)output[n] - reference[n];
        error += difference * difference;
        energy += (double)reference[n] * reference[n];
    }
    return error / energy;
}

// The path the generated kernel takes for Step: Vector512 where accelerated, else Vector256, else Vector128, else scalar.
static string KernelPath()
    => Vector512.IsHardwareAccelerated ? "Vector512" : Vector256.IsHardwareAccelerated ? "Vector256" : Vector128.IsHardwareAccelerated ? "Vector128" : "scalar";

static string YesNo(bool value) => value ? "yes" : "no";

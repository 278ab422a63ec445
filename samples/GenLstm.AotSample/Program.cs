// The amp model compiled ahead of time: weights baked in by [BakedWeights], no JIT and no file at run time. It plays one
// second of a test tone through the model and prints the outputs' checksum; CI checks that the NativeAOT executable prints
// exactly what the JIT run of this project prints (same kernels, same numbers).
using System;
using System.Diagnostics;
using System.Security.Cryptography;
using System.Runtime.InteropServices;
using GenLstm;

const int SampleRate = 48_000;
var input = new float[SampleRate];
for (int n = 0; n < input.Length; n++)
{
    input[n] = 0.5f * MathF.Sin(2 * MathF.PI * 220 * n / SampleRate) * MathF.Min(1, n / 256f);
}

var output = new float[input.Length];
BakedAmp model = BakedAmp.Default;
long bestTicks = long.MaxValue;
for (int run = 0; run < 5; run++)   // the same second five times from the zero state; the fastest run is reported
{
    var state = new BakedAmp.State();
    long start = Stopwatch.GetTimestamp();
    for (int n = 0; n < input.Length; n++)
    {
        model.Step(input.AsSpan(n, 1), ref state, output.AsSpan(n, 1));
    }
    bestTicks = Math.Min(bestTicks, Stopwatch.GetTimestamp() - start);
}
// On standard error, so that standard output stays identical between the JIT and NativeAOT runs.
Console.Error.WriteLine($"{1e9 * bestTicks / Stopwatch.Frequency / input.Length:F0} ns per step");

string checksum = Convert.ToHexString(SHA256.HashData(MemoryMarshal.AsBytes(output.AsSpan())))[..16];
Console.WriteLine($"GenLstm AOT sample: the amp model on a 220 Hz tone, Vector256 {(System.Runtime.Intrinsics.Vector256.IsHardwareAccelerated ? "accelerated" : "not accelerated")}");
Console.WriteLine($"outputs {output.Length}, y[1000] = {output[1000]:R}, y[47999] = {output[^1]:R}, sha256 {checksum}");

/// <summary>The main sample's trained amp model (LSTM 1 → 40 and a Linear head), weights embedded at compile time.</summary>
[Lstm(inputSize: 1, hiddenSize: 40)]
[OutputHead(size: 1)]
[BakedWeights("../GenLstm.Sample/amp_model.safetensors")]
public sealed partial class BakedAmp { }

using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// The opt-in variants, <see cref="WeightType.BFloat16"/> and <see cref="Precision.Fast"/>, against PyTorch (golden
/// data from make_golden.py) on whichever SIMD path this process runs; .ci/run repeats them on every path.
/// </summary>
public sealed class VariantTests(ITestOutputHelper log)
{
    /// <summary>
    /// bfloat16 weights are widened exactly, so the math is float32 on the rounded values: the tolerance of
    /// <see cref="GoldenTests"/>, against PyTorch's float64 LSTM on the same rounded values (output_bf16_f64).
    /// </summary>
    private const double BFloat16KernelTolerance = 1e-5;

    /// <summary>
    /// What bfloat16 storage costs against the float32 model, on the golden models (weights 2.5x PyTorch's default, gates
    /// saturated on purpose): PyTorch measures 4.2e-3 to 1.2e-2 (make_golden.py prints it). Asserted from both sides: a
    /// model that ignored WeightType would be within 1e-5.
    /// </summary>
    private const double BFloat16ModelChange = 2e-2;

    /// <summary>
    /// Precision.Fast's activations are within 2e-4 (tanh) and 1e-4 (sigmoid); over 64 steps of the golden models the
    /// outputs stay within this of PyTorch's float64 run (measured 6.8e-5 to 9.6e-5; see the log).
    /// </summary>
    private const double FastTolerance = 5e-4;

    public static TheoryData<string> Variants => new(Harnesses.Variants);

    public static TheoryData<string> BFloat16Variants => new(Harnesses.Variants.Where(v => v.StartsWith("bf16 ", StringComparison.Ordinal)));

    public static TheoryData<string> FastVariants => new(Harnesses.Variants.Where(v => v.StartsWith("fast", StringComparison.Ordinal)));

    [Theory]
    [MemberData(nameof(BFloat16Variants))]
    public void BFloat16_matches_PyTorch_on_the_rounded_weights(string variant)
    {
        SafeTensorsFile file = Golden.Open(SizeOf(variant));
        ModelHarness model = Harnesses.LoadVariant(variant, file);

        ModelHarness.Result result = model.Run(file.ReadFloat32("input"));

        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_bf16_f64"));
        double change = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_f64"));
        log.WriteLine($"{variant}: max |h - torch f64 on bf16 weights| = {error:E2}; max |h - float32 model| = {change:E2}");
        Assert.InRange(error, 0, BFloat16KernelTolerance);
        Assert.InRange(change, 1e-4, BFloat16ModelChange);
    }

    [Theory]
    [MemberData(nameof(FastVariants))]
    public void Fast_stays_within_its_model_tolerance_of_PyTorch(string variant)
    {
        SafeTensorsFile file = Golden.Open(SizeOf(variant));
        ModelHarness model = Harnesses.LoadVariant(variant, file);

        ModelHarness.Result result = model.Run(file.ReadFloat32("input"));

        // The fast+bf16 model is compared with PyTorch on the same rounded weights.
        string reference = variant.Contains("bf16", StringComparison.Ordinal) ? "output_bf16_f64" : "output_f64";
        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64(reference));
        log.WriteLine($"{variant}: max |h - torch {reference}| = {error:E2}");
        // From both sides: within the tolerance, and far from float32's 1e-6, so the fast activations really ran.
        Assert.InRange(error, 1e-5, FastTolerance);
    }

    [Theory]
    [MemberData(nameof(Variants))]
    public void Forward_and_StepBatch_give_bit_for_bit_the_numbers_of_Step(string variant)
    {
        SafeTensorsFile file = Golden.Open(SizeOf(variant));
        ModelHarness model = Harnesses.LoadVariant(variant, file);
        float[] inputs = file.ReadFloat32("input");
        float[] h0 = file.ReadFloat32("h0"), c0 = file.ReadFloat32("c0");

        ModelHarness.Result stepped = model.Run(inputs, h0, c0);
        ModelHarness.Result forward = model.Run(inputs, h0, c0, useForward: true);
        Assert.Equal(stepped.Outputs, forward.Outputs);
        Assert.Equal(stepped.Cell, forward.Cell);

        // 5 streams: a full group and leftovers on every path; each stream's input scaled differently.
        float[][] streamInputs = [.. Enumerable.Range(0, 5).Select(s => inputs.Select(v => v * (1 - 0.1f * s)).ToArray())];
        ModelHarness.Result[] batched = model.RunBatch(streamInputs, [.. Enumerable.Repeat(h0, 5)], [.. Enumerable.Repeat(c0, 5)]);
        for (int s = 0; s < 5; s++)
        {
            Assert.Equal(model.Run(streamInputs[s], h0, c0).Outputs, batched[s].Outputs);
        }
    }

    [Fact]
    public void BFloat16_model_equals_the_float32_model_given_bfloat16_values()
    {
        // With every weight already a bfloat16 value (and the biases pre-summed), rounding changes nothing, and the
        // widened weights must be exactly the float32 model's: the same sums in the same order, bit for bit.
        SafeTensorsWriter.RandomLstm(64, 64, seed: 31, out var w);
        float[] weightIh = RoundedToBFloat16(w.WeightIh), weightHh = RoundedToBFloat16(w.WeightHh);
        float[] bias = RoundedToBFloat16([.. w.BiasIh.Zip(w.BiasHh, (a, b) => a + b)]);
        float[] zeros = new float[bias.Length];
        var float32 = Lstm64x64.FromPyTorch(weightIh, weightHh, bias, zeros);
        var bfloat16 = BFloat16Lstm64x64.FromPyTorch(weightIh, weightHh, bias, zeros);
        var float32State = new Lstm64x64.State();
        var bfloat16State = new BFloat16Lstm64x64.State();
        float[] input = new float[64], expected = new float[64], actual = new float[64];

        for (int t = 0; t < 50; t++)
        {
            for (int k = 0; k < input.Length; k++)
            {
                input[k] = MathF.Sin(0.37f * t + k);
            }
            float32.Step(input, ref float32State, expected);
            bfloat16.Step(input, ref bfloat16State, actual);
            Assert.Equal(expected, actual);
        }
    }

    [Fact]
    public void Variants_allocate_nothing_in_steady_state()
    {
        SafeTensorsWriter.RandomLstm(37, 61, seed: 41, out var w);
        var model = FastBFloat16Lstm37x61.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        var state = new FastBFloat16Lstm37x61.State();
        float[] input = new float[37], output = new float[61], inputs = new float[16 * 37], outputs = new float[16 * 61];
        var streams = new FastBFloat16Lstm37x61.State[5];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 10_000; i++)
            {
                input[i % input.Length] = MathF.Sin(i);
                model.Step(input, ref state, output);
            }
            model.Forward(inputs, ref state, outputs);
            model.StepBatch(inputs.AsSpan(0, 5 * 37), streams, outputs.AsSpan(0, 5 * 61));
        });

        Assert.Equal(0, allocated);
    }

    private static string SizeOf(string variant) => variant[(variant.IndexOf(' ', StringComparison.Ordinal) + 1)..];

    /// <summary>Round to nearest bfloat16, ties to even, written here from the definition (the library has its own).</summary>
    private static float[] RoundedToBFloat16(float[] values) => [.. values.Select(value =>
    {
        if (value == 0)
        {
            return value;
        }
        double magnitude = Math.Abs((double)value);
        int exponent = Math.ILogB(magnitude);
        double quantum = Math.ScaleB(1.0, exponent - 7); // 8 significant bits
        double quotient = magnitude / quantum;
        double rounded = Math.Round(quotient, MidpointRounding.ToEven) * quantum;
        return (float)(Math.Sign(value) * rounded);
    })];
}

using System;
using System.IO;
using System.Linq;
using GenLstm.TestSupport;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// The generated GRU kernels against torch.nn.GRU run in float64 (tests/scripts/make_gru_golden.py, checked there against ONNX's
/// reference GRU) and against <see cref="ReferenceGru"/>, on whichever SIMD path this process runs (.ci/run repeats the suite
/// with AVX-512 off, AVX off and all intrinsics off). The tolerance is the LSTM's (<see cref="GoldenTests"/>): float32 sums of
/// up to I + H terms and activations within 3e-7, over 64 steps with weights that saturate gates.
/// </summary>
public sealed class GruKernelTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Sizes => new() { "1x8", "4x17", "16x32", "1x40" };

    /// <summary>A generated GRU behind one record, so that one test body runs every size (written once over <see cref="IRecurrentModel{TSelf, TState}"/>).</summary>
    private sealed record Model(int InputSize, int HiddenSize, Func<float[], float[]?, bool, float[]> Run, Func<float[][], float[][]> RunBatch);

    private static Model Create(string size) => size switch
    {
        "1x8" => Wrap<Gru1x8, Gru1x8.State>(Gru1x8.Load(PathOf(size)), (ref s) => s.Hidden()),
        "4x17" => Wrap<Gru4x17, Gru4x17.State>(Gru4x17.Load(PathOf(size)), (ref s) => s.Hidden()),
        "16x32" => Wrap<Gru16x32, Gru16x32.State>(Gru16x32.Load(PathOf(size)), (ref s) => s.Hidden()),
        "1x40" => Wrap<Gru1x40, Gru1x40.State>(Gru1x40.Load(PathOf(size)), (ref s) => s.Hidden()),
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    /// <summary>The reset-before GRU of a golden size, behind the same record.</summary>
    private static Model CreateResetBefore(string size) => size switch
    {
        "1x8" => Wrap<ResetBeforeGru1x8, ResetBeforeGru1x8.State>(ResetBeforeGru1x8.FromWeights(ResetBeforeFile(size)), (ref s) => s.Hidden()),
        "4x17" => Wrap<ResetBeforeGru4x17, ResetBeforeGru4x17.State>(ResetBeforeGru4x17.FromWeights(ResetBeforeFile(size)), (ref s) => s.Hidden()),
        "16x32" => Wrap<ResetBeforeGru16x32, ResetBeforeGru16x32.State>(ResetBeforeGru16x32.FromWeights(ResetBeforeFile(size)), (ref s) => s.Hidden()),
        "1x40" => Wrap<ResetBeforeGru1x40, ResetBeforeGru1x40.State>(ResetBeforeGru1x40.FromWeights(ResetBeforeFile(size)), (ref s) => s.Hidden()),
        _ => throw new ArgumentOutOfRangeException(nameof(size)),
    };

    /// <summary>
    /// A golden file for a reset-before declaration: PyTorch's tensors, which the declaration's packing reads as the other variant;
    /// the script ran that variant on them (<c>output_reset_before_f64</c>).
    /// </summary>
    private static WeightFile ResetBeforeFile(string size) => WeightFile.FromSafeTensors(Open(size));

    private delegate Span<float> HiddenOf<TState>(ref TState state);

    private static Model Wrap<TModel, TState>(TModel model, HiddenOf<TState> hidden)
        where TModel : IRecurrentModel<TModel, TState>
        where TState : struct
    {
        int inputSize = TModel.Declaration.InputSize, hiddenSize = TModel.Declaration.HiddenSize;
        float[] Run(float[] inputs, float[]? h0, bool useForward)
        {
            int steps = inputs.Length / inputSize;
            TState state = default;
            h0?.CopyTo(hidden(ref state));
            var outputs = new float[steps * hiddenSize];
            if (useForward)
            {
                model.Forward(inputs, ref state, outputs);
                return outputs;
            }
            for (int t = 0; t < steps; t++)
            {
                model.Step(inputs.AsSpan(t * inputSize, inputSize), ref state, outputs.AsSpan(t * hiddenSize, hiddenSize));
            }
            return outputs;
        }
        float[][] RunBatch(float[][] sequences)
        {
            int streams = sequences.Length, steps = sequences[0].Length / inputSize;
            var states = new TState[streams];
            float[][] outputs = [.. sequences.Select(_ => new float[steps * hiddenSize])];
            var input = new float[streams * inputSize];
            var output = new float[streams * hiddenSize];
            for (int t = 0; t < steps; t++)
            {
                for (int s = 0; s < streams; s++)
                {
                    sequences[s].AsSpan(t * inputSize, inputSize).CopyTo(input.AsSpan(s * inputSize));
                }
                model.StepBatch(input, states, output);
                for (int s = 0; s < streams; s++)
                {
                    output.AsSpan(s * hiddenSize, hiddenSize).CopyTo(outputs[s].AsSpan(t * hiddenSize));
                }
            }
            return outputs;
        }
        return new Model(inputSize, hiddenSize, Run, RunBatch);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Step_matches_PyTorchs_GRU_in_float64_and_float32(string size)
    {
        SafeTensorsFile file = Open(size);
        float[] outputs = Create(size).Run(file.ReadFloat32("input"), null, false);

        double error = Golden.MaxAbsDifference(outputs, file.ReadFloat64("output_f64"));
        log.WriteLine($"GRU {size}: max |h - torch f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(outputs, file.ReadFloat32("output_f32")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Step_continues_from_a_given_state_as_PyTorch_does(string size)
    {
        SafeTensorsFile file = Open(size);
        float[] outputs = Create(size).Run(file.ReadFloat32("input"), file.ReadFloat32("h0"), false);
        Assert.InRange(Golden.MaxAbsDifference(outputs, file.ReadFloat64("output_from_state_f64")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_and_StepBatch_give_bit_for_bit_the_numbers_of_Step(string size)
    {
        SafeTensorsFile file = Open(size);
        Model model = Create(size);
        float[] inputs = file.ReadFloat32("input"), h0 = file.ReadFloat32("h0");
        float[] stepped = model.Run(inputs, h0, false);
        Assert.Equal(stepped, model.Run(inputs, h0, true));

        // Seven streams: full groups of every path's StepBatch and the streams left over, each with its own input.
        float[][] sequences = [.. Enumerable.Range(0, 7).Select(s => inputs.Select((x, k) => x * (1 + 0.25f * s) - 0.01f * s * (k % 3)).ToArray())];
        float[][] batched = model.RunBatch(sequences);
        for (int s = 0; s < sequences.Length; s++)
        {
            Assert.Equal(model.Run(sequences[s], null, false), batched[s]);
        }
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void A_long_run_stays_with_the_float64_reference(string size)
    {
        // 2,000 steps of a signal with the golden weights: errors do not grow along the sequence.
        SafeTensorsFile file = Open(size);
        Model model = Create(size);
        float[] inputs = [.. Enumerable.Range(0, 2000 * model.InputSize).Select(k => 0.8f * MathF.Sin(0.013f * k) + 0.3f * MathF.Sin(0.17f * k))];
        var reference = new ReferenceGru(model.InputSize, model.HiddenSize, file.ReadFloat32("weight_ih_l0"), file.ReadFloat32("weight_hh_l0"),
            file.ReadFloat32("bias_ih_l0"), file.ReadFloat32("bias_hh_l0"), resetAfter: true);
        Assert.InRange(Golden.MaxAbsDifference(model.Run(inputs, null, false), reference.Run(inputs).Outputs), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_reset_before_GRU_matches_its_float64_equations_and_its_entry_points_agree(string size)
    {
        // output_reset_before_f64: ONNX's linear_before_reset = 0 on the same weights (make_gru_golden.py checks it against ONNX's
        // reference GRU); far from PyTorch's variant on these weights, so the kernel's variant is what makes it match.
        SafeTensorsFile file = Open(size);
        Model model = CreateResetBefore(size);
        float[] inputs = file.ReadFloat32("input");
        float[] outputs = model.Run(inputs, null, false);
        double error = Golden.MaxAbsDifference(outputs, file.ReadFloat64("output_reset_before_f64"));
        log.WriteLine($"reset-before GRU {size}: max |h - f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(outputs, file.ReadFloat64("output_f64")), 0.01, double.MaxValue);

        Assert.Equal(outputs, model.Run(inputs, null, true));
        float[][] sequences = [.. Enumerable.Range(0, 3).Select(s => inputs.Select(x => x * (1 - 0.2f * s)).ToArray())];
        float[][] batched = model.RunBatch(sequences);
        for (int s = 0; s < sequences.Length; s++)
        {
            Assert.Equal(model.Run(sequences[s], null, false), batched[s]);
        }
    }

    [Fact]
    public void The_opt_in_storage_and_activations_stay_within_their_documented_bounds()
    {
        // bfloat16 weights (8 significant bits, outputs off by about 1e-3 on trained models; these golden weights saturate gates,
        // which amplifies rounding, so the bound is 2e-2) and the fast activations (within 2e-4 each, 1e-3 after 64 steps).
        SafeTensorsFile wide = Open("1x40"), square = Open("16x32");
        double bfloat16 = MaxError<BFloat16Gru1x40, BFloat16Gru1x40.State>(BFloat16Gru1x40.Load(PathOf("1x40")), wide);
        double fast = MaxError<FastGru16x32, FastGru16x32.State>(FastGru16x32.Load(PathOf("16x32")), square);
        log.WriteLine($"bfloat16 1x40: {bfloat16:E2}, fast 16x32: {fast:E2}");
        Assert.InRange(bfloat16, 0, 2e-2);
        SafeTensorsFile wideFile = Open("1x40");
        BFloat16ResetBeforeGru1x40 resetBefore = BFloat16ResetBeforeGru1x40.FromWeights(ResetBeforeFile("1x40"));
        float[] x = wideFile.ReadFloat32("input"), h = new float[x.Length * 40];
        var state = new BFloat16ResetBeforeGru1x40.State();
        for (int t = 0; t < x.Length; t++)
        {
            resetBefore.Step(x.AsSpan(t, 1), ref state, h.AsSpan(t * 40, 40));
        }
        Assert.InRange(Golden.MaxAbsDifference(h, wideFile.ReadFloat64("output_reset_before_f64")), 0, 2e-2);
        Assert.InRange(fast, 0, 1e-3);

        static double MaxError<TModel, TState>(TModel model, SafeTensorsFile file)
            where TModel : IRecurrentModel<TModel, TState>
            where TState : struct
        {
            int inputSize = TModel.Declaration.InputSize, hiddenSize = TModel.Declaration.HiddenSize;
            float[] inputs = file.ReadFloat32("input");
            int steps = inputs.Length / inputSize;
            var outputs = new float[steps * hiddenSize];
            TState state = default;
            for (int t = 0; t < steps; t++)
            {
                model.Step(inputs.AsSpan(t * inputSize, inputSize), ref state, outputs.AsSpan(t * hiddenSize, hiddenSize));
            }
            return Golden.MaxAbsDifference(outputs, file.ReadFloat64("output_f64"));
        }
    }

    private static string PathOf(string size) => Path.Combine(AppContext.BaseDirectory, "Golden", $"gru_{size}.safetensors");

    private static SafeTensorsFile Open(string size) => SafeTensorsFile.Open(PathOf(size));
}

using System;
using System.Globalization;
using System.Linq;
using System.Text;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// <see cref="RecurrentModel"/>, the entry point for files a host did not declare: the generic kernel against PyTorch's
/// float64 outputs (LSTM and GRU, stacks, heads, input skips, stored initial states, sample-rate correction), the choice of a
/// declared type when one matches (bit-identical to its own <c>Load</c>), and the API's contracts (lengths, allocations,
/// refusals). Each test runs on whichever SIMD path this process has; .ci/run repeats the suite on the others.
/// </summary>
public sealed class RecurrentModelTests(ITestOutputHelper log)
{
    /// <summary>As <see cref="GoldenTests"/>: float32 sums and activations within 3e-7 against float64, over 48–64 steps.</summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> GoldenFiles =>
    [
        "lstm_1x40", "lstm_3x20", "lstm_16x32", "lstm_64x64", "lstm_37x61", "lstm_5x24", "lstm_128x256",
        "gru_1x8", "gru_4x17", "gru_16x32", "gru_1x40",
        "stack_head_5x24_none", "stack_stacked2_3x20", "stack_stacked3_5x24",
        "stack_proj_5x24p8", "stack_bidirectional_4x17", "stack_bidirectional2_5x24", "stack_bidirectional3_16x32", "stack_proj2bi_3x20p6",
    ];

    [Theory]
    [MemberData(nameof(GoldenFiles))]
    public void The_generic_kernel_matches_PyTorch_float64(string name)
    {
        WeightFile file = WeightFile.Open(GoldenPath(name));
        RecurrentModel model = RecurrentModel.FromWeights(file, RecurrentKernel.Generic);
        Assert.Equal(RecurrentKernel.Generic, model.Kernel);
        SafeTensorsFile golden = SafeTensorsFile.Open(GoldenPath(name));
        float[] inputs = golden.ReadFloat32("input");
        float[] outputs = Forward(model, inputs);

        double error = Golden.MaxAbsDifference(outputs, golden.ReadFloat64("output_f64"));
        log.WriteLine($"{name}: {model.KernelDescription}; max |generic - PyTorch float64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
    }

    /// <summary>
    /// Two projected layers and a head: a state dict does not say the head's activation (this model's is softmax), so the generic
    /// model runs the head without one, and the test applies softmax (in float64) to its outputs before comparing.
    /// </summary>
    [Fact]
    public void A_projected_stack_with_a_head_matches_PyTorch_float64()
    {
        const string Name = "stack_proj2head_4x16p5";
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath(Name)), RecurrentKernel.Generic);
        Assert.Equal((5, 2, 3, Activation.None), (model.Declaration.ProjectionSize, model.Declaration.Layers, model.OutputSize, model.Declaration.OutputActivation));
        SafeTensorsFile golden = SafeTensorsFile.Open(GoldenPath(Name));
        float[] outputs = Forward(model, golden.ReadFloat32("input"));
        double[] softmax = new double[outputs.Length];
        for (int t = 0; t < outputs.Length; t += 3)
        {
            double[] e = [.. outputs.AsSpan(t, 3).ToArray().Select(y => Math.Exp(y))];
            for (int j = 0; j < 3; j++)
            {
                softmax[t + j] = e[j] / e.Sum();
            }
        }
        Assert.InRange(Golden.MaxAbsDifference(softmax, golden.ReadFloat64("output_f64")), 0, Tolerance);
    }

    [Theory]
    [InlineData("lstm_37x61")]
    [InlineData("gru_4x17")]
    [InlineData("stack_stacked3_5x24")]
    public void Step_and_Forward_agree_bit_for_bit_and_Reset_restarts(string name)
    {
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath(name)), RecurrentKernel.Generic);
        float[] inputs = SafeTensorsFile.Open(GoldenPath(name)).ReadFloat32("input");
        float[] forward = Forward(model, inputs);

        RecurrentStream stream = model.CreateStream();
        float[] stepped = new float[forward.Length];
        for (int t = 0; t < inputs.Length / model.InputSize; t++)
        {
            stream.Step(inputs.AsSpan(t * model.InputSize, model.InputSize), stepped.AsSpan(t * model.OutputSize, model.OutputSize));
        }
        Assert.Equal(forward, stepped);

        stream.Reset();
        float[] again = new float[forward.Length];
        stream.Forward(inputs, again);
        Assert.Equal(forward, again);
    }

    [Fact]
    public void A_file_that_matches_a_declared_type_runs_its_generated_kernel_bit_for_bit()
    {
        // Lstm1x40 (GoldenTests) is declared [Lstm(inputSize: 1, hiddenSize: 40)] and registered by its module initializer.
        Assert.Contains(typeof(Lstm1x40), RecurrentModel.RegisteredTypes);
        string path = GoldenPath("lstm_1x40");
        RecurrentModel model = RecurrentModel.Load(path);
        Assert.Equal(RecurrentKernel.Generated, model.Kernel);
        Assert.Contains(nameof(Lstm1x40), model.KernelDescription, StringComparison.Ordinal);

        float[] inputs = SafeTensorsFile.Open(path).ReadFloat32("input");
        Lstm1x40 declared = Lstm1x40.Load(path);
        var state = declared.InitialState;
        float[] expected = new float[inputs.Length * 40];
        declared.Forward(inputs, ref state, expected);
        Assert.Equal(expected, Forward(model, inputs));
    }

    [Fact]
    public void A_type_whose_numbers_the_declaration_does_not_state_is_not_registered()
    {
        // [Lstm(4, 12, ForgetBias = 1f)] has the declaration of a plain LSTM(4, 12): a plain file must not run it.
        Assert.DoesNotContain(typeof(ForgetBiasLstm4x12), RecurrentModel.RegisteredTypes);
        Assert.Contains(typeof(PeepholeLstm4x12), RecurrentModel.RegisteredTypes);
        // Nor one whose numbers differ from the file's model beyond rounding: a plain LSTM(5, 24) file runs Lstm5x24.
        Assert.DoesNotContain(typeof(FastLstm5x24), RecurrentModel.RegisteredTypes);
        Assert.DoesNotContain(typeof(BFloat16Lstm5x24), RecurrentModel.RegisteredTypes);
        Assert.Contains(typeof(Lstm5x24), RecurrentModel.RegisteredTypes);
    }

    [Fact]
    public void Generated_is_refused_when_no_declared_type_matches_and_the_message_prints_the_declaration()
    {
        // No test declares a GRU(2, 7).
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(k => 0.01f * (k % 5))];
        WeightFile file = WeightFile.Parse(Encoding.UTF8.GetBytes(StateDict(
            ("weight_ih_l0", Values(21 * 2), 2), ("weight_hh_l0", Values(21 * 7), 7), ("bias_ih_l0", Values(21), 0), ("bias_hh_l0", Values(21), 0))), "gru_2x7.json");
        Assert.Equal(RecurrentKernel.Generic, RecurrentModel.FromWeights(file).Kernel);
        var error = Assert.Throws<NotSupportedException>(() => RecurrentModel.FromWeights(file, RecurrentKernel.Generated));
        Assert.StartsWith("gru_2x7.json", error.Message, StringComparison.Ordinal);
        Assert.Contains("[Gru(inputSize: 2, hiddenSize: 7)]", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// A bidirectional model reads whole sequences: Step, StepBatch and SetSampleRateRatio refuse, naming Forward; Forward continues
    /// from the stream's state (a second call differs from the first) and Reset returns to the file's.
    /// </summary>
    [Fact]
    public void A_bidirectional_model_runs_whole_sequences_through_Forward_only()
    {
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath("stack_bidirectional_4x17")), RecurrentKernel.Generic);
        Assert.False(model.IsStreaming);
        Assert.Equal(34, model.OutputSize);
        RecurrentStream stream = model.CreateStream();
        var error = Assert.Throws<NotSupportedException>(() => stream.Step(new float[4], new float[34]));
        Assert.Contains("call Forward", error.Message, StringComparison.Ordinal);
        Assert.Throws<NotSupportedException>(() => model.StepBatch(new float[4], [stream], new float[34]));
        Assert.Throws<NotSupportedException>(() => stream.SetSampleRateRatio(2));

        float[] inputs = SafeTensorsFile.Open(GoldenPath("stack_bidirectional_4x17")).ReadFloat32("input");
        float[] first = new float[inputs.Length / 4 * 34], second = new float[first.Length], afterReset = new float[first.Length];
        stream.Forward(inputs, first);
        stream.Forward(inputs, second);
        stream.Reset();
        stream.Forward(inputs, afterReset);
        Assert.NotEqual(first, second);
        Assert.Equal(first, afterReset);
    }

    /// <summary>
    /// Every GRU format file (Keras HDF5, RTNeural JSON, a state dict: 2 layers, a head and, in the JSON files, an input skip of 1
    /// the reference lacks; Keras's reset_after = False and ONNX's linear_before_reset = 0 with a stored initial_h: the reset gate
    /// before U h; a bidirectional ONNX GRU with a clip), from the file's initial state, against the script's float64 outputs.
    /// </summary>
    [Theory]
    [InlineData("gru_keras.h5", "gru.reference.safetensors")]
    [InlineData("gru_rtneural.json", "gru.reference.safetensors")]
    [InlineData("gru_state_dict.json", "gru.reference.safetensors")]
    [InlineData("gru_keras_reset_before.h5", "gru_reset_before.reference.safetensors")]
    [InlineData("gru.onnx", "gru_onnx.reference.safetensors")]
    [InlineData("gru_bidirectional.onnx", "gru_bidirectional.reference.safetensors")]
    public void GRU_files_match_their_float64_outputs(string name, string referenceName)
    {
        WeightFile file = GruFormatTests.Open(name);
        RecurrentModel model = RecurrentModel.FromWeights(file, RecurrentKernel.Generic);
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(referenceName));
        float[] inputs = reference.ReadFloat32("input");
        double[] expected = reference.ReadFloat64("output_f64");
        float[] outputs = Forward(model, inputs);
        for (int t = 0; t < outputs.Length / model.OutputSize; t++)
        {
            // The reference is the model without the file's skip: take x_t[0] back out of the first output.
            outputs[t * model.OutputSize] -= model.Declaration.InputSkip > 0 ? inputs[t * model.InputSize] : 0;
        }
        log.WriteLine($"{name}: {model.KernelDescription}, skip {model.Declaration.InputSkip}");
        Assert.InRange(Golden.MaxAbsDifference(outputs, expected), 0, Tolerance);
    }

    /// <summary><c>initial_state.onnx</c>: streams start from the file's constant initial_h and initial_c, as ONNX Runtime does.</summary>
    [Fact]
    public void Streams_start_from_the_files_stored_initial_state()
    {
        string path = FormatTests.PathOf("initial_state.onnx");
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(path), RecurrentKernel.Generic);
        float[] inputs = [.. Enumerable.Range(0, 2 * 64).Select(k => 0.7f * MathF.Sin(0.31f * k))];

        using var options = new Microsoft.ML.OnnxRuntime.SessionOptions { IntraOpNumThreads = 1 };
        using var session = new Microsoft.ML.OnnxRuntime.InferenceSession(path, options);
        var x = new Microsoft.ML.OnnxRuntime.Tensors.DenseTensor<float>(inputs, [64, 1, 2]);
        using var results = session.Run([Microsoft.ML.OnnxRuntime.NamedOnnxValue.CreateFromTensor("X", x)]);
        float[] expected = [.. results.Single(r => r.Name == "Y").AsTensor<float>()];

        // float32 on both sides (ONNX Runtime's own activations and summation order), as InferenceTests bounds the generated model.
        Assert.InRange(Forward(model, inputs).Zip(expected, (a, e) => Math.Abs(a - e)).Max(), 0, 1e-5);
    }

    /// <summary>
    /// The generic stream's sample-rate correction against the generated <see cref="CorrectedLstm1x12"/> on the same weights
    /// (itself checked against the float64 reference in <see cref="SampleRateCorrectionTests"/>): both kernels run float32 with
    /// the same activations, so they agree to rounding; a wrong delay is off by 1e-2 or more.
    /// </summary>
    [Theory]
    [InlineData(1.0, SampleRateCorrectionMode.LinearInterpolation)]
    [InlineData(2.0, SampleRateCorrectionMode.LinearInterpolation)]
    [InlineData(48.0 / 44.1, SampleRateCorrectionMode.LinearInterpolation)]
    [InlineData(1.6, SampleRateCorrectionMode.NoInterpolation)]
    public void The_generic_sample_rate_correction_matches_the_generated_one(double ratio, SampleRateCorrectionMode mode)
    {
        var rng = new Random(12);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(rng.NextDouble() - 0.5))];
        (float[] weightIh, float[] weightHh, float[] biasIh, float[] biasHh) = (Values(48), Values(48 * 12), Values(48), Values(48));
        WeightFile file = WeightFile.Parse(Encoding.UTF8.GetBytes(StateDict(("weight_ih_l0", weightIh, 1), ("weight_hh_l0", weightHh, 12), ("bias_ih_l0", biasIh, 0), ("bias_hh_l0", biasHh, 0))), "random_1x12.json");
        RecurrentModel model = RecurrentModel.FromWeights(file, RecurrentKernel.Generic);
        CorrectedLstm1x12 declared = CorrectedLstm1x12.FromPyTorch(new PyTorchLstmTensors(weightIh, weightHh, biasIh, biasHh));
        float[] inputs = [.. Enumerable.Range(0, 300).Select(k => MathF.Sin(0.05f * k) * (k % 7 == 0 ? 1f : 0.3f))];

        var state = declared.InitialState;
        state.SetSampleRateRatio(ratio, mode);
        float[] expected = new float[300 * 12];
        declared.Forward(inputs, ref state, expected);
        RecurrentStream stream = model.CreateStream();
        stream.SetSampleRateRatio(ratio, mode);
        float[] outputs = new float[expected.Length];
        stream.Forward(inputs, outputs);

        double error = Golden.MaxAbsDifference(outputs, expected);
        log.WriteLine($"ratio {ratio} {mode}: max |generic - generated| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
    }

    [Fact]
    public void Wrong_lengths_throw_ArgumentException_naming_the_argument_and_length()
    {
        RecurrentStream stream = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath("lstm_3x20")), RecurrentKernel.Generic).CreateStream();
        var input = Assert.Throws<ArgumentException>(() => stream.Step(new float[2], new float[20]));
        Assert.Equal("input", input.ParamName);
        Assert.Contains("3", input.Message, StringComparison.Ordinal);
        var output = Assert.Throws<ArgumentException>(() => stream.Step(new float[3], new float[19]));
        Assert.Equal("output", output.ParamName);
        var outputs = Assert.Throws<ArgumentException>(() => stream.Forward(new float[6], new float[20]));
        Assert.Equal("outputs", outputs.ParamName);
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.SetSampleRateRatio(0.5));
        Assert.Throws<ArgumentOutOfRangeException>(() => stream.SetSampleRateRatio(17));
    }

    [Fact]
    public void A_generated_type_without_MaxSampleRateRatio_accepts_ratio_1_only()
    {
        RecurrentStream stream = RecurrentModel.Load(GoldenPath("lstm_1x40")).CreateStream();
        stream.SetSampleRateRatio(1);
        var error = Assert.Throws<NotSupportedException>(() => stream.SetSampleRateRatio(2));
        Assert.Contains("MaxSampleRateRatio", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("gru_16x32")]
    [InlineData("stack_head_5x24_none")]
    [InlineData("gru.onnx")]
    [InlineData("stack_proj_5x24p8")]
    public void Steady_state_Step_and_Forward_allocate_nothing(string name)
    {
        // gru.onnx: a reset-before GRU, whose step runs two accumulations through the stream's scratch; stack_proj_5x24p8: a
        // projection, whose history slots hold h (8) and c (24).
        WeightFile file = name.EndsWith(".onnx", StringComparison.Ordinal) ? GruFormatTests.Open(name) : WeightFile.Open(GoldenPath(name));
        RecurrentModel model = RecurrentModel.FromWeights(file, RecurrentKernel.Generic);
        RecurrentStream stream = model.CreateStream();
        stream.SetSampleRateRatio(1.5);
        float[] input = new float[model.InputSize], output = new float[model.OutputSize];
        float[] inputs = new float[16 * model.InputSize], outputs = new float[16 * model.OutputSize];
        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int t = 0; t < 1000; t++)
            {
                stream.Step(input, output);
            }
            stream.Forward(inputs, outputs);
        });
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void Streams_of_one_model_are_independent()
    {
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath("gru_4x17")), RecurrentKernel.Generic);
        float[] inputs = SafeTensorsFile.Open(GoldenPath("gru_4x17")).ReadFloat32("input");
        float[] alone = Forward(model, inputs);
        RecurrentStream first = model.CreateStream(), second = model.CreateStream();
        float[] a = new float[alone.Length], b = new float[alone.Length];
        for (int t = 0; t < inputs.Length / 4; t++)
        {
            first.Step(inputs.AsSpan(t * 4, 4), a.AsSpan(t * 17, 17));
            second.Step(new float[4], b.AsSpan(t * 17, 17));
        }
        Assert.Equal(alone, a);
    }

    [Theory]
    [InlineData(null)]
    [InlineData(RecurrentKernel.Generic)]
    public void StepBatch_gives_each_streams_Step(RecurrentKernel? kernel)
    {
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath("lstm_1x40")), kernel);
        RecurrentStream[] streams = [model.CreateStream(), model.CreateStream(), model.CreateStream()];
        RecurrentStream[] alone = [model.CreateStream(), model.CreateStream(), model.CreateStream()];
        float[] inputs = new float[3], outputs = new float[3 * 40], expected = new float[3 * 40];
        for (int t = 0; t < 20; t++)
        {
            for (int k = 0; k < 3; k++)
            {
                inputs[k] = MathF.Sin(0.3f * t + k);
                alone[k].Step(inputs.AsSpan(k, 1), expected.AsSpan(k * 40, 40));
            }
            model.StepBatch(inputs, streams, outputs);
            Assert.Equal(expected, outputs);
        }
        RecurrentStream foreign = RecurrentModel.FromWeights(WeightFile.Open(GoldenPath("lstm_1x40")), kernel).CreateStream();
        var error = Assert.Throws<ArgumentException>(() => model.StepBatch(inputs, [streams[0], foreign, streams[2]], outputs));
        Assert.Equal("streams", error.ParamName);
        Assert.Equal("outputs", Assert.Throws<ArgumentException>(() => model.StepBatch(inputs, streams, new float[40])).ParamName);
    }

    private static float[] Forward(RecurrentModel model, float[] inputs)
    {
        float[] outputs = new float[inputs.Length / model.InputSize * model.OutputSize];
        model.CreateStream().Forward(inputs, outputs);
        return outputs;
    }

    private static string GoldenPath(string name) => System.IO.Path.Combine(AppContext.BaseDirectory, "Golden", name + ".safetensors");

    /// <summary>A PyTorch state dict as JSON: each tensor flat, or as rows of <c>columns</c> values (0: a vector).</summary>
    private static string StateDict(params (string Name, float[] Values, int Columns)[] tensors)
        => "{" + string.Join(",", tensors.Select(t => $"\"{t.Name}\":" + (t.Columns == 0
            ? Json(t.Values)
            : "[" + string.Join(",", t.Values.Chunk(t.Columns).Select(Json)) + "]"))) + "}";

    private static string Json(float[] values) => "[" + string.Join(",", values.Select(v => v.ToString("R", CultureInfo.InvariantCulture))) + "]";
}

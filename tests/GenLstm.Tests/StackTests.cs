using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// Stacked (<c>Layers</c>), bidirectional and reverse models against PyTorch's <c>torch.nn.LSTM(num_layers=…, bidirectional=…)</c>
/// (golden data from tests/scripts/make_golden_stacks.py) and against <see cref="ReferenceLstm"/> chained layer by layer.
/// </summary>
public sealed class StackTests(ITestOutputHelper log)
{
    /// <summary>
    /// As <see cref="GoldenTests"/>: float32 math against float64 truth, 1e-5. A layer's error is the next layer's input
    /// error, but the layers here contract it (PyTorch's own float32 runs are within 2.1e-7 of float64, see the script's log).
    /// </summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Names => new(StackHarness.Names);

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_PyTorch_float64(string name)
    {
        SafeTensorsFile file = StackHarness.Golden(name);
        StackHarness model = StackHarness.Load(name, file);

        StackHarness.Result result = model.Forward(file.ReadFloat32("input"));

        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_f64"));
        log.WriteLine($"{name}: max |output - torch f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Hidden, file.ReadFloat64("h_n_f64")), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Cell, file.ReadFloat64("c_n_f64")), 0, 10 * Tolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_PyTorch_float32(string name)
    {
        SafeTensorsFile file = StackHarness.Golden(name);
        StackHarness model = StackHarness.Load(name, file);

        StackHarness.Result result = model.Forward(file.ReadFloat32("input"));

        Assert.InRange(Golden.MaxAbsDifference(result.Outputs, file.ReadFloat32("output_f32")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_continues_from_every_layers_initial_state_as_PyTorch_does(string name)
    {
        SafeTensorsFile file = StackHarness.Golden(name);
        StackHarness model = StackHarness.Load(name, file);

        StackHarness.Result result = model.Forward(file.ReadFloat32("input"), file.ReadFloat32("h0"), file.ReadFloat32("c0"));

        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_from_state_f64"));
        log.WriteLine($"{name} from (h0, c0): max |output - torch f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Hidden, file.ReadFloat64("h_n_from_state_f64")), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Cell, file.ReadFloat64("c_n_from_state_f64")), 0, 10 * Tolerance);
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void Forward_matches_the_float64_reference_chained_layer_by_layer(string name)
    {
        SafeTensorsFile file = StackHarness.Golden(name);
        StackHarness model = StackHarness.Load(name, file);
        float[] inputs = file.ReadFloat32("input"), h0 = file.ReadFloat32("h0"), c0 = file.ReadFloat32("c0");

        StackHarness.Result result = model.Forward(inputs, h0, c0);
        (double[] outputs, double[] hidden, double[] cell) = ReferenceStack(model, file, inputs, h0, c0);

        Assert.InRange(Golden.MaxAbsDifference(result.Outputs, outputs), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Hidden, hidden), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Cell, cell), 0, 10 * Tolerance);
    }

    [Theory]
    [InlineData("stacked2_3x20")]
    [InlineData("stacked3_5x24")]
    [InlineData("head_5x24_none")]
    [InlineData("head2_3x20_softmax")]
    [InlineData("head_1x8_sigmoid")]
    [InlineData("head_2x9_relu")]
    [InlineData("proj_5x24p8")]
    [InlineData("proj2head_4x16p5")]
    public void Step_and_StepBatch_give_bit_for_bit_the_numbers_of_Forward(string name)
    {
        SafeTensorsFile file = StackHarness.Golden(name);
        StackHarness model = StackHarness.Load(name, file);
        float[] inputs = file.ReadFloat32("input"), h0 = file.ReadFloat32("h0"), c0 = file.ReadFloat32("c0");

        StackHarness.Result forward = model.Forward(inputs, h0, c0);
        StackHarness.Result stepped = model.Steps(inputs, h0, c0, batch: false);
        StackHarness.Result batched = model.Steps(inputs, h0, c0, batch: true);

        Assert.Equal(forward.Outputs, stepped.Outputs);
        Assert.Equal(forward.Hidden, stepped.Hidden);
        Assert.Equal(forward.Cell, stepped.Cell);
        Assert.Equal(forward.Outputs, batched.Outputs);
        Assert.Equal(forward.Cell, batched.Cell);
    }

    [Fact]
    public void A_bfloat16_stack_follows_its_float32_twin_within_the_bfloat16_error()
    {
        var writer = new SafeTensorsWriter();
        var tensors = new List<PyTorchLstmTensors>();
        var random = new Random(11);
        for (int layer = 0; layer < 2; layer++)
        {
            float[] Draw(int count, double scale) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * scale))];
            float[] weightIh = Draw(80 * 20, 0.3), weightHh = Draw(80 * 20, 0.3), biasIh = Draw(80, 0.5), biasHh = Draw(80, 0.5);
            writer.Add($"weight_ih_l{layer}", weightIh, 80, 20).Add($"weight_hh_l{layer}", weightHh, 80, 20)
                .Add($"bias_ih_l{layer}", biasIh).Add($"bias_hh_l{layer}", biasHh);
            tensors.Add(new PyTorchLstmTensors(weightIh, weightHh, biasIh, biasHh));
        }
        var model = Stacked2BFloat16Lstm20x20.FromSafeTensors(writer.ToFile());
        float[] inputs = [.. Enumerable.Range(0, 30 * 20).Select(i => MathF.Sin(i * 0.37f))];

        var forwardState = new Stacked2BFloat16Lstm20x20.State();
        var outputs = new float[inputs.Length];
        model.Forward(inputs, ref forwardState, outputs);
        var stepState = new Stacked2BFloat16Lstm20x20.State();
        var stepped = new float[inputs.Length];
        for (int t = 0; t < 30; t++)
        {
            model.Step(inputs.AsSpan(t * 20, 20), ref stepState, stepped.AsSpan(t * 20, 20));
        }
        double[] reference = ChainForward(tensors, 20, 20, inputs);

        Assert.Equal(outputs, stepped);
        // bfloat16 keeps 8 bits of mantissa: each weight is off by up to 2^-9 relative; over 40 terms of |w| ≤ 0.3 and two
        // layers that moves h by about 1e-3 (the README's measured range for one layer is 5e-4 to 1.1e-3).
        double error = Golden.MaxAbsDifference(outputs, reference);
        log.WriteLine($"bf16 2-layer 20x20: max |output - float64 reference| = {error:E2}");
        Assert.InRange(error, 1e-6, 1e-2);
    }

    [Fact]
    public void Every_layer_of_a_stack_is_loaded_or_the_load_fails()
    {
        SafeTensorsFile three = StackHarness.Golden("stacked3_5x24");
        byte[] withoutLayer2 = Copy(three, name => !name.Contains("_l2", StringComparison.Ordinal));

        var missing = Assert.Throws<WeightFormatException>(() => Stacked3Lstm5x24.FromSafeTensors(SafeTensorsFile.Parse(withoutLayer2, "two.safetensors")));
        Assert.Equal("lstm.weight_ih_l2", missing.TensorName);
        Assert.StartsWith("two.safetensors:", missing.Message, StringComparison.Ordinal);

        SafeTensorsFile stacked = StackHarness.Golden("stacked2_3x20");
        byte[] withLayer2 = Copy(stacked, _ => true, extra: w => w.Add("weight_ih_l2", new float[80 * 20], 80, 20));
        var extra = Assert.Throws<WeightFormatException>(() => Stacked2Lstm3x20.FromSafeTensors(SafeTensorsFile.Parse(withLayer2, "three.safetensors")));
        Assert.Equal("weight_ih_l2", extra.TensorName);
        Assert.Contains("Layers = 2", extra.Message);
    }

    [Fact]
    public void A_file_with_the_wrong_direction_or_upper_layer_shape_is_rejected_naming_the_tensor()
    {
        SafeTensorsFile bidirectional = StackHarness.Golden("bidirectional2_5x24");
        byte[] bytes = Copy(bidirectional, _ => true, rename: name => name.Replace("rnn.", ""));

        var reverse = Assert.Throws<WeightFormatException>(() => Stacked2Lstm3x20.FromSafeTensors(SafeTensorsFile.Parse(bytes, "bi.safetensors")));
        Assert.EndsWith("_reverse", reverse.TensorName, StringComparison.Ordinal);
        Assert.Contains("Direction = Forward", reverse.Message);

        // A forward 2-layer 5x24 file for a bidirectional declaration: layer 0's reverse half is missing.
        SafeTensorsFile forward = StackHarness.Golden("stacked3_5x24");
        byte[] twoLayers = Copy(forward, name => !name.Contains("_l2", StringComparison.Ordinal));
        var missing = Assert.Throws<WeightFormatException>(() => Bidirectional2Lstm5x24.FromSafeTensors(SafeTensorsFile.Parse(twoLayers, "fw.safetensors")));
        Assert.Equal("lstm.weight_ih_l0_reverse", missing.TensorName);

        // The upper layer of a bidirectional stack reads 2H = 48 features, not H.
        byte[] narrow = Copy(bidirectional, name => name != "rnn.weight_ih_l1",
            extra: w => w.Add("rnn.weight_ih_l1", new float[96 * 24], 96, 24));
        var shape = Assert.Throws<WeightFormatException>(() => Bidirectional2Lstm5x24.FromSafeTensors(SafeTensorsFile.Parse(narrow, "narrow.safetensors")));
        Assert.Equal("rnn.weight_ih_l1", shape.TensorName);
        Assert.Contains("[96, 48]", shape.Message);
    }

    [Fact]
    public void The_head_is_found_by_shape_or_the_load_fails_naming_what_it_looked_for()
    {
        SafeTensorsFile file = StackHarness.Golden("head_5x24_none");

        byte[] withoutHead = Copy(file, name => !name.StartsWith("fc.", StringComparison.Ordinal));
        var missing = Assert.Throws<WeightFormatException>(() => HeadLstm5x24.FromSafeTensors(SafeTensorsFile.Parse(withoutHead, "nohead.safetensors")));
        Assert.Equal("output.weight", missing.TensorName);
        Assert.Contains("[3, 24]", missing.Message);

        byte[] twoHeads = Copy(file, _ => true, extra: w => w.Add("other.weight", new float[3 * 24], 3, 24));
        var ambiguous = Assert.Throws<WeightFormatException>(() => HeadLstm5x24.FromSafeTensors(SafeTensorsFile.Parse(twoHeads, "two.safetensors")));
        Assert.Contains("'fc.weight'", ambiguous.Message);
        Assert.Contains("'other.weight'", ambiguous.Message);

        // The canonical name wins over any other tensor of the shape; a head without bias has a zero bias.
        byte[] canonical = Copy(SafeTensorsFile.Parse(twoHeads, "two.safetensors"), name => name != "fc.bias",
            rename: name => name == "other.weight" ? "output.weight" : name);
        var model = HeadLstm5x24.FromSafeTensors(SafeTensorsFile.Parse(canonical, "canonical.safetensors"));
        var state = new HeadLstm5x24.State();
        var output = new float[3];
        model.Step(new float[5], ref state, output);
        Assert.Equal(new float[3], output);
    }

    [Fact]
    public void FromPyTorch_rejects_a_head_that_differs_from_the_declaration()
    {
        SafeTensorsFile file = StackHarness.Golden("head2_3x20_softmax");
        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(WeightFile.FromSafeTensors(file), new LstmDeclaration(3, 20) { Layers = 2 });
        float[] weight = file.ReadFloat32("output.weight"), bias = file.ReadFloat32("output.bias");

        var error = Assert.Throws<ArgumentException>(() => HeadSoftmaxStacked2Lstm3x20.FromPyTorch(
            DenseLayer.FromPyTorch(20, 4, Activation.Sigmoid, weight, bias), layers));
        Assert.Equal("output", error.ParamName);
        Assert.Contains("Activation.Softmax", error.Message);

        var model = HeadSoftmaxStacked2Lstm3x20.FromPyTorch(DenseLayer.FromPyTorch(20, 4, Activation.Softmax, weight, bias), layers);
        var state = new HeadSoftmaxStacked2Lstm3x20.State();
        var output = new float[4];
        model.Step([0.5f, -1, 2], ref state, output);
        Assert.Equal(1.0, output.Sum(), 6);
        Assert.Throws<ArgumentException>(() => DenseLayer.FromPyTorch(20, 4, Activation.None, weight.AsSpan(1), bias));
    }

    [Fact]
    public void A_projected_model_needs_weight_hr_and_rejects_it_when_undeclared()
    {
        SafeTensorsFile projected = StackHarness.Golden("proj_5x24p8");

        byte[] withoutHr = Copy(projected, name => !name.Contains("weight_hr", StringComparison.Ordinal));
        var missing = Assert.Throws<WeightFormatException>(() => ProjectedLstm5x24.FromSafeTensors(SafeTensorsFile.Parse(withoutHr, "nohr.safetensors")));
        Assert.Equal("lstm.weight_hr_l0", missing.TensorName);

        // A projected file for a declaration without ProjectionSize: weight_hh is [96, 8], and weight_hr is not expected.
        var undeclared = Assert.Throws<WeightFormatException>(() => Lstm5x24.FromSafeTensors(projected));
        Assert.Equal("lstm.weight_hr_l0", undeclared.TensorName);
        Assert.Contains("projection", undeclared.Message);

        PyTorchLstmTensors layer = PyTorchLstmTensors.ReadLayers(WeightFile.FromSafeTensors(projected), new LstmDeclaration(5, 24) { ProjectionSize = 8 })[0];
        var noHr = new PyTorchLstmTensors(layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh);
        Assert.Contains("weight_hr", Assert.Throws<ArgumentException>(() => ProjectedLstm5x24.FromPyTorch(noHr)).Message);
        var state = new ProjectedLstm5x24.State();
        Assert.Equal(8, state.Hidden(0).Length);
        Assert.Equal(24, state.Cell(0).Length);
        Assert.Equal(8, ProjectedLstm5x24.OutputSize);
    }

    [Fact]
    public void State_rejects_a_layer_or_direction_the_model_does_not_have()
    {
        var stacked = new Stacked2Lstm3x20.State();
        var bidirectional = new Bidirectional2Lstm5x24.State();
        var single = new Lstm3x20.State();

        Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => stacked.Hidden(2)).ParamName);
        Assert.Equal("direction", Assert.Throws<ArgumentOutOfRangeException>(() => stacked.Cell(1, 1)).ParamName);
        Assert.Equal("direction", Assert.Throws<ArgumentOutOfRangeException>(() => bidirectional.Hidden(0, 2)).ParamName);
        Assert.Equal("layer", Assert.Throws<ArgumentOutOfRangeException>(() => single.Hidden(1)).ParamName);
        Assert.Equal(24, bidirectional.Cell(1, 1).Length);
        Assert.Equal(20, single.Cell(0, 0).Length);
    }

    [Fact]
    public void Forward_checks_the_sequence_lengths_against_the_stacks_output_size()
    {
        var model = Bidirectional2Lstm5x24.FromSafeTensors(StackHarness.Golden("bidirectional2_5x24"));
        var state = new Bidirectional2Lstm5x24.State();

        var error = Assert.Throws<ArgumentException>(() => model.Forward(new float[10], ref state, new float[2 * 24]));

        Assert.Equal("outputs", error.ParamName);
        Assert.Contains("96", error.Message);
    }

    [Fact]
    public void Stacked_headed_and_bidirectional_models_allocate_nothing_in_steady_state()
    {
        var stacked = Stacked3Lstm5x24.FromSafeTensors(StackHarness.Golden("stacked3_5x24"));
        var bidirectional = Bidirectional3Lstm16x32.FromSafeTensors(StackHarness.Golden("bidirectional3_16x32"));
        var headed = HeadSoftmaxStacked2Lstm3x20.FromSafeTensors(StackHarness.Golden("head2_3x20_softmax"));
        var headedState = new HeadSoftmaxStacked2Lstm3x20.State();
        float[] headInputs = new float[40 * 3], headOutputs = new float[40 * 4];
        var stackedState = new Stacked3Lstm5x24.State();
        var biState = new Bidirectional3Lstm16x32.State();
        float[] input = new float[5], output = new float[24];
        float[] sequence = new float[64 * 16], outputs = new float[64 * 64];
        void Run()
        {
            for (int i = 0; i < 100; i++)
            {
                stacked.Step(input, ref stackedState, output);
            }
            bidirectional.Forward(sequence, ref biState, outputs);
            headed.Forward(headInputs, ref headedState, headOutputs);
            headed.Step(headInputs.AsSpan(0, 3), ref headedState, headOutputs.AsSpan(0, 4));
        }

        long allocated = SteadyState.AllocatedBytes(Run);

        Assert.Equal(0, allocated);
    }

    /// <summary>The float64 reference of a stack: each layer and direction a <see cref="ReferenceLstm"/> over the layer below's outputs.</summary>
    private static (double[] Outputs, double[] Hidden, double[] Cell) ReferenceStack(StackHarness model, SafeTensorsFile file,
        float[] inputs, float[] h0, float[] c0)
    {
        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(WeightFile.FromSafeTensors(file),
            new LstmDeclaration(model.InputSize, model.HiddenSize) { Layers = model.Layers, Direction = model.Direction, ProjectionSize = model.ProjectionSize });
        int h = model.ProjectionSize > 0 ? model.ProjectionSize : model.HiddenSize, directions = model.Direction == LstmDirection.Bidirectional ? 2 : 1;
        int steps = inputs.Length / model.InputSize;
        double[] x = Array.ConvertAll(inputs, v => (double)v);
        var hidden = new List<double>();
        var cell = new List<double>();
        int inputSize = model.InputSize;
        for (int layer = 0; layer < model.Layers; layer++)
        {
            var next = new double[steps * directions * h];
            for (int d = 0; d < directions; d++)
            {
                int index = layer * directions + d;
                bool reverse = d == 1 || model.Direction == LstmDirection.Reverse;
                PyTorchLstmTensors w = layers[index];
                var reference = new ReferenceLstm(inputSize, model.HiddenSize, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh, w.WeightHr);
                float[] ordered = new float[steps * inputSize];
                for (int t = 0; t < steps; t++)
                {
                    int source = reverse ? steps - 1 - t : t;
                    for (int k = 0; k < inputSize; k++)
                    {
                        ordered[t * inputSize + k] = (float)x[source * inputSize + k];
                    }
                }
                // ReferenceLstm takes float inputs; the layer below's float64 outputs are rounded to float32 here, as the kernel's are.
                int cellSize = model.HiddenSize;
                (double[] outputs, double[] hn, double[] cn) = reference.Run(ordered, h0[(index * h)..((index + 1) * h)], c0[(index * cellSize)..((index + 1) * cellSize)]);
                for (int t = 0; t < steps; t++)
                {
                    int target = reverse ? steps - 1 - t : t;
                    Array.Copy(outputs, t * h, next, (target * directions + d) * h, h);
                }
                hidden.AddRange(hn);
                cell.AddRange(cn);
            }
            x = next;
            inputSize = directions * h;
        }
        return (Head(file, x, directions * h, model.OutputSize), [.. hidden], [.. cell]);
    }

    /// <summary>
    /// The dense head of the golden file, if it has one, in float64: the one 2-D "*.weight" of shape [size, stack output]
    /// and its bias; the activation is the file's metadata "head" (written by the script as "module(size, activation)").
    /// </summary>
    private static double[] Head(SafeTensorsFile file, double[] x, int inputSize, int size)
    {
        string head = file.Metadata["head"];
        if (head == "none")
        {
            return x;
        }
        string module = head[..head.IndexOf('(')];
        string activation = head[(head.LastIndexOf(' ') + 1)..^1];
        double[] weight = file.ReadFloat64(module + ".weight"), bias = file.ReadFloat64(module + ".bias");
        int steps = x.Length / inputSize;
        var y = new double[steps * size];
        for (int t = 0; t < steps; t++)
        {
            for (int o = 0; o < size; o++)
            {
                double sum = bias[o];
                for (int k = 0; k < inputSize; k++)
                {
                    sum += weight[o * inputSize + k] * (double)(float)x[t * inputSize + k];
                }
                y[t * size + o] = activation switch
                {
                    "none" => sum,
                    "sigmoid" => ReferenceLstm.Sigmoid(sum),
                    "tanh" => Math.Tanh(sum),
                    "relu" => Math.Max(sum, 0),
                    "softmax" => sum,
                    _ => throw new InvalidOperationException(activation),
                };
            }
            if (activation == "softmax")
            {
                Span<double> row = y.AsSpan(t * size, size);
                double max = double.NegativeInfinity, total = 0;
                foreach (double v in row)
                {
                    max = Math.Max(max, v);
                }
                foreach (ref double v in row)
                {
                    v = Math.Exp(v - max);
                    total += v;
                }
                foreach (ref double v in row)
                {
                    v /= total;
                }
            }
        }
        return y;
    }

    /// <summary>A forward stack of float32 PyTorch tensors run by <see cref="ReferenceLstm"/>, from the zero state.</summary>
    private static double[] ChainForward(List<PyTorchLstmTensors> layers, int inputSize, int hiddenSize, float[] inputs)
    {
        float[] x = inputs;
        double[] outputs = [];
        int size = inputSize;
        foreach (PyTorchLstmTensors w in layers)
        {
            outputs = new ReferenceLstm(size, hiddenSize, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh).Run(x).Outputs;
            x = Array.ConvertAll(outputs, v => (float)v);
            size = hiddenSize;
        }
        return outputs;
    }

    /// <summary>A copy of a safetensors file's tensors (those <paramref name="keep"/> accepts, renamed), plus extra ones.</summary>
    private static byte[] Copy(SafeTensorsFile file, Func<string, bool> keep, Func<string, string>? rename = null, Action<SafeTensorsWriter>? extra = null)
    {
        var writer = new SafeTensorsWriter();
        foreach (SafeTensorInfo tensor in file.Tensors.Where(t => keep(t.Name) && t.DType == "F32"))
        {
            writer.Add(rename?.Invoke(tensor.Name) ?? tensor.Name, file.ReadFloat32(tensor.Name), [.. tensor.Shape]);
        }
        extra?.Invoke(writer);
        return writer.ToBytes();
    }
}

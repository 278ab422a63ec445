using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// <c>LayerNorm = true</c> against an independent float64 implementation of TFLite's layer-norm LSTM
/// (<c>lstm_eval.cc</c>, <c>CalculateLstmGateFloat</c>): for each gate, z = W x + U h without bias; z is normalized over the
/// H units, (z − mean) / sqrt(variance + 1e-8) with the variance from the deviations (TFLite's MeanStddevNormalization);
/// then multiplied by the gate's layer-norm scale γ, the bias b (bias_ih + bias_hh) added, and the activation applied.
/// CIFG (i = 1 − f) and the cell clip act as without normalization.
/// </summary>
public sealed class LayerNormTests(ITestOutputHelper log)
{
    /// <summary>Float32 against float64; the normalization divides by a stddev of order 1 here, so the step's rounding stays ~1e-6.</summary>
    private const double Tolerance = 1e-5;

    private const int Steps = 24;

    [Fact]
    public void A_layer_norm_LSTM_matches_the_float64_TFLite_equations()
    {
        (SafeTensorsFile file, List<Layer> layers) = RandomFile(5, 12, 1, 1, seed: 1);
        var model = LayerNormLstm5x12.FromSafeTensors(file);
        float[] inputs = Inputs(5, seed: 2);

        var outputs = new float[Steps * 12];
        var state = new LayerNormLstm5x12.State();
        model.Forward(inputs, ref state, outputs);

        Check("5x12", outputs, Reference(layers, inputs, 5, 12, 1, new()));
        var stepState = new LayerNormLstm5x12.State();
        var stepped = new float[outputs.Length];
        for (int t = 0; t < Steps; t++)
        {
            model.Step(inputs.AsSpan(t * 5, 5), ref stepState, stepped.AsSpan(t * 12, 12));
        }
        Assert.Equal(outputs, stepped);
    }

    [Fact]
    public void A_coupled_clipped_two_layer_stack_matches_the_float64_equations()
    {
        (SafeTensorsFile file, List<Layer> layers) = RandomFile(3, 20, 2, 1, seed: 3);
        var model = LayerNormCoupledStackLstm3x20.FromSafeTensors(file);
        float[] inputs = Inputs(3, seed: 4);

        var outputs = new float[Steps * 20];
        var state = new LayerNormCoupledStackLstm3x20.State();
        model.Forward(inputs, ref state, outputs);

        Check("2 layers 3x20, CIFG, cell clip 3", outputs, Reference(layers, inputs, 3, 20, 1, new() { CoupledInputForget = true, CellClip = 3 }));
    }

    [Fact]
    public void A_bidirectional_layer_norm_LSTM_with_hard_sigmoid_gates_matches_the_float64_equations()
    {
        (SafeTensorsFile file, List<Layer> layers) = RandomFile(16, 40, 1, 2, seed: 5);
        var model = LayerNormBidirectionalLstm16x40.FromSafeTensors(file);
        float[] inputs = Inputs(16, seed: 6);

        var outputs = new float[Steps * 80];
        var state = new LayerNormBidirectionalLstm16x40.State();
        model.Forward(inputs, ref state, outputs);

        Check("bidirectional 16x40, HardSigmoid gates", outputs, Reference(layers, inputs, 16, 40, 2, new() { Gate = ("HardSigmoid", 0.2, 0.5) }));
    }

    [Fact]
    public void Layer_norm_with_peepholes_matches_the_float64_TFLite_equations()
    {
        (SafeTensorsFile file, List<Layer> layers) = RandomFile(6, 16, 1, 1, seed: 9, peepholes: true);
        var model = LayerNormPeepholeLstm6x16.FromSafeTensors(file);
        float[] inputs = Inputs(6, seed: 10);

        var outputs = new float[Steps * 16];
        var state = new LayerNormPeepholeLstm6x16.State();
        model.Forward(inputs, ref state, outputs);

        Check("6x16 with peepholes, cell clip 2", outputs, Reference(layers, inputs, 6, 16, 1, new() { CellClip = 2 }));
    }

    /// <summary>
    /// With no declaration, RecurrentModel's generic kernel infers layer normalization (and peepholes) from the tensor names and
    /// runs the same equations: against the float64 reference, with Step and Forward agreeing bit for bit and allocating nothing.
    /// </summary>
    [Theory]
    [InlineData(5, 12, 1, false, 1)]
    [InlineData(3, 20, 2, false, 3)]
    [InlineData(6, 16, 1, true, 9)]
    public void The_generic_kernel_runs_a_layer_norm_file_with_no_declaration(int inputSize, int hiddenSize, int layerCount, bool peepholes, int seed)
    {
        (SafeTensorsFile file, List<Layer> layers) = RandomFile(inputSize, hiddenSize, layerCount, 1, seed, peepholes);
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.FromSafeTensors(file), RecurrentKernel.Generic);
        Assert.True(model.Declaration.LayerNorm);
        Assert.Equal(peepholes, model.Declaration.Peepholes);
        float[] inputs = Inputs(inputSize, seed: 2);
        var outputs = new float[Steps * hiddenSize];
        RecurrentStream stream = model.CreateStream();
        stream.Forward(inputs, outputs);
        Check($"{model.KernelDescription}", outputs, Reference(layers, inputs, inputSize, hiddenSize, 1, new()));

        var stepped = new float[outputs.Length];
        long allocated = SteadyState.AllocatedBytes(() =>
        {
            stream.Reset();
            for (int t = 0; t < Steps; t++)
            {
                stream.Step(inputs.AsSpan(t * inputSize, inputSize), stepped.AsSpan(t * hiddenSize, hiddenSize));
            }
        });
        Assert.Equal(outputs, stepped);
        Assert.Equal(0, allocated);
    }

    [Fact]
    public void The_layer_norm_scales_are_required_and_allocation_free_in_steady_state()
    {
        (SafeTensorsFile file, _) = RandomFile(5, 12, 1, 1, seed: 7);
        var writer = new SafeTensorsWriter();
        foreach (SafeTensorInfo tensor in file.Tensors.Where(t => !t.Name.StartsWith("layer_norm", StringComparison.Ordinal)))
        {
            writer.Add(tensor.Name, file.ReadFloat32(tensor.Name), [.. tensor.Shape]);
        }
        var missing = Assert.Throws<WeightFormatException>(() => LayerNormLstm5x12.FromSafeTensors(writer.ToFile("noln.safetensors")));
        Assert.Equal("layer_norm_weight_l0", missing.TensorName);
        var unexpected = Assert.Throws<WeightFormatException>(() => Lstm5x24.FromSafeTensors(RandomFile(5, 24, 1, 1, seed: 8).File));
        Assert.Equal("layer_norm_weight_l0", unexpected.TensorName);

        var model = LayerNormLstm5x12.FromSafeTensors(file);
        var state = new LayerNormLstm5x12.State();
        float[] input = new float[5], output = new float[12];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int t = 0; t < 1000; t++)
            {
                model.Step(input, ref state, output);
            }
        });
        Assert.Equal(0, allocated);
    }

    private void Check(string name, float[] actual, double[] expected)
    {
        double error = Golden.MaxAbsDifference(actual, expected);
        log.WriteLine($"{name}: max |GenLstm - float64 TFLite equations| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.True(expected.Any(v => Math.Abs(v) > 0.1), "the outputs must not all be near zero");
    }

    /// <param name="Peepholes">p_i, p_f, p_o ([3, H]), or null.</param>
    private sealed record Layer(float[] WeightIh, float[] WeightHh, float[] Bias, float[] Gamma, float[]? Peepholes = null);

    private sealed record Options
    {
        public bool CoupledInputForget { get; init; }
        public double CellClip { get; init; }
        public (string Name, double Alpha, double Beta) Gate { get; init; } = ("Sigmoid", 0, 0);
    }

    /// <summary>A random state dict with layer-norm scales (γ around 1), layers and directions in PyTorch's order.</summary>
    private static (SafeTensorsFile File, List<Layer> Layers) RandomFile(int inputSize, int hiddenSize, int layerCount, int directions, int seed,
        bool peepholes = false)
    {
        var random = new Random(seed);
        float[] Draw(int count, double center, double bound) => [.. Enumerable.Range(0, count).Select(_ => (float)(center + (random.NextDouble() * 2 - 1) * bound))];
        var writer = new SafeTensorsWriter();
        var layers = new List<Layer>();
        for (int layer = 0; layer < layerCount; layer++)
        {
            int columns = layer == 0 ? inputSize : directions * hiddenSize;
            for (int direction = 0; direction < directions; direction++)
            {
                string suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                float[] wih = Draw(4 * hiddenSize * columns, 0, 1.5 / Math.Sqrt(columns)), whh = Draw(4 * hiddenSize * hiddenSize, 0, 1.5 / Math.Sqrt(hiddenSize));
                float[] bih = Draw(4 * hiddenSize, 0, 0.5), bhh = Draw(4 * hiddenSize, 0, 0.5), gamma = Draw(4 * hiddenSize, 1, 0.5);
                writer.Add("weight_ih" + suffix, wih, 4 * hiddenSize, columns).Add("weight_hh" + suffix, whh, 4 * hiddenSize, hiddenSize)
                    .Add("bias_ih" + suffix, bih).Add("bias_hh" + suffix, bhh).Add("layer_norm_weight" + suffix, gamma);
                float[]? p = peepholes ? Draw(3 * hiddenSize, 0, 0.8) : null;
                if (p is not null)
                {
                    writer.Add("weight_ci" + suffix, p[..hiddenSize]).Add("weight_cf" + suffix, p[hiddenSize..(2 * hiddenSize)]).Add("weight_co" + suffix, p[(2 * hiddenSize)..]);
                }
                layers.Add(new Layer(wih, whh, [.. bih.Zip(bhh, (a, b) => a + b)], gamma, p));
            }
        }
        return (writer.ToFile(), layers);
    }

    private static float[] Inputs(int inputSize, int seed)
    {
        var random = new Random(seed);
        return [.. Enumerable.Range(0, Steps * inputSize).Select(_ => (float)(random.NextDouble() * 4 - 2))];
    }

    /// <summary>The stack in float64: each layer and direction from the zero state, the layer below's outputs rounded to float32.</summary>
    private static double[] Reference(List<Layer> layers, float[] inputs, int inputSize, int hiddenSize, int directions, Options options)
    {
        float[] x = inputs;
        int size = inputSize;
        double[] outputs = [];
        for (int layer = 0; layer < layers.Count / directions; layer++)
        {
            outputs = new double[Steps * directions * hiddenSize];
            for (int direction = 0; direction < directions; direction++)
            {
                double[] h = Run(layers[layer * directions + direction], x, size, hiddenSize, reverse: direction == 1, options);
                for (int t = 0; t < Steps; t++)
                {
                    Array.Copy(h, t * hiddenSize, outputs, (t * directions + direction) * hiddenSize, hiddenSize);
                }
            }
            x = Array.ConvertAll(outputs, v => (float)v);
            size = directions * hiddenSize;
        }
        return outputs;
    }

    private static double[] Run(Layer w, float[] x, int inputSize, int hiddenSize, bool reverse, Options options)
    {
        var h = new double[hiddenSize];
        var c = new double[hiddenSize];
        var outputs = new double[Steps * hiddenSize];
        var z = new double[4, hiddenSize];
        for (int step = 0; step < Steps; step++)
        {
            int t = reverse ? Steps - 1 - step : step;
            for (int gate = 0; gate < 4; gate++)
            {
                for (int u = 0; u < hiddenSize; u++)
                {
                    int row = gate * hiddenSize + u;
                    double sum = 0;
                    for (int k = 0; k < inputSize; k++)
                    {
                        sum += (double)w.WeightIh[row * inputSize + k] * x[t * inputSize + k];
                    }
                    for (int k = 0; k < hiddenSize; k++)
                    {
                        sum += (double)w.WeightHh[row * hiddenSize + k] * h[k];
                    }
                    // TFLite adds the peephole terms before the normalization: p_i, p_f ⊙ c_{t-1} here, p_o ⊙ c_t below.
                    if (w.Peepholes is { } p && gate < 2)
                    {
                        sum += p[gate * hiddenSize + u] * c[u];
                    }
                    z[gate, u] = sum;
                }
                if (gate == 3)
                {
                    break;   // the output gate is normalized once c_t is known
                }
                Normalize(w, z, gate, hiddenSize);
            }
            for (int u = 0; u < hiddenSize; u++)
            {
                double f = Gate(options, z[1, u]);
                double i = options.CoupledInputForget ? 1 - f : Gate(options, z[0, u]);
                double cell = f * c[u] + i * Math.Tanh(z[2, u]);
                c[u] = options.CellClip > 0 ? Math.Clamp(cell, -options.CellClip, options.CellClip) : cell;
            }
            for (int u = 0; u < hiddenSize; u++)
            {
                z[3, u] += w.Peepholes is { } p ? p[2 * hiddenSize + u] * c[u] : 0;
            }
            Normalize(w, z, 3, hiddenSize);
            for (int u = 0; u < hiddenSize; u++)
            {
                h[u] = Gate(options, z[3, u]) * Math.Tanh(c[u]);
                outputs[t * hiddenSize + u] = h[u];
            }
        }
        return outputs;
    }

    /// <summary>MeanStddevNormalization of one gate's z, then the layer-norm scale, then the bias.</summary>
    private static void Normalize(Layer w, double[,] z, int gate, int hiddenSize)
    {
        double mean = Enumerable.Range(0, hiddenSize).Average(u => z[gate, u]);
        double variance = Enumerable.Range(0, hiddenSize).Average(u => (z[gate, u] - mean) * (z[gate, u] - mean));
        for (int u = 0; u < hiddenSize; u++)
        {
            z[gate, u] = (z[gate, u] - mean) / Math.Sqrt(variance + 1e-8) * w.Gamma[gate * hiddenSize + u] + w.Bias[gate * hiddenSize + u];
        }
    }

    private static double Gate(Options options, double z) => options.Gate.Name switch
    {
        "HardSigmoid" => Math.Clamp(options.Gate.Alpha * z + options.Gate.Beta, 0, 1),
        _ => 1 / (1 + Math.Exp(-z)),
    };
}

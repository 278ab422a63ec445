using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// [LstmCell] and [LstmHidden]: the generated kernels against the float64 reference evaluating the same expressions with its
/// own interpreter (<see cref="ReferenceExpression"/>), on the ONNX variant tests' weights (tests/GenLstm.Tests/Onnx).
/// </summary>
public sealed class ExpressionTests(ITestOutputHelper log)
{
    private const double Tolerance = 1e-5;

    [Fact]
    public void A_cell_expression_that_couples_the_gates_matches_the_reference()
    {
        (float[] w, float[] r, float[] b, _, float[] x) = Load("activations_a");
        var model = CoupledByExpressionLstm4x12.FromOnnx(w, r, b);
        var state = new CoupledByExpressionLstm4x12.State();
        var outputs = new float[x.Length / 4 * 12];
        model.Forward(x, ref state, outputs);

        Check("c = f c_prev + (1 - f) g", outputs,
            ReferenceVariantLstm.RunOnnx(w, r, b, null, x, 4, 12, 1, new() { CellExpression = "f * c_prev + (1 - f) * g" }));
    }

    [Fact]
    public void Cell_and_hidden_expressions_with_peepholes_match_the_reference_and_Step_equals_Forward()
    {
        (float[] w, float[] r, float[] b, float[]? p, float[] x) = Load("peepholes");
        var model = PeepholeExpressionsLstm4x12.FromOnnx(w, r, b, p!);
        var state = new PeepholeExpressionsLstm4x12.State();
        var outputs = new float[x.Length / 4 * 12];
        model.Forward(x, ref state, outputs);

        Check("peepholes, changed cell and hidden", outputs, ReferenceVariantLstm.RunOnnx(w, r, b, p, x, 4, 12, 1, new()
        {
            Peepholes = true,
            CellExpression = "f * c_prev + i * g + 0.1 * tanh(c_prev)",
            HiddenExpression = "o * tanh(c) + 0.05 * clip(c_prev, -1, 1)",
        }));
        var stepState = new PeepholeExpressionsLstm4x12.State();
        var stepped = new float[outputs.Length];
        for (int t = 0; t < x.Length / 4; t++)
        {
            model.Step(x.AsSpan(t * 4, 4), ref stepState, stepped.AsSpan(t * 12, 12));
        }
        Assert.Equal(outputs, stepped);
    }

    [Fact]
    public void Every_function_of_the_language_in_a_bidirectional_model_matches_the_reference()
    {
        const string Hidden = "o * max(min(c, 1), -1) * sigmoid(g) + abs(i) * 0.1 - relu(-c) * 0.01 + hardsigmoid(f) * exp(-abs(c)) * 0.1 / (1 + abs(g))";
        (float[] w, float[] r, float[] b, float[]? p, float[] x) = Load("bidirectional_peepholes");
        var model = EveryFunctionLstm4x12.FromOnnx(new OnnxLstmTensors(w, r, b, p));
        var state = new EveryFunctionLstm4x12.State();
        var outputs = new float[x.Length / 4 * 24];
        model.Forward(x, ref state, outputs);

        Check("every function, bidirectional", outputs, ReferenceVariantLstm.RunOnnx(w, r, b, p, x, 4, 12, 2, new() { Peepholes = true, HiddenExpression = Hidden }));
    }

    private void Check(string name, float[] actual, double[] expected)
    {
        double error = Golden.MaxAbsDifference(actual, expected);
        log.WriteLine($"{name}: max |GenLstm - float64 reference| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.True(expected.Any(v => Math.Abs(v) > 0.05), "the outputs must not all be near zero");
    }

    private static (float[] W, float[] R, float[] B, float[]? P, float[] X) Load(string name)
    {
        SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Onnx", name + ".safetensors"));
        return (file.ReadFloat32("W"), file.ReadFloat32("R"), file.ReadFloat32("B"),
            file.Tensors.Any(t => t.Name == "P") ? file.ReadFloat32("P") : null, file.ReadFloat32("X"));
    }

    [Fact]
    public void Added_gates_feed_the_expressions_and_match_the_reference_on_every_entry_point()
    {
        var random = new Random(17);
        float[] Draw(int count, double bound) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * bound))];
        float[] wih = Draw(48 * 4, 0.7), whh = Draw(48 * 12, 0.3), bih = Draw(48, 0.5), bhh = Draw(48, 0.5);
        float[] zW = Draw(12 * 4, 0.7), zU = Draw(12 * 12, 0.3), zB = Draw(12, 0.5), rW = Draw(12 * 4, 0.7), rU = Draw(12 * 12, 0.3), rB = Draw(12, 0.5);
        var file = new SafeTensorsWriter().Add("weight_ih_l0", wih, 48, 4).Add("weight_hh_l0", whh, 48, 12).Add("bias_ih_l0", bih).Add("bias_hh_l0", bhh)
            .Add("weight_ih_z_l0", zW, 12, 4).Add("weight_hh_z_l0", zU, 12, 12).Add("bias_z_l0", zB)
            .Add("weight_ih_r_l0", rW, 12, 4).Add("weight_hh_r_l0", rU, 12, 12).Add("bias_r_l0", rB).ToFile("gates.safetensors");
        var model = ExtraGatesLstm4x12.FromSafeTensors(file);
        float[] x = Draw(30 * 4, 2);

        var state = new ExtraGatesLstm4x12.State();
        var outputs = new float[30 * 12];
        model.Forward(x, ref state, outputs);
        double[] expected = ReferenceVariantLstm.Run(wih, whh, bih, bhh, null, x, 4, 12, new()
        {
            ActivationClip = 4,
            ExtraGates = [("z", ("Sigmoid", 0, 0), zW, zU, zB), ("r", ("HardSigmoid", 0.25, 0.5), rW, rU, rB)],
            CellExpression = "f * c_prev + i * g + z * tanh(c_prev)",
            HiddenExpression = "o * tanh(c) * (1 - r) + r * c_prev * 0.1",
        });
        Check("two added gates", outputs, expected);

        var streams = new ExtraGatesLstm4x12.State[5];
        var batch = new float[5 * 12];
        var stepped = new float[30 * 12];
        var stepState = new ExtraGatesLstm4x12.State();
        for (int t = 0; t < 30; t++)
        {
            model.Step(x.AsSpan(t * 4, 4), ref stepState, stepped.AsSpan(t * 12, 12));
            float[] inputs = [.. Enumerable.Repeat(x.Skip(t * 4).Take(4), 5).SelectMany(v => v)];
            model.StepBatch(inputs, streams, batch);
            Assert.Equal(stepped.AsSpan(t * 12, 12).ToArray(), batch.AsSpan(4 * 12, 12).ToArray());
        }
        Assert.Equal(outputs, stepped);

        var missing = Assert.Throws<WeightFormatException>(() => ExtraGatesLstm4x12.FromSafeTensors(new SafeTensorsWriter()
            .Add("weight_ih_l0", wih, 48, 4).Add("weight_hh_l0", whh, 48, 12).Add("bias_ih_l0", bih).Add("bias_hh_l0", bhh).ToFile("nogates.safetensors")));
        Assert.Equal("weight_ih_z_l0", missing.TensorName);
    }

    [Fact]
    public void An_added_gate_in_a_bidirectional_layer_norm_stack_runs_and_loads_every_layer()
    {
        var random = new Random(18);
        float[] Draw(int count, double bound) => [.. Enumerable.Range(0, count).Select(_ => (float)(1 + (random.NextDouble() * 2 - 1) * bound))];
        var writer = new SafeTensorsWriter();
        for (int layer = 0; layer < 2; layer++)
        {
            int columns = layer == 0 ? 3 : 20;
            foreach (string suffix in new[] { $"_l{layer}", $"_l{layer}_reverse" })
            {
                writer.Add("weight_ih" + suffix, Draw(40 * columns, 0.5), 40, columns).Add("weight_hh" + suffix, Draw(40 * 10, 0.5), 40, 10)
                    .Add("bias_ih" + suffix, Draw(40, 0.5)).Add("bias_hh" + suffix, Draw(40, 0.5)).Add("layer_norm_weight" + suffix, Draw(40, 0.2))
                    .Add("weight_ih_m" + suffix, Draw(10 * columns, 0.5), 10, columns).Add("weight_hh_m" + suffix, Draw(10 * 10, 0.5), 10, 10).Add("bias_m" + suffix, Draw(10, 0.5));
            }
        }
        var model = ExtraGateLayerNormStackLstm3x10.FromSafeTensors(writer.ToFile());
        var state = new ExtraGateLayerNormStackLstm3x10.State();
        var outputs = new float[8 * 20];
        model.Forward(Draw(8 * 3, 1), ref state, outputs);

        Assert.All(outputs, v => Assert.InRange(v, -1f, 1f));
        Assert.Contains(outputs, v => Math.Abs(v) > 0.01f);
    }

    [Fact]
    public void Peepholes_projection_two_bidirectional_layers_and_a_softmax_head_compose()
    {
        // The variants issue's example, against the float64 reference chained by hand: each layer and direction a
        // projected peephole LSTM (the projection applied to h_t), then the softmax head on the last layer's output.
        var random = new Random(19);
        float[] Draw(int count, double bound) => [.. Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * bound))];
        var writer = new SafeTensorsWriter();
        var layers = new List<(float[] Wih, float[] Whh, float[] B, float[] P, float[] Hr)>();
        for (int layer = 0; layer < 2; layer++)
        {
            int columns = layer == 0 ? 4 : 10;
            foreach (string suffix in new[] { $"_l{layer}", $"_l{layer}_reverse" })
            {
                float[] wih = Draw(48 * columns, 0.6), whh = Draw(48 * 5, 0.6), bih = Draw(48, 0.5), bhh = Draw(48, 0.5), p = Draw(36, 0.7), hr = Draw(5 * 12, 0.5);
                writer.Add("weight_ih" + suffix, wih, 48, columns).Add("weight_hh" + suffix, whh, 48, 5).Add("bias_ih" + suffix, bih).Add("bias_hh" + suffix, bhh)
                    .Add("weight_ci" + suffix, p[..12]).Add("weight_cf" + suffix, p[12..24]).Add("weight_co" + suffix, p[24..]).Add("weight_hr" + suffix, hr, 5, 12);
                layers.Add((wih, whh, [.. bih.Zip(bhh, (a, b) => a + b)], p, hr));
            }
        }
        float[] headW = Draw(3 * 10, 0.8), headB = Draw(3, 0.3);
        writer.Add("output.weight", headW, 3, 10).Add("output.bias", headB);
        var model = PeepholeProjectedBidirectionalHeadLstm4x12.FromSafeTensors(writer.ToFile());
        const int steps = 9;
        float[] x = Draw(steps * 4, 1.5);
        var state = new PeepholeProjectedBidirectionalHeadLstm4x12.State();
        var outputs = new float[steps * 3];
        model.Forward(x, ref state, outputs);

        double[] sequence = [.. x.Select(v => (double)v)];
        int size = 4;
        for (int layer = 0; layer < 2; layer++)
        {
            var next = new double[steps * 10];
            for (int d = 0; d < 2; d++)
            {
                var w = layers[layer * 2 + d];
                var h = new double[5];
                var c = new double[12];
                for (int step = 0; step < steps; step++)
                {
                    int t = d == 1 ? steps - 1 - step : step;
                    var unprojected = new double[12];
                    for (int u = 0; u < 12; u++)
                    {
                        double Z(int gate)
                        {
                            int row = gate * 12 + u;
                            double z = w.B[row];
                            for (int k = 0; k < size; k++) z += w.Wih[row * size + k] * (double)(float)sequence[t * size + k];
                            for (int k = 0; k < 5; k++) z += w.Whh[row * 5 + k] * h[k];
                            return z;
                        }
                        double Sigmoid(double v) => 1 / (1 + Math.Exp(-v));
                        double i = Sigmoid(Z(0) + w.P[u] * c[u]), f = Sigmoid(Z(1) + w.P[12 + u] * c[u]), g = Math.Tanh(Z(2));
                        c[u] = f * c[u] + i * g;
                        double o = Sigmoid(Z(3) + w.P[24 + u] * c[u]);
                        unprojected[u] = o * Math.Tanh(c[u]);
                    }
                    for (int r = 0; r < 5; r++)
                    {
                        h[r] = Enumerable.Range(0, 12).Sum(u => w.Hr[r * 12 + u] * unprojected[u]);
                        next[t * 10 + d * 5 + r] = h[r];
                    }
                }
            }
            sequence = next;
            size = 10;
        }
        var expected = new double[steps * 3];
        for (int t = 0; t < steps; t++)
        {
            double[] logits = [.. Enumerable.Range(0, 3).Select(o => headB[o] + Enumerable.Range(0, 10).Sum(k => headW[o * 10 + k] * (double)(float)sequence[t * 10 + k]))];
            double max = logits.Max(), total = logits.Sum(v => Math.Exp(v - max));
            for (int o = 0; o < 3; o++) expected[t * 3 + o] = Math.Exp(logits[o] - max) / total;
        }
        Check("2 bidirectional layers, peepholes, projection, softmax head", outputs, expected);
    }
}

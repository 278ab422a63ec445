using System;
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
        model.Forward(x, outputs, ref state);

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
        model.Forward(x, outputs, ref state);

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
        model.Forward(x, outputs, ref state);

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
}

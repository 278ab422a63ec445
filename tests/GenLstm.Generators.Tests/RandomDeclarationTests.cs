using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using CsCheck;
using GenLstm.Tests;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Generators.Tests;

/// <summary>
/// A property test over declarations: CsCheck draws random sizes, layer counts, directions, element-wise variants
/// (peepholes, CIFG, both clips, a forget bias, activations with α and β) and random well-formed [LstmCell] / [LstmHidden]
/// expressions (every operator and function of the language), the generator writes each model, Roslyn
/// compiles it in memory, and its <c>Forward</c> over random weights and inputs must match the float64 references of the
/// numeric tests (<see cref="ReferenceVariantLstm"/>, chained layer by layer). CsCheck prints the seed of a failing case,
/// and shrinks it, so that it can be replayed.
/// </summary>
public sealed class RandomDeclarationTests(ITestOutputHelper log)
{
    private const int Steps = 10;

    /// <summary>
    /// Float32 against float64, relative to the value (Relu, Softplus, Elu or Affine may let h grow past 1): our activations
    /// within 3e-7, dot products of up to 60 terms, three layers.
    /// </summary>
    private const double Tolerance = 2e-5;

    /// <summary>
    /// The activations drawn. ThresholdedRelu is left out here: it jumps at α, so a float32 preactivation within 1e-7 of α
    /// would flip it; it is checked against ONNX Runtime on fixed data instead.
    /// </summary>
    private static readonly string[] Activations = ["Sigmoid", "Tanh", "Relu", "HardSigmoid", "LeakyRelu", "ScaledTanh", "Affine", "Elu", "Softsign", "Softplus"];

    /// <summary>
    /// The gate and hidden activations drawn: the bounded ones, with gates in [0, 1]. An unbounded gate or hidden activation
    /// (Relu, Affine, Elu, …, or a gate that can exceed 1 or go negative) can make the recurrence expand, and it then
    /// multiplies float32 rounding at every step: measured, two correct paths (vector and scalar) of such a model differ by
    /// 7e-5 after 10 steps, beyond any tolerance a test could state. Those activations are legal, and are checked against
    /// ONNX Runtime on fixed data (VariantOnnxTests); the cell candidate here takes any of them.
    /// </summary>
    private static readonly string[] GateActivations = ["Sigmoid", "HardSigmoid"];

    private static readonly string[] HiddenActivations = ["Sigmoid", "Tanh", "HardSigmoid", "ScaledTanh", "Softsign"];

    /// <summary>One random declaration.</summary>
    public sealed record Declaration(int InputSize, int HiddenSize, int Layers, GenLstm.LstmDirection Direction, bool Peepholes, bool CoupledInputForget,
        float ActivationClip, float CellClip, float ForgetBias, (string Name, float Alpha, float Beta) Gate, (string Name, float Alpha, float Beta) Cell,
        (string Name, float Alpha, float Beta) Hidden, int Seed, string? CellExpression = null, string? HiddenExpression = null,
        (string Name, float Alpha, float Beta)? ExtraGate = null)
    {
        public string Attribute()
        {
            var options = new List<string> { $"Layers = {Layers}", $"Direction = LstmDirection.{Direction}" };
            if (Peepholes) options.Add("Peepholes = true");
            if (CoupledInputForget) options.Add("CoupledInputForget = true");
            if (ActivationClip > 0) options.Add($"ActivationClip = {F(ActivationClip)}");
            if (CellClip > 0) options.Add($"CellClip = {F(CellClip)}");
            if (ForgetBias != 0) options.Add($"ForgetBias = {F(ForgetBias)}");
            foreach ((string prefix, (string name, float alpha, float beta)) in new[] { ("Gate", Gate), ("Cell", Cell), ("Hidden", Hidden) })
            {
                options.Add($"{prefix}Activation = Activation.{name}, {prefix}Alpha = {F(alpha)}, {prefix}Beta = {F(beta)}");
            }
            return $"[Lstm({InputSize}, {HiddenSize}, {string.Join(", ", options)})]"
                + (ExtraGate is { } gate ? $"\n[LstmGate(\"z\", Activation.{gate.Name}, Alpha = {F(gate.Alpha)}, Beta = {F(gate.Beta)})]" : "")
                + (CellExpression is null ? "" : $"\n[LstmCell(\"{CellExpression}\")]")
                + (HiddenExpression is null ? "" : $"\n[LstmHidden(\"{HiddenExpression}\")]");
        }

        public override string ToString() => Attribute();

        private static string F(float value) => value.ToString("R", CultureInfo.InvariantCulture) + "f";
    }

    private static Gen<(string, float, float)> GenActivation(string[] names) =>
        Gen.Select(Gen.OneOf(names), Gen.Float[0.1f, 1.5f], Gen.Float[-0.5f, 0.5f])
            .Select((name, alpha, beta) => (name, MathF.Round(alpha, 3), MathF.Round(beta, 3)));

    private static readonly Gen<Declaration> GenDeclaration =
        Gen.Select(Gen.Int[1, 12], Gen.Int[1, 20], Gen.Int[1, 3], Gen.Int[0, 2], Gen.Bool, Gen.Bool, Gen.OneOf(0f, 1f, 2.5f), Gen.OneOf(0f, 0.8f, 4f))
            .SelectMany((i, h, layers, direction, peepholes, cifg, activationClip, cellClip) =>
                Gen.Select(Gen.OneOf(0f, 1f, -0.5f), GenActivation(GateActivations), GenActivation(Activations), GenActivation(HiddenActivations), Gen.Int[0, int.MaxValue])
                    .Select((forgetBias, gate, cell, hidden, seed) => new Declaration(i, h, layers, (GenLstm.LstmDirection)direction, peepholes, cifg,
                        activationClip, cellClip, forgetBias, gate, cell, hidden, seed)))
            .SelectMany(declaration => Gen.Select(Gen.Bool, GenActivation(GateActivations))
                .Select((extra, gate) => extra ? declaration with { ExtraGate = gate } : declaration))
            .SelectMany(declaration => Gen.Select(Gen.Int[0, 3], CellTerm(declaration), HiddenTerm(declaration))
                .Select((which, cellTerm, hiddenTerm) => declaration with
                {
                    // A random well-formed term added to each update, through tanh so that the recurrence stays bounded (see the
                    // activations above); which = 0 keeps both updates standard, 1 changes the cell, 2 the hidden state, 3 both.
                    CellExpression = (which & 1) == 0 ? null : $"f * c_prev + {(declaration.CoupledInputForget ? "(1 - f)" : "i")} * g + 0.2 * tanh({cellTerm})",
                    HiddenExpression = (which & 2) == 0 ? null : $"o * tanh(c) + 0.1 * tanh({hiddenTerm})",
                }));

    /// <summary>A random term of a cell update: its names leave out i under CIFG and o with peepholes, which the cell cannot read then.</summary>
    private static Gen<string> CellTerm(Declaration d)
        => Expression([.. new[] { "i", "f", "g", "o", "c_prev", "z" }.Where(n => !(n == "i" && d.CoupledInputForget) && !(n == "o" && d.Peepholes) && !(n == "z" && d.ExtraGate is null))], 3);

    /// <summary>A random term of a hidden update: it may read the new cell c too, and leaves out i under CIFG.</summary>
    private static Gen<string> HiddenTerm(Declaration d)
        => Expression([.. new[] { "i", "f", "g", "o", "c_prev", "c", "z" }.Where(n => !(n == "i" && d.CoupledInputForget) && !(n == "z" && d.ExtraGate is null))], 3);

    /// <summary>A random well-formed expression of the language up to <paramref name="depth"/> levels: every operator and function.</summary>
    private static Gen<string> Expression(string[] names, int depth)
    {
        Gen<string> leaf = Gen.Int[0, 4].SelectMany(kind => kind == 0
            ? Gen.Int[1, 20].Select(n => (n / 10.0).ToString("0.0", CultureInfo.InvariantCulture))
            : Gen.OneOf(names));
        if (depth == 0)
        {
            return leaf;
        }
        Gen<string> sub = Expression(names, depth - 1);
        return Gen.Int[0, 14].SelectMany(kind => kind switch
        {
            0 => leaf,
            1 => Gen.Select(sub, sub).Select((a, b) => $"({a} + {b})"),
            2 => Gen.Select(sub, sub).Select((a, b) => $"({a} - {b})"),
            3 => Gen.Select(sub, sub).Select((a, b) => $"{a} * {b}"),
            4 => Gen.Select(sub, sub).Select((a, b) => $"{a} / (1 + abs({b}))"),
            5 => sub.Select(a => $"-{a}"),
            6 => sub.Select(a => $"sigmoid({a})"),
            7 => sub.Select(a => $"tanh({a})"),
            8 => sub.Select(a => $"relu({a})"),
            9 => sub.Select(a => $"hardsigmoid({a})"),
            10 => sub.Select(a => $"exp(-abs({a}))"),
            11 => Gen.Select(sub, sub).Select((a, b) => $"min({a}, {b})"),
            12 => Gen.Select(sub, sub).Select((a, b) => $"max({a}, {b})"),
            _ => sub.Select(a => $"clip({a}, -1, 1)"),
        });
    }

    [Fact]
    public void Generated_models_match_the_float64_reference_for_random_declarations()
    {
        int cases = 0;
        GenDeclaration.Sample(declaration =>
        {
            cases++;
            (float[] actual, double[] expected) = Run(declaration);
            for (int k = 0; k < expected.Length; k++)
            {
                double error = Math.Abs(actual[k] - expected[k]);
                if (!(error <= Tolerance * Math.Max(1, Math.Abs(expected[k]))))
                {
                    throw new Xunit.Sdk.XunitException($"{declaration}: output {k} is {actual[k]}, the float64 reference {expected[k]} (error {error:E2})");
                }
            }
        }, iter: 200, threads: 1);
        log.WriteLine($"{cases} random declarations generated, compiled and checked");
    }

    /// <summary>Generates, compiles and runs one declaration over random weights and inputs; returns it and the reference's outputs.</summary>
    private static (float[] Actual, double[] Expected) Run(Declaration d)
    {
        var random = new Random(d.Seed);
        float Uniform(double bound) => (float)((random.NextDouble() * 2 - 1) * bound);
        int directions = d.Direction == GenLstm.LstmDirection.Bidirectional ? 2 : 1;
        var writer = new SafeTensorsWriter();
        var layers = new List<(float[] Wih, float[] Whh, float[] Bih, float[] Bhh, float[]? P)>();
        var extraGates = new List<(float[] W, float[] U, float[] B)>();
        for (int layer = 0; layer < d.Layers; layer++)
        {
            int columns = layer == 0 ? d.InputSize : directions * d.HiddenSize;
            for (int direction = 0; direction < directions; direction++)
            {
                string suffix = $"_l{layer}" + (direction == 1 ? "_reverse" : "");
                float[] Draw(int count, double bound) => [.. Enumerable.Range(0, count).Select(_ => Uniform(bound))];
                var tensors = (Draw(4 * d.HiddenSize * columns, 1.5 / Math.Sqrt(columns)), Draw(4 * d.HiddenSize * d.HiddenSize, 1.5 / Math.Sqrt(d.HiddenSize)),
                    Draw(4 * d.HiddenSize, 0.5), Draw(4 * d.HiddenSize, 0.5), d.Peepholes ? Draw(3 * d.HiddenSize, 0.7) : null);
                writer.Add("weight_ih" + suffix, tensors.Item1, 4 * d.HiddenSize, columns).Add("weight_hh" + suffix, tensors.Item2, 4 * d.HiddenSize, d.HiddenSize)
                    .Add("bias_ih" + suffix, tensors.Item3).Add("bias_hh" + suffix, tensors.Item4);
                if (d.ExtraGate is not null)
                {
                    var extra = (Draw(d.HiddenSize * columns, 1.5 / Math.Sqrt(columns)), Draw(d.HiddenSize * d.HiddenSize, 1.5 / Math.Sqrt(d.HiddenSize)), Draw(d.HiddenSize, 0.5));
                    writer.Add("weight_ih_z" + suffix, extra.Item1, d.HiddenSize, columns).Add("weight_hh_z" + suffix, extra.Item2, d.HiddenSize, d.HiddenSize)
                        .Add("bias_z" + suffix, extra.Item3);
                    extraGates.Add(extra);
                }
                if (tensors.Item5 is { } p)
                {
                    writer.Add("weight_ci" + suffix, p[..d.HiddenSize]).Add("weight_cf" + suffix, p[d.HiddenSize..(2 * d.HiddenSize)]).Add("weight_co" + suffix, p[(2 * d.HiddenSize)..]);
                }
                layers.Add(tensors);
            }
        }
        float[] inputs = [.. Enumerable.Range(0, Steps * d.InputSize).Select(_ => Uniform(2))];
        return (Compile(d).Invoke(null, [writer.ToBytes(), inputs]) as float[] ?? throw new InvalidOperationException("no outputs"),
            Reference(d, layers, extraGates, inputs, directions));
    }

    private static double[] Reference(Declaration d, List<(float[] Wih, float[] Whh, float[] Bih, float[] Bhh, float[]? P)> layers,
        List<(float[] W, float[] U, float[] B)> extraGates, float[] inputs, int directions)
    {
        var options = new ReferenceVariantLstm.Options
        {
            Peepholes = d.Peepholes, CoupledInputForget = d.CoupledInputForget, ActivationClip = d.ActivationClip, CellClip = d.CellClip,
            ForgetBias = d.ForgetBias, Gate = d.Gate, Cell = d.Cell, Hidden = d.Hidden,
            CellExpression = d.CellExpression, HiddenExpression = d.HiddenExpression,
        };
        float[] x = inputs;
        double[] outputs = [];
        int size = d.InputSize;
        for (int layer = 0; layer < d.Layers; layer++)
        {
            outputs = new double[Steps * directions * d.HiddenSize];
            for (int direction = 0; direction < directions; direction++)
            {
                var w = layers[layer * directions + direction];
                var layerOptions = options with
                {
                    Reverse = direction == 1 || d.Direction == GenLstm.LstmDirection.Reverse,
                    ExtraGates = d.ExtraGate is { } gate
                        ? [("z", gate, extraGates[layer * directions + direction].W, extraGates[layer * directions + direction].U, extraGates[layer * directions + direction].B)]
                        : [],
                };
                double[] h = ReferenceVariantLstm.Run(w.Wih, w.Whh, w.Bih, w.Bhh, w.P, x, size, d.HiddenSize, layerOptions);
                for (int t = 0; t < Steps; t++)
                {
                    Array.Copy(h, t * d.HiddenSize, outputs, (t * directions + direction) * d.HiddenSize, d.HiddenSize);
                }
            }
            // The next layer reads this layer's outputs as the kernel stores them: float32.
            x = Array.ConvertAll(outputs, v => (float)v);
            size = directions * d.HiddenSize;
        }
        return outputs;
    }

    /// <summary>Generates and compiles the declaration with a harness that loads the weights and runs Forward; returns the harness method.</summary>
    private static MethodInfo Compile(Declaration d)
    {
        GeneratorRun run = GeneratorDriverHelper.Run($$"""
            using GenLstm;

            {{d.Attribute()}}
            public sealed partial class Model { }

            public static class Harness
            {
                public static float[] Run(byte[] weights, float[] inputs)
                {
                    var model = Model.FromSafeTensors(SafeTensorsFile.Parse(weights, "random.safetensors"));
                    var state = new Model.State();
                    var outputs = new float[inputs.Length / Model.InputSize * Model.OutputSize];
                    model.Forward(inputs, ref state, outputs);
                    return outputs;
                }
            }
            """);
        Assert.True(run.Diagnostics.IsEmpty, $"{d}: {string.Join("; ", run.Diagnostics)}");
        using var stream = new MemoryStream();
        var emitted = run.OutputCompilation.Emit(stream);
        Assert.True(emitted.Success, string.Join("\n", emitted.Diagnostics.Where(e => e.Severity == DiagnosticSeverity.Error)));
        stream.Position = 0;
        // A collectible context per model, so that 200 models do not stay loaded.
        var context = new AssemblyLoadContext("RandomDeclaration", isCollectible: true);
        Assembly assembly = context.LoadFromStream(stream);
        return assembly.GetType("Harness")!.GetMethod("Run")!;
    }
}

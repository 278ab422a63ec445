using System.Linq;
using CsCheck;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Generators.Tests;

/// <summary>
/// A property over random, often malformed, attribute usages: wrong argument types, missing and extra arguments, out-of-range
/// and undefined enum values, <c>nameof</c>, constants from another file, conditional compilation, partial declarations over
/// two files, nesting. The generator must never throw (no CS8784/CS8785, checked by <see cref="GeneratorDriverHelper.Run"/>),
/// must always answer with source, a diagnostic, or a compiler error the user already has, and what it generates for a
/// declaration the compiler accepts must compile. CsCheck prints the seed of a failing case.
/// </summary>
public sealed class MalformedDeclarationTests(ITestOutputHelper log)
{
    private const string Constants = """
        namespace Demo;
        public static class Sizes
        {
            public const int Input = 3;
            public const int Hidden = 10;
            public const string Expression = "f * c_prev + i * g";
        }
        """;

    private static readonly Gen<string> Size = Gen.Frequency(
        (4, Gen.Int[1, 12].Select(n => n.ToString(System.Globalization.CultureInfo.InvariantCulture))),
        (1, Gen.OneOf("0", "-3", "70000", "3000", "\"5\"", "5.0", "5L", "Sizes.Input", "Sizes.Hidden", "nameof(Sizes)", "(int)Precision.Fast", "int.MaxValue", "default")));

    private static readonly Gen<string> Option = Gen.OneOf(
        "Layers = 2", "Layers = 0", "Layers = 99", "Layers = \"2\"", "Direction = LstmDirection.Bidirectional", "Direction = (LstmDirection)9",
        "ProjectionSize = 4", "ProjectionSize = 400", "Peepholes = true", "CoupledInputForget = true", "CellClip = -1", "CellClip = 3",
        "ActivationClip = float.NaN", "ForgetBias = 1", "GateActivation = Activation.Softmax", "GateActivation = Activation.HardSigmoid",
        "CellActivation = (Activation)42", "HiddenActivation = Activation.Relu", "LayerNorm = true", "Precision = Precision.Fast",
        "WeightType = WeightType.BFloat16", "WeightType = (WeightType)5", "Unknown = 1", "GateAlpha = 0.3f");

    private static readonly Gen<string> Extra = Gen.OneOf(
        "", "", "[LstmOutput(2)]", "[LstmOutput(0)]", "[LstmOutput(2, Activation.Softmax)]", "[LstmOutput(2, Activation.Elu)]", "[LstmOutput(\"2\")]",
        "[LstmGate(\"z\", Activation.Sigmoid)]", "[LstmGate(\"i\", Activation.Sigmoid)]", "[LstmGate(\"1x\", Activation.Tanh)]", "[LstmGate(null, Activation.Tanh)]",
        "[LstmCell(\"f * c_prev + i * g\")]", "[LstmCell(Sizes.Expression)]", "[LstmCell(\"f * c + \")]", "[LstmCell(\"clip(g, 1)\")]",
        "[LstmHidden(\"o * tanh(c)\")]", "[LstmHidden(\"z\")]", "[LstmWeights(\"missing.safetensors\")]", "[LstmWeights(\"model.onnx\")]",
        "[Lstm(2, 4)]", "[Obsolete]");

    private static readonly Gen<string> Declaration =
        Gen.Select(Size, Size, Gen.Int[0, 2], Option.Array[0, 2], Gen.Frequency((2, Gen.Const(System.Array.Empty<string>())), (1, Extra.Array[1, 2])), Gen.Int[0, 7])
            .Select((input, hidden, form, options, extras, shape) =>
            {
                string arguments = form switch
                {
                    0 => $"{input}, {hidden}",
                    1 => $"hiddenSize: {hidden}, inputSize: {input}",
                    _ when input.Length > 2 => input,   // sometimes a missing argument
                    _ => $"{input}, {hidden}",
                };
                string attribute = $"[Lstm({string.Join(", ", new[] { arguments }.Concat(options.Distinct()))})]" + string.Concat(extras.Distinct().Select(e => "\n" + e));
                return shape switch
                {
                    0 => $"{attribute}\npublic sealed partial class Model {{ }}",
                    1 => $"#if DEBUG\n{attribute}\n#endif\npublic sealed partial class Model {{ }}",
                    2 => $"public static partial class Outer\n{{\n    {attribute}\n    public sealed partial class Model {{ }}\n}}",
                    3 => $"public static class Closed\n{{\n    {attribute}\n    public sealed partial class Model {{ }}\n}}",
                    4 => $"{attribute}\npublic sealed partial record Model {{ }}",
                    5 => $"{attribute}\npublic sealed partial class Model<T> {{ }}",
                    6 => $"{attribute}\npublic static partial class Model {{ }}",
                    _ => $"{attribute}\npublic sealed partial class Model {{ }}\npublic sealed partial class Model {{ public int Other() => 1; }}",
                };
            });

    [Fact]
    public void Random_declarations_never_crash_the_generator_and_always_get_an_answer()
    {
        int withSource = 0, withDiagnostics = 0, withCompilerErrors = 0;
        Declaration.Sample(body =>
        {
            string source = $"using System;\nusing GenLstm;\nnamespace Demo;\n{body}\n";
            Compilation input = GeneratorDriverHelper.CreateCompilation(source, Constants);
            bool inputErrors = input.GetDiagnostics().Any(d => d.Severity == DiagnosticSeverity.Error);
            GeneratorRun run = GeneratorDriverHelper.Run(GeneratorDriverHelper.CreateDriver(), input);

            bool generated = run.Result.GeneratedSources.Length > 0, diagnosed = run.Diagnostics.Any(d => d.Id.StartsWith("GLSTM", System.StringComparison.Ordinal));
            if (!generated && !diagnosed && !inputErrors)
            {
                // The only silent case: [Lstm] inside #if DEBUG (not defined here), where the attribute does not exist.
                Assert.Contains("#if DEBUG", body);
            }
            if (generated && !inputErrors && !diagnosed)
            {
                Diagnostic[] errors = [.. run.OutputCompilation.GetDiagnostics().Where(d => d.Severity == DiagnosticSeverity.Error)];
                Assert.True(errors.Length == 0, $"the generated code does not compile for:\n{body}\n{string.Join("\n", errors.Take(5))}");
            }
            withSource += generated ? 1 : 0;
            withDiagnostics += diagnosed ? 1 : 0;
            withCompilerErrors += inputErrors ? 1 : 0;
        }, iter: 300, threads: 1);
        log.WriteLine($"300 declarations: {withSource} generated source, {withDiagnostics} got GLSTM diagnostics, {withCompilerErrors} had compiler errors of their own");
    }
}

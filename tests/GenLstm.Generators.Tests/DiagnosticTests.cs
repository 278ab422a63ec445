using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// Each GLSTM diagnostic: its id, its exact location (marked <c>[|so|]</c> in the source), its message, and that
/// nothing is generated for the invalid type; and the broken declarations that the compiler reports on its own.
/// </summary>
public sealed class DiagnosticTests
{
    /// <summary>An invalid declaration and the diagnostics it must produce, one message per marked span, in source order.</summary>
    private sealed record DiagnosticCase(string Id, string MarkedSource, params string[] Messages);

    private static readonly IReadOnlyDictionary<string, DiagnosticCase> Cases = new Dictionary<string, DiagnosticCase>
    {
        ["ClassNotPartial"] = new("GLSTM001", """
            [Lstm(5, 24)]
            public sealed class [|Plain|] { }
            """,
            "The type 'Plain' must be declared 'partial' so that GenLstm can add the generated LSTM to it"),

        ["RecordNotPartial"] = new("GLSTM001", """
            [Lstm(5, 24)]
            public sealed record [|PlainRecord|];
            """,
            "The type 'PlainRecord' must be declared 'partial' so that GenLstm can add the generated LSTM to it"),

        ["ParentNotPartial"] = new("GLSTM002", """
            public static class [|Outer|]
            {
                [Lstm(5, 24)]
                public sealed partial class Inner { }
            }
            """,
            "The type 'Outer' contains the LSTM type 'Inner' and must also be declared 'partial'"),

        ["GrandparentNotPartial"] = new("GLSTM002", """
            public class [|Outer|]
            {
                public partial class Middle
                {
                    [Lstm(5, 24)]
                    public sealed partial class Inner { }
                }
            }
            """,
            "The type 'Outer' contains the LSTM type 'Inner' and must also be declared 'partial'"),

        ["NoContainerPartial"] = new("GLSTM002", """
            public class [|Outer|]
            {
                public class [|Middle|]
                {
                    [Lstm(5, 24)]
                    public sealed partial class Inner { }
                }
            }
            """,
            "The type 'Outer' contains the LSTM type 'Inner' and must also be declared 'partial'",
            "The type 'Middle' contains the LSTM type 'Inner' and must also be declared 'partial'"),

        ["PrivateNestedModel"] = new("GLSTM019", """
            public partial class Plugin
            {
                [Lstm(1, 40)]
                private sealed partial class [|Amp|] { }
            }
            """,
            "The type 'Amp' is private; GenLstm's kernels and its registration with RecurrentModel live beside 'Amp' in the assembly, so it and every type containing it must be internal or public"),

        ["ModelInProtectedType"] = new("GLSTM019", """
            public partial class Host
            {
                protected partial class [|Models|]
                {
                    [Lstm(1, 40)]
                    internal sealed partial class Amp { }
                }
            }
            """,
            "The type 'Models' is protected; GenLstm's kernels and its registration with RecurrentModel live beside 'Amp' in the assembly, so it and every type containing it must be internal or public"),

        ["PrivateProtectedModel"] = new("GLSTM019", """
            public partial class Host
            {
                [Gru(1, 8)]
                private protected sealed partial class [|Pedal|] { }
            }
            """,
            "The type 'Pedal' is private protected; GenLstm's kernels and its registration with RecurrentModel live beside 'Pedal' in the assembly, so it and every type containing it must be internal or public"),

        ["GenericModel"] = new("GLSTM003", """
            [Lstm(5, 24)]
            public sealed partial class [|Generic|]<T> { }
            """,
            "The type 'Generic' has type parameters; an [Lstm] type, and every type containing it, must not be generic"),

        ["NestedInGenericType"] = new("GLSTM003", """
            public partial class [|Outer|]<T>
            {
                [Lstm(5, 24)]
                public sealed partial class Inner { }
            }
            """,
            "The type 'Outer' has type parameters; an [Lstm] type, and every type containing it, must not be generic"),

        ["InputSizeZeroPositional"] = new("GLSTM004", """
            [Lstm([|0|], 24)]
            public sealed partial class Model { }
            """,
            "'inputSize' is 0; it must be between 1 and 65536"),

        ["HiddenSizeNegativeNamed"] = new("GLSTM004", """
            [Lstm(inputSize: 5, [|hiddenSize: -1|])]
            public sealed partial class Model { }
            """,
            "'hiddenSize' is -1; it must be between 1 and 2048"),

        ["HiddenSizeTooLargeNamedFirst"] = new("GLSTM004", """
            [Lstm([|hiddenSize: 2049|], inputSize: 5)]
            public sealed partial class Model { }
            """,
            "'hiddenSize' is 2049; it must be between 1 and 2048"),

        ["InputSizeTooLargeFromConstant"] = new("GLSTM004", """
            internal static class Limits
            {
                public const int TooManyInputs = 65537;
            }

            [Lstm([|Limits.TooManyInputs|], 24)]
            public sealed partial class Model { }
            """,
            "'inputSize' is 65537; it must be between 1 and 65536"),

        ["BothSizesOutOfRange"] = new("GLSTM004", """
            [Lstm([|0|], [|2049|])]
            public sealed partial class Model { }
            """,
            "'inputSize' is 0; it must be between 1 and 65536",
            "'hiddenSize' is 2049; it must be between 1 and 2048"),

        ["NoLayers"] = new("GLSTM011", """
            [Lstm(5, 24, [|Layers = 0|])]
            public sealed partial class Model { }
            """,
            "'Layers' is 0; it must be between 1 and 16"),

        ["TooManyLayersWithDirection"] = new("GLSTM011", """
            [Lstm(5, 24, Direction = LstmDirection.Bidirectional, [|Layers = 17|])]
            public sealed partial class Model { }
            """,
            "'Layers' is 17; it must be between 1 and 16"),

        ["ProjectionAsLargeAsHidden"] = new("GLSTM011", """
            [Lstm(5, 24, Layers = 2, [|ProjectionSize = 24|])]
            public sealed partial class Model { }
            """,
            "'ProjectionSize' is 24; it must be between 1 and 23"),

        ["NegativeProjection"] = new("GLSTM011", """
            [Lstm(5, 24, [|ProjectionSize = -3|])]
            public sealed partial class Model { }
            """,
            "'ProjectionSize' is -3; it must be between 1 and 23"),

        ["InputSkipWiderThanTheInput"] = new("GLSTM011", """
            [Lstm(1, 24)]
            [LstmOutput(2, [|InputSkip = 2|])]
            public sealed partial class Model { }
            """,
            "'InputSkip' is 2; it must be between 0 and 1"),

        ["SampleRateRatioTooLarge"] = new("GLSTM011", """
            [Lstm(1, 24, [|MaxSampleRateRatio = 17|])]
            public sealed partial class Model { }
            """,
            "'MaxSampleRateRatio' is 17; it must be between 2 and 16"),

        ["SampleRateCorrectionOfABidirectionalModel"] = new("GLSTM012", """
            [Lstm(1, 24, Direction = LstmDirection.Bidirectional, [|MaxSampleRateRatio = 4|])]
            public sealed partial class Model { }
            """,
            "'MaxSampleRateRatio' is 4: sample-rate correction delays a streaming model's recurrent state; a reverse or bidirectional model reads whole sequences"),

        ["LstmAndGruOnOneType"] = new("GLSTM017", """
            [Lstm(1, 8)]
            [[|Gru(1, 8)|]]
            public sealed partial class Model { }
            """,
            "[Gru] does not apply to Model, which is declared [Lstm] too: a model has one recurrent cell; keep the one its weights were trained with"),

        ["GateAddedToAGru"] = new("GLSTM017", """
            [Gru(1, 8)]
            [[|LstmGate("extra", Activation.Sigmoid)|]]
            public sealed partial class Model { }
            """,
            "[LstmGate] does not apply to a GRU: it changes an LSTM's gates, cell state or hidden output; a GRU has gates r, z, n and its state is h alone"),

        ["CellExpressionOnAGru"] = new("GLSTM017", """
            [Gru(1, 8)]
            [[|LstmCell("f * c_prev + i * g")|]]
            public sealed partial class Model { }
            """,
            "[LstmCell] does not apply to a GRU: it changes an LSTM's gates, cell state or hidden output; a GRU has gates r, z, n and its state is h alone"),

        ["HeadDeclaredByBothSpellings"] = new("GLSTM018", """
            [Gru(1, 8)]
            [OutputHead(1)]
            [[|LstmOutput(1)|]]
            public sealed partial class Model { }
            """,
            "[LstmOutput] and [OutputHead] on Model both declare its output head; keep one: they are two names for one attribute"),

        ["WeightsDeclaredByBothSpellings"] = new("GLSTM018", """
            [Lstm(1, 8)]
            [LstmWeights("a.safetensors")]
            [[|BakedWeights("a.safetensors")|]]
            public sealed partial class Model { }
            """,
            "[BakedWeights] and [LstmWeights] on Model both declare its baked weights file; keep one: they are two names for one attribute"),

        ["HeadSizeZeroOnAGru"] = new("GLSTM004", """
            [Gru(5, 24)]
            [OutputHead([|0|])]
            public sealed partial class Model { }
            """,
            "'size' is 0; it must be between 1 and 65536"),

        ["HeadSizeZero"] = new("GLSTM004", """
            [Lstm(5, 24)]
            [LstmOutput([|0|])]
            public sealed partial class Model { }
            """,
            "'size' is 0; it must be between 1 and 65536"),

        ["HeadActivationOutOfEnum"] = new("GLSTM010", """
            [Lstm(5, 24)]
            [LstmOutput(3, [|activation: (Activation)42|])]
            public sealed partial class Model { }
            """,
            "'activation' is 42, which is not one of its values: Activation.None, Activation.Sigmoid, Activation.Tanh, Activation.Relu, Activation.Softmax, Activation.HardSigmoid, Activation.LeakyRelu, Activation.ThresholdedRelu, Activation.ScaledTanh, Activation.Affine, Activation.Elu, Activation.Softsign, Activation.Softplus"),

        ["ExpressionUnknownName"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmCell("f * c_prev + [|q|] * g")]
            public sealed partial class Model { }
            """,
            "The LstmCell expression is invalid at column 14: unknown name 'q'; the expression can use i, f, g, o, c_prev"),

        ["ExpressionNewCellInCellUpdate"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmCell(@"f * [|c|] + i * g")]
            public sealed partial class Model { }
            """,
            "The LstmCell expression is invalid at column 5: 'c' cannot be used here: c is the new cell that [LstmCell] computes; the previous cell is c_prev"),

        ["ExpressionInputGateWithCifg"] = new("GLSTM013", """
            [Lstm(5, 24, CoupledInputForget = true)]
            [LstmCell("f * c_prev + [|i|] * g")]
            public sealed partial class Model { }
            """,
            "The LstmCell expression is invalid at column 14: 'i' cannot be used here: with CoupledInputForget there is no input gate (i is 1 - f); write 1 - f"),

        ["ExpressionSyntaxError"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmHidden("o * tanh(c) [|)|]")]
            public sealed partial class Model { }
            """,
            "The LstmHidden expression is invalid at column 13: unexpected ')'"),

        ["ExpressionUnclosedParenthesis"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmHidden("o * tanh[|(|]c")]
            public sealed partial class Model { }
            """,
            "The LstmHidden expression is invalid at column 9: ')' expected to close the '(' at column 9"),

        ["ExpressionWrongArity"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmHidden("o * [|clip|](c, 1)")]
            public sealed partial class Model { }
            """,
            "The LstmHidden expression is invalid at column 5: 'clip' takes 3 argument(s), not 2"),

        ["ExpressionUnknownFunctionFromAConstant"] = new("GLSTM013", """
            internal static class Equations
            {
                public const string Hidden = "o * softmax(c)";
            }

            [Lstm(5, 24)]
            [LstmHidden([|Equations.Hidden|])]
            public sealed partial class Model { }
            """,
            "The LstmHidden expression is invalid at column 5: unknown function 'softmax'; the functions are sigmoid, tanh, relu, hardsigmoid, exp, abs, min, max, clip"),

        ["GateNamedLikeAStandardGate"] = new("GLSTM012", """
            [Lstm(5, 24)]
            [LstmGate([|"f"|])]
            public sealed partial class Model { }
            """,
            "'name' is \"f\": i, f, g, o, c and c_prev are the standard names already"),

        ["GateNameUsedTwice"] = new("GLSTM012", """
            [Lstm(5, 24)]
            [LstmGate("z")]
            [LstmGate([|"z"|], Activation.Tanh)]
            public sealed partial class Model { }
            """,
            "'name' is \"z\": another [LstmGate] has that name"),

        ["GateNameNotAnIdentifier"] = new("GLSTM012", """
            [Lstm(5, 24)]
            [LstmGate([|"2z"|])]
            public sealed partial class Model { }
            """,
            "'name' is \"2z\": a gate's name is an identifier: a letter or '_', then letters, digits or '_'"),

        ["GateWithSoftmax"] = new("GLSTM012", """
            [Lstm(5, 24)]
            [LstmGate("z", [|Activation.Softmax|])]
            public sealed partial class Model { }
            """,
            "'activation' is Activation.Softmax: a gate's activation is element-wise and not the identity (every Activation but None and Softmax)"),

        ["ExpressionNamesAnUndeclaredGate"] = new("GLSTM013", """
            [Lstm(5, 24)]
            [LstmGate("z")]
            [LstmCell("f * c_prev + i * g * [|y|]")]
            public sealed partial class Model { }
            """,
            "The LstmCell expression is invalid at column 22: unknown name 'y'; the expression can use i, f, g, o, c_prev, z"),

        ["LayerNormPeepholesHiddenReadsF"] = new("GLSTM013", """
            [Lstm(5, 24, Peepholes = true, LayerNorm = true)]
            [LstmHidden("o * tanh(c) * [|f|]")]
            public sealed partial class Model { }
            """,
            "The LstmHidden expression is invalid at column 15: 'f' cannot be used here: with LayerNorm and Peepholes, h_t is computed in a second pass where only o and c are at hand"),

        ["SoftmaxGate"] = new("GLSTM012", """
            [Lstm(5, 24, [|GateActivation = Activation.Softmax|])]
            public sealed partial class Model { }
            """,
            "'GateActivation' is Activation.Softmax: a gate, cell or hidden activation is element-wise and not the identity; use Activation.Affine for the identity (α = 1, β = 0)"),

        ["NegativeCellClip"] = new("GLSTM012", """
            [Lstm(5, 24, Peepholes = true, [|CellClip = -1f|])]
            public sealed partial class Model { }
            """,
            "'CellClip' is -1: a clip is a finite limit > 0, or 0 for none"),

        ["InfiniteForgetBias"] = new("GLSTM012", """
            [Lstm(5, 24, [|ForgetBias = float.PositiveInfinity|])]
            public sealed partial class Model { }
            """,
            "'ForgetBias' is Infinity: the forget bias must be a finite number"),

        ["HeadWithGateActivation"] = new("GLSTM012", """
            [Lstm(5, 24)]
            [LstmOutput(2, [|Activation.HardSigmoid|])]
            public sealed partial class Model { }
            """,
            "'activation' is Activation.HardSigmoid: a dense head's activation is None, Sigmoid, Tanh, Relu or Softmax"),

        ["DirectionOutOfEnum"] = new("GLSTM010", """
            [Lstm(5, 24, Layers = 2, [|Direction = (LstmDirection)3|])]
            public sealed partial class Model { }
            """,
            "'Direction' is 3, which is not one of its values: LstmDirection.Forward, LstmDirection.Reverse, LstmDirection.Bidirectional"),

        ["PrecisionOutOfEnum"] = new("GLSTM010", """
            [Lstm(1, 40, [|Precision = (Precision)7|])]
            public sealed partial class Model { }
            """,
            "'Precision' is 7, which is not one of its values: Precision.Exact, Precision.Fast"),

        ["WeightTypeOutOfEnumFromConstant"] = new("GLSTM010", """
            internal static class Options
            {
                public const WeightType Half = (WeightType)(-1);
            }

            [Lstm(1, 40, Precision = Precision.Fast, [|WeightType = Options.Half|])]
            public sealed partial class Model { }
            """,
            "'WeightType' is -1, which is not one of its values: WeightType.Float32, WeightType.BFloat16"),

        ["StaticClass"] = new("GLSTM005", """
            [Lstm(5, 24)]
            public static partial class [|StaticModel|] { }
            """,
            "The type 'StaticModel' is static; an [Lstm] type must be a class that GenLstm can instantiate (neither static nor abstract)"),

        ["AbstractClass"] = new("GLSTM005", """
            [Lstm(5, 24)]
            public abstract partial class [|AbstractModel|] { }
            """,
            "The type 'AbstractModel' is abstract; an [Lstm] type must be a class that GenLstm can instantiate (neither static nor abstract)"),

        ["FieldNamedInputSize"] = new("GLSTM006", """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                public int [|InputSize|] = 5;
            }
            """,
            "The type 'Model' already declares a member named 'InputSize', which GenLstm generates; rename or remove it"),

        ["NestedTypeNamedState"] = new("GLSTM006", """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                private struct [|State|] { }
            }
            """,
            "The type 'Model' already declares a member named 'State', which GenLstm generates; rename or remove it"),

        // A method cannot share its name with the generated constant either (CS0102), overload or not.
        ["MethodNamedHiddenSize"] = new("GLSTM006", """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                public int [|HiddenSize|]() => 24;
            }
            """,
            "The type 'Model' already declares a member named 'HiddenSize', which GenLstm generates; rename or remove it"),

        // Overloads of the public generated methods are fine; a field of such a name is not (CS0102).
        ["FieldNamedForward"] = new("GLSTM006", """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                public int [|Forward|] = 0;
                public void Step(int channel) { }
            }
            """,
            "The type 'Model' already declares a member named 'Forward', which GenLstm generates; rename or remove it"),

        ["ModelNamedState"] = new("GLSTM007", """
            [Lstm(5, 24)]
            public sealed partial class [|State|] { }
            """,
            "The type is named 'State', the name of a member GenLstm generates into it, and a member cannot have the name of its type; rename the type"),

        ["FileLocalModel"] = new("GLSTM008", """
            [Lstm(5, 24)]
            file sealed partial class [|Model|] { }
            """,
            "The type 'Model' is file-local ('file'), so the generated file cannot extend it; declare it 'internal' or 'public' instead"),

        ["OwnConstructor"] = new("GLSTM009", """
            [Lstm(5, 24)]
            public sealed partial class Model
            {
                public [|Model|]() { }
            }
            """,
            "GenLstm cannot construct 'Model': it declares its own constructor; remove it. Models are created by the generated Load and FromPyTorch through a private constructor."),

        ["PositionalRecord"] = new("GLSTM009", """
            [Lstm(5, 24)]
            public sealed partial record [|Model|](int Channels);
            """,
            "GenLstm cannot construct 'Model': it has a primary constructor (a parameter list after its name); remove the parameters. Models are created by the generated Load and FromPyTorch through a private constructor."),

        ["BaseWithoutParameterlessConstructor"] = new("GLSTM009", """
            public class Base
            {
                public Base(int channels) { }
            }

            [Lstm(5, 24)]
            public sealed partial class [|Model|] : Base { }
            """,
            "GenLstm cannot construct 'Model': its base class 'Base' has no accessible constructor without arguments. Models are created by the generated Load and FromPyTorch through a private constructor."),
    };

    /// <summary>Declarations the compiler rejects by itself (the error it reports): the generator must stay silent.</summary>
    private static readonly IReadOnlyDictionary<string, (string Source, string CompilerErrorId)> CompilerErrorCases =
        new Dictionary<string, (string, string)>
        {
            ["MissingArgument"] = ("""
                [Lstm(5)]
                public sealed partial class Model { }
                """, "CS7036"),

            ["WrongArgumentType"] = ("""
                [Lstm("a", 3)]
                public sealed partial class Model { }
                """, "CS1503"),

            // Two declarations would give two specs with the same hint name if the generator did not skip them.
            ["AppliedOnTwoPartialDeclarations"] = ("""
                [Lstm(5, 24)]
                public sealed partial class Model { }

                [Lstm(5, 24)]
                public sealed partial class Model { }
                """, "CS0579"),
        };

    public static TheoryData<string> CasesFor(string id) => [.. Cases.Where(c => c.Value.Id == id).Select(c => c.Key)];

    [Fact]
    public void Every_case_is_run_by_the_theory_of_its_id()
    {
        string[] theories = [.. typeof(DiagnosticTests).GetMethods().Select(m => m.Name.Split('_')[0]).Where(n => n.StartsWith("GLSTM", System.StringComparison.Ordinal))];
        Assert.All(Cases.Values.Select(c => c.Id).Distinct(), id => Assert.Contains(id, theories));
    }

    public static TheoryData<string> CompilerErrorCaseNames => [.. CompilerErrorCases.Keys];

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM001")]
    public void GLSTM001_TypeNotPartial(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM002")]
    public void GLSTM002_ContainingTypeNotPartial(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM003")]
    public void GLSTM003_GenericType(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM004")]
    public void GLSTM004_SizeOutOfRange(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM005")]
    public void GLSTM005_StaticOrAbstract(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM006")]
    public void GLSTM006_MemberNameConflict(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM007")]
    public void GLSTM007_TypeNameTaken(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM008")]
    public void GLSTM008_FileLocalType(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM009")]
    public void GLSTM009_NotConstructible(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM010")]
    public void GLSTM010_UnknownOptionValue(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM011")]
    public void GLSTM011_ValueOutOfRange(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM013")]
    public void GLSTM013_InvalidExpression(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM012")]
    public void GLSTM012_InvalidOptionValue(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM017")]
    public void GLSTM017_NotForThisCell(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM018")]
    public void GLSTM018_DeclaredTwice(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CasesFor), "GLSTM019")]
    public void GLSTM019_InaccessibleType(string caseName) => AssertReported(Cases[caseName]);

    [Theory]
    [MemberData(nameof(CompilerErrorCaseNames))]
    public void BrokenAttributeIsLeftToTheCompiler(string caseName)
    {
        (string source, string compilerErrorId) = CompilerErrorCases[caseName];

        GeneratorRun run = GeneratorDriverHelper.Run(WithUsing(source));

        Assert.Empty(run.Diagnostics);
        Assert.Empty(run.Result.GeneratedSources);
        Assert.Contains(run.OutputCompilation.GetDiagnostics(), d => d.Id == compilerErrorId && d.Severity == DiagnosticSeverity.Error);
    }

    private static void AssertReported(DiagnosticCase expected)
    {
        var source = MarkedSource.Parse(WithUsing(expected.MarkedSource));
        Assert.Equal(expected.Messages.Length, source.Spans.Count);

        GeneratorRun run = GeneratorDriverHelper.Run(source.Text);

        Assert.Empty(run.Result.GeneratedSources);
        Diagnostic[] reported = [.. run.Diagnostics.OrderBy(d => d.Location.SourceSpan.Start)];
        Assert.Equal(expected.Messages.Length, reported.Length);
        for (int i = 0; i < reported.Length; i++)
        {
            Diagnostic diagnostic = reported[i];
            Assert.Equal(expected.Id, diagnostic.Id);
            Assert.Equal(DiagnosticSeverity.Error, diagnostic.Severity);
            Assert.Equal(expected.Messages[i], diagnostic.GetMessage(CultureInfo.InvariantCulture));

            FileLinePositionSpan location = diagnostic.Location.GetLineSpan();
            Assert.Equal("Source0.cs", location.Path);
            Assert.Equal(source.Spans[i], diagnostic.Location.SourceSpan);
            Assert.Equal(source.LineSpan(source.Spans[i]), location.Span);
        }
    }

    /// <summary>Every case starts with <c>using GenLstm;</c>; a marked span's position is counted after it.</summary>
    private static string WithUsing(string source) => "using GenLstm;\n\n" + source;
}

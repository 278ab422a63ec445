using System.Linq;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// Which generated types implement <c>IRecurrentModel&lt;TSelf, TState&gt;</c> and register themselves with <c>RecurrentModel</c>:
/// every streaming type implements it (so code can be written once over any declared model); a type registers only when its
/// declaration states all of its math (a forget bias or a cell clip would make a plain file of the same sizes run the wrong model)
/// and it computes the file's numbers (exact activations, float32 weights).
/// </summary>
public sealed class RecurrentModelRegistrationTests
{
    private const string Registration = "[global::System.Runtime.CompilerServices.ModuleInitializer]";

    [Theory]
    [InlineData("[Lstm(3, 8)] public sealed partial class Model { }", true)]
    [InlineData("[Gru(3, 8, Layers = 2)][OutputHead(1, InputSkip = 1)] public sealed partial class Model { }", true)]
    [InlineData("[Lstm(3, 8, Peepholes = true, MaxSampleRateRatio = 2)] internal sealed partial record Model { }", true)]
    [InlineData("internal static partial class Outer { [Lstm(3, 8)] internal sealed partial class Model { } }", true)]
    [InlineData("[Lstm(3, 8, ForgetBias = 1f)] public sealed partial class Model { }", false)]
    [InlineData("[Lstm(3, 8, Precision = Precision.Fast)] public sealed partial class Model { }", false)]
    [InlineData("[Lstm(3, 8, WeightType = WeightType.BFloat16)] public sealed partial class Model { }", false)]
    [InlineData("[Lstm(3, 8, CellClip = 3f)] public sealed partial class Model { }", false)]
    [InlineData("[Lstm(3, 8, GateActivation = Activation.HardSigmoid, GateAlpha = 0.3f)] public sealed partial class Model { }", false)]
    [InlineData("[Lstm(3, 8)][LstmCell(\"f * c_prev + i * g - 0.01 * c_prev\")] public sealed partial class Model { }", false)]
    public void A_streaming_type_implements_the_interface_and_registers_when_fully_declared(string declaration, bool registers)
    {
        GeneratorRun run = GeneratorDriverHelper.Run("using GenLstm;\n" + declaration);
        Assert.Empty(run.Diagnostics);
        Diagnostic[] warnings = [.. run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
        Assert.True(warnings.Length == 0, string.Join("\n", warnings.Take(5)));
        string source = run.SingleGeneratedSource;
        Assert.Contains("global::GenLstm.IRecurrentModel<Model, Model.State>", source, System.StringComparison.Ordinal);
        Assert.Equal(registers, source.Contains(Registration, System.StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("Reverse")]
    [InlineData("Bidirectional")]
    public void A_type_that_needs_the_whole_sequence_neither_implements_nor_registers(string direction)
    {
        string source = GeneratorDriverHelper.Run($"using GenLstm;\n[Lstm(3, 8, Direction = LstmDirection.{direction})] public sealed partial class Model {{ }}").SingleGeneratedSource;
        Assert.DoesNotContain("IRecurrentModel", source, System.StringComparison.Ordinal);
        Assert.DoesNotContain(Registration, source, System.StringComparison.Ordinal);
    }

    [Fact]
    public void Code_written_once_over_any_declared_model_compiles()
    {
        GeneratorRun run = GeneratorDriverHelper.Run("""
            using System;
            using GenLstm;

            [Lstm(3, 8)] public sealed partial class Small { }
            [Gru(3, 16, Layers = 2)][OutputHead(2)] public sealed partial class Large { }

            internal static class Generic
            {
                public static float Last<TModel, TState>(TModel model, float[] inputs)
                    where TModel : IRecurrentModel<TModel, TState>
                    where TState : struct
                {
                    TState state = model.InitialState;
                    var outputs = new float[inputs.Length / TModel.Declaration.InputSize * 16];
                    model.Forward(inputs, ref state, outputs);
                    return outputs[^1];
                }

                public static float Both(Small small, Large large, float[] inputs)
                    => Last<Small, Small.State>(small, inputs) + Last<Large, Large.State>(large, inputs);
            }
            """);
        Assert.Empty(run.Diagnostics);
        Diagnostic[] warnings = [.. run.OutputCompilation.GetDiagnostics().Where(d => d.Severity >= DiagnosticSeverity.Warning)];
        Assert.True(warnings.Length == 0, string.Join("\n", warnings.Take(5)));
    }
}

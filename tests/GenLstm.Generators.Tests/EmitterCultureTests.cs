using System.Globalization;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>The emitted text does not depend on the culture the compiler happens to run in.</summary>
public sealed class EmitterCultureTests
{
    [Theory]
    [InlineData("fi-FI")]
    [InlineData("ar-SA")]
    [InlineData("de-DE")]
    public void EmittedSourceIsTheSameInEveryCulture(string cultureName)
    {
        // 5 x 3: the weights take 1.125 KiB, so the header prints a fraction ("1.1 KiB").
        var spec = new LstmSpec(
            HintName: "Demo.Outer+Model.g.cs",
            Namespace: "Demo",
            Types: new EquatableArray<TypeDeclarationInfo>([new("Outer", "class"), new("Model", "record")]),
            InputSize: 5,
            HiddenSize: 3,
            Precision: Precision.Exact,
            WeightType: WeightType.Float32,
            Layers: 1,
            Direction: LstmDirection.Forward);

        string invariant = EmitIn(CultureInfo.InvariantCulture, spec);
        string localized = EmitIn(CultureInfo.GetCultureInfo(cultureName), spec);

        Assert.Contains("(1.1 KiB,", invariant);
        Assert.Equal(invariant, localized);
    }

    private static string EmitIn(CultureInfo culture, LstmSpec spec)
    {
        CultureInfo previous = CultureInfo.CurrentCulture;
        CultureInfo previousUi = CultureInfo.CurrentUICulture;
        try
        {
            CultureInfo.CurrentCulture = culture;
            CultureInfo.CurrentUICulture = culture;
            return LstmGenerator.Emitter.Emit(spec);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
            CultureInfo.CurrentUICulture = previousUi;
        }
    }
}

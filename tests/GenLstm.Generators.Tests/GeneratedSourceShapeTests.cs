using System.Linq;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The generated source stays readable: the kernels sit under using directives outside the user's type, so a one-layer
/// model's file, kernel included, has no line over 160 characters.
/// </summary>
public sealed class GeneratedSourceShapeTests
{
    private const int MaxLineLength = 160;

    [Theory]
    [InlineData("SingleInput_1x40")]
    [InlineData("Fast_1x40")]
    [InlineData("BFloat16_5x24")]
    [InlineData("MyModel_5x24")]
    [InlineData("OddSizes_37x61")]
    public void A_one_layer_models_file_has_no_line_over_160_characters(string declaration)
    {
        string source = GeneratorDriverHelper.Run(ModelDeclarations.Snapshotted[declaration]).SingleGeneratedSource;
        string[] longLines = [.. source.Split('\n').Where(line => line.TrimEnd('\r').Length > MaxLineLength)];
        Assert.True(longLines.Length == 0, $"{longLines.Length} line(s) over {MaxLineLength} characters, first: {longLines.FirstOrDefault()}");
    }

    [Fact]
    public void The_kernels_live_outside_the_users_type()
    {
        string source = GeneratorDriverHelper.Run(ModelDeclarations.Snapshotted["Bidirectional2_5x9"]).SingleGeneratedSource;
        int kernels = source.IndexOf("namespace GenLstm.Generated", System.StringComparison.Ordinal);
        Assert.True(kernels > 0, "no GenLstm.Generated namespace");
        string userPart = source.Substring(0, kernels);
        Assert.DoesNotContain("IsHardwareAccelerated", userPart, System.StringComparison.Ordinal);
        Assert.DoesNotContain("MultiplyAddEstimate", userPart, System.StringComparison.Ordinal);
        Assert.Contains("file static class LayerKernel5x9", source, System.StringComparison.Ordinal);
        Assert.Contains("file static class LayerKernel18x9", source, System.StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Bidirectional2_5x9", "Batch", "RunPart", "LstmWorker", "RecurrentTile", "Vector256Project")]
    [InlineData("ProjectedHead_6x16", "Batch", "RunPart", "LstmWorker", "RecurrentTile")]
    [InlineData("AmpModel_1x8", "Batch", "RunPart", "LstmWorker")]
    public void A_stack_layers_kernel_emits_only_what_its_model_calls(string declaration, params string[] unused)
    {
        // A stack calls its layers' StepCore (Step) and Forward or Sweep (Forward): never the batch or split members a
        // one-layer model's public API exposes, and a swept (bidirectional or deeper) layer not the hoisted input product.
        string source = GeneratorDriverHelper.Run(ModelDeclarations.Snapshotted[declaration]).SingleGeneratedSource;
        string kernels = source.Substring(source.IndexOf("namespace GenLstm.Generated", System.StringComparison.Ordinal));
        Assert.Contains("file static class LayerKernel", kernels, System.StringComparison.Ordinal);
        foreach (string member in unused)
        {
            Assert.DoesNotContain(member, kernels, System.StringComparison.Ordinal);
        }
    }
}

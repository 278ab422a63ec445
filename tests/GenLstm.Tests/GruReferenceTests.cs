using GenLstm.TestSupport;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// The float64 GRU reference that the GRU kernels will be measured against (issue 16), checked first against data we did
/// not write: torch.nn.GRU run in float64 (PyTorch's variant, from zero and from a random h0) and the other variant
/// (ONNX <c>linear_before_reset = 0</c>, Keras <c>reset_after = False</c>), which <c>tests/scripts/make_gru_golden.py</c>
/// checked against ONNX's own reference GRU. Both sides are float64 with the same weights: they differ only by the order
/// of sums and the last bits of tanh and exp, so the tolerance is 1e-12.
/// </summary>
public sealed class GruReferenceTests
{
    private const double Tolerance = 1e-12;

    public static TheoryData<string> Sizes => new() { "1x8", "4x17", "16x32", "1x40" };

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_reference_is_PyTorchs_GRU_from_zero_and_from_a_given_state(string size)
    {
        SafeTensorsFile file = Open(size);
        ReferenceGru gru = Reference(file, resetAfter: true);
        float[] inputs = file.ReadFloat32("input");
        Assert.InRange(Golden.MaxAbsDifference(gru.Run(inputs).Outputs, file.ReadFloat64("output_f64")), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(gru.Run(inputs, file.ReadFloat32("h0")).Outputs, file.ReadFloat64("output_from_state_f64")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void The_reset_before_variant_applies_the_reset_gate_before_the_recurrent_product(string size)
    {
        SafeTensorsFile file = Open(size);
        float[] inputs = file.ReadFloat32("input");
        double[] expected = file.ReadFloat64("output_reset_before_f64");
        Assert.InRange(Golden.MaxAbsDifference(Reference(file, resetAfter: false).Run(inputs).Outputs, expected), 0, Tolerance);
        // The variants are far apart on these weights, so the flag is what makes the reference match.
        Assert.InRange(Golden.MaxAbsDifference(Reference(file, resetAfter: true).Run(inputs).Outputs, expected), 0.1, double.MaxValue);
    }

    private static SafeTensorsFile Open(string size)
        => SafeTensorsFile.Open(System.IO.Path.Combine(System.AppContext.BaseDirectory, "Golden", $"gru_{size}.safetensors"));

    private static ReferenceGru Reference(SafeTensorsFile file, bool resetAfter)
    {
        float[] weightIh = file.ReadFloat32("weight_ih_l0"), biasIh = file.ReadFloat32("bias_ih_l0");
        int hiddenSize = biasIh.Length / 3;
        return new ReferenceGru(weightIh.Length / (3 * hiddenSize), hiddenSize, weightIh, file.ReadFloat32("weight_hh_l0"),
            biasIh, file.ReadFloat32("bias_hh_l0"), resetAfter);
    }
}

using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// The generated models against PyTorch (golden data from torch.nn.LSTM, float32 and float64) and against
/// <see cref="ReferenceLstm"/>, over 64 steps with weights that saturate gates, on whichever SIMD path this process
/// runs (.ci/run repeats the suite with AVX-512 off, AVX off and all intrinsics off).
/// </summary>
public sealed class GoldenTests(ITestOutputHelper log)
{
    /// <summary>
    /// Float32 math against float64 truth. Our activations are within 3e-7 and each dot product of up to
    /// I + H = 384 float32 terms rounds to ~1e-6 relative; 64 recurrent steps carry that forward without growth here
    /// (PyTorch's own float32 run is within 1e-6 of its float64 run). 1e-5 leaves margin for the FMA-less paths.
    /// </summary>
    private const double Tolerance = 1e-5;

    public static TheoryData<string> Sizes => new(Golden.Sizes);

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Step_matches_PyTorch_float64(string size)
    {
        SafeTensorsFile file = Golden.Open(size);
        ModelHarness model = Harnesses.Load(size, file);

        ModelHarness.Result result = model.Run(file.ReadFloat32("input"));

        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_f64"));
        log.WriteLine($"{size}: max |h - torch f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Hidden, file.ReadFloat64("h_n_f64")), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Cell, file.ReadFloat64("c_n_f64")), 0, 10 * Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Step_matches_PyTorch_float32(string size)
    {
        SafeTensorsFile file = Golden.Open(size);
        ModelHarness model = Harnesses.Load(size, file);

        ModelHarness.Result result = model.Run(file.ReadFloat32("input"));

        Assert.InRange(Golden.MaxAbsDifference(result.Outputs, file.ReadFloat32("output_f32")), 0, Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Step_continues_from_an_initial_state_as_PyTorch_does(string size)
    {
        SafeTensorsFile file = Golden.Open(size);
        ModelHarness model = Harnesses.Load(size, file);

        ModelHarness.Result result = model.Run(file.ReadFloat32("input"), file.ReadFloat32("h0"), file.ReadFloat32("c0"));

        double error = Golden.MaxAbsDifference(result.Outputs, file.ReadFloat64("output_from_state_f64"));
        log.WriteLine($"{size} from (h0, c0): max |h - torch f64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Hidden, file.ReadFloat64("h_n_from_state_f64")), 0, Tolerance);
        Assert.InRange(Golden.MaxAbsDifference(result.Cell, file.ReadFloat64("c_n_from_state_f64")), 0, 10 * Tolerance);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Forward_gives_bit_for_bit_the_numbers_of_Step(string size)
    {
        SafeTensorsFile file = Golden.Open(size);
        ModelHarness model = Harnesses.Load(size, file);
        float[] inputs = file.ReadFloat32("input");
        float[] h0 = file.ReadFloat32("h0"), c0 = file.ReadFloat32("c0");

        ModelHarness.Result stepped = model.Run(inputs, h0, c0, useForward: false);
        ModelHarness.Result forward = model.Run(inputs, h0, c0, useForward: true);

        Assert.Equal(stepped.Outputs, forward.Outputs);
        Assert.Equal(stepped.Hidden, forward.Hidden);
        Assert.Equal(stepped.Cell, forward.Cell);
    }

    [Theory]
    [MemberData(nameof(Sizes))]
    public void Independent_float64_reference_agrees_with_PyTorch(string size)
    {
        // Validates the yardstick the random-configuration tests rely on.
        SafeTensorsFile file = Golden.Open(size);
        ReferenceLstm reference = ReferenceFor(file);

        var (outputs, _, _) = reference.Run(file.ReadFloat32("input"));

        double[] expected = file.ReadFloat64("output_f64");
        Assert.InRange(outputs.Zip(expected, (a, b) => Math.Abs(a - b)).Max(), 0, 1e-12);
    }

    internal static ReferenceLstm ReferenceFor(SafeTensorsFile file)
    {
        float[] weightIh = file.ReadFloat32("weight_ih_l0");
        SafeTensorInfo info = file.GetInfo("weight_ih_l0");
        int hiddenSize = (int)info.Shape[0] / 4, inputSize = (int)info.Shape[1];
        return new ReferenceLstm(inputSize, hiddenSize, weightIh, file.ReadFloat32("weight_hh_l0"),
            file.ReadFloat32("bias_ih_l0"), file.ReadFloat32("bias_hh_l0"));
    }
}

using System;
using System.Runtime.InteropServices;
using Xunit;

namespace GenLstm.Conformance;

/// <summary><c>Forward</c> over the whole sequence gives bit for bit the numbers of one <c>Step</c> per sample.</summary>
public sealed class ForwardConsistencyTests
{
    public static TheoryData<string> ModelNames => new(RealData.ModelNames);

    [Theory]
    [MemberData(nameof(ModelNames))]
    public void Forward_equals_Step_bit_for_bit(string name)
    {
        NeuralPiModel model = NeuralPiModel.Load(name);
        TorchReference reference = TorchReference.Load(name, model.InputSize);

        float[] stepped = GeneratedRunner.RunSteps(model, reference.Inputs);
        float[] forward = GeneratedRunner.RunForward(model, reference.Inputs);

        // Compare the bit patterns: float equality would let -0 pass for +0.
        Assert.Equal(Bits(stepped), Bits(forward));
    }

    private static int[] Bits(float[] values) => MemoryMarshal.Cast<float, int>(values.AsSpan()).ToArray();
}

using System;
using System.IO;
using Xunit;

namespace GenLstm.Tests;

[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
[LstmOutput(size: 2)]
[LstmWeights("Formats/stack.safetensors")]
public sealed partial class BakedStack { }

[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
[LstmOutput(size: 2)]
[LstmWeights("Formats/stack_compressed.npz")]
public sealed partial class BakedStackFromNpz { }

[Gru(inputSize: 4, hiddenSize: 17)]
[BakedWeights("Golden/gru_4x17.safetensors")]
public sealed partial class BakedGru4x17 { }

/// <summary>Weights baked in at compile time ([LstmWeights]) against the same files loaded at run time.</summary>
public sealed class EmbeddedWeightsTests
{
    private static float[] Inputs => SafeTensorsFile.Open(FormatTests.PathOf("stack.reference.safetensors")).ReadFloat32("input");

    private static float[] Run(ReadOnlySpan<float> inputs, Func<float[], float[]> forward) => forward(inputs.ToArray());

    [Fact]
    public void Default_is_the_model_Load_reads_from_the_same_file()
    {
        float[] inputs = Inputs;
        float[] Forward(BakedStack model)
        {
            var outputs = new float[inputs.Length / 3 * 2];
            var state = new BakedStack.State();
            model.Forward(inputs, ref state, outputs);
            return outputs;
        }
        Assert.Equal(Forward(BakedStack.Load(FormatTests.PathOf("stack.safetensors"))), Forward(BakedStack.Default));
        Assert.Same(BakedStack.Default, BakedStack.Default);
    }

    [Fact]
    public void A_GRU_bakes_in_the_numbers_Load_reads_and_PyTorch_computes()
    {
        SafeTensorsFile file = SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Golden", "gru_4x17.safetensors"));
        float[] inputs = file.ReadFloat32("input");
        float[] Forward(BakedGru4x17 model)
        {
            var outputs = new float[inputs.Length / 4 * 17];
            var state = new BakedGru4x17.State();
            model.Forward(inputs, ref state, outputs);
            return outputs;
        }
        float[] baked = Forward(BakedGru4x17.Default);
        Assert.Equal(Forward(BakedGru4x17.Load(Path.Combine(AppContext.BaseDirectory, "Golden", "gru_4x17.safetensors"))), baked);
        Assert.InRange(Golden.MaxAbsDifference(baked, file.ReadFloat64("output_f64")), 0, 1e-5);
    }

    [Fact]
    public void An_npz_archive_bakes_in_the_same_numbers()
    {
        float[] inputs = Inputs;
        var fromNpz = new float[inputs.Length / 3 * 2];
        var state = new BakedStackFromNpz.State();
        BakedStackFromNpz.Default.Forward(inputs, ref state, fromNpz);

        var fromSafeTensors = new float[fromNpz.Length];
        var other = new BakedStack.State();
        BakedStack.Default.Forward(inputs, ref other, fromSafeTensors);
        Assert.Equal(fromSafeTensors, fromNpz);
    }

    [Fact]
    public void Default_steps_without_allocating()
    {
        BakedStack model = BakedStack.Default;
        var state = new BakedStack.State();
        float[] input = [0.1f, -0.2f, 0.3f], output = new float[2];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int t = 0; t < 1000; t++)
            {
                model.Step(input, ref state, output);
            }
        });

        Assert.Equal(0, allocated);
    }
}

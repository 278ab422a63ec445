using System;
using System.Linq;
using System.Runtime.Intrinsics;
using System.Threading.Tasks;
using Xunit;

namespace GenLstm.Tests;

/// <summary>Real-time properties: no allocation in steady state, safe sharing across threads, the SIMD path really taken.</summary>
public sealed class RuntimeTests
{
    [Fact]
    public void Step_Forward_and_StepBatch_allocate_nothing()
    {
        SafeTensorsWriter.RandomLstm(Lstm64x64.InputSize, Lstm64x64.HiddenSize, seed: 11, out var w);
        var model = Lstm64x64.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);
        var state = new Lstm64x64.State();
        var input = new float[Lstm64x64.InputSize];
        var output = new float[Lstm64x64.OutputSize];
        var inputs = new float[32 * Lstm64x64.InputSize];
        var outputs = new float[32 * Lstm64x64.OutputSize];
        var streams = new Lstm64x64.State[5];

        long allocated = SteadyState.AllocatedBytes(() =>
        {
            for (int i = 0; i < 20_000; i++)
            {
                input[i % input.Length] = MathF.Sin(i);
                model.Step(input, ref state, output);
            }
            for (int i = 0; i < 200; i++)
            {
                model.Forward(inputs, ref state, outputs);
                model.StepBatch(inputs.AsSpan(0, 5 * Lstm64x64.InputSize), streams, outputs.AsSpan(0, 5 * Lstm64x64.OutputSize));
            }
        });

        Assert.Equal(0, allocated);
    }

    [Fact]
    public void One_model_serves_many_threads_each_with_its_own_state_bit_for_bit()
    {
        SafeTensorsFile file = Golden.Open("16x32");
        var model = Lstm16x32.FromSafeTensors(file);
        float[] baseInputs = file.ReadFloat32("input");
        float[] InputsFor(int stream) => baseInputs.Select((v, i) => v * (1 + 0.1f * stream) + 0.01f * (i % 7)).ToArray();
        float[] Run(int stream)
        {
            float[] inputs = InputsFor(stream);
            var state = new Lstm16x32.State();
            var outputs = new float[inputs.Length / Lstm16x32.InputSize * Lstm16x32.OutputSize];
            for (int repeat = 0; repeat < 50; repeat++)
            {
                model.Forward(inputs, ref state, outputs);
            }
            return outputs;
        }

        float[][] sequential = Enumerable.Range(0, 8).Select(Run).ToArray();
        float[][] parallel = new float[8][];
        Parallel.For(0, 8, new ParallelOptions { MaxDegreeOfParallelism = 8 }, stream => parallel[stream] = Run(stream));

        for (int stream = 0; stream < 8; stream++)
        {
            Assert.Equal(sequential[stream], parallel[stream]);
        }
    }

    [Fact]
    public void The_instruction_set_switches_select_the_path_CI_means_to_test()
    {
        // .ci/run runs the suite under each switch; this proves the switch reached the JIT, so the path really ran.
        bool Disabled(string name) => Environment.GetEnvironmentVariable(name) == "0";
        if (Disabled("DOTNET_EnableHWIntrinsic"))
        {
            Assert.False(Vector128.IsHardwareAccelerated);
        }
        else if (Disabled("DOTNET_EnableAVX"))
        {
            Assert.False(Vector256.IsHardwareAccelerated);
            Assert.True(Vector128.IsHardwareAccelerated);
        }
        else if (Disabled("DOTNET_EnableAVX512"))
        {
            Assert.False(Vector512.IsHardwareAccelerated);
        }
        else if (Environment.GetEnvironmentVariable("DOTNET_PreferredVectorBitWidth") == "256")
        {
            Assert.False(Vector512.IsHardwareAccelerated);
            Assert.True(Vector256.IsHardwareAccelerated);
        }
        else
        {
            Assert.True(Vector128.IsHardwareAccelerated, "x64 and ARM64 always have 128-bit SIMD unless it is switched off");
        }
    }
}

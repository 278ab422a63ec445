using System;
using System.Collections.Generic;
using System.Linq;
using System.Text;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

// A variant a file states (ONNX's P, PyTorch-style weight_c*): the generic kernel's variant path against its generated type.
[Lstm(1, 40, Peepholes = true)][OutputHead(1)] public sealed partial class PeepholeHeadLstm1x40 { }

/// <summary>
/// What a host pays for a model it did not declare: <c>Step</c> of the runtime's generic kernel (<see cref="RecurrentModel"/>
/// with <see cref="RecurrentKernel.Generic"/>) against the generated type of the same model called directly (the baseline), and
/// the generated type behind <see cref="RecurrentStream"/> (what <c>RecurrentModel.Load</c> returns when the host declared the
/// size), in one run, at the sizes of issue 18: 1×12, 1×16 and 1×40 with a head, 2 layers × 8 with a head, 64×64 and 128×256;
/// and 1×40 with peepholes and a head, where the generic kernel takes its variant path (the slots, then the cell per unit).
/// The three run the same weights (seeded random values, written into one in-memory safetensors file) and are checked
/// against each other before timing.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class RecurrentModelBenchmarks
{
    private Action _generated = null!;
    private RecurrentStream _generic = null!, _declared = null!;
    private float[] _input = null!, _output = null!;

    [Params("1x12+head", "1x16+head", "1x40+head", "2x8+head", "64x64", "128x256", "1x40+head+peepholes")]
    public string Config { get; set; } = "1x40+head";

    [GlobalSetup]
    public void Setup()
    {
        (int inputSize, int hiddenSize, int layers, bool head, bool peepholes) = Config switch
        {
            "1x12+head" => (1, 12, 1, true, false),
            "1x16+head" => (1, 16, 1, true, false),
            "1x40+head" => (1, 40, 1, true, false),
            "2x8+head" => (1, 8, 2, true, false),
            "64x64" => (64, 64, 1, false, false),
            "128x256" => (128, 256, 1, false, false),
            "1x40+head+peepholes" => (1, 40, 1, true, true),
            _ => throw new ArgumentOutOfRangeException(nameof(Config), Config, "not a configuration"),
        };
        WeightFile file = WeightFile.Parse(RandomSafeTensors(inputSize, hiddenSize, layers, head, peepholes), Config + ".safetensors");
        RecurrentModel generic = RecurrentModel.FromWeights(file, RecurrentKernel.Generic);
        RecurrentModel declared = RecurrentModel.FromWeights(file, RecurrentKernel.Generated);
        _generic = generic.CreateStream();
        _declared = declared.CreateStream();
        _input = [.. Enumerable.Range(0, inputSize).Select(k => MathF.Sin(k + 1f))];
        _output = new float[generic.OutputSize];
        _generated = Config switch
        {
            "1x12+head" => Direct(HeadLstm1x12.FromWeights(file), (HeadLstm1x12 m, ref HeadLstm1x12.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            "1x16+head" => Direct(HeadLstm1x16.FromWeights(file), (HeadLstm1x16 m, ref HeadLstm1x16.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            "1x40+head" => Direct(HeadLstm1x40.FromWeights(file), (HeadLstm1x40 m, ref HeadLstm1x40.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            "2x8+head" => Direct(HeadLstm2x8.FromWeights(file), (HeadLstm2x8 m, ref HeadLstm2x8.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            "64x64" => Direct(Lstm64x64.FromWeights(file), (Lstm64x64 m, ref Lstm64x64.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            "1x40+head+peepholes" => Direct(PeepholeHeadLstm1x40.FromWeights(file), (PeepholeHeadLstm1x40 m, ref PeepholeHeadLstm1x40.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
            _ => Direct(Lstm128x256.FromWeights(file), (Lstm128x256 m, ref Lstm128x256.State s) => m.Step(_input, ref s, _output), m => m.InitialState),
        };
        CrossCheck(generic, declared);
    }

    /// <summary>The generated type's <c>Step</c>, called directly on a state kept across calls (a stream that goes on).</summary>
    private static Action Direct<TModel, TState>(TModel model, StepCall<TModel, TState> step, Func<TModel, TState> initialState)
        where TState : struct
    {
        var state = new TState[] { initialState(model) };
        return () => step(model, ref state[0]);
    }

    private delegate void StepCall<TModel, TState>(TModel model, ref TState state);

    /// <summary>200 steps of fresh streams of both kernels: the generic kernel must give the generated one's outputs to rounding.</summary>
    private void CrossCheck(RecurrentModel generic, RecurrentModel declared)
    {
        RecurrentStream a = generic.CreateStream(), b = declared.CreateStream();
        float[] x = new float[generic.InputSize], ya = new float[generic.OutputSize], yb = new float[generic.OutputSize];
        float error = 0;
        for (int t = 0; t < 200; t++)
        {
            x.AsSpan().Fill(MathF.Sin(0.1f * t));
            a.Step(x, ya);
            b.Step(x, yb);
            for (int j = 0; j < ya.Length; j++)
            {
                error = MathF.Max(error, MathF.Abs(ya[j] - yb[j]));
            }
        }
        Console.WriteLine($"// Cross-check {Config}: {generic.KernelDescription} vs {declared.KernelDescription}, max |difference| over 200 steps = {error:E2}");
        if (error > 1e-5f)
        {
            throw new InvalidOperationException($"{Config}: the generic and the generated kernel differ by {error}");
        }
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void GeneratedStep() => _generated();

    [Benchmark, BenchmarkCategory("Step")]
    public void GeneratedThroughRecurrentStreamStep() => _declared.Step(_input, _output);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenericStep() => _generic.Step(_input, _output);

    /// <summary>
    /// A safetensors file of seeded random weights (scaled by 1/√H, as PyTorch initializes) in PyTorch's names, peepholes as
    /// <c>weight_ci/cf/co_l{k}</c>, the head as <c>output.*</c>.
    /// </summary>
    private static byte[] RandomSafeTensors(int inputSize, int hiddenSize, int layers, bool head, bool peepholes)
    {
        var random = new Random(18);
        float scale = 1 / MathF.Sqrt(hiddenSize);
        float[] Values(int count) => [.. Enumerable.Range(0, count).Select(_ => (float)(random.NextDouble() * 2 - 1) * scale)];
        var tensors = new List<(string Name, int[] Shape, float[] Values)>();
        for (int layer = 0; layer < layers; layer++)
        {
            int columns = layer == 0 ? inputSize : hiddenSize;
            tensors.Add(($"weight_ih_l{layer}", [4 * hiddenSize, columns], Values(4 * hiddenSize * columns)));
            tensors.Add(($"weight_hh_l{layer}", [4 * hiddenSize, hiddenSize], Values(4 * hiddenSize * hiddenSize)));
            tensors.Add(($"bias_ih_l{layer}", [4 * hiddenSize], Values(4 * hiddenSize)));
            tensors.Add(($"bias_hh_l{layer}", [4 * hiddenSize], Values(4 * hiddenSize)));
            if (peepholes)
            {
                tensors.Add(($"weight_ci_l{layer}", [hiddenSize], Values(hiddenSize)));
                tensors.Add(($"weight_cf_l{layer}", [hiddenSize], Values(hiddenSize)));
                tensors.Add(($"weight_co_l{layer}", [hiddenSize], Values(hiddenSize)));
            }
        }
        if (head)
        {
            tensors.Add(("output.weight", [1, hiddenSize], Values(hiddenSize)));
            tensors.Add(("output.bias", [1], Values(1)));
        }
        var header = new StringBuilder("{");
        long offset = 0;
        foreach ((string name, int[] shape, float[] values) in tensors)
        {
            header.Append(header.Length > 1 ? "," : "")
                .Append($"\"{name}\":{{\"dtype\":\"F32\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + 4L * values.Length}]}}");
            offset += 4L * values.Length;
        }
        byte[] json = Encoding.UTF8.GetBytes(header.Append('}').ToString());
        byte[] data = [.. tensors.SelectMany(t => t.Values.SelectMany(BitConverter.GetBytes))];
        return [.. BitConverter.GetBytes((ulong)json.Length), .. json, .. data];
    }
}

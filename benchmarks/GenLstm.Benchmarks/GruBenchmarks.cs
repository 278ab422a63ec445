using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;

namespace GenLstm.Benchmarks;

// GruBenchmarks' models: the GRU configurations of RTNeural's peer benchmark (../shared/peers/rtneural, GA-GH), 1x32 and
// 1x64, and for each the LSTM of the same shape, so that GRU / LSTM is a ratio measured in one run.
[Gru(1, 40)] public sealed partial class Gru1x40 { }
[Gru(16, 32)] public sealed partial class Gru16x32 { }
[Gru(64, 64)] public sealed partial class Gru64x64 { }
[Gru(128, 256)] public sealed partial class Gru128x256 { }
[Gru(1, 12)][OutputHead(1)] public sealed partial class HeadGru1x12 { }
[Gru(1, 16)][OutputHead(1)] public sealed partial class HeadGru1x16 { }
[Gru(1, 8, Layers = 2)][OutputHead(1)] public sealed partial class HeadGru2x8 { }
[Gru(1, 40)][OutputHead(1)] public sealed partial class HeadGru1x40 { }
[Gru(1, 32)] public sealed partial class Gru1x32 { }
[Gru(1, 64)] public sealed partial class Gru1x64 { }
[Lstm(1, 12)][OutputHead(1)] public sealed partial class HeadLstm1x12 { }
[Lstm(1, 16)][OutputHead(1)] public sealed partial class HeadLstm1x16 { }
[Lstm(1, 8, Layers = 2)][OutputHead(1)] public sealed partial class HeadLstm2x8 { }
[Lstm(1, 32)] public sealed partial class Lstm1x32 { }
[Lstm(1, 64)] public sealed partial class Lstm1x64 { }

/// <summary>
/// GRU <c>Step</c> (and <c>Forward</c> over T = 128, per step) at RTNeural's GRU configurations (GA 1×40, GB 16×32, GC 64×64,
/// GD 128×256, GE 1×12 + Linear, GF 1×16 + Linear, GG 2 layers × 8 + Linear, GH 1×40 + Linear) and 1×32, 1×64: the generated
/// GRU, a plain scalar GRU (<see cref="NaiveGru"/>, the baseline of each category) and the generated LSTM of the same shape.
/// Weights are RTNeural's own (<c>run.sh --weights DIR</c>, named by <see cref="RtNeuralWeightsVariable"/>) or seeded random
/// values (no data-dependent branch anywhere: the work is the same).
/// RTNeural's own figures for GA–GH come from its <c>run.sh</c>, run in the same sitting.
/// </summary>
[MemoryDiagnoser]
[GroupBenchmarksBy(BenchmarkLogicalGroupRule.ByCategory, BenchmarkLogicalGroupRule.ByParams)]
[CategoriesColumn]
public class GruBenchmarks
{
    private const int SequenceLength = 128;

    private Action _gruStep = null!, _lstmStep = null!, _gruForward = null!;
    private NaiveGru _naive = null!;
    private float[] _input = null!, _output = null!, _naiveOutput = null!;

    /// <summary>The configuration: RTNeural's name, or I×H for the two extra sizes.</summary>
    /// <summary>The environment variable naming RTNeural's <c>run.sh --weights</c> folder, for its own weights at GA–GH.</summary>
    public const string RtNeuralWeightsVariable = "GENLSTM_RTNEURAL_WEIGHTS";

    [Params("GA", "GB", "GC", "GD", "GE", "GF", "GG", "GH", "1x32", "1x64")]
    public string Config { get; set; } = "GA";

    [GlobalSetup]
    public void Setup()
    {
        (int inputSize, int hiddenSize, int layers, bool head) = Config switch
        {
            "GA" => (1, 40, 1, false),
            "GB" => (16, 32, 1, false),
            "GC" => (64, 64, 1, false),
            "GD" => (128, 256, 1, false),
            "GE" => (1, 12, 1, true),
            "GF" => (1, 16, 1, true),
            "GG" => (1, 8, 2, true),
            "GH" => (1, 40, 1, true),
            "1x32" => (1, 32, 1, false),
            "1x64" => (1, 64, 1, false),
            _ => throw new ArgumentOutOfRangeException(nameof(Config), Config, "not a configuration"),
        };
        var random = new Random(16);
        float[] Values(int count, float scale) => Array.ConvertAll(new float[count], _ => (float)(random.NextDouble() * 2 - 1) * scale);
        PyTorchLstmTensors Layer(int gates, int columns)
        {
            float scale = 1 / MathF.Sqrt(hiddenSize);
            return new PyTorchLstmTensors(Values(gates * hiddenSize * columns, scale), Values(gates * hiddenSize * hiddenSize, scale),
                Values(gates * hiddenSize, scale), Values(gates * hiddenSize, scale));
        }
        // RTNeural's own weights when its run.sh --weights folder is given (GA.safetensors for the GRU, A.safetensors for the
        // LSTM of the same shape), else seeded random values: no data-dependent branch anywhere, so the work is the same.
        string? rtNeural = Environment.GetEnvironmentVariable(RtNeuralWeightsVariable);
        bool fromRtNeural = rtNeural is not null && Config.StartsWith('G');
        WeightFile RtNeuralFile(string config) => WeightFile.Open(Path.Combine(rtNeural!, config + ".safetensors"));
        PyTorchLstmTensors[] Layers(RecurrentCell cell) => fromRtNeural
            ? PyTorchLstmTensors.ReadLayers(RtNeuralFile(cell == RecurrentCell.Gru ? Config : Config[1..]),
                new LstmDeclaration(inputSize, hiddenSize) { Cell = cell, Layers = layers })
            : [.. new int[layers].Select((_, layer) => Layer(cell == RecurrentCell.Gru ? 3 : 4, layer == 0 ? inputSize : hiddenSize))];
        PyTorchLstmTensors[] gru = Layers(RecurrentCell.Gru), lstm = Layers(RecurrentCell.Lstm);
        DenseLayer? dense = !head ? null : fromRtNeural
            ? DenseLayer.Read(RtNeuralFile(Config), hiddenSize, 1, Activation.None)
            : DenseLayer.FromPyTorch(hiddenSize, 1, Activation.None, Values(hiddenSize, 0.2f), Values(1, 0.2f));
        int outputSize = head ? 1 : hiddenSize;
        _input = Values(inputSize, 1);
        _output = new float[outputSize];
        float[] inputs = Values(SequenceLength * inputSize, 1), outputs = new float[SequenceLength * outputSize];
        _naiveOutput = new float[hiddenSize];
        _naive = new NaiveGru(inputSize, hiddenSize, gru[0].WeightIh, gru[0].WeightHh, gru[0].BiasIh, gru[0].BiasHh);
        WeightFile gruFile = StateDict(gru, dense, hiddenSize), lstmFile = StateDict(lstm, dense, hiddenSize);

        switch (Config)
        {
            case "GA": Bind<Gru1x40, Gru1x40.State, Lstm1x40, Lstm1x40.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GB": Bind<Gru16x32, Gru16x32.State, Lstm16x32, Lstm16x32.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GC": Bind<Gru64x64, Gru64x64.State, Lstm64x64, Lstm64x64.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GD": Bind<Gru128x256, Gru128x256.State, Lstm128x256, Lstm128x256.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GE": Bind<HeadGru1x12, HeadGru1x12.State, HeadLstm1x12, HeadLstm1x12.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GF": Bind<HeadGru1x16, HeadGru1x16.State, HeadLstm1x16, HeadLstm1x16.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GG": Bind<HeadGru2x8, HeadGru2x8.State, HeadLstm2x8, HeadLstm2x8.State>(gruFile, lstmFile, inputs, outputs); break;
            case "GH": Bind<HeadGru1x40, HeadGru1x40.State, HeadLstm1x40, HeadLstm1x40.State>(gruFile, lstmFile, inputs, outputs); break;
            case "1x32": Bind<Gru1x32, Gru1x32.State, Lstm1x32, Lstm1x32.State>(gruFile, lstmFile, inputs, outputs); break;
            default: Bind<Gru1x64, Gru1x64.State, Lstm1x64, Lstm1x64.State>(gruFile, lstmFile, inputs, outputs); break;
        }

        // The generated GRU (without its head) must agree with the plain one before anything is timed.
        if (!head && layers == 1)
        {
            float[] naiveOutput = _naiveOutput;
            for (int t = 0; t < 16; t++)
            {
                _gruStep();
                _naive.Step(_input, naiveOutput);
            }
            float error = 0;
            for (int unit = 0; unit < hiddenSize; unit++)
            {
                error = MathF.Max(error, MathF.Abs(naiveOutput[unit] - _output[unit]));
            }
            if (error > 1e-4f)
            {
                throw new InvalidOperationException($"GRU {Config}: the generated and the plain GRU differ by {error}");
            }
        }
    }

    /// <summary>The layers (PyTorch's names, <c>_l0</c>, <c>_l1</c>) and the head (<c>output.weight</c>, <c>output.bias</c>) as a state dict.</summary>
    private static WeightFile StateDict(PyTorchLstmTensors[] layers, DenseLayer? head, int hiddenSize)
    {
        var tensors = new List<WeightTensor>();
        for (int layer = 0; layer < layers.Length; layer++)
        {
            PyTorchLstmTensors t = layers[layer];
            int rows = t.BiasIh.Length;
            tensors.Add(new($"weight_ih_l{layer}", [rows, t.WeightIh.Length / rows], t.WeightIh));
            tensors.Add(new($"weight_hh_l{layer}", [rows, hiddenSize], t.WeightHh));
            tensors.Add(new($"bias_ih_l{layer}", [rows], t.BiasIh));
            tensors.Add(new($"bias_hh_l{layer}", [rows], t.BiasHh));
        }
        if (head is not null)
        {
            tensors.Add(new("output.weight", [head.Size, head.InputSize], head.Weight.ToArray()));
            tensors.Add(new("output.bias", [head.Size], head.Bias.ToArray()));
        }
        return new WeightFile("benchmark weights", WeightFileFormat.SafeTensors, tensors);
    }

    /// <summary>
    /// Loads both models and binds the three timed calls to them and their states (one state per call, kept across calls: a
    /// stream that goes on), written once over any declared model.
    /// </summary>
    private void Bind<TGru, TGruState, TLstm, TLstmState>(WeightFile gruFile, WeightFile lstmFile, float[] inputs, float[] outputs)
        where TGru : IRecurrentModel<TGru, TGruState>
        where TGruState : struct
        where TLstm : IRecurrentModel<TLstm, TLstmState>
        where TLstmState : struct
    {
        TGru gru = TGru.FromWeights(gruFile);
        TLstm lstm = TLstm.FromWeights(lstmFile);
        var stepState = new TGruState[1];
        var lstmState = new TLstmState[1];
        var forwardState = new TGruState[1];
        _gruStep = () => gru.Step(_input, ref stepState[0], _output);
        _lstmStep = () => lstm.Step(_input, ref lstmState[0], _output);
        _gruForward = () => gru.Forward(inputs, ref forwardState[0], outputs);
    }

    [Benchmark(Baseline = true), BenchmarkCategory("Step")]
    public void NaiveGruStep() => _naive.Step(_input, _naiveOutput);

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmGruStep() => _gruStep();

    [Benchmark, BenchmarkCategory("Step")]
    public void GenLstmLstmStep() => _lstmStep();

    [Benchmark(OperationsPerInvoke = SequenceLength), BenchmarkCategory("Forward T=128")]
    public void GenLstmGruForward() => _gruForward();
}

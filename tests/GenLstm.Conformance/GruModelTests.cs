using System;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm.TestSupport;
using Xunit;
using Xunit.Abstractions;

using static GenLstm.Conformance.RealDataValues;

namespace GenLstm.Conformance;

// The two real GRU files' models, declared as `genlstm inspect` prints them.
[Gru(inputSize: 1, hiddenSize: 4)]
[OutputHead(size: 1, InputSkip = 1)]
public sealed partial class NeuralSeedGruPedal { }

[Gru(inputSize: 1, hiddenSize: 8, Layers = 4)]
[OutputHead(size: 1)]
public sealed partial class RtNeuralGruStack { }

/// <summary>
/// The generated GRU kernels on the real files (issue 16), through <c>Load</c>, on whichever SIMD path this process runs: NeuralSeed's
/// trained pedal (GRU(1, 4), a dense head and the input skip) and RTNeural's four chained GRU layers. The bar is the files' own
/// float32 error: the outputs stay within 4× the distance between the authors' float32 PyTorch run and a float64 run of the same
/// model (NeuralSeed's CSV has both; RTNeural's float64 run is <see cref="ReferenceGru"/> on the tensors read, 3.1e-8 from PyTorch).
/// <c>Step</c>, <c>Forward</c> and <c>StepBatch</c> give the same numbers bit for bit.
/// </summary>
public sealed class GruModelTests(ITestOutputHelper log)
{
    [Fact]
    public void NeuralSeeds_GRU_pedal_is_as_close_to_float64_as_PyTorchs_float32_run()
    {
        ReferenceCsv reference = ReferenceCsv.Read("neuralseed/gru4_ref.csv", "x0", "y_f64", "y_f32");
        float[] x = reference.Interleaved(["x0"]);
        double[] f64 = reference.Column("y_f64");
        double gap = MaxAbsDifference(reference.Column("y_f32"), f64);

        NeuralSeedGruPedal model = NeuralSeedGruPedal.Load(RealData.FileAt("neuralseed/gru4_ts9_pytorch.json"));
        float[] stepped = new float[x.Length], forward = new float[x.Length];
        NeuralSeedGruPedal.State state = model.InitialState, other = model.InitialState;
        for (int t = 0; t < x.Length; t++)
        {
            model.Step(x.AsSpan(t, 1), ref state, stepped.AsSpan(t, 1));
        }
        model.Forward(x, ref other, forward);

        double error = MaxAbsDifference([.. stepped.Select(v => (double)v)], f64);
        log.WriteLine($"NeuralSeed GRU: max |y - f64| = {error:E2}; PyTorch float32: {gap:E2}");
        Assert.InRange(error, 0, 4 * Math.Max(gap, 1e-7));
        Assert.Equal(stepped, forward);
    }

    [Fact]
    public void RTNeurals_GRU_stack_is_as_close_to_float64_as_PyTorchs_float32_run()
    {
        string path = RealData.FileAt("rtneural-gru/gru_torch.json");
        float[] x = ReadColumn("rtneural-gru/gru_torch_x_python.csv");
        double[] pytorch = [.. ReadColumn("rtneural-gru/gru_torch_y_python.csv").Select(v => (double)v)];

        // The float64 run of the same model: four reference layers in float64, then the head.
        WeightFile file = WeightFile.Open(path);
        double[] sequence = [.. x.Select(v => (double)v)];
        foreach (PyTorchLstmTensors layer in PyTorchLstmTensors.ReadLayers(file, RtNeuralGruStack.Declaration))
        {
            int columns = sequence.Length / x.Length;
            sequence = new ReferenceGru(columns, 8, layer.WeightIh, layer.WeightHh, layer.BiasIh, layer.BiasHh).Run(sequence).Outputs;
        }
        DenseLayer head = DenseLayer.Read(file, 8, 1, Activation.None);
        double[] f64 = [.. Enumerable.Range(0, x.Length).Select(t => head.Bias[0] + Enumerable.Range(0, 8).Sum(k => (double)head.Weight[k] * sequence[t * 8 + k]))];
        double gap = MaxAbsDifference(pytorch, f64);

        RtNeuralGruStack model = RtNeuralGruStack.Load(path);
        var stepped = new float[x.Length];
        RtNeuralGruStack.State state = model.InitialState;
        for (int t = 0; t < x.Length; t++)
        {
            model.Step(x.AsSpan(t, 1), ref state, stepped.AsSpan(t, 1));
        }
        double error = MaxAbsDifference([.. stepped.Select(v => (double)v)], f64);
        log.WriteLine($"RTNeural GRU stack: max |y - f64| = {error:E2}; PyTorch float32: {gap:E2}");
        Assert.InRange(error, 0, 4 * Math.Max(gap, 1e-7));

        // Three streams stepped together give each stream's own numbers.
        RtNeuralGruStack.State[] states = [model.InitialState, model.InitialState, model.InitialState];
        float[] inputs = new float[3], outputs = new float[3];
        var batched = new float[x.Length];
        for (int t = 0; t < x.Length; t++)
        {
            inputs.AsSpan().Fill(x[t]);
            model.StepBatch(inputs, states, outputs);
            batched[t] = outputs[2];
        }
        Assert.Equal(stepped, batched);
    }
}

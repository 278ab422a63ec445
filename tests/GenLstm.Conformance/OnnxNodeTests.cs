using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using Onnx;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// ONNX's own conformance tests for the LSTM operator (<c>onnx/backend/test/data/node/test_lstm_*</c>, in
/// ../shared/realdata/onnx-node-tests): each model's single LSTM node, its weights (graph inputs stored as TensorProto
/// <c>.pb</c> files) through <c>FromOnnx</c>, and every batch row run as its own stream from the node's initial state for
/// its <c>sequence_lens</c> steps, in either layout (batch-first included, which ONNX Runtime's CPU provider rejects).
/// The expected outputs come from ONNX's NumPy reference, cast to float32.
/// </summary>
public sealed class OnnxNodeTests(ITestOutputHelper log)
{
    /// <summary>The reference's float32 cast, and our activations within 3e-7: a few float32 ulps of values below 1.</summary>
    private const double Tolerance = 1e-6;

    /// <summary>Test name → the declaration of its sizes, as a function from the node's tensors to a per-stream runner.</summary>
    private static readonly Dictionary<string, Func<NodeTensors, Runner>> Models = new()
    {
        ["test_lstm_defaults"] = t => Runner.Of(OnnxDefaults2x3.FromOnnx(t.W, t.R, t.B)),
        ["test_lstm_with_initial_bias"] = t => Runner.Of(OnnxInitialBias3x4.FromOnnx(t.W, t.R, t.B)),
        ["test_lstm_with_peepholes"] = t => Runner.Of(OnnxPeepholes4x3.FromOnnx(t.W, t.R, t.B, t.P ?? throw new InvalidDataException("no P"))),
        ["test_lstm_batchwise"] = t => Runner.Of(OnnxBatchwise2x7.FromOnnx(t.W, t.R, t.B)),
    };

    public static TheoryData<string> Names => new(Models.Keys);

    [Theory]
    [MemberData(nameof(Names))]
    public void The_ONNX_operator_test_passes(string name)
    {
        string folder = RealData.OnnxNodeTestFolder(name);
        ModelProto model = ModelProto.Parser.ParseFrom(File.ReadAllBytes(Path.Combine(folder, "model.onnx")));
        NodeProto node = Assert.Single(model.Graph.Node);
        Assert.Equal("LSTM", node.OpType);
        long Attribute(string attribute, long absent) => node.Attribute.FirstOrDefault(a => a.Name == attribute)?.I ?? absent;
        int hiddenSize = (int)Attribute("hidden_size", 0), layout = (int)Attribute("layout", 0);

        // input_N.pb / output_N.pb follow the graph's inputs and outputs; the node names them by role.
        string data = Path.Combine(folder, "test_data_set_0");
        Dictionary<string, TensorProto> inputs = Load(data, "input", model.Graph.Input.Select(i => i.Name));
        Dictionary<string, TensorProto> outputs = Load(data, "output", model.Graph.Output.Select(o => o.Name));
        TensorProto? Input(int position) => position < node.Input.Count && inputs.TryGetValue(node.Input[position], out var t) ? t : null;
        var tensors = new NodeTensors(Floats(Input(1)!), Floats(Input(2)!), Input(3) is { } b ? Floats(b) : null, Input(7) is { } p ? Floats(p) : null);
        Runner runner = Models[name](tensors);
        Assert.Equal(hiddenSize, runner.HiddenSize);

        TensorProto x = Input(0)!;
        int steps = (int)x.Dims[layout == 0 ? 0 : 1], batch = (int)x.Dims[layout == 0 ? 1 : 0], inputSize = (int)x.Dims[2];
        float[] xs = Floats(x);
        int[] lengths = Input(4) is { } lens ? (lens.Int32Data.Count > 0 ? [.. lens.Int32Data] : Ints(lens)) : [.. Enumerable.Repeat(steps, batch)];
        float[]? h0 = Input(5) is { } h ? Floats(h) : null, c0 = Input(6) is { } c ? Floats(c) : null;

        var y = new float[steps * batch * hiddenSize];   // [seq, 1, batch, H] or [batch, seq, 1, H]; zero past a row's length
        var yh = new float[batch * hiddenSize];
        var yc = new float[batch * hiddenSize];
        for (int row = 0; row < batch; row++)
        {
            var sequence = new float[lengths[row] * inputSize];
            for (int t = 0; t < lengths[row]; t++)
            {
                int at = layout == 0 ? (t * batch + row) * inputSize : (row * steps + t) * inputSize;
                Array.Copy(xs, at, sequence, t * inputSize, inputSize);
            }
            float[] rowOutputs = runner.Run(sequence, h0?.AsSpan(row * hiddenSize, hiddenSize).ToArray(), c0?.AsSpan(row * hiddenSize, hiddenSize).ToArray(),
                yh.AsSpan(row * hiddenSize, hiddenSize), yc.AsSpan(row * hiddenSize, hiddenSize));
            for (int t = 0; t < lengths[row]; t++)
            {
                int at = layout == 0 ? (t * batch + row) * hiddenSize : (row * steps + t) * hiddenSize;
                Array.Copy(rowOutputs, t * hiddenSize, y, at, hiddenSize);
            }
        }

        var produced = new Dictionary<int, float[]> { [0] = y, [1] = yh, [2] = yc };
        int compared = 0;
        foreach ((string output, TensorProto expected) in outputs)
        {
            int role = node.Output.IndexOf(output);
            double error = produced[role].Zip(Floats(expected), (a, e) => Math.Abs((double)a - e)).Max();
            log.WriteLine($"{name}: {output} ({string.Join("x", expected.Dims)}), max |GenLstm - ONNX reference| = {error:E2}");
            Assert.Equal(expected.Dims.Aggregate(1L, (a, d) => a * d), produced[role].Length);
            Assert.InRange(error, 0, Tolerance);
            compared++;
        }
        Assert.True(compared > 0, "the test has no outputs to compare");
    }

    private static Dictionary<string, TensorProto> Load(string folder, string prefix, IEnumerable<string> names)
    {
        var tensors = new Dictionary<string, TensorProto>();
        int index = 0;
        foreach (string name in names)
        {
            string path = Path.Combine(folder, $"{prefix}_{index++}.pb");
            if (File.Exists(path))
            {
                TensorProto tensor = TensorProto.Parser.ParseFrom(File.ReadAllBytes(path));
                tensors[string.IsNullOrEmpty(tensor.Name) ? name : tensor.Name] = tensor;
            }
        }
        return tensors;
    }

    private static float[] Floats(TensorProto tensor)
    {
        Assert.Equal((int)TensorProto.Types.DataType.Float, tensor.DataType);
        return tensor.FloatData.Count > 0 ? [.. tensor.FloatData] : System.Runtime.InteropServices.MemoryMarshal.Cast<byte, float>(tensor.RawData.Span).ToArray();
    }

    private static int[] Ints(TensorProto tensor)
        => System.Runtime.InteropServices.MemoryMarshal.Cast<byte, int>(tensor.RawData.Span).ToArray();

    private sealed record NodeTensors(float[] W, float[] R, float[]? B, float[]? P);

    /// <summary>One stream through a generated model: Forward from (h0, c0), returning every h_t and the final h and c.</summary>
    private sealed class Runner(int hiddenSize, Func<float[], float[]?, float[]?, (float[] Outputs, float[] H, float[] C)> run)
    {
        public int HiddenSize { get; } = hiddenSize;

        public float[] Run(float[] inputs, float[]? h0, float[]? c0, Span<float> finalHidden, Span<float> finalCell)
        {
            (float[] outputs, float[] h, float[] c) = run(inputs, h0, c0);
            h.CopyTo(finalHidden);
            c.CopyTo(finalCell);
            return outputs;
        }

        public static Runner Of(OnnxDefaults2x3 m) => new(3, (x, h0, c0) => { var s = new OnnxDefaults2x3.State(); h0?.CopyTo(s.Hidden()); c0?.CopyTo(s.Cell()); var y = new float[x.Length / 2 * 3]; m.Forward(x, ref s, y); return (y, s.Hidden().ToArray(), s.Cell().ToArray()); });
        public static Runner Of(OnnxInitialBias3x4 m) => new(4, (x, h0, c0) => { var s = new OnnxInitialBias3x4.State(); h0?.CopyTo(s.Hidden()); c0?.CopyTo(s.Cell()); var y = new float[x.Length / 3 * 4]; m.Forward(x, ref s, y); return (y, s.Hidden().ToArray(), s.Cell().ToArray()); });
        public static Runner Of(OnnxPeepholes4x3 m) => new(3, (x, h0, c0) => { var s = new OnnxPeepholes4x3.State(); h0?.CopyTo(s.Hidden()); c0?.CopyTo(s.Cell()); var y = new float[x.Length / 4 * 3]; m.Forward(x, ref s, y); return (y, s.Hidden().ToArray(), s.Cell().ToArray()); });
        public static Runner Of(OnnxBatchwise2x7 m) => new(7, (x, h0, c0) => { var s = new OnnxBatchwise2x7.State(); h0?.CopyTo(s.Hidden()); c0?.CopyTo(s.Cell()); var y = new float[x.Length / 2 * 7]; m.Forward(x, ref s, y); return (y, s.Hidden().ToArray(), s.Cell().ToArray()); });
    }
}

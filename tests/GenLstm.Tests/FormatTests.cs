using System;
using System.IO;
using System.Linq;
using System.Text;
using Xunit;

namespace GenLstm.Tests;

[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
[LstmOutput(size: 2)]
public sealed partial class FormatStack { }

/// <summary>The same model as GuitarML's JSON states it: with the input skip its model_data says.</summary>
[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
[LstmOutput(size: 2, InputSkip = 1)]
public sealed partial class FormatStackWithSkip { }

[Lstm(inputSize: 3, hiddenSize: 12)]
public sealed partial class FormatSingle { }

[Lstm(inputSize: 3, hiddenSize: 12, CellClip = 3)]
[LstmOutput(size: 2)]
public sealed partial class FormatStackOneLayer { }

/// <summary>
/// One PyTorch model (LSTM(3, 12, num_layers=2) + Linear(12, 2)) written in every format by tests/scripts/make_format_golden.py:
/// each must load, by content, to the same model, and agree with PyTorch's float64 run.
/// </summary>
public sealed class FormatTests
{
    /// <summary>float32 arithmetic over 40 steps of two layers and a head against PyTorch's float64 run: measured 2e-7.</summary>
    private const double Tolerance = 2e-6;

    public static TheoryData<string, WeightFileFormat> StackFiles => new()
    {
        { "stack.safetensors", WeightFileFormat.SafeTensors },
        { "stack.npz", WeightFileFormat.NumPyArchive },
        { "stack_compressed.npz", WeightFileFormat.NumPyArchive },
        { "stack.onnx", WeightFileFormat.Onnx },
        { "stack_keras.safetensors", WeightFileFormat.SafeTensors },
        { "stack_rtneural.json", WeightFileFormat.RtNeuralJson },
    };

    internal static string PathOf(string name) => Path.Combine(AppContext.BaseDirectory, "Formats", name);

    private static float[] Run(FormatStack model, float[] inputs)
    {
        var outputs = new float[inputs.Length / FormatStack.InputSize * FormatStack.OutputSize];
        var state = new FormatStack.State();
        model.Forward(inputs, ref state, outputs);
        return outputs;
    }

    [Theory]
    [MemberData(nameof(StackFiles))]
    public void Every_format_loads_the_same_model_and_agrees_with_PyTorch(string name, WeightFileFormat format)
    {
        SafeTensorsFile reference = SafeTensorsFile.Open(PathOf("stack.reference.safetensors"));
        float[] inputs = reference.ReadFloat32("input");

        WeightFile file = WeightFile.Open(PathOf(name));
        Assert.Equal(format, file.Format);
        float[] outputs = Run(FormatStack.FromWeights(file), inputs);

        Assert.InRange(Golden.MaxAbsDifference(outputs, reference.ReadFloat64("output_f64")), 0, Tolerance);
        // Every conversion is exact (transposes, gate reorders, the bias split): the outputs are those of the safetensors file, bit for bit.
        Assert.Equal(Run(FormatStack.Load(PathOf("stack.safetensors")), inputs), outputs);
        using FileStream stream = File.OpenRead(PathOf(name));
        Assert.Equal(outputs, Run(FormatStack.Load(stream), inputs));
    }

    [Fact]
    public void A_Keras_HDF5_file_with_the_lstm_cell_level_loads_the_same_model()
    {
        // Not registered here (registration is global, and another test checks the message without it): read explicitly.
        WeightFile file = GenLstm.Keras.KerasHdf5.Open(PathOf("stack_keras.h5"));
        Assert.Equal(WeightFileFormat.KerasHdf5, file.Format);
        Assert.Empty(file.Skipped);   // the optimizer_weights group is not a layer
        Assert.Equal(5, file.Statements.Count(a => a.IsChecked));   // activation and recurrent_activation of both LSTMs, the head's activation

        float[] inputs = SafeTensorsFile.Open(PathOf("stack.reference.safetensors")).ReadFloat32("input");
        Assert.Equal(Run(FormatStack.Load(PathOf("stack.safetensors")), inputs), Run(FormatStack.FromWeights(file), inputs));
    }

    [Fact]
    public void The_tutorials_per_gate_tensors_and_Keras_tensors_give_PyTorchs_numbers()
    {
        SafeTensorsFile reference = SafeTensorsFile.Open(PathOf("single.reference.safetensors"));
        WeightFile gates = WeightFile.Open(PathOf("single_gates.npz"));
        float[] T(string name) => gates.GetTensor(name).Values;

        FormatSingle fromGates = FormatSingle.FromGates(
            wi: T("Wi"), ui: T("Ui"), bi: T("bi"), wf: T("Wf"), uf: T("Uf"), bf: T("bf"),
            wo: T("Wo"), uo: T("Uo"), bo: T("bo"), wc: T("Wc"), uc: T("Uc"), bc: T("bc"));
        FormatSingle fromKeras = FormatSingle.FromKeras(T("kernel"), T("recurrent_kernel"), T("bias"));

        float[] inputs = reference.ReadFloat32("input");
        float[] Run(FormatSingle model)
        {
            var outputs = new float[inputs.Length / 3 * 12];
            var state = new FormatSingle.State();
            model.Forward(inputs, ref state, outputs);
            return outputs;
        }
        float[] outputs = Run(fromGates);
        Assert.InRange(Golden.MaxAbsDifference(outputs, reference.ReadFloat64("output_f64")), 0, Tolerance);
        Assert.Equal(outputs, Run(fromKeras));
    }

    [Fact]
    public void FromGates_and_FromKeras_name_a_span_of_the_wrong_length()
    {
        float[] h = new float[12], ih = new float[36], hh = new float[144];
        var error = Assert.Throws<ArgumentException>(() => FormatSingle.FromGates(ih, hh, h, ih, hh, h, ih, hh, h, ih, new float[143], h));
        Assert.Equal("uc", error.ParamName);
        Assert.Contains("[12, 12]", error.Message);
        error = Assert.Throws<ArgumentException>(() => FormatSingle.FromKeras(new float[3 * 48], new float[12 * 47], new float[48]));
        Assert.Equal("recurrentKernel", error.ParamName);
        Assert.Contains("[12, 48]", error.Message);
    }

    [Fact]
    public void The_ONNX_file_is_read_node_by_node_and_its_attributes_are_checked()
    {
        WeightFile file = WeightFile.Open(PathOf("stack.onnx"));
        Assert.Contains(file.Statements, a => a.Name == "hidden_size" && a.Value == "12");
        Assert.Contains(file.Statements, a => a.Name == "LSTM nodes" && a.Value == "2");
        Assert.True(file.Contains("weight_ih_l1") && file.Contains("output.weight") && file.Contains("output.bias"));
        Assert.Empty(file.Skipped);

        // Two LSTM nodes for a one-layer declaration: the message names the attribute and the declaration's setting.
        var error = Assert.Throws<WeightFormatException>(() => FormatStackOneLayer.Load(PathOf("stack.onnx")));
        Assert.Contains("LSTM nodes = 2", error.Message);
        Assert.Contains("Layers = 1", error.Message);
        Assert.StartsWith(PathOf("stack.onnx"), error.Message);
    }

    [Fact]
    public void The_GuitarML_skip_flag_is_reported_and_its_sizes_are_checked()
    {
        WeightFile file = WeightFile.Open(PathOf("stack_state_dict.json"));
        Assert.Equal(1, file.InputSkip);
        Assert.DoesNotContain(file.Statements, a => a.Name == "skip");
        Assert.True(file.Statements.Single(a => a.Name == "hidden_size").IsChecked);

        var error = Assert.Throws<WeightFormatException>(() => FormatStackOneLayer.Load(PathOf("stack_state_dict.json")));
        Assert.Contains("num_layers = 2", error.Message);

        // The skip is part of the model: a declaration without it is refused, one with it adds x_t[0] to y_t[0] after the head.
        var missing = Assert.Throws<WeightFormatException>(() => FormatStack.Load(PathOf("stack_state_dict.json")));
        Assert.Contains("InputSkip = 1", missing.Message);
        float[] inputs = SafeTensorsFile.Open(PathOf("stack.reference.safetensors")).ReadFloat32("input");
        float[] expected = Run(FormatStack.Load(PathOf("stack.safetensors")), inputs);
        for (int t = 0; t < expected.Length / FormatStack.OutputSize; t++)
        {
            expected[t * FormatStack.OutputSize] += inputs[t * FormatStack.InputSize];
        }
        var state = new FormatStackWithSkip.State();
        var outputs = new float[expected.Length];
        FormatStackWithSkip.Load(PathOf("stack_state_dict.json")).Forward(inputs, ref state, outputs);
        Assert.Equal(expected, outputs);
    }

    [Fact]
    public void Keras_names_in_safetensors_become_the_canonical_names()
    {
        WeightFile keras = WeightFile.Open(PathOf("stack_keras.safetensors"));
        WeightFile torch = WeightFile.Open(PathOf("stack.safetensors"));
        Assert.Equal(["weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0", "weight_ih_l1", "weight_hh_l1", "bias_ih_l1", "bias_hh_l1", "output.weight", "output.bias"],
            keras.Tensors.Select(t => t.Name));
        Assert.Equal(torch.GetTensor("lstm.weight_hh_l1").Values, keras.GetTensor("weight_hh_l1").Values);
        Assert.Equal(torch.GetTensor("dense.weight").Values, keras.GetTensor("output.weight").Values);
        Assert.All(keras.GetTensor("bias_hh_l0").Values, value => Assert.Equal(0f, value));
    }

    public static TheoryData<string, byte[], string> UnreadableFiles => new()
    {
        { "empty", [], "empty" },
        { "text", Encoding.ASCII.GetBytes("hello, world"), "not a weight file" },
        { "HDF5 without GenLstm.Keras", [0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A, 0, 0], "GenLstm.Keras" },
        { "single .npy", [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y', 1, 0], "numpy.savez" },
        { "PyTorch pickle", [(byte)'P', (byte)'K', 3, 4, .. "archive/data.pkl"u8], "safetensors.torch.save_file" },
        { "broken JSON", "{\"layers\": [ "u8.ToArray(), "not valid JSON" },
        { "ragged JSON tensor", "{\"weight_ih_l0\": [[1, 2], [3]]}"u8.ToArray(), "not rectangular" },
        { "JSON string tensor", "{\"weight_ih_l0\": [[1, \"x\"], [3, 4]]}"u8.ToArray(), "expected a number" },
        { "protobuf without a graph", [0x08, 0x07], "no graph" },
        { "protobuf with a lying length", [0x3A, 0x7F, 0x0A], "claims 127 bytes" },
    };

    [Theory]
    [MemberData(nameof(UnreadableFiles))]
    public void An_unreadable_file_throws_naming_the_file_and_the_problem(string what, byte[] bytes, string expected)
    {
        var error = Assert.Throws<WeightFormatException>(() => WeightFile.Parse(bytes, what + ".bin"));
        Assert.StartsWith(what + ".bin: ", error.Message);
        Assert.Contains(expected, error.Message);
    }
}

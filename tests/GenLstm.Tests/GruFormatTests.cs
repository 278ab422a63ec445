using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.Json.Nodes;
using GenLstm.TestSupport;
using GenLstm.Tool;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// Every format that carries GRUs, read into GenLstm's contract: the files of tests/scripts/make_gru_formats.py (one GRU model
/// as Keras HDF5 with <c>reset_after</c> true and false, RTNeural JSON, CoreAudioML's SimpleRNN JSON, ONNX with
/// <c>linear_before_reset</c> 0 and 1) must give exactly the PyTorch tensors (gate order r, z, n) the script wrote beside them,
/// the declaration of the model, and, run by the float64 references, the script's outputs.
/// </summary>
public sealed class GruFormatTests
{
    /// <summary>
    /// Two float64 GRUs on the same float32 weights differ only by the order of sums and the last bits of exp and tanh (1e-12);
    /// but <see cref="ReferenceGru"/> reads float32 inputs, so between the layers of a stack its h is rounded to float32 (4e-8 measured).
    /// </summary>
    private static double Tolerance(Case c) => c.Layers == 1 ? 1e-12 : 1e-7;

    /// <summary>A GRU file, the reference file of its model, and what the file says about the model.</summary>
    public sealed record Case(string File, string Reference, int Layers, bool ResetAfter, LstmDirection Direction, int OutputSize, int InputSkip)
    {
        public override string ToString() => File;
    }

    public static readonly Case[] Cases =
    [
        new("gru_keras.h5", "gru.reference.safetensors", 2, true, LstmDirection.Forward, 2, 0),
        new("gru_keras_reset_before.h5", "gru_reset_before.reference.safetensors", 1, false, LstmDirection.Forward, 2, 0),
        new("gru_rtneural.json", "gru.reference.safetensors", 2, true, LstmDirection.Forward, 2, 1),
        new("gru_state_dict.json", "gru.reference.safetensors", 2, true, LstmDirection.Forward, 2, 1),
        new("gru.onnx", "gru_onnx.reference.safetensors", 1, false, LstmDirection.Forward, 2, 0),
        new("gru_bidirectional.onnx", "gru_bidirectional.reference.safetensors", 1, true, LstmDirection.Bidirectional, 0, 0),
    ];

    public static TheoryData<Case> Files => [.. Cases];

    /// <summary>Reads a GRU format file as <c>WeightFile.Open</c> does once <c>GenLstm.Keras</c> is registered (HDF5 explicitly, see FormatTests).</summary>
    internal static WeightFile Open(string name)
        => name.EndsWith(".h5", StringComparison.Ordinal) ? GenLstm.Keras.KerasHdf5.Open(FormatTests.PathOf(name)) : WeightFile.Open(FormatTests.PathOf(name));

    [Theory]
    [MemberData(nameof(Files))]
    public void The_file_infers_its_GRU_declaration(Case c)
    {
        LstmDeclaration declaration = Open(c.File).InferDeclaration();

        Assert.Equal(RecurrentCell.Gru, declaration.Cell);
        Assert.Equal((3, 5, c.Layers, c.Direction), (declaration.InputSize, declaration.HiddenSize, declaration.Layers, declaration.Direction));
        Assert.Equal((c.OutputSize, c.InputSkip, c.ResetAfter), (declaration.OutputSize, declaration.InputSkip, declaration.ResetAfter));
        Assert.StartsWith($"[Gru(inputSize: 3, hiddenSize: 5", declaration.ToCSharp());
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_tensors_read_are_PyTorchs_in_gate_order_r_z_n(Case c)
    {
        WeightFile file = Open(c.File);
        LstmDeclaration declaration = file.InferDeclaration();
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(c.Reference));

        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(file, declaration);
        Assert.Equal(ReferenceLayerSuffixes(c).Count(), layers.Length);
        foreach ((PyTorchLstmTensors layer, string suffix) in layers.Zip(ReferenceLayerSuffixes(c)))
        {
            Assert.Equal(reference.ReadFloat32("weight_ih" + suffix), layer.WeightIh);
            Assert.Equal(reference.ReadFloat32("weight_hh" + suffix), layer.WeightHh);
            Assert.Equal(reference.ReadFloat32("bias_ih" + suffix), layer.BiasIh);
            Assert.Equal(reference.ReadFloat32("bias_hh" + suffix), layer.BiasHh);
            Assert.Equal(reference.Contains("initial_h" + suffix) ? reference.ReadFloat32("initial_h" + suffix) : null, layer.InitialHidden);
            Assert.Null(layer.InitialCell);
        }
        if (c.OutputSize > 0)
        {
            DenseLayer head = DenseLayer.Read(file, 5, c.OutputSize, Activation.None);
            Assert.Equal(reference.ReadFloat32("output.weight"), head.Weight.ToArray());
            Assert.Equal(reference.ReadFloat32("output.bias"), head.Bias.ToArray());
        }
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_float64_GRU_on_the_tensors_read_reproduces_the_scripts_outputs(Case c)
    {
        WeightFile file = Open(c.File);
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(c.Reference));
        float[] input = reference.ReadFloat32("input");

        // The script's outputs are the recurrent layers and the head, without the file's input skip.
        double[] expected = reference.ReadFloat64("output_f64");
        Assert.InRange(Golden.MaxAbsDifference(RunReferenceGru(file, file.InferDeclaration(), input), expected), 0, Tolerance(c));
    }

    [Theory]
    [MemberData(nameof(Files))]
    public void The_tools_float64_reference_agrees_with_ReferenceGru_and_the_script(Case c)
    {
        WeightFile file = Open(c.File);
        LstmDeclaration declaration = file.InferDeclaration();
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(c.Reference));
        float[] input = reference.ReadFloat32("input");
        List<double[]> steps = [.. input.Chunk(3).Select(step => step.Select(v => (double)v).ToArray())];

        // genlstm check runs the file's whole model: the input skip included, float64 from end to end.
        double[] tool = [.. ReferenceRunner.Create(file, declaration).Run(steps).SelectMany(row => row)];
        Assert.InRange(Golden.MaxAbsDifference(tool, WithSkip(RunReferenceGru(file, declaration, input), input, c)), 0, Tolerance(c));
        Assert.InRange(Golden.MaxAbsDifference(tool, WithSkip(reference.ReadFloat64("output_f64"), input, c)), 0, 1e-12);
    }

    [Theory]
    [InlineData("gru_keras.h5", "Keras layer 'gru' has type = gru")]
    [InlineData("gru_rtneural.json", "Keras layer 'layers[0] (gru)' has type = gru")]
    [InlineData("gru_state_dict.json", "model_data has unit_type = GRU")]
    [InlineData("gru.onnx", "ONNX node 'GRU_0' has op_type = GRU")]
    public void A_declared_LSTM_is_refused_by_the_files_own_word_for_its_cell(string name, string statement)
    {
        WeightFile file = Open(name);
        LstmDeclaration gru = file.InferDeclaration();

        var error = Assert.Throws<WeightFormatException>(() => file.RequireDeclaration(gru with { Cell = RecurrentCell.Lstm }));
        Assert.StartsWith(FormatTests.PathOf(name), error.Message);
        Assert.Contains($"{statement}, but the declaration has [Lstm] (an LSTM)", error.Message);
    }

    [Theory]
    [InlineData("gru_keras.h5", "Keras layer 'gru' has reset_after = True (bias [2, 15]), but the declaration has ResetAfter = false")]
    [InlineData("gru_keras_reset_before.h5", "Keras layer 'gru' has reset_after = False (bias [15]), but the declaration has ResetAfter = true")]
    [InlineData("gru.onnx", "ONNX node 'GRU_0' has linear_before_reset = 0 (ONNX's default), but the declaration has ResetAfter = true")]
    [InlineData("gru_bidirectional.onnx", "ONNX node 'GRU_0' has linear_before_reset = 1, but the declaration has ResetAfter = false")]
    public void The_other_reset_variant_is_refused(string name, string message)
    {
        WeightFile file = Open(name);
        LstmDeclaration gru = file.InferDeclaration();

        var error = Assert.Throws<WeightFormatException>(() => file.RequireDeclaration(gru with { ResetAfter = !gru.ResetAfter }));
        Assert.Contains(message, error.Message);
    }

    [Fact]
    public void A_Keras_GRU_bias_of_another_shape_is_named_with_the_shapes_it_may_have()
    {
        KerasLayerWeights gru = new("gru", [Tensor("kernel", 3, 15), Tensor("recurrent_kernel", 5, 15), Tensor("bias", 3, 15)]) { Type = "gru" };

        var error = Assert.Throws<WeightFormatException>(() => WeightFile.FromKerasLayers("model.h5", WeightFileFormat.KerasHdf5, [gru]));
        Assert.Equal("gru/bias", error.TensorName);
        Assert.StartsWith("model.h5: ", error.Message);
        Assert.Contains("expected shape [15] (reset_after = False) or [2, 15] (reset_after = True; [30] from CuDNNGRU), found [3, 15]", error.Message);
    }

    [Fact]
    public void A_Keras_GRU_kernel_of_LSTM_width_is_named()
    {
        KerasLayerWeights gru = new("gru", [Tensor("kernel", 3, 20), Tensor("recurrent_kernel", 5, 15), Tensor("bias", 2, 15)]) { Type = "gru" };

        var error = Assert.Throws<WeightFormatException>(() => WeightFile.FromKerasLayers("model.h5", WeightFileFormat.KerasHdf5, [gru]));
        Assert.Equal("gru/kernel", error.TensorName);
        Assert.Contains("a GRU layer's recurrent_kernel is [H, 3H] and its kernel [in, 3H]; found [5, 15] and [3, 20]", error.Message);
    }

    [Fact]
    public void Keras_layers_that_mix_LSTM_and_GRU_cells_are_refused()
    {
        KerasLayerWeights lstm = new("lstm", [Tensor("kernel", 3, 20), Tensor("recurrent_kernel", 5, 20), Tensor("bias", 20)]) { Type = "lstm" };
        KerasLayerWeights gru = new("gru", [Tensor("kernel", 5, 15), Tensor("recurrent_kernel", 5, 15), Tensor("bias", 2, 15)]) { Type = "gru" };

        var error = Assert.Throws<WeightFormatException>(() => WeightFile.FromKerasLayers("model.h5", WeightFileFormat.KerasHdf5, [lstm, gru]));
        Assert.Contains("mix cells: 'lstm' is an LSTM, 'gru'", error.Message);
    }

    [Fact]
    public void Keras_GRU_weight_names_in_safetensors_lose_their_gru_cell_level()
    {
        // TensorFlow 2's names (gru/gru_cell/kernel:0) in a safetensors or .npz file: the same layer as the HDF5 file's.
        WeightFile h5 = Open("gru_keras_reset_before.h5");
        var named = new List<WeightTensor>();
        foreach ((string keras, string canonical) in new[] { ("gru/gru_cell/kernel:0", "weight_ih_l0"), ("gru/gru_cell/recurrent_kernel:0", "weight_hh_l0") })
        {
            WeightTensor tensor = h5.GetTensor(canonical);
            float[] zrh = Reorder(tensor.Values, 5, tensor.Shape[1]);
            named.Add(new WeightTensor(keras, [tensor.Shape[1], tensor.Shape[0]], Transpose(zrh, tensor.Shape[0], tensor.Shape[1])));
        }
        named.Add(new WeightTensor("gru/gru_cell/bias:0", [15], Reorder(h5.GetTensor("bias_ih_l0").Values, 5, 1)));
        using var bytes = new MemoryStream();
        new WeightFile("keras.safetensors", WeightFileFormat.SafeTensors, named).WriteSafeTensors(bytes);

        WeightFile file = WeightFile.Parse(bytes.ToArray(), "keras.safetensors");
        Assert.Equal((RecurrentCell.Gru, false), (file.InferDeclaration().Cell, file.InferDeclaration().ResetAfter));
        foreach (string name in new[] { "weight_ih_l0", "weight_hh_l0", "bias_ih_l0", "bias_hh_l0" })
        {
            Assert.Equal(h5.GetTensor(name).Values, file.GetTensor(name).Values);
        }
    }

    [Fact]
    public void An_RTNeural_GRU_bias_of_three_rows_names_the_layer_and_tensor()
    {
        JsonNode json = JsonNode.Parse(File.ReadAllText(FormatTests.PathOf("gru_rtneural.json")))!;
        JsonArray bias = json["layers"]![0]!["weights"]![2]!.AsArray();
        bias.Add(bias[0]!.DeepClone());

        var error = Assert.Throws<WeightFormatException>(() => WeightFile.Parse(Encoding.UTF8.GetBytes(json.ToJsonString()), "aida.json"));
        Assert.StartsWith("aida.json: tensor 'layers[0] (gru)/bias': expected shape [15] (reset_after = False) or [2, 15]", error.Message);
    }

    /// <summary>The reference file's layer and direction suffixes, in PyTorch's order.</summary>
    private static IEnumerable<string> ReferenceLayerSuffixes(Case c)
        => Enumerable.Range(0, c.Layers).SelectMany(k => c.Direction == LstmDirection.Bidirectional ? new[] { $"_l{k}", $"_l{k}_reverse" } : [$"_l{k}"]);

    /// <summary>The model of the file run by <see cref="ReferenceGru"/> layer by layer (each direction), then the head; no skip.</summary>
    private static double[] RunReferenceGru(WeightFile file, LstmDeclaration declaration, float[] input)
    {
        PyTorchLstmTensors[] layers = PyTorchLstmTensors.ReadLayers(file, declaration);
        int directions = declaration.Direction == LstmDirection.Bidirectional ? 2 : 1, h = declaration.HiddenSize;
        float[] sequence = input;
        int columns = declaration.InputSize, steps = input.Length / columns;
        double[] outputs = [];
        for (int layer = 0; layer < declaration.Layers; layer++)
        {
            outputs = new double[steps * directions * h];
            for (int d = 0; d < directions; d++)
            {
                PyTorchLstmTensors t = layers[layer * directions + d];
                var gru = new ReferenceGru(columns, h, t.WeightIh, t.WeightHh, t.BiasIh, t.BiasHh, declaration.ResetAfter);
                float[] ordered = d == 0 ? sequence : Reversed(sequence, columns);
                double[] y = gru.Run(ordered, t.InitialHidden).Outputs;
                for (int s = 0; s < steps; s++)
                {
                    int at = d == 0 ? s : steps - 1 - s;
                    Array.Copy(y, s * h, outputs, (at * directions + d) * h, h);
                }
            }
            columns = directions * h;
            sequence = [.. outputs.Select(v => (float)v)];
        }
        if (declaration.OutputSize == 0)
        {
            return outputs;
        }
        DenseLayer head = DenseLayer.Read(file, columns, declaration.OutputSize, Activation.None);
        float[] weight = head.Weight.ToArray(), bias = head.Bias.ToArray();
        return [.. Enumerable.Range(0, steps * head.Size).Select(i =>
            bias[i % head.Size] + Enumerable.Range(0, columns).Sum(k => (double)weight[i % head.Size * columns + k] * outputs[i / head.Size * columns + k]))];
    }

    /// <summary>The file's outputs with its input skip: y_t[j] += x_t[j] for j below the skip.</summary>
    private static double[] WithSkip(double[] outputs, float[] input, Case c)
    {
        double[] result = [.. outputs];
        for (int t = 0; c.InputSkip > 0 && t < result.Length / c.OutputSize; t++)
        {
            for (int j = 0; j < c.InputSkip; j++)
            {
                result[t * c.OutputSize + j] += input[t * 3 + j];
            }
        }
        return result;
    }

    private static float[] Reversed(float[] sequence, int columns) => [.. sequence.Chunk(columns).Reverse().SelectMany(step => step)];

    private static WeightTensor Tensor(string name, params long[] shape)
        => WeightTensor.Create(name, new float[shape.Aggregate(1L, (a, b) => a * b)], shape);

    /// <summary>PyTorch's r, z, n blocks of a [3H, columns] tensor in Keras's z, r, h (the swap is its own inverse).</summary>
    private static float[] Reorder(float[] values, int hidden, long columns)
    {
        int block = (int)(hidden * columns);
        return [.. values.AsSpan(block, block), .. values.AsSpan(0, block), .. values.AsSpan(2 * block)];
    }

    private static float[] Transpose(float[] values, long rows, long columns)
        => [.. Enumerable.Range(0, values.Length).Select(i => values[i % rows * columns + i / rows])];
}

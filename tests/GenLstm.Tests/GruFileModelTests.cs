using System;
using Xunit;

namespace GenLstm.Tests;

// The models of the GRU format files (tests/scripts/make_gru_formats.py), declared as `genlstm inspect` prints them.
[Gru(inputSize: 3, hiddenSize: 5, Layers = 2)]
[OutputHead(size: 2)]
public sealed partial class FormatGruStack { }

[Gru(inputSize: 3, hiddenSize: 5, Layers = 2)]
[OutputHead(size: 2, InputSkip = 1)]
public sealed partial class FormatGruStackWithSkip { }

[Gru(inputSize: 3, hiddenSize: 5, ResetAfter = false)]
[OutputHead(size: 2)]
public sealed partial class FormatResetBeforeGru { }

[Gru(inputSize: 3, hiddenSize: 5, Direction = LstmDirection.Bidirectional, ActivationClip = 50f)]
public sealed partial class FormatBidirectionalGru { }

/// <summary>
/// Every GRU format file through a generated model's <c>Load</c>, from the file's initial state: the Keras `.h5` files of both
/// reset variants, RTNeural's JSON and the state dict (a 2-layer stack with a head; the JSON files state an input skip of 1, which
/// the reference adds), ONNX with <c>linear_before_reset = 0</c> and a stored <c>initial_h</c>, and a bidirectional ONNX GRU, against
/// the script's float64 outputs (1e-5: float32 sums over 30 steps, as <see cref="GruKernelTests"/>).
/// </summary>
public sealed class GruFileModelTests
{
    private const double Tolerance = 1e-5;

    [Theory]
    [InlineData("gru_keras.h5", "gru.reference.safetensors")]
    [InlineData("gru_rtneural.json", "gru.reference.safetensors")]
    [InlineData("gru_state_dict.json", "gru.reference.safetensors")]
    [InlineData("gru_keras_reset_before.h5", "gru_reset_before.reference.safetensors")]
    [InlineData("gru.onnx", "gru_onnx.reference.safetensors")]
    [InlineData("gru_bidirectional.onnx", "gru_bidirectional.reference.safetensors")]
    public void The_generated_model_reproduces_the_files_float64_outputs(string name, string referenceName)
    {
        WeightFile file = GruFormatTests.Open(name);
        LstmDeclaration declaration = file.InferDeclaration();
        SafeTensorsFile reference = SafeTensorsFile.Open(FormatTests.PathOf(referenceName));
        float[] inputs = reference.ReadFloat32("input");
        int steps = inputs.Length / 3;
        double[] expected = reference.ReadFloat64("output_f64");
        float[] outputs = new float[expected.Length];

        switch ((declaration.Layers, declaration.ResetAfter, declaration.Direction, declaration.InputSkip))
        {
            case (2, true, LstmDirection.Forward, 0):
                FormatGruStack stack = FormatGruStack.FromWeights(file);
                FormatGruStack.State stackState = stack.InitialState;
                stack.Forward(inputs, ref stackState, outputs);
                break;
            case (2, true, LstmDirection.Forward, 1):
                FormatGruStackWithSkip skipped = FormatGruStackWithSkip.FromWeights(file);
                FormatGruStackWithSkip.State skippedState = skipped.InitialState;
                skipped.Forward(inputs, ref skippedState, outputs);
                // The reference is the model without the file's skip: take x_t[0] back out of the first output.
                for (int t = 0; t < steps; t++)
                {
                    outputs[t * 2] -= inputs[t * 3];
                }
                break;
            case (1, false, LstmDirection.Forward, 0):
                FormatResetBeforeGru resetBefore = FormatResetBeforeGru.FromWeights(file);
                FormatResetBeforeGru.State resetBeforeState = resetBefore.InitialState;
                for (int t = 0; t < steps; t++)
                {
                    resetBefore.Step(inputs.AsSpan(t * 3, 3), ref resetBeforeState, outputs.AsSpan(t * 2, 2));
                }
                break;
            case (1, true, LstmDirection.Bidirectional, 0):
                FormatBidirectionalGru bidirectional = FormatBidirectionalGru.FromWeights(file);
                FormatBidirectionalGru.State bidirectionalState = bidirectional.InitialState;
                bidirectional.Forward(inputs, ref bidirectionalState, outputs);
                break;
            default:
                throw new InvalidOperationException($"{name}: no model declared for {declaration.ToCSharp()}");
        }
        Assert.InRange(Golden.MaxAbsDifference(outputs, expected), 0, Tolerance);
    }
}

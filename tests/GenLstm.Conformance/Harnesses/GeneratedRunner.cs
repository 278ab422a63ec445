using System;

namespace GenLstm.Conformance;

/// <summary>
/// Runs a <see cref="NeuralPiModel"/> through the generated type of its input size (<see cref="NeuralPi2x20"/> or
/// <see cref="NeuralPi1x20"/>), built with <c>FromPyTorch</c> from the file's tensors, from the zero state.
/// Both return h_0 … h_{T-1}, row-major (T × 20). The runs are written once over any generated streaming type
/// (<see cref="IRecurrentModel{TSelf, TState}"/>).
/// </summary>
internal static class GeneratedRunner
{
    /// <summary>One <c>Step</c> call per time step, as a real-time audio callback would run it.</summary>
    public static float[] RunSteps(NeuralPiModel model, float[] inputs) => model.InputSize switch
    {
        2 => RunSteps<NeuralPi2x20, NeuralPi2x20.State>(Create2x20(model), inputs),
        1 => RunSteps<NeuralPi1x20, NeuralPi1x20.State>(Create1x20(model), inputs),
        _ => throw new NotSupportedException($"{model.Name}: no generated model for input size {model.InputSize}."),
    };

    /// <summary>One <c>Forward</c> call over the whole sequence.</summary>
    public static float[] RunForward(NeuralPiModel model, float[] inputs) => model.InputSize switch
    {
        2 => RunForward<NeuralPi2x20, NeuralPi2x20.State>(Create2x20(model), inputs),
        1 => RunForward<NeuralPi1x20, NeuralPi1x20.State>(Create1x20(model), inputs),
        _ => throw new NotSupportedException($"{model.Name}: no generated model for input size {model.InputSize}."),
    };

    private static NeuralPi2x20 Create2x20(NeuralPiModel m) => NeuralPi2x20.FromPyTorch(m.WeightIh, m.WeightHh, m.BiasIh, m.BiasHh);

    private static NeuralPi1x20 Create1x20(NeuralPiModel m) => NeuralPi1x20.FromPyTorch(m.WeightIh, m.WeightHh, m.BiasIh, m.BiasHh);

    private static float[] RunSteps<TModel, TState>(TModel model, float[] inputs)
        where TModel : IRecurrentModel<TModel, TState>
        where TState : struct
    {
        int inputSize = TModel.Declaration.InputSize;
        int steps = inputs.Length / inputSize;
        var hidden = new float[steps * NeuralPiModel.HiddenSize];
        var state = default(TState); // the zero state PyTorch starts from
        for (int t = 0; t < steps; t++)
        {
            model.Step(inputs.AsSpan(t * inputSize, inputSize), ref state, hidden.AsSpan(t * NeuralPiModel.HiddenSize, NeuralPiModel.HiddenSize));
        }
        return hidden;
    }

    private static float[] RunForward<TModel, TState>(TModel model, float[] inputs)
        where TModel : IRecurrentModel<TModel, TState>
        where TState : struct
    {
        var hidden = new float[inputs.Length / TModel.Declaration.InputSize * NeuralPiModel.HiddenSize];
        var state = default(TState);
        model.Forward(inputs, ref state, hidden);
        return hidden;
    }
}

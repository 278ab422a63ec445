using System;

namespace GenLstm.Tests;

/// <summary>
/// Runs any generated model through the same test code: each generated type has its own State type and no common
/// interface, so a harness captures its members as delegates once (see <see cref="Harnesses"/>).
/// </summary>
internal sealed class ModelHarness
{
    public delegate void StepFunction<TState>(ReadOnlySpan<float> input, ref TState state, Span<float> output);
    public delegate void ForwardFunction<TState>(ReadOnlySpan<float> inputs, Span<float> outputs, ref TState state);
    public delegate Span<float> StateVector<TState>(ref TState state);

    private readonly Func<float[], float[]?, float[]?, bool, Result> _run;

    private ModelHarness(string name, int inputSize, int hiddenSize, Func<float[], float[]?, float[]?, bool, Result> run)
    {
        Name = name;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        _run = run;
    }

    public string Name { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Outputs h_0 … h_{T-1} (row-major) and the final h and c.</summary>
    public sealed record Result(float[] Outputs, float[] Hidden, float[] Cell);

    /// <summary>Runs the sequence from (h0, c0), or from the zero state, with Step calls or with one Forward call.</summary>
    public Result Run(float[] inputs, float[]? h0 = null, float[]? c0 = null, bool useForward = false)
        => _run(inputs, h0, c0, useForward);

    public static ModelHarness Create<TState>(string name, int inputSize, int hiddenSize,
        StepFunction<TState> step, ForwardFunction<TState> forward, StateVector<TState> hidden, StateVector<TState> cell)
        where TState : struct
        => new(name, inputSize, hiddenSize, (inputs, h0, c0, useForward) =>
        {
            var state = default(TState);
            h0?.CopyTo(hidden(ref state));
            c0?.CopyTo(cell(ref state));
            int steps = inputs.Length / inputSize;
            var outputs = new float[steps * hiddenSize];
            if (useForward)
            {
                forward(inputs, outputs, ref state);
            }
            else
            {
                for (int t = 0; t < steps; t++)
                {
                    step(inputs.AsSpan(t * inputSize, inputSize), ref state, outputs.AsSpan(t * hiddenSize, hiddenSize));
                }
            }
            return new Result(outputs, hidden(ref state).ToArray(), cell(ref state).ToArray());
        });
}

using System;
using System.Linq;

namespace GenLstm.Tests;

/// <summary>
/// Runs any generated model through the same test code: each generated type has its own State type and no common
/// interface, so a harness captures its members as delegates once (see <see cref="Harnesses"/>).
/// </summary>
internal sealed class ModelHarness
{
    public delegate void StepFunction<TState>(ReadOnlySpan<float> input, ref TState state, Span<float> output);
    public delegate void ForwardFunction<TState>(ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs);
    public delegate Span<float> StateVector<TState>(ref TState state);
    public delegate void BatchFunction<TState>(ReadOnlySpan<float> inputs, Span<TState> states, Span<float> outputs);

    private readonly Func<float[], float[]?, float[]?, bool, Result> _run;
    private readonly Func<float[][], float[][], float[][], Result[]> _runBatch;

    private ModelHarness(string name, int inputSize, int hiddenSize, Func<float[], float[]?, float[]?, bool, Result> run,
        Func<float[][], float[][], float[][], Result[]> runBatch)
    {
        Name = name;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        _run = run;
        _runBatch = runBatch;
    }

    public string Name { get; }
    public int InputSize { get; }
    public int HiddenSize { get; }

    /// <summary>Outputs h_0 … h_{T-1} (row-major) and the final h and c.</summary>
    public sealed record Result(float[] Outputs, float[] Hidden, float[] Cell);

    /// <summary>Runs the sequence from (h0, c0), or from the zero state, with Step calls or with one Forward call.</summary>
    public Result Run(float[] inputs, float[]? h0 = null, float[]? c0 = null, bool useForward = false)
        => _run(inputs, h0, c0, useForward);

    /// <summary>
    /// Runs N streams together with StepBatch, one call per time step: stream s reads <paramref name="inputs"/>[s]
    /// (T × InputSize) from (<paramref name="h0"/>[s], <paramref name="c0"/>[s]). One result per stream.
    /// </summary>
    public Result[] RunBatch(float[][] inputs, float[][] h0, float[][] c0) => _runBatch(inputs, h0, c0);

    public static ModelHarness Create<TState>(string name, int inputSize, int hiddenSize,
        StepFunction<TState> step, ForwardFunction<TState> forward, BatchFunction<TState> stepBatch,
        StateVector<TState> hidden, StateVector<TState> cell)
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
                forward(inputs, ref state, outputs);
            }
            else
            {
                for (int t = 0; t < steps; t++)
                {
                    step(inputs.AsSpan(t * inputSize, inputSize), ref state, outputs.AsSpan(t * hiddenSize, hiddenSize));
                }
            }
            return new Result(outputs, hidden(ref state).ToArray(), cell(ref state).ToArray());
        },
        (inputs, h0, c0) =>
        {
            int streams = inputs.Length, steps = inputs[0].Length / inputSize;
            var states = new TState[streams];
            for (int s = 0; s < streams; s++)
            {
                h0[s].CopyTo(hidden(ref states[s]));
                c0[s].CopyTo(cell(ref states[s]));
            }
            float[][] outputs = [.. Enumerable.Range(0, streams).Select(_ => new float[steps * hiddenSize])];
            var batchInputs = new float[streams * inputSize];
            var batchOutputs = new float[streams * hiddenSize];
            for (int t = 0; t < steps; t++)
            {
                for (int s = 0; s < streams; s++)
                {
                    inputs[s].AsSpan(t * inputSize, inputSize).CopyTo(batchInputs.AsSpan(s * inputSize));
                }
                stepBatch(batchInputs, states, batchOutputs);
                for (int s = 0; s < streams; s++)
                {
                    batchOutputs.AsSpan(s * hiddenSize, hiddenSize).CopyTo(outputs[s].AsSpan(t * hiddenSize));
                }
            }
            return [.. Enumerable.Range(0, streams).Select(s => new Result(outputs[s], hidden(ref states[s]).ToArray(), cell(ref states[s]).ToArray()))];
        });
}

using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm.Benchmarks;

/// <summary>
/// Proves, before any figure is taken, that every implementation computes the same LSTM as GenLstm on the same
/// weights; otherwise a speed comparison means nothing. Throws when one differs by more than <see cref="Tolerance"/>.
/// </summary>
public static class CrossCheck
{
    /// <summary>The largest difference allowed in any h_t against GenLstm.</summary>
    public const float Tolerance = 1e-4f;

    /// <summary>
    /// From the zero state, runs the sequence with one <c>Forward</c> and again with T <c>Step</c> calls (which
    /// carries the state from call to call) on every implementation, and compares each h_t with GenLstm's
    /// <c>Forward</c>. Uses <paramref name="inputs"/>/<paramref name="outputs"/> and overwrites
    /// <paramref name="input"/>/<paramref name="output"/>; leaves every implementation in the zero state.
    /// </summary>
    /// <param name="tolerance">
    /// The largest difference allowed: <see cref="Tolerance"/> unless <paramref name="genLstm"/> is a variant that trades
    /// accuracy for speed (bfloat16 weights, fast activations).
    /// </param>
    /// <returns>One line: the largest difference per implementation.</returns>
    public static string Run(string size, ILstm genLstm, IReadOnlyList<(string Name, ILstm Lstm)> others,
        float[] input, float[] output, float[] inputs, float[] outputs, float tolerance = Tolerance)
    {
        int inputSize = input.Length, hiddenSize = output.Length, steps = inputs.Length / inputSize;
        genLstm.Reset();
        genLstm.Forward(inputs, outputs);
        float[] expected = outputs.ToArray();

        var errors = new List<string>();
        foreach ((string name, ILstm lstm) in others.Prepend(("GenLstm", genLstm)))
        {
            lstm.Reset();
            Array.Clear(outputs);
            lstm.Forward(inputs, outputs);
            float forwardError = MaxDifference(expected, outputs);

            lstm.Reset();
            float stepError = 0;
            for (int t = 0; t < steps; t++)
            {
                inputs.AsSpan(t * inputSize, inputSize).CopyTo(input);
                Array.Clear(output);
                lstm.Step(input, output);
                stepError = Math.Max(stepError, MaxDifference(expected.AsSpan(t * hiddenSize, hiddenSize), output));
            }
            lstm.Reset();

            if (!(forwardError <= tolerance && stepError <= tolerance)) // NaN fails too
            {
                throw new InvalidOperationException(
                    $"{size}: {name} does not compute GenLstm's LSTM: max |h - h_GenLstm| = {forwardError:G3} (Forward T={steps}), "
                    + $"{stepError:G3} (Step × {steps}), tolerance {tolerance:G3}. The comparison would be meaningless.");
            }
            errors.Add($"{name} {Math.Max(forwardError, stepError):G2}");
        }
        return $"// Cross-check {size}, T={steps} from the zero state, max |h - h_GenLstm| (Forward and Step): {string.Join(", ", errors)}";
    }

    private static float MaxDifference(ReadOnlySpan<float> expected, ReadOnlySpan<float> actual)
    {
        float max = 0;
        for (int i = 0; i < expected.Length; i++)
        {
            float difference = MathF.Abs(expected[i] - actual[i]);
            max = float.IsNaN(difference) ? float.NaN : Math.Max(max, difference);
            if (float.IsNaN(max))
            {
                return max;
            }
        }
        return max;
    }
}

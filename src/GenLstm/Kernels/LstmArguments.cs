using System;
using System.ComponentModel;

namespace GenLstm.CompilerServices;

/// <summary>The argument checks of the generated <c>Step</c> and <c>Forward</c> methods, shared so their messages agree.</summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public static class LstmArguments
{
    /// <summary>Throws unless a span has exactly the expected length.</summary>
    /// <param name="actual">The span's length.</param>
    /// <param name="expected">The length it must have.</param>
    /// <param name="parameterName">The parameter the span was passed as.</param>
    /// <exception cref="ArgumentException">The lengths differ; the message names the parameter and both lengths.</exception>
    public static void RequireLength(int actual, int expected, string parameterName)
    {
        if (actual != expected)
        {
            ThrowLength(actual, expected, parameterName);
        }
    }

    /// <summary>
    /// Checks the spans of a sequence call and returns the number of steps T: <paramref name="inputLength"/> must be
    /// T × <paramref name="inputSize"/> and <paramref name="outputLength"/> T × <paramref name="outputSize"/>.
    /// </summary>
    /// <exception cref="ArgumentException">The lengths do not fit one T; the message names the parameter.</exception>
    public static int RequireSequence(int inputLength, int inputSize, int outputLength, int outputSize,
        string inputParameterName, string outputParameterName)
    {
        if (inputLength % inputSize != 0)
        {
            throw new ArgumentException(
                $"Expected a whole number of steps of {inputSize} values each (T × {inputSize}), got {inputLength} values.",
                inputParameterName);
        }
        int steps = inputLength / inputSize;
        RequireLength(outputLength, steps * outputSize, outputParameterName);
        return steps;
    }

    /// <summary>
    /// Checks that (<paramref name="layer"/>, <paramref name="direction"/>) names one of a model's layers and directions
    /// and returns its index in PyTorch's <c>h_n</c> order: layer × directions + direction.
    /// </summary>
    /// <param name="layer">The layer, 0 for the one that reads the input.</param>
    /// <param name="direction">0 for forward, 1 for the reverse half of a bidirectional layer.</param>
    /// <param name="layers">The model's number of layers.</param>
    /// <param name="directions">The model's directions per layer (1 or 2).</param>
    /// <exception cref="ArgumentOutOfRangeException">The layer or direction does not exist; the message gives the valid range.</exception>
    public static int LayerIndex(int layer, int direction, int layers, int directions)
    {
        if ((uint)layer >= (uint)layers)
        {
            throw new ArgumentOutOfRangeException(nameof(layer), layer, $"The model has {layers} layer(s): 0 to {layers - 1}.");
        }
        if ((uint)direction >= (uint)directions)
        {
            throw new ArgumentOutOfRangeException(nameof(direction), direction,
                directions == 1 ? "The model has one direction: 0." : "The model is bidirectional: 0 (forward) or 1 (reverse).");
        }
        return layer * directions + direction;
    }

    /// <summary>Copies a stored initial state (h_0 or c_0 of one layer) into a state; null leaves it as it is (zero).</summary>
    /// <param name="values">The stored values, or null when the file stores none.</param>
    /// <param name="destination">The state's h or c of that layer.</param>
    /// <param name="parameterName">What the values were passed as, for the message.</param>
    /// <exception cref="ArgumentException">The values do not have the destination's length.</exception>
    public static void CopyInitialState(float[]? values, Span<float> destination, string parameterName)
    {
        if (values is null)
        {
            return;
        }
        RequireLength(values.Length, destination.Length, parameterName);
        values.CopyTo(destination);
    }

    /// <summary>
    /// For a type declared without <c>MaxSampleRateRatio</c>: accepts ratio 1 (no correction), refuses any other.
    /// </summary>
    /// <param name="ratio">The requested host-to-model ratio.</param>
    /// <param name="typeName">The model type, for the message.</param>
    /// <exception cref="NotSupportedException">The ratio is not 1.</exception>
    public static void RequireNoSampleRateCorrection(double ratio, string typeName)
    {
        if (ratio != 1)
        {
            throw new NotSupportedException(
                $"{typeName} was declared without MaxSampleRateRatio, so its streams run at ratio 1 only (asked: {ratio}); declare [Lstm(..., MaxSampleRateRatio = n)] or resample.");
        }
    }

    private static void ThrowLength(int actual, int expected, string parameterName)
        => throw new ArgumentException($"Expected length {expected}, got {actual}.", parameterName);
}

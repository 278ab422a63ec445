using System;

namespace GenLstm;

/// <summary>The argument checks of the generated <c>Step</c> and <c>Forward</c> methods, shared so their messages agree.</summary>
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

    private static void ThrowLength(int actual, int expected, string parameterName)
        => throw new ArgumentException($"Expected length {expected}, got {actual}.", parameterName);
}

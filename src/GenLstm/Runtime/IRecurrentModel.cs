using System;

namespace GenLstm;

/// <summary>
/// What every generated streaming model (<c>[Lstm]</c> or <c>[Gru]</c>, forward direction) implements, so that code can be
/// written once over any declared model: <c>static void Run&lt;TModel, TState&gt;(TModel model) where TModel : IRecurrentModel&lt;TModel, TState&gt;</c>.
/// The generated type also registers itself with <see cref="RecurrentModel"/>, which loads a file into it when the file's
/// model equals its <see cref="Declaration"/>.
/// </summary>
/// <typeparam name="TSelf">The generated model type.</typeparam>
/// <typeparam name="TState">Its <c>State</c>: one stream's h and c of every layer.</typeparam>
public interface IRecurrentModel<TSelf, TState>
    where TSelf : IRecurrentModel<TSelf, TState>
    where TState : struct
{
    /// <summary>The model the type was declared as: sizes, layers, cell, variants, head.</summary>
    static abstract LstmDeclaration Declaration { get; }

    /// <summary>Creates the model from a weight file (see the generated <c>Load</c>).</summary>
    /// <param name="file">The weights.</param>
    /// <exception cref="WeightFormatException">The file does not fit the declaration.</exception>
    static abstract TSelf FromWeights(WeightFile file);

    /// <summary>The state a new stream starts from: the file's stored h_0 and c_0, or zero.</summary>
    TState InitialState { get; }

    /// <summary>The rate in Hz the file says the model was trained at, or null.</summary>
    double? SampleRate { get; }

    /// <summary>Returns a stream to <see cref="InitialState"/>.</summary>
    /// <param name="state">The stream's state.</param>
    void Reset(ref TState state);

    /// <summary>One time step: x_t in, y_t out.</summary>
    /// <param name="input">x_t.</param>
    /// <param name="state">The stream's state, updated.</param>
    /// <param name="output">Receives y_t.</param>
    void Step(ReadOnlySpan<float> input, ref TState state, Span<float> output);

    /// <summary>One time step of several independent streams.</summary>
    /// <param name="inputs">x_t of each stream, one after the other.</param>
    /// <param name="states">Each stream's state.</param>
    /// <param name="outputs">Receives y_t of each stream, one after the other.</param>
    void StepBatch(ReadOnlySpan<float> inputs, Span<TState> states, Span<float> outputs);

    /// <summary>A sequence of steps; exactly the numbers of as many calls to <see cref="Step"/>.</summary>
    /// <param name="inputs">x_0 … x_{T-1}, row-major.</param>
    /// <param name="state">The stream's state, updated.</param>
    /// <param name="outputs">Receives y_0 … y_{T-1}, row-major.</param>
    void Forward(ReadOnlySpan<float> inputs, ref TState state, Span<float> outputs);

    /// <summary>
    /// Runs the stream at <paramref name="ratio"/> = host rate / the model's rate (see <c>State.SetSampleRateRatio</c>).
    /// </summary>
    /// <param name="state">The stream's state.</param>
    /// <param name="ratio">From 1 to the declared <c>MaxSampleRateRatio</c>.</param>
    /// <param name="mode">How the ratio becomes a delay.</param>
    /// <exception cref="NotSupportedException">The type was declared without <c>MaxSampleRateRatio</c> and the ratio is not 1.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is out of range.</exception>
    void SetSampleRateRatio(ref TState state, double ratio, SampleRateCorrectionMode mode);
}

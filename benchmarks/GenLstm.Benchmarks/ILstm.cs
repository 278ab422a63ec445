using System;

namespace GenLstm.Benchmarks;

/// <summary>
/// One LSTM implementation under test, batch 1, holding the recurrent state of one stream: what every benchmark and
/// the cross-check call, so each implementation has one code path for every size.
/// </summary>
public interface ILstm
{
    /// <summary>One time step: x_t (length I) in, h_t (length H) out; the state moves on.</summary>
    void Step(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>T steps (inputs T × I, outputs T × H, row-major), continuing from the current state.</summary>
    void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Sets h and c to zero.</summary>
    void Reset();
}

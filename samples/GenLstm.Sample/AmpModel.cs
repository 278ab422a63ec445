using System;
using System.Runtime.CompilerServices;
using GenLstm;

namespace GenLstm.Sample;

/// <summary>
/// The trained network: an LSTM with one input (the guitar sample) and 40 hidden units, and a dense head that turns
/// h_t into the output sample (PyTorch's <c>torch.nn.Linear(40, 1)</c>). This is the whole declaration: at build time
/// the GenLstm generator adds the constants, the <c>State</c> struct, <c>Step</c>, <c>Forward</c> and the loaders, with
/// a forward pass specialized for 1 × 40 and the head fused after it. <c>Load</c> finds the head's tensors
/// (<c>lin.weight</c> [1, 40], <c>lin.bias</c> [1]) by their shape.
/// </summary>
[Lstm(inputSize: 1, hiddenSize: 40)]
[OutputHead(size: 1)]
public sealed partial class AmpModel { }

/// <summary>
/// The model played the way an audio plugin plays it: the host calls <see cref="Process"/> once per buffer, and the
/// LSTM state carries over from one buffer to the next.
/// </summary>
public sealed class AmpProcessor(AmpModel model)
{
    private AmpModel.State _state; // h and c; default = zero, as in PyTorch

    /// <summary>Forgets the past (e.g. when playback restarts): back to the zero state.</summary>
    public void Reset() => _state.Reset();

    /// <summary>
    /// Processes one buffer, one step per sample (the LSTM and its head). Allocates nothing and takes no lock, so it is
    /// safe on a real-time audio thread. AggressiveOptimization makes the JIT compile it fully optimized on the first call
    /// instead of starting with quick unoptimized code, so the first buffers are as fast as the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int n = 0; n < input.Length; n++)
        {
            model.Step(input.Slice(n, 1), ref _state, output.Slice(n, 1));
        }
    }
}

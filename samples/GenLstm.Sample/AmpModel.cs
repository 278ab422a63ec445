using System;
using System.Runtime.CompilerServices;
using GenLstm;

namespace GenLstm.Sample;

/// <summary>
/// The trained network's LSTM: one input (the guitar sample), 40 hidden units. This is the whole declaration:
/// at build time the GenLstm generator adds the constants, the <c>State</c> struct, <c>Step</c>, <c>Forward</c> and
/// the loaders (<c>Load</c>, <c>FromSafeTensors</c>, <c>FromPyTorch</c>), with a forward pass specialized for 1 × 40.
/// </summary>
[Lstm(inputSize: 1, hiddenSize: 40)]
public sealed partial class AmpModel { }

/// <summary>
/// The model played the way an audio plugin plays it: the host calls <see cref="Process"/> once per buffer, the LSTM
/// state carries over from one buffer to the next, and each output sample is the Linear head applied to h_t
/// (<c>y = lin.weight · h_t + lin.bias</c>, PyTorch's <c>torch.nn.Linear(40, 1)</c>).
/// </summary>
public sealed class AmpProcessor(AmpModel model, float[] headWeight, float headBias)
{
    private readonly float[] _hidden = new float[AmpModel.OutputSize]; // h_t, reused for every sample
    private AmpModel.State _state;                                     // h and c; default = zero, as in PyTorch

    /// <summary>Forgets the past (e.g. when playback restarts): back to the zero state.</summary>
    public void Reset() => _state.Reset();

    /// <summary>
    /// Processes one buffer, one LSTM step per sample. Allocates nothing and takes no lock, so it is safe on a
    /// real-time audio thread. AggressiveOptimization makes the JIT compile it fully optimized on the first call
    /// instead of starting with quick unoptimized code, so the first buffers are as fast as the rest.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Process(ReadOnlySpan<float> input, Span<float> output)
    {
        for (int n = 0; n < input.Length; n++)
        {
            model.Step(input.Slice(n, 1), ref _state, _hidden);

            float y = headBias;
            for (int k = 0; k < AmpModel.HiddenSize; k++)
            {
                y += headWeight[k] * _hidden[k];
            }
            output[n] = y;
        }
    }
}

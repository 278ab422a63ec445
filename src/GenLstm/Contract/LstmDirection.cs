// One enum for the runtime and the generator (see README.md here).
#if GENLSTM_GENERATOR
namespace GenLstm.Generators;
#else
namespace GenLstm;
#endif

/// <summary>Which way each layer of a model reads its sequence: <see cref="LstmAttribute.Direction"/>.</summary>
#if GENLSTM_GENERATOR
internal
#else
public
#endif
enum LstmDirection
{
    /// <summary>The default: x_0 first. The only direction with <c>Step</c> and <c>StepBatch</c> (one step at a time, as the input arrives).</summary>
    Forward = 0,

    /// <summary>
    /// x_{T-1} first, outputs still aligned with the inputs (output t is the hidden state after reading x_{T-1} … x_t).
    /// Needs the whole sequence, so the model has <c>Forward</c> only.
    /// </summary>
    Reverse = 1,

    /// <summary>
    /// A forward and a reverse LSTM per layer, as PyTorch's <c>bidirectional=True</c>: output t is [forward h_t, reverse h_t]
    /// (2H values), and layer k &gt; 0 reads that 2H vector. Needs the whole sequence, so the model has <c>Forward</c> only.
    /// </summary>
    Bidirectional = 2,
}

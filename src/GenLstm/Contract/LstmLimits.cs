// Contract: compiled into the runtime and linked into the generator, so that the sizes the generator accepts are the
// sizes the runtime documents and checks (LstmAttribute and LstmOutputAttribute expose them as public constants).
namespace GenLstm.Contract;

/// <summary>The largest sizes a declaration may have; the parser reports GLSTM004 and GLSTM011 beyond them.</summary>
internal static class LstmLimits
{
    /// <summary>The largest input size I.</summary>
    public const int MaxInputSize = 65536;

    /// <summary>The largest hidden size H (the state struct holds three vectors of this size).</summary>
    public const int MaxHiddenSize = 2048;

    /// <summary>The largest number of stacked layers.</summary>
    public const int MaxLayers = 16;

    /// <summary>The largest host-to-model sample-rate ratio a declaration may allow.</summary>
    public const int MaxSampleRateRatio = 16;

    /// <summary>The largest output size of a dense head.</summary>
    public const int MaxOutputSize = 65536;
}

using GenLstm;

namespace GenLstm.WavSample;

/// <summary>
/// The amp model, declared at compile time: an LSTM with one input (the guitar sample) and 40 hidden units, and a dense
/// head that turns h_t into the output sample. The generator writes the rest at build time: <c>State</c>, <c>Step</c>,
/// <c>Forward</c>, and <c>Load</c>, which reads a Neural Amp Modeler file (<c>.nam</c>, <c>"architecture": "LSTM"</c>)
/// with its stored initial state and sample rate. <c>MaxSampleRateRatio = 4</c> lets the state run the model at up to
/// four times the rate it was trained at (RTNeural-style sample-rate correction).
/// </summary>
[Lstm(inputSize: 1, hiddenSize: 40, MaxSampleRateRatio = 4)]
[OutputHead(1)]
public sealed partial class NamAmp { }

using GenLstm;

namespace GenLstm.HostSample;

// The models this host compiles in. A plugin cannot know which files its users will bring, but it knows the shapes that
// are common (the NAM and GuitarML presets, say): declaring those gives them a kernel specialized for their sizes at
// build time. Each generated type registers itself with RecurrentModel from a module initializer, so nothing else is
// needed: RecurrentModel.Load runs a file on the type whose declaration equals the file's model, and any other file on
// the runtime's generic kernel. `genlstm inspect FILE` prints the exact declaration for a file; everything it prints
// (sizes, layers, cell, head, its activation, InputSkip) must match, or the file runs generic.
// MaxSampleRateRatio is not part of the match: it only lets a stream run above the model's rate.

/// <summary>
/// An amp in Neural Amp Modeler's LSTM format with 40 hidden units and a dense head: the shape of the repository's own
/// <c>samples/GenLstm.WavSample/amp_model.nam</c>.
/// </summary>
[Lstm(inputSize: 1, hiddenSize: 40, MaxSampleRateRatio = 4)]
[OutputHead(size: 1)]
public sealed partial class AmpLstm40 { }

/// <summary>
/// A GuitarML amp (NeuralPi, Proteus, …): LSTM(1, 20) and a head whose output adds the input (the file's <c>skip</c>),
/// e.g. <c>neuralpi-torch/TS9_FullD.json</c>.
/// </summary>
[Lstm(inputSize: 1, hiddenSize: 20, MaxSampleRateRatio = 4)]
[OutputHead(size: 1, InputSkip = 1)]
public sealed partial class GuitarMLLstm20 { }

/// <summary>A small GRU pedal (NeuralSeed's GRU(1, 4), with the input skip), e.g. <c>neuralseed/gru4_ts9_pytorch.json</c>.</summary>
[Gru(inputSize: 1, hiddenSize: 4, MaxSampleRateRatio = 4)]
[OutputHead(size: 1, InputSkip = 1)]
public sealed partial class PedalGru4 { }

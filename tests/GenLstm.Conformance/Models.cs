using GenLstm;

namespace GenLstm.Conformance;

// The two shapes of the NeuralPi models (torch.nn.LSTM(input_size, 20) followed by torch.nn.Linear(20, 1)):
// the three "conditioned" models take (audio sample, Gain knob), the two "FullD" snapshots take the audio alone.
// The generator turns each declaration into a specialized LSTM; the Linear head is applied by the tests.

/// <summary>TS9, BluesJr, HT40_Overdrive: inputs (audio, gain).</summary>
[Lstm(inputSize: 2, hiddenSize: 20)]
public sealed partial class NeuralPi2x20 { }

/// <summary>TS9_FullD, BluesJR_FullD: input audio only.</summary>
[Lstm(inputSize: 1, hiddenSize: 20)]
public sealed partial class NeuralPi1x20 { }

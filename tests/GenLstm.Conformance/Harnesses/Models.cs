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

// RTNeural's test models (../shared/realdata/rtneural): the frameworks' outputs, reproduced through the variants issue's
// declarations. The weights are read in RtNeuralTests (the RTNeural JSON loader comes with the weights issue).

/// <summary><c>lstm_torch.json</c>: nn.LSTM(1, 8) then nn.LSTM(8, 8, num_layers=3), i.e. four stacked layers, then nn.Linear(8, 1).</summary>
[Lstm(inputSize: 1, hiddenSize: 8, Layers = 4)]
[LstmOutput(1)]
public sealed partial class RtNeuralTorch4x8 { }

/// <summary><c>lstm_1d.json</c> (Keras): LSTM(8) on one input, then Dense(1).</summary>
[Lstm(inputSize: 1, hiddenSize: 8)]
[LstmOutput(1)]
public sealed partial class RtNeuralKeras1x8 { }

/// <summary><c>lstm.json</c> (Keras): TimeDistributed(Dense(8, tanh)) (applied by the test), LSTM(8), Dense(1).</summary>
[Lstm(inputSize: 8, hiddenSize: 8)]
[LstmOutput(1)]
public sealed partial class RtNeuralKeras8x8 { }

/// <summary><c>bad_lstm.json</c> declares 16 units but holds weights for 20: loading it into this declaration must fail.</summary>
[Lstm(inputSize: 1, hiddenSize: 16)]
[LstmOutput(1)]
public sealed partial class RtNeuralBad1x16 { }

// ONNX's LSTM operator tests (../shared/realdata/onnx-node-tests): one declaration per test's sizes.

/// <summary><c>test_lstm_defaults</c>: hidden_size 3, input 2.</summary>
[Lstm(inputSize: 2, hiddenSize: 3)] public sealed partial class OnnxDefaults2x3 { }

/// <summary><c>test_lstm_with_initial_bias</c>: hidden_size 4, input 3.</summary>
[Lstm(inputSize: 3, hiddenSize: 4)] public sealed partial class OnnxInitialBias3x4 { }

/// <summary><c>test_lstm_with_peepholes</c>: hidden_size 3, input 4, peepholes.</summary>
[Lstm(inputSize: 4, hiddenSize: 3, Peepholes = true)] public sealed partial class OnnxPeepholes4x3 { }

/// <summary><c>test_lstm_batchwise</c>: hidden_size 7, input 2, layout 1 (batch first).</summary>
[Lstm(inputSize: 2, hiddenSize: 7)] public sealed partial class OnnxBatchwise2x7 { }

// The same NeuralPi models loaded whole by GenLstm's own reader (Load recognizes GuitarML's JSON): the Linear head is declared.

/// <summary>TS9, BluesJr, HT40_Overdrive with their Linear(20, 1) head and input skip, as <c>Load</c> reads them.</summary>
[Lstm(inputSize: 2, hiddenSize: 20)]
[LstmOutput(1, InputSkip = 1)]
public sealed partial class NeuralPiHead2x20 { }

/// <summary>TS9_FullD, BluesJR_FullD with their Linear(20, 1) head and input skip.</summary>
[Lstm(inputSize: 1, hiddenSize: 20)]
[LstmOutput(1, InputSkip = 1)]
public sealed partial class NeuralPiHead1x20 { }

// GuitarML's trained Keras model (../shared/realdata/guitarml-keras/ts9_model.h5): Conv1D, Conv1D, LSTM(36), Dense(1).

/// <summary>The LSTM(16 → 36) and its Dense(1) head, found by <c>Load</c> in the whole model.</summary>
[Lstm(inputSize: 16, hiddenSize: 36)]
[LstmOutput(1)]
public sealed partial class KerasTs9 { }

/// <summary>The same sizes with hard-sigmoid gates: the file's recurrent_activation (sigmoid) must be reported as a mismatch.</summary>
[Lstm(inputSize: 16, hiddenSize: 36, GateActivation = Activation.HardSigmoid)]
[LstmOutput(1)]
public sealed partial class KerasTs9HardSigmoid { }

using GenLstm;

namespace GenLstm.Tests;

// GRUs at the golden sizes (tests/scripts/make_gru_golden.py): one unit block and less, an odd size, a full tile, 5 blocks.
[Gru(inputSize: 1, hiddenSize: 8)] public sealed partial class Gru1x8 { }
[Gru(inputSize: 4, hiddenSize: 17)] public sealed partial class Gru4x17 { }
[Gru(inputSize: 16, hiddenSize: 32)] public sealed partial class Gru16x32 { }
[Gru(inputSize: 1, hiddenSize: 40)] public sealed partial class Gru1x40 { }

// The opt-in storage and activations on a GRU.
[Gru(1, 40, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Gru1x40 { }
[Gru(16, 32, Precision = Precision.Fast)] public sealed partial class FastGru16x32 { }

// The real files' shapes: NeuralSeed's pedal (GRU 1 -> 4, a dense head and the input skip) and RTNeural's four chained layers.
[Gru(1, 4)]
[OutputHead(1, InputSkip = 1)]
public sealed partial class NeuralSeedGru4 { }

[Gru(1, 8, Layers = 4)]
[LstmOutput(1)]
public sealed partial class RtNeuralGru8 { }

// A bidirectional stack, swept step by step.
[Gru(4, 17, Layers = 2, Direction = LstmDirection.Bidirectional)] public sealed partial class BidirectionalGru4x17 { }

// The reset-before GRU (Keras reset_after = False, ONNX linear_before_reset = 0) at the golden sizes, and in bfloat16.
[Gru(1, 8, ResetAfter = false)] public sealed partial class ResetBeforeGru1x8 { }
[Gru(4, 17, ResetAfter = false)] public sealed partial class ResetBeforeGru4x17 { }
[Gru(16, 32, ResetAfter = false)] public sealed partial class ResetBeforeGru16x32 { }
[Gru(1, 40, ResetAfter = false)] public sealed partial class ResetBeforeGru1x40 { }
[Gru(1, 40, ResetAfter = false, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16ResetBeforeGru1x40 { }

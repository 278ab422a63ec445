using GenLstm;

namespace GenLstm.Tests;

// The sizes DESIGN §6 says must always be covered, each a generated model.
[Lstm(inputSize: 1, hiddenSize: 40)] public sealed partial class Lstm1x40 { }
[Lstm(inputSize: 3, hiddenSize: 20)] public sealed partial class Lstm3x20 { }
[Lstm(inputSize: 16, hiddenSize: 32)] public sealed partial class Lstm16x32 { }
[Lstm(inputSize: 64, hiddenSize: 64)] public sealed partial class Lstm64x64 { }
[Lstm(inputSize: 37, hiddenSize: 61)] public sealed partial class Lstm37x61 { }
[Lstm(inputSize: 128, hiddenSize: 256)] public sealed partial class Lstm128x256 { }

// Odd shapes: a single unit, a hidden size one past a block, and a model nested in another type.
[Lstm(inputSize: 1, hiddenSize: 1)] public sealed partial class Lstm1x1 { }
[Lstm(inputSize: 5, hiddenSize: 24)] public sealed partial class Lstm5x24 { }
[Lstm(inputSize: 2, hiddenSize: 9)] public sealed partial class Lstm2x9 { }

public static partial class Outer
{
    [Lstm(hiddenSize: 17, inputSize: 4)]
    public sealed partial record NestedModel;
}

// The opt-in variants: weights stored as bfloat16, the fast activations, and both together.
[Lstm(1, 40, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm1x40 { }
[Lstm(5, 24, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm5x24 { }
[Lstm(64, 64, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm64x64 { }
[Lstm(128, 256, WeightType = WeightType.BFloat16)] public sealed partial class BFloat16Lstm128x256 { }
[Lstm(1, 40, Precision = Precision.Fast)] public sealed partial class FastLstm1x40 { }
[Lstm(16, 32, Precision = Precision.Fast)] public sealed partial class FastLstm16x32 { }
[Lstm(5, 24, Precision = Precision.Fast)] public sealed partial class FastLstm5x24 { }
[Lstm(37, 61, Precision = Precision.Fast, WeightType = WeightType.BFloat16)] public sealed partial class FastBFloat16Lstm37x61 { }

// Stacks and directions (PyTorch's num_layers and bidirectional; Reverse is a forward LSTM run from the last step).
[Lstm(3, 20, Layers = 2)] public sealed partial class Stacked2Lstm3x20 { }
[Lstm(5, 24, Layers = 3)] public sealed partial class Stacked3Lstm5x24 { }
[Lstm(4, 17, Direction = LstmDirection.Bidirectional)] public sealed partial class BidirectionalLstm4x17 { }
[Lstm(5, 24, Layers = 2, Direction = LstmDirection.Bidirectional)] public sealed partial class Bidirectional2Lstm5x24 { }
[Lstm(16, 32, Layers = 3, Direction = LstmDirection.Bidirectional)] public sealed partial class Bidirectional3Lstm16x32 { }
[Lstm(3, 20, Layers = 2, Direction = LstmDirection.Reverse)] public sealed partial class Reverse2Lstm3x20 { }
[Lstm(20, 20, Layers = 2, WeightType = WeightType.BFloat16)] public sealed partial class Stacked2BFloat16Lstm20x20 { }

// Dense output heads ([LstmOutput]): nn.Linear after the LSTM, with each activation a head can have.
[Lstm(5, 24)][LstmOutput(3)] public sealed partial class HeadLstm5x24 { }
[Lstm(3, 20, Layers = 2)][LstmOutput(4, Activation.Softmax)] public sealed partial class HeadSoftmaxStacked2Lstm3x20 { }
[Lstm(4, 17, Direction = LstmDirection.Bidirectional)][LstmOutput(5, Activation.Tanh)] public sealed partial class HeadTanhBidirectionalLstm4x17 { }
[Lstm(1, 8)][LstmOutput(2, Activation.Sigmoid)] public sealed partial class HeadSigmoidLstm1x8 { }
[Lstm(2, 9)][LstmOutput(6, Activation.Relu)] public sealed partial class HeadReluLstm2x9 { }

// Projection (PyTorch's proj_size): every layer's h_t = W_hr (o * tanh(c_t)).
[Lstm(5, 24, ProjectionSize = 8)] public sealed partial class ProjectedLstm5x24 { }
[Lstm(3, 20, Layers = 2, Direction = LstmDirection.Bidirectional, ProjectionSize = 6)] public sealed partial class ProjectedBidirectional2Lstm3x20 { }
[Lstm(4, 16, Layers = 2, ProjectionSize = 5)][LstmOutput(3, Activation.Softmax)] public sealed partial class ProjectedHeadStacked2Lstm4x16 { }

// Element-wise variants (ONNX's and TFLite's), each checked against ONNX Runtime or the float64 reference (VariantOnnxTests).
[Lstm(4, 12, Peepholes = true)] public sealed partial class PeepholeLstm4x12 { }
[Lstm(4, 12, CoupledInputForget = true)] public sealed partial class CoupledLstm4x12 { }
[Lstm(4, 12, ActivationClip = 1.5f)] public sealed partial class ClippedLstm4x12 { }
[Lstm(4, 12, GateActivation = Activation.HardSigmoid, GateAlpha = 0.3f, GateBeta = 0.6f, CellActivation = Activation.Softsign,
    HiddenActivation = Activation.ScaledTanh, HiddenAlpha = 0.9f, HiddenBeta = 1.1f)] public sealed partial class ActivationsALstm4x12 { }
[Lstm(4, 12, CellActivation = Activation.LeakyRelu, CellAlpha = 0.1f, HiddenActivation = Activation.Elu, HiddenAlpha = 0.8f)] public sealed partial class ActivationsBLstm4x12 { }
[Lstm(4, 12, CellActivation = Activation.ThresholdedRelu, CellAlpha = 0.4f, HiddenActivation = Activation.Affine, HiddenAlpha = 0.7f, HiddenBeta = 0.1f)] public sealed partial class ActivationsCLstm4x12 { }
[Lstm(4, 12, GateActivation = Activation.Tanh, CellActivation = Activation.Softplus, HiddenActivation = Activation.Relu)] public sealed partial class ActivationsDLstm4x12 { }
[Lstm(4, 12, Peepholes = true, CoupledInputForget = true, ActivationClip = 2f)] public sealed partial class CombinedLstm4x12 { }
[Lstm(4, 12, Direction = LstmDirection.Bidirectional, Peepholes = true)] public sealed partial class PeepholeBidirectionalLstm4x12 { }
[Lstm(4, 12, Direction = LstmDirection.Reverse, ActivationClip = 1f)] public sealed partial class ClippedReverseLstm4x12 { }
[Lstm(4, 12, ForgetBias = 1f)] public sealed partial class ForgetBiasLstm4x12 { }
[Lstm(4, 12, CellClip = 0.5f, WeightType = WeightType.BFloat16, Peepholes = true)] public sealed partial class CellClipBFloat16Lstm4x12 { }

// Layer normalization (TFLite's layer-norm LSTM), checked against a float64 implementation of TFLite's equations (LayerNormTests).
[Lstm(5, 12, LayerNorm = true)] public sealed partial class LayerNormLstm5x12 { }
[Lstm(3, 20, Layers = 2, LayerNorm = true, CoupledInputForget = true, CellClip = 3f)] public sealed partial class LayerNormCoupledStackLstm3x20 { }
[Lstm(16, 40, Direction = LstmDirection.Bidirectional, LayerNorm = true, GateActivation = Activation.HardSigmoid)] public sealed partial class LayerNormBidirectionalLstm16x40 { }

// Changed cell and hidden updates ([LstmCell], [LstmHidden]), checked against the float64 reference's own interpreter (ExpressionTests).
[Lstm(4, 12)][LstmCell("f * c_prev + (1 - f) * g")] public sealed partial class CoupledByExpressionLstm4x12 { }
[Lstm(4, 12, Peepholes = true)]
[LstmCell("f * c_prev + i * g + 0.1 * tanh(c_prev)")]
[LstmHidden("o * tanh(c) + 0.05 * clip(c_prev, -1, 1)")]
public sealed partial class PeepholeExpressionsLstm4x12 { }
[Lstm(4, 12, Direction = LstmDirection.Bidirectional, Peepholes = true)]
[LstmHidden("o * max(min(c, 1), -1) * sigmoid(g) + abs(i) * 0.1 - relu(-c) * 0.01 + hardsigmoid(f) * exp(-abs(c)) * 0.1 / (1 + abs(g))")]
public sealed partial class EveryFunctionLstm4x12 { }

// Added gates ([LstmGate]) read by the cell and hidden expressions (ExpressionTests).
[Lstm(4, 12, ActivationClip = 4f)]
[LstmGate("z", Activation.Sigmoid)]
[LstmGate("r", Activation.HardSigmoid, Alpha = 0.25f)]
[LstmCell("f * c_prev + i * g + z * tanh(c_prev)")]
[LstmHidden("o * tanh(c) * (1 - r) + r * c_prev * 0.1")]
public sealed partial class ExtraGatesLstm4x12 { }
[Lstm(3, 10, Layers = 2, Direction = LstmDirection.Bidirectional, LayerNorm = true)]
[LstmGate("m")]
[LstmCell("f * c_prev + i * g * m")]
public sealed partial class ExtraGateLayerNormStackLstm3x10 { }
[Lstm(6, 16, LayerNorm = true, Peepholes = true, CellClip = 2f)] public sealed partial class LayerNormPeepholeLstm6x16 { }
[Lstm(4, 12, Layers = 2, Direction = LstmDirection.Bidirectional, Peepholes = true, ProjectionSize = 5)][LstmOutput(3, Activation.Softmax)]
public sealed partial class PeepholeProjectedBidirectionalHeadLstm4x12 { }

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>Valid [Lstm] declarations, by name, shared by the snapshot and the compile tests.</summary>
internal static class ModelDeclarations
{
    /// <summary>The declarations whose generated source is snapshotted.</summary>
    public static readonly IReadOnlyDictionary<string, string> Snapshotted = new Dictionary<string, string>
    {
        ["MyModel_5x24"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>The model of the README.</summary>
            [Lstm(inputSize: 5, hiddenSize: 24)]
            public sealed partial class MyModel { }
            """,

        ["SingleInput_1x40"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>One input feature, five blocks.</summary>
            [Lstm(1, 40)]
            public sealed partial class SingleInput { }
            """,

        // H = 61 is not a multiple of 8: the last block is padded.
        ["OddSizes_37x61"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>Odd sizes.</summary>
            [Lstm(37, 61)]
            internal sealed partial class OddSizes { }
            """,

        ["NestedRecord_4x17"] = """
            using GenLstm;

            /// <summary>A container in the global namespace.</summary>
            public static partial class Container
            {
                /// <summary>A nested record, sizes given by name in swapped order.</summary>
                [Lstm(hiddenSize: 17, inputSize: 4)]
                public sealed partial record NestedModel { }
            }
            """,

        ["Fast_1x40"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>The cheaper activations.</summary>
            [Lstm(1, 40, Precision = Precision.Fast)]
            public sealed partial class FastModel { }
            """,

        // Three blocks: a full tile and the batch and projection kernels all read bfloat16 pairs.
        ["BFloat16_5x24"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>Weights stored as bfloat16.</summary>
            [Lstm(5, 24, WeightType = WeightType.BFloat16)]
            public sealed partial class HalfWeights { }
            """,

        // Every element-wise variant at once: the shared cell update with peepholes (a packed row per block), CIFG, both clips,
        // a forget bias and non-default activations with α and β; the Vector512 tile splits its registers into Vector256 halves.
        ["Variants_5x9"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>Peepholes, CIFG, clips, forget bias and ONNX activations.</summary>
            [Lstm(5, 9, Peepholes = true, CoupledInputForget = true, ActivationClip = 3f, CellClip = 10f, ForgetBias = 1f,
                GateActivation = Activation.HardSigmoid, CellActivation = Activation.Softsign, HiddenActivation = Activation.Elu, HiddenAlpha = 0.5f)]
            public sealed partial class Variants { }
            """,

        // One projected layer with a dense head: a stack of one, W_hr between steps, the head after.
        ["ProjectedHead_6x16"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>LSTMP with a sigmoid head.</summary>
            [Lstm(6, 16, ProjectionSize = 4)]
            [LstmOutput(2, Activation.Sigmoid)]
            public sealed partial class Detector { }
            """,

        // An amp model as NAM and GuitarML users have them: two layers, a head with the input skip, sample-rate correction.
        ["AmpModel_1x8"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>A 2 × 8 amp model run at up to 4 × its training rate.</summary>
            [Lstm(1, 8, Layers = 2, MaxSampleRateRatio = 4)]
            [LstmOutput(1, InputSkip = 1)]
            public sealed partial class AmpModel { }
            """,

        // A GRU: the same tiles with slots r, z and n's two parts, 3 multiply-adds per column, h alone as state.
        ["Gru_4x17"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>PyTorch's torch.nn.GRU(4, 17).</summary>
            [Gru(4, 17)]
            public sealed partial class Gate { }
            """,

        // Keras 2's GRU (reset_after = False): the reset gate before U_n, so a step runs in two passes, as layer norm's does.
        ["GruResetBefore_4x17"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>Keras's GRU(17, reset_after=False) on 4 features.</summary>
            [Gru(4, 17, ResetAfter = false)]
            public sealed partial class KerasGate { }
            """,

        // The GRU pedal as AIDA-X and NeuralSeed ship it: a dense head with the input skip, on a stack of two layers.
        ["GruPedal_1x12"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>Two GRU layers of 12 units, a dense head and the dry signal added back.</summary>
            [Gru(1, 12, Layers = 2)]
            [OutputHead(1, InputSkip = 1)]
            public sealed partial class GruPedal { }
            """,

        // A changed cell and hidden update, compiled into the shared cell update of every path.
        ["Expressions_5x9"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>A leaky cell and a hidden state that keeps part of the cell.</summary>
            [Lstm(5, 9)]
            [LstmCell("f * c_prev + i * g - 0.01 * c_prev")]
            [LstmHidden("o * tanh(c) + 0.1 * clip(c, -1, 1)")]
            public sealed partial class Leaky { }
            """,

        // An added gate: its z computed for all units before the tiles, its activation in the cell update.
        ["ExtraGate_5x9"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>The DESIGN card's custom cell: an extra gate z.</summary>
            [Lstm(5, 9)]
            [LstmGate("z", Activation.Sigmoid)]
            [LstmCell("f * c_prev + i * g + z * tanh(c_prev)")]
            public sealed partial class Custom { }
            """,

        // Layer normalization with peepholes: z of every block, the input and forget peepholes, the statistics, c_t, then the
        // output peephole, its statistics and h_t; no split steps.
        ["LayerNorm_5x9"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>TFLite's layer-norm LSTM with CIFG.</summary>
            [Lstm(5, 9, LayerNorm = true, CoupledInputForget = true, Peepholes = true)]
            [LstmHidden("o * tanh(c) + 0.1 * c")]
            public sealed partial class Normalized { }
            """,

        // Two bidirectional layers: two nested kernels (5 and 2H = 18 inputs), four instances, a scratch-buffered Forward.
        ["Bidirectional2_5x9"] = """
            using GenLstm;

            namespace Demo.Models;

            /// <summary>A stacked bidirectional tagger.</summary>
            [Lstm(5, 9, Layers = 2, Direction = LstmDirection.Bidirectional)]
            public sealed partial class Tagger { }
            """,
    };

    /// <summary>Stacks and directions that must compile besides the snapshotted one.</summary>
    public static readonly IReadOnlyDictionary<string, string> Stacks = new Dictionary<string, string>
    {
        ["Stacked3_4x8"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>Three forward layers; layers 1 and 2 share one kernel type (8 inputs), layer 0 has its own.</summary>
            [Lstm(4, 8, Layers = 3, Precision = Precision.Fast)]
            public sealed partial class Deep { }
            """,

        ["Reverse_8x8"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>Two reverse layers with I = H: one kernel type for both.</summary>
            [Lstm(8, 8, Layers = 2, Direction = LstmDirection.Reverse, WeightType = WeightType.BFloat16)]
            public sealed partial class Backwards { }
            """,

        ["HeadSoftmax_3x8"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>One layer with a softmax head: a stack of one, so that the head has its own buffer.</summary>
            [Lstm(3, 8)]
            [LstmOutput(size: 4, Activation.Softmax)]
            public sealed partial class Classifier { }
            """,

        ["HeadOnBidirectional"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>A head on two bidirectional layers reads 2H.</summary>
            [LstmOutput(activation: Activation.Tanh, size: 2)]
            [Lstm(3, 5, Layers = 2, Direction = LstmDirection.Bidirectional)]
            public sealed partial class Tagger { }
            """,

        ["ProjectedBidirectionalHead"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>Everything PyTorch's LSTM has at once, plus a head and bfloat16 weights.</summary>
            [Lstm(6, 16, Layers = 2, Direction = LstmDirection.Bidirectional, ProjectionSize = 4, WeightType = WeightType.BFloat16)]
            [LstmOutput(3, Activation.Sigmoid)]
            public sealed partial class Everything { }
            """,

        ["IssueExample"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>The variants issue's example: 2 bidirectional layers with peepholes, projection and a softmax head.</summary>
            [Lstm(16, 64, Layers = 2, Direction = LstmDirection.Bidirectional, Peepholes = true, ProjectionSize = 32, CellClip = 3f,
                GateActivation = Activation.HardSigmoid)]
            [LstmOutput(10, Activation.Softmax)]
            public sealed partial class Tagger { }
            """,

        ["ProjectedForward"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>A forward projected stack: Step and StepBatch project between layers.</summary>
            [Lstm(6, 16, Layers = 3, ProjectionSize = 7)]
            public sealed partial class Projected { }
            """,

        ["EveryActivation"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>Three layers whose activations cover the rest of ONNX's set, in bfloat16 with the fast sigmoid and tanh.</summary>
            [Lstm(3, 17, Layers = 2, Precision = Precision.Fast, WeightType = WeightType.BFloat16,
                GateActivation = Activation.Sigmoid, CellActivation = Activation.ThresholdedRelu, HiddenActivation = Activation.Softplus)]
            public sealed partial class Rest { }
            """,

        ["MoreActivations"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>LeakyRelu, Affine, ScaledTanh and Relu on a reverse layer.</summary>
            [Lstm(3, 8, Direction = LstmDirection.Reverse, GateActivation = Activation.Affine, GateAlpha = 0.2f, GateBeta = 0.5f,
                CellActivation = Activation.LeakyRelu, HiddenActivation = Activation.ScaledTanh)]
            public sealed partial class More { }
            """,

        ["LayerNormStackBFloat16"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>Layer normalization in a projected bidirectional stack with bfloat16 weights and a head.</summary>
            [Lstm(4, 12, Layers = 2, Direction = LstmDirection.Bidirectional, LayerNorm = true, ProjectionSize = 6, WeightType = WeightType.BFloat16, Precision = Precision.Fast)]
            [LstmOutput(3, Activation.Softmax)]
            public sealed partial class NormalizedStack { }
            """,

        ["MaxLayersBidirectional"] = """
            using GenLstm;

            namespace Demo.Stacks;

            /// <summary>The most layers, both directions.</summary>
            [Lstm(3, 5, Layers = LstmAttribute.MaxLayers, Direction = LstmDirection.Bidirectional)]
            public sealed partial class Tall { }
            """,
    };

    /// <summary>Sizes at the edges of the layout and of the attribute's limits, as (inputSize, hiddenSize).</summary>
    public static readonly (int InputSize, int HiddenSize)[] ExtraSizes =
    [
        (1, 1),
        (2, 9),
        (128, 256),
        (LstmAttribute.MaxInputSize, 1),
        (1, LstmAttribute.MaxHiddenSize),
    ];

    /// <summary>Names that the generated code must spell as the user did: escaped keywords, non-ASCII letters.</summary>
    public static readonly IReadOnlyDictionary<string, string> UnusualNames = new Dictionary<string, string>
    {
        ["KeywordNamespace"] = """
            using GenLstm;

            namespace Demo.@fixed;

            /// <summary>A model in a namespace named after a keyword.</summary>
            [Lstm(3, 8)]
            public sealed partial class Model { }
            """,

        ["KeywordTypeNames"] = """
            #pragma warning disable CS8981 // A type named after a keyword is lower-case.
            using GenLstm;

            namespace Demo;

            /// <summary>A container named after a keyword.</summary>
            public static partial class @event
            {
                /// <summary>A model named after a keyword.</summary>
                [Lstm(3, 8)]
                public sealed partial class @class { }
            }
            """,

        ["NonAsciiNames"] = """
            using GenLstm;

            namespace Démo.Модели;

            /// <summary>A model with a non-ASCII name.</summary>
            [Lstm(3, 8)]
            public sealed partial class Modèle { }
            """,
    };

    /// <summary>Every declaration that must compile, by name: the snapshotted ones, one per extra size, the unusual names.</summary>
    public static readonly IReadOnlyDictionary<string, string> All = Snapshotted
        .Concat(ExtraSizes.Select(size => KeyValuePair.Create($"Sized_{size.InputSize}x{size.HiddenSize}", Sized(size.InputSize, size.HiddenSize))))
        .Concat(UnusualNames)
        .Concat(Stacks)
        .ToDictionary();

    public static TheoryData<string> SnapshottedNames => [.. Snapshotted.Keys];

    public static TheoryData<string> AllNames => [.. All.Keys];

    /// <summary>A public model in a namespace with the given sizes.</summary>
    public static string Sized(int inputSize, int hiddenSize) => string.Create(CultureInfo.InvariantCulture, $$"""
        using GenLstm;

        namespace Demo.Sizes;

        /// <summary>A model of the given sizes.</summary>
        [Lstm(inputSize: {{inputSize}}, hiddenSize: {{hiddenSize}})]
        public sealed partial class SizedModel { }
        """);
}

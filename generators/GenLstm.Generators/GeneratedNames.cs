using System;
using System.Linq;

namespace GenLstm.Generators;

/// <summary>Names of the members the emitter adds to a model type; the parser reports user members that take them.</summary>
internal static class GeneratedNames
{
    /// <summary>Public methods a user may overload with other parameters.</summary>
    public static readonly string[] OverloadableMethods = ["Step", "StepBatch", "Forward", "Load", "FromPyTorch", "FromSafeTensors", "FromOnnx", "FromWeights", "FromKeras", "FromGates"];

    /// <summary>Every other generated member: constants, fields, the State type, private methods.</summary>
    private static readonly string[] ExclusiveMembers =
    [
        "Declaration", "Default", "EmbeddedWeights", "InputSize", "HiddenSize", "OutputSize", "StackOutputSize", "ProjectionSize", "RecurrentSize", "Layers", "Directions", "State", "_output", "ForwardLayers",
        "BlockSize", "RowLength", "PackedRowLength", "PaddedHiddenSize", "BlockCount", "BlockStride", "PeepholeOffset", "LayerNormOffset", "ExtraGateCount", "_extraGates", "ComputeExtraGates", "GateStatistics", "ScalarLayerNormGates", "ScalarLayerNormCell", "SplitBlock", "ChunkSteps", "_packedWeights",
        "CompileKernel", "StepCore", "StepBlocks", "StepBatchCore", "ForwardCore", "ScalarBlock",
    ];

    /// <summary>
    /// Families of generated names: the private kernels, named after their vector type (Vector256Tile2, Vector128Project1,
    /// ForwardVector256With…), and a stacked model's layer kernel types (LayerKernel5x24) and fields (_layer0, _layer1Reverse).
    /// </summary>
    private static readonly string[] GeneratedPrefixes = ["Vector512", "Vector256", "Vector128", "ForwardVector", "LayerKernel", "_layer", "_projection"];

    /// <summary>Whether the emitter may generate a member of this name.</summary>
    public static bool IsGenerated(string name)
        => OverloadableMethods.Contains(name) || ExclusiveMembers.Contains(name)
            || GeneratedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Whether a user member of this name and kind clashes with a generated one (an overload does not).</summary>
    public static bool Clashes(string name, bool isMethod)
        => IsGenerated(name) && !(isMethod && OverloadableMethods.Contains(name));
}

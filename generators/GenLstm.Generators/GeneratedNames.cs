using System;
using System.Linq;

namespace GenLstm.Generators;

/// <summary>Names of the members the emitter adds to a model type; the parser reports user members that take them.</summary>
internal static class GeneratedNames
{
    /// <summary>Public methods a user may overload with other parameters.</summary>
    public static readonly string[] OverloadableMethods = ["Step", "StepBatch", "Forward", "Load", "FromPyTorch", "FromSafeTensors"];

    /// <summary>Every other generated member: constants, fields, the State type, private methods.</summary>
    private static readonly string[] ExclusiveMembers =
    [
        "InputSize", "HiddenSize", "OutputSize", "State",
        "BlockSize", "RowLength", "PackedRowLength", "PaddedHiddenSize", "BlockCount", "BlockStride", "SplitBlock", "ChunkSteps", "_packedWeights",
        "CompileKernel", "StepCore", "StepBlocks", "StepBatchCore", "ForwardCore", "ScalarBlock",
    ];

    /// <summary>The private kernels are named after their vector type: Vector256Tile2, Vector128Project1, ForwardVector256With…</summary>
    private static readonly string[] TileMethodPrefixes = ["Vector512", "Vector256", "Vector128", "ForwardVector"];

    /// <summary>Whether the emitter may generate a member of this name.</summary>
    public static bool IsGenerated(string name)
        => OverloadableMethods.Contains(name) || ExclusiveMembers.Contains(name)
            || TileMethodPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Whether a user member of this name and kind clashes with a generated one (an overload does not).</summary>
    public static bool Clashes(string name, bool isMethod)
        => IsGenerated(name) && !(isMethod && OverloadableMethods.Contains(name));
}

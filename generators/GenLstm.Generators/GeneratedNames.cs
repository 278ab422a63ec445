using System;
using System.Linq;

namespace GenLstm.Generators;

/// <summary>Names of the members the emitter adds to a model type; the parser reports user members that take them.</summary>
internal static class GeneratedNames
{
    /// <summary>Public methods a user may overload with other parameters.</summary>
    public static readonly string[] OverloadableMethods = ["Step", "Forward", "Load", "FromPyTorch", "FromSafeTensors"];

    /// <summary>Every other generated member: constants, fields, the State type, private methods.</summary>
    private static readonly string[] ExclusiveMembers =
    [
        "InputSize", "HiddenSize", "OutputSize", "State",
        "BlockSize", "RowLength", "PaddedHiddenSize", "BlockCount", "BlockStride", "_packedWeights",
        "CompileKernel", "StepCore", "ScalarBlock",
    ];

    /// <summary>The private tile methods are named after their vector type: Vector256Tile2, Vector128Tile1, …</summary>
    private static readonly string[] TileMethodPrefixes = ["Vector256Tile", "Vector128Tile"];

    /// <summary>Whether the emitter may generate a member of this name.</summary>
    public static bool IsGenerated(string name)
        => OverloadableMethods.Contains(name) || ExclusiveMembers.Contains(name)
            || TileMethodPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Whether a user member of this name and kind clashes with a generated one (an overload does not).</summary>
    public static bool Clashes(string name, bool isMethod)
        => IsGenerated(name) && !(isMethod && OverloadableMethods.Contains(name));
}

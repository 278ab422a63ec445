namespace GenLstm.Generators;

/// <summary>Names of the members the emitter adds to a model type; the parser reports user members that take them.</summary>
internal static class GeneratedNames
{
    /// <summary>Generated members that are not methods (a user method of the same name could still be an overload).</summary>
    public static readonly string[] NonMethodMembers =
    [
        "InputSize", "HiddenSize", "OutputSize", "State",
        "PaddedHiddenSize", "BlockCount", "BlockStride", "BlockSize", "RowLength", "_packedWeights",
    ];
}

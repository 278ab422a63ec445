using System;
using System.Linq;

namespace GenLstm.Generators;

/// <summary>Names of the members the emitter adds to a model type; the parser reports user members that take them.</summary>
internal static class GeneratedNames
{
    /// <summary>Public methods a user may overload with other parameters.</summary>
    public static readonly string[] OverloadableMethods =
        ["Step", "StepBatch", "Forward", "Load", "FromPyTorch", "FromSafeTensors", "FromOnnx", "FromWeights", "FromKeras", "FromGates", "Reset"];

    /// <summary>
    /// Every other member the user's type gets: constants, fields, the State type, the stack's chaining methods. The kernels
    /// live in file-local classes of GenLstm.Generated, so their names are not taken here.
    /// </summary>
    private static readonly string[] ExclusiveMembers =
    [
        "Declaration", "ReadLimits", "Default", "EmbeddedWeights", "InputSize", "HiddenSize", "OutputSize", "StackOutputSize", "ProjectionSize", "Layers",
        "Directions", "InputSkip", "MaxSampleRateRatio", "HistorySlots", "HistoryLength", "State", "InitialState", "SampleRate",
        "_initialState", "SetInitialState", "_packedWeights", "_packedWeightsExtraGates", "_output", "CompileKernel", "StepCore",
        "ForwardLayers", "AddInputSkip",
    ];

    /// <summary>Families of generated names: a stacked model's fields (_layer0, _layer1ReverseExtraGates, _projection0).</summary>
    private static readonly string[] GeneratedPrefixes = ["_layer", "_projection"];

    /// <summary>Whether the emitter may generate a member of this name.</summary>
    public static bool IsGenerated(string name)
        => OverloadableMethods.Contains(name) || ExclusiveMembers.Contains(name)
            || GeneratedPrefixes.Any(prefix => name.StartsWith(prefix, StringComparison.Ordinal));

    /// <summary>Whether a user member of this name and kind clashes with a generated one (an overload does not).</summary>
    public static bool Clashes(string name, bool isMethod)
        => IsGenerated(name) && !(isMethod && OverloadableMethods.Contains(name));
}

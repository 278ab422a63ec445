using System.Collections.Generic;

namespace GenLstm;

/// <summary>
/// One layer of a Keras model as a Keras file holds it: its weights by their Keras names (<c>kernel</c>, <c>recurrent_kernel</c>,
/// <c>bias</c>) and what its configuration says, for <see cref="WeightFile.FromKerasLayers"/>.
/// </summary>
/// <param name="Name">The layer's name (<c>lstm</c>, <c>dense_1</c>), for messages.</param>
/// <param name="Weights">The weights, named by their last path part without <c>:0</c>: <c>kernel</c>, <c>recurrent_kernel</c>, <c>bias</c>.</param>
public sealed record KerasLayerWeights(string Name, IReadOnlyList<WeightTensor> Weights)
{
    /// <summary>The layer's type in lower case (<c>lstm</c>, <c>dense</c>, <c>conv1d</c>, …); null to tell it from its weights.</summary>
    public string? Type { get; init; }

    /// <summary>Whether the layer is the backward half of a <c>Bidirectional</c> wrapper.</summary>
    public bool Backward { get; init; }

    /// <summary>The configuration's <c>activation</c> (<c>tanh</c>, <c>linear</c>, …); null when unknown or not binding.</summary>
    public string? Activation { get; init; }

    /// <summary>An LSTM's <c>recurrent_activation</c> (<c>sigmoid</c>, <c>hard_sigmoid</c>); null when unknown.</summary>
    public string? RecurrentActivation { get; init; }

    /// <summary>The units the configuration declares (checked against the weights); null when unknown.</summary>
    public int? Units { get; init; }

    /// <summary>Where the configuration states <see cref="Units"/>, for the message when the weights disagree; e.g. <c>'shape'</c>.</summary>
    public string UnitsAttribute { get; init; } = "units";
}

namespace GenLstm;

/// <summary>
/// An activation function: of the dense output head (<see cref="LstmOutputAttribute"/>: <see cref="None"/>,
/// <see cref="Sigmoid"/>, <see cref="Tanh"/>, <see cref="Relu"/>, <see cref="Softmax"/>).
/// </summary>
public enum Activation
{
    /// <summary>The identity: the layer's affine output as it is.</summary>
    None = 0,

    /// <summary>The logistic sigmoid 1 / (1 + e^-x).</summary>
    Sigmoid = 1,

    /// <summary>The hyperbolic tangent.</summary>
    Tanh = 2,

    /// <summary>max(0, x).</summary>
    Relu = 3,

    /// <summary>e^x_i / Σ_j e^x_j over the layer's outputs (computed with the maximum subtracted first, so it never overflows).</summary>
    Softmax = 4,
}

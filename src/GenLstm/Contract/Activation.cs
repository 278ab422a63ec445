// One enum for the runtime and the generator (see README.md here).
#if GENLSTM_GENERATOR
namespace GenLstm.Generators;
#else
namespace GenLstm;
#endif

/// <summary>
/// An activation function: of the gates, the cell candidate and the hidden output (<see cref="LstmAttribute.GateActivation"/>,
/// <see cref="LstmAttribute.CellActivation"/>, <see cref="LstmAttribute.HiddenActivation"/>: ONNX's set, every member but
/// <see cref="None"/> and <see cref="Softmax"/>), or of the dense output head (<see cref="LstmOutputAttribute"/>:
/// <see cref="None"/>, <see cref="Sigmoid"/>, <see cref="Tanh"/>, <see cref="Relu"/>, <see cref="Softmax"/>).
/// </summary>
/// <remarks>
/// α and β are the attribute's <c>…Alpha</c> and <c>…Beta</c>; their defaults are ONNX's. PyTorch's and Keras 3's
/// hard sigmoid is α = 1/6, β = 0.5 (ONNX: 0.2, 0.5); Keras 2's was 0.2, 0.5: set <c>GateAlpha</c> to match the framework
/// the model was trained in.
/// </remarks>
#if GENLSTM_GENERATOR
internal
#else
public
#endif
enum Activation
{
    /// <summary>The identity: the layer's affine output as it is.</summary>
    None = 0,

    /// <summary>The logistic sigmoid 1 / (1 + e^-x).</summary>
    Sigmoid = 1,

    /// <summary>The hyperbolic tangent.</summary>
    Tanh = 2,

    /// <summary>max(0, x).</summary>
    Relu = 3,

    /// <summary>e^x_i / Σ_j e^x_j over the layer's outputs (computed with the maximum subtracted first, so it never overflows). Heads only.</summary>
    Softmax = 4,

    /// <summary>max(0, min(1, α x + β)); ONNX's defaults α = 0.2, β = 0.5.</summary>
    HardSigmoid = 5,

    /// <summary>x for x ≥ 0, α x below; default α = 0.01.</summary>
    LeakyRelu = 6,

    /// <summary>x for x &gt; α, 0 otherwise; default α = 1.</summary>
    ThresholdedRelu = 7,

    /// <summary>α tanh(β x); defaults α = 1, β = 1.</summary>
    ScaledTanh = 8,

    /// <summary>α x + β; defaults α = 1, β = 0.</summary>
    Affine = 9,

    /// <summary>x for x ≥ 0, α (e^x − 1) below; default α = 1.</summary>
    Elu = 10,

    /// <summary>x / (1 + |x|).</summary>
    Softsign = 11,

    /// <summary>log(1 + e^x), computed as max(x, 0) + log(1 + e^−|x|) so that it never overflows.</summary>
    Softplus = 12,
}

/// <summary>ONNX's default α and β of each activation: what a declaration that states none runs (the generated kernels and RecurrentModel's generic one).</summary>
internal static class ActivationDefaults
{
    /// <summary>α and β of <paramref name="activation"/> when none are given (0 for an activation that reads neither).</summary>
    public static (float Alpha, float Beta) Of(Activation activation) => activation switch
    {
        Activation.HardSigmoid => (0.2f, 0.5f),
        Activation.LeakyRelu => (0.01f, 0f),
        Activation.ThresholdedRelu => (1f, 0f),
        Activation.ScaledTanh => (1f, 1f),
        Activation.Affine => (1f, 0f),
        Activation.Elu => (1f, 0f),
        _ => (0f, 0f),
    };
}

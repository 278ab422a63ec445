// One enum for the runtime and the generator (see README.md here).
#if GENLSTM_GENERATOR
namespace GenLstm.Generators;
#else
namespace GenLstm;
#endif

/// <summary>Which approximations of the activation functions a generated model uses: <see cref="LstmAttribute.Precision"/>.</summary>
#if GENLSTM_GENERATOR
internal
#else
public
#endif
enum Precision
{
    /// <summary>
    /// The default: <see cref="LstmMath.Tanh(float)"/> and <see cref="LstmMath.Sigmoid(float)"/>, within
    /// <see cref="LstmMath.TanhMaxAbsError"/> and <see cref="LstmMath.SigmoidMaxAbsError"/> of float64.
    /// </summary>
    Exact = 0,

    /// <summary>
    /// Cheaper activations, <see cref="LstmMath.FastTanh(float)"/> and <see cref="LstmMath.FastSigmoid(float)"/>, within
    /// <see cref="LstmMath.FastTanhMaxAbsError"/> and <see cref="LstmMath.FastSigmoidMaxAbsError"/> of float64: for models
    /// whose step is dominated by the activations (small hidden sizes) and that tolerate errors of about 1e-4.
    /// </summary>
    Fast = 1,
}

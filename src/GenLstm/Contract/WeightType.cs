// One enum for the runtime and the generator (see README.md here).
#if GENLSTM_GENERATOR
namespace GenLstm.Generators;
#else
namespace GenLstm;
#endif

/// <summary>How a generated model stores its weights in memory: <see cref="LstmAttribute.WeightType"/>. The math is float32 either way.</summary>
#if GENLSTM_GENERATOR
internal
#else
public
#endif
enum WeightType
{
    /// <summary>The default: float32 weights, exactly as trained (or as read from the file).</summary>
    Float32 = 0,

    /// <summary>
    /// bfloat16 weights (8 bits of mantissa): every packed value, including the summed bias, is rounded to the nearest
    /// bfloat16 when the model loads, which halves the memory the kernel reads per step. Worth it for models whose weights
    /// do not fit the core's L1/L2 cache (from about 64x64); it changes the outputs by about 1e-3 (measured figures are
    /// in the README), so it is an opt-in, never a default.
    /// </summary>
    BFloat16 = 1,
}

using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenLstm;

/// <summary>
/// The activation functions the generated kernels call: sigmoid and tanh for scalars and for every vector width,
/// all computed by the same formula so that every code path gives (nearly) the same numbers.
/// </summary>
/// <remarks>
/// <para>
/// tanh is a rational minimax approximation, an odd polynomial of degree 13 over an even one of degree 6, on the
/// input clamped to ±<see cref="TanhClamp"/> (beyond which float32 tanh is within 2.4e-7 of ±1). These are the
/// coefficients Eigen publishes for its float tanh; the evaluation costs one division. The sigmoid is derived
/// from it as σ(x) = ½ + ½·tanh(x/2), which is exact algebra, so it inherits the bound (halved) plus rounding.
/// </para>
/// <para>
/// Accuracy against float64 <see cref="System.Math.Tanh"/> and 1/(1+e^-x), measured by the test suite over every
/// 181st float in [-20, 20] and the edges of the clamp: at most <see cref="TanhMaxAbsError"/> for tanh and
/// <see cref="SigmoidMaxAbsError"/> for the sigmoid (measured 2.8e-7 and 1.7e-7) for vectors on hardware with fused
/// multiply-add (every ARM64, x64 with AVX2/FMA3), and for scalars, which are evaluated in double (1.8e-7, 1.2e-7).
/// Vectors on x64 without FMA round twice per polynomial step: at most <see cref="TanhMaxAbsErrorWithoutFma"/> and
/// <see cref="SigmoidMaxAbsErrorWithoutFma"/> (measured 4.0e-7 and 2.2e-7). A NaN input gives NaN.
/// </para>
/// <para>
/// <see cref="FastTanh(float)"/> and <see cref="FastSigmoid(float)"/> (for <see cref="Precision.Fast"/>) use a rational
/// function of degree 5 over 4 on the input clamped to ±<see cref="FastTanhClamp"/>: 5 multiply-adds and a divide instead
/// of 11. Fitted here by iteratively reweighted least squares for the smallest maximum error including the clamp;
/// measured 1.56e-4 (tanh) and 7.8e-5 (sigmoid), bounded by <see cref="FastTanhMaxAbsError"/> and
/// <see cref="FastSigmoidMaxAbsError"/> with or without fused multiply-add.
/// </para>
/// </remarks>
public static class LstmMath
{
    /// <summary>The input range of the tanh approximation; inputs beyond it are clamped.</summary>
    public const float TanhClamp = 7.99881172180175781f;

    /// <summary>Documented bound on |tanh approximation − tanh| over all float inputs (checked by a test).</summary>
    public const double TanhMaxAbsError = 3e-7;

    /// <summary>Documented bound on |sigmoid approximation − sigmoid| over all float inputs (checked by a test).</summary>
    public const double SigmoidMaxAbsError = 2e-7;

    /// <summary>Bound on the tanh error of vector code on x64 hardware without fused multiply-add (checked by a test).</summary>
    public const double TanhMaxAbsErrorWithoutFma = 4.5e-7;

    /// <summary>Bound on the sigmoid error of vector code on x64 hardware without fused multiply-add (checked by a test).</summary>
    public const double SigmoidMaxAbsErrorWithoutFma = 2.5e-7;

    /// <summary>The input range of the fast tanh approximation; inputs beyond it are clamped.</summary>
    public const float FastTanhClamp = 4.42f;

    /// <summary>Documented bound on |<see cref="FastTanh(float)"/> − tanh| over all float inputs, on every path (checked by a test).</summary>
    public const double FastTanhMaxAbsError = 2e-4;

    /// <summary>Documented bound on |<see cref="FastSigmoid(float)"/> − sigmoid| over all float inputs, on every path (checked by a test).</summary>
    public const double FastSigmoidMaxAbsError = 1e-4;

    /// <summary>The logistic sigmoid 1 / (1 + e^-x).</summary>
    public static float Sigmoid(float x) => (float)Sigmoid<ScalarOps, double>(x);

    /// <summary>The hyperbolic tangent.</summary>
    public static float Tanh(float x) => (float)Tanh<ScalarOps, double>(x);

    /// <summary>The logistic sigmoid of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Sigmoid(Vector128<float> x) => Sigmoid<Vector128Ops, Vector128<float>>(x);

    /// <summary>The hyperbolic tangent of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Tanh(Vector128<float> x) => Tanh<Vector128Ops, Vector128<float>>(x);

    /// <summary>The logistic sigmoid of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Sigmoid(Vector256<float> x) => Sigmoid<Vector256Ops, Vector256<float>>(x);

    /// <summary>The hyperbolic tangent of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Tanh(Vector256<float> x) => Tanh<Vector256Ops, Vector256<float>>(x);

    /// <summary>The logistic sigmoid of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Sigmoid(Vector512<float> x) => Sigmoid<Vector512Ops, Vector512<float>>(x);

    /// <summary>The hyperbolic tangent of each element.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Tanh(Vector512<float> x) => Tanh<Vector512Ops, Vector512<float>>(x);

    /// <summary>The logistic sigmoid, cheaper and within <see cref="FastSigmoidMaxAbsError"/>.</summary>
    public static float FastSigmoid(float x) => (float)FastSigmoid<ScalarOps, double>(x);

    /// <summary>The hyperbolic tangent, cheaper and within <see cref="FastTanhMaxAbsError"/>.</summary>
    public static float FastTanh(float x) => (float)FastTanh<ScalarOps, double>(x);

    /// <summary>The logistic sigmoid of each element, cheaper and within <see cref="FastSigmoidMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FastSigmoid(Vector128<float> x) => FastSigmoid<Vector128Ops, Vector128<float>>(x);

    /// <summary>The hyperbolic tangent of each element, cheaper and within <see cref="FastTanhMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> FastTanh(Vector128<float> x) => FastTanh<Vector128Ops, Vector128<float>>(x);

    /// <summary>The logistic sigmoid of each element, cheaper and within <see cref="FastSigmoidMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastSigmoid(Vector256<float> x) => FastSigmoid<Vector256Ops, Vector256<float>>(x);

    /// <summary>The hyperbolic tangent of each element, cheaper and within <see cref="FastTanhMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> FastTanh(Vector256<float> x) => FastTanh<Vector256Ops, Vector256<float>>(x);

    /// <summary>The logistic sigmoid of each element, cheaper and within <see cref="FastSigmoidMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FastSigmoid(Vector512<float> x) => FastSigmoid<Vector512Ops, Vector512<float>>(x);

    /// <summary>The hyperbolic tangent of each element, cheaper and within <see cref="FastTanhMaxAbsError"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> FastTanh(Vector512<float> x) => FastTanh<Vector512Ops, Vector512<float>>(x);

    /// <summary>Documented bound on |<see cref="Elu(float, float)"/> − ELU| / max(1, |ELU|) for α ≤ 2, on every width (checked by a test).</summary>
    public const double EluMaxError = 4e-7;

    /// <summary>Documented bound on |<see cref="Softplus(float)"/> − softplus| / max(1, softplus), on every width (checked by a test).</summary>
    public const double SoftplusMaxError = 4e-7;

    /// <summary>ELU: x for x ≥ 0, α (e^x − 1) below (ONNX's Elu), with an exponential of 8 multiply-adds (no call into the runtime's <c>Exp</c>).</summary>
    public static float Elu(float x, float alpha) => (float)Elu<ScalarOps, double>(x, alpha);

    /// <summary>softplus(x) = log(1 + e^x), evaluated as max(x, 0) + log(1 + e^−|x|) so that it never overflows.</summary>
    public static float Softplus(float x) => (float)Softplus<ScalarOps, double>(x);

    /// <summary>ELU of each element; see <see cref="Elu(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Elu(Vector128<float> x, float alpha) => Elu<Vector128Ops, Vector128<float>>(x, alpha);

    /// <summary>softplus of each element; see <see cref="Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Softplus(Vector128<float> x) => Softplus<Vector128Ops, Vector128<float>>(x);

    /// <summary>ELU of each element; see <see cref="Elu(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Elu(Vector256<float> x, float alpha) => Elu<Vector256Ops, Vector256<float>>(x, alpha);

    /// <summary>softplus of each element; see <see cref="Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Softplus(Vector256<float> x) => Softplus<Vector256Ops, Vector256<float>>(x);

    /// <summary>ELU of each element; see <see cref="Elu(float, float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Elu(Vector512<float> x, float alpha) => Elu<Vector512Ops, Vector512<float>>(x, alpha);

    /// <summary>softplus of each element; see <see cref="Softplus(float)"/>.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Softplus(Vector512<float> x) => Softplus<Vector512Ops, Vector512<float>>(x);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Elu<TOps, TVector>(TVector x, float alpha)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        TVector zero = TOps.Broadcast(0f);
        TVector expMinusOne = TOps.Add(ExpNonPositive<TOps, TVector>(TOps.Min(x, zero)), TOps.Broadcast(-1f));
        return TOps.MultiplyAdd(TOps.Broadcast(alpha), expMinusOne, TOps.Max(x, zero));
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Softplus<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        // log(1 + y) for y = e^-|x| in (0, 1]: 2 atanh(s) with s = y / (2 + y) <= 1/3, the series to s^13 (truncation < 2e-8).
        TVector y = ExpNonPositive<TOps, TVector>(TOps.Multiply(TOps.Broadcast(-1f), TOps.Abs(x)));
        TVector s = TOps.Divide(y, TOps.Add(y, TOps.Broadcast(2f)));
        TVector t = TOps.Multiply(s, s);
        TVector series = TOps.MultiplyAdd(t, TOps.Broadcast(1f / 13), TOps.Broadcast(1f / 11));
        series = TOps.MultiplyAdd(t, series, TOps.Broadcast(1f / 9));
        series = TOps.MultiplyAdd(t, series, TOps.Broadcast(1f / 7));
        series = TOps.MultiplyAdd(t, series, TOps.Broadcast(1f / 5));
        series = TOps.MultiplyAdd(t, series, TOps.Broadcast(1f / 3));
        series = TOps.MultiplyAdd(t, series, TOps.Broadcast(1f));
        TVector log1p = TOps.Multiply(TOps.Add(s, s), series);
        return TOps.Add(TOps.Max(x, TOps.Broadcast(0f)), log1p);
    }

    /// <summary>
    /// e^x for x ≤ 0 (NaN stays NaN): x = n ln 2 + r with |r| ≤ ln 2 / 2 (ln 2 split in two parts, so r is exact), e^r by its
    /// Taylor polynomial to degree 7 (truncation below 6e-9), then scaled by 2^n through the exponent bits. Below −87 the
    /// result is flushed to about 1e-38, which is 0 to every caller.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector ExpNonPositive<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        x = TOps.Clamp(x, TOps.Broadcast(-87f), TOps.Broadcast(0f));
        TVector n = TOps.Round(TOps.Multiply(x, TOps.Broadcast(1.44269504088896341f)));
        TVector r = TOps.MultiplyAdd(n, TOps.Broadcast(-0.693359375f), x);
        r = TOps.MultiplyAdd(n, TOps.Broadcast(2.12194440e-4f), r);
        TVector p = TOps.MultiplyAdd(r, TOps.Broadcast(1f / 5040), TOps.Broadcast(1f / 720));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(1f / 120));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(1f / 24));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(1f / 6));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(0.5f));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(1f));
        p = TOps.MultiplyAdd(r, p, TOps.Broadcast(1f));
        return TOps.ScaleByPowerOfTwo(p, n);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Sigmoid<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        TVector half = TOps.Broadcast(0.5f);
        return TOps.MultiplyAdd(half, Tanh<TOps, TVector>(TOps.Multiply(half, x)), half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector FastSigmoid<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        TVector half = TOps.Broadcast(0.5f);
        return TOps.MultiplyAdd(half, FastTanh<TOps, TVector>(TOps.Multiply(half, x)), half);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector FastTanh<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        x = TOps.Clamp(x, TOps.Broadcast(-FastTanhClamp), TOps.Broadcast(FastTanhClamp));
        TVector x2 = TOps.Multiply(x, x);

        // x · (a1 + a3 x² + a5 x⁴) / (1 + b2 x² + b4 x⁴), Horner's scheme in x².
        TVector p = TOps.MultiplyAdd(x2, TOps.Broadcast(8.029985115382641e-04f), TOps.Broadcast(1.0630430463754048e-01f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(9.999935342791796e-01f));
        p = TOps.Multiply(x, p);
        TVector q = TOps.MultiplyAdd(x2, TOps.Broadcast(1.4064305056683858e-02f), TOps.Broadcast(4.3959745850744103e-01f));
        q = TOps.MultiplyAdd(x2, q, TOps.Broadcast(1f));

        return TOps.Divide(p, q);
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static TVector Tanh<TOps, TVector>(TVector x)
        where TOps : struct, ISimdOps<TVector>
        where TVector : struct
    {
        x = TOps.Clamp(x, TOps.Broadcast(-TanhClamp), TOps.Broadcast(TanhClamp));
        TVector x2 = TOps.Multiply(x, x);

        // Numerator: x · (a1 + a3 x² + … + a13 x¹²), Horner's scheme in x².
        TVector p = TOps.MultiplyAdd(x2, TOps.Broadcast(-2.76076847742355e-16f), TOps.Broadcast(2.00018790482477e-13f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(-8.60467152213735e-11f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(5.12229709037114e-08f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(1.48572235717979e-05f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(6.37261928875436e-04f));
        p = TOps.MultiplyAdd(x2, p, TOps.Broadcast(4.89352455891786e-03f));
        p = TOps.Multiply(x, p);

        // Denominator: b0 + b2 x² + b4 x⁴ + b6 x⁶.
        TVector q = TOps.MultiplyAdd(x2, TOps.Broadcast(1.19825839466702e-06f), TOps.Broadcast(1.18534705686654e-04f));
        q = TOps.MultiplyAdd(x2, q, TOps.Broadcast(2.26843463243900e-03f));
        q = TOps.MultiplyAdd(x2, q, TOps.Broadcast(4.89352518554385e-03f));

        return TOps.Divide(p, q);
    }
}

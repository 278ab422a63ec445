using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenLstm;

/// <summary>
/// The handful of element-wise operations the activation functions need, for one register width.
/// Implemented by value types so that the JIT specializes and inlines every generic caller per width:
/// one formula in <see cref="LstmMath"/> serves <see cref="float"/>, Vector128, Vector256 and Vector512.
/// </summary>
internal interface ISimdOps<TVector>
    where TVector : struct
{
    static abstract TVector Broadcast(float value);
    static abstract TVector Add(TVector left, TVector right);
    static abstract TVector Multiply(TVector left, TVector right);
    /// <summary>left * right + addend, fused where the hardware has FMA.</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);
    static abstract TVector Divide(TVector left, TVector right);
    /// <summary>Clamps to [lo, hi]; a NaN input stays NaN.</summary>
    static abstract TVector Clamp(TVector value, TVector lo, TVector hi);
    static abstract TVector Max(TVector left, TVector right);
    static abstract TVector Min(TVector left, TVector right);
    static abstract TVector Abs(TVector value);
    /// <summary>Rounds to the nearest integer (ties to even).</summary>
    static abstract TVector Round(TVector value);
    /// <summary>value · 2^n for an integral n within the float exponent range (the exponent bits are added to directly).</summary>
    static abstract TVector ScaleByPowerOfTwo(TVector value, TVector n);
}

/// <summary>
/// Scalars are evaluated in double: it costs a scalar unit nothing extra, and without fused multiply-add a float
/// evaluation of the rational tanh loses up to 3.8e-7 to rounding; in double only the final rounding to float remains.
/// </summary>
internal readonly struct ScalarOps : ISimdOps<double>
{
    public static double Broadcast(float value) => value;
    public static double Add(double left, double right) => left + right;
    public static double Multiply(double left, double right) => left * right;
    // Not Math.FusedMultiplyAdd: without FMA hardware that is a slow software emulation, and the scalar path
    // exists precisely for machines without SIMD.
    public static double MultiplyAdd(double left, double right, double addend) => left * right + addend;
    public static double Divide(double left, double right) => left / right;
    // Written with comparisons that are false for NaN, so NaN passes through.
    public static double Clamp(double value, double lo, double hi) => value < lo ? lo : value > hi ? hi : value;
    public static double Max(double left, double right) => Math.Max(left, right);
    public static double Min(double left, double right) => Math.Min(left, right);
    public static double Abs(double value) => Math.Abs(value);
    public static double Round(double value) => Math.Round(value);
    public static double ScaleByPowerOfTwo(double value, double n) => Math.ScaleB(value, (int)n);
}

internal readonly struct Vector128Ops : ISimdOps<Vector128<float>>
{
    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);
    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;
    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;
    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
        => Vector128.MultiplyAddEstimate(left, right, addend);
    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;
    // x86 min/max return their second operand when either is NaN: with the value second, NaN propagates.
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Clamp(Vector128<float> value, Vector128<float> lo, Vector128<float> hi)
        => Vector128.MinNative(hi, Vector128.MaxNative(lo, value));
    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.Max(left, right);
    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Vector128.Min(left, right);
    public static Vector128<float> Abs(Vector128<float> value) => Vector128.Abs(value);
    public static Vector128<float> Round(Vector128<float> value) => Vector128.Round(value);
    public static Vector128<float> ScaleByPowerOfTwo(Vector128<float> value, Vector128<float> n)
        => (value.AsInt32() + Vector128.ShiftLeft(Vector128.ConvertToInt32(n), 23)).AsSingle();
}

internal readonly struct Vector256Ops : ISimdOps<Vector256<float>>
{
    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);
    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;
    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;
    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
        => Vector256.MultiplyAddEstimate(left, right, addend);
    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Clamp(Vector256<float> value, Vector256<float> lo, Vector256<float> hi)
        => Vector256.MinNative(hi, Vector256.MaxNative(lo, value));
    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.Max(left, right);
    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Vector256.Min(left, right);
    public static Vector256<float> Abs(Vector256<float> value) => Vector256.Abs(value);
    public static Vector256<float> Round(Vector256<float> value) => Vector256.Round(value);
    public static Vector256<float> ScaleByPowerOfTwo(Vector256<float> value, Vector256<float> n)
        => (value.AsInt32() + Vector256.ShiftLeft(Vector256.ConvertToInt32(n), 23)).AsSingle();
}

internal readonly struct Vector512Ops : ISimdOps<Vector512<float>>
{
    public static Vector512<float> Broadcast(float value) => Vector512.Create(value);
    public static Vector512<float> Add(Vector512<float> left, Vector512<float> right) => left + right;
    public static Vector512<float> Multiply(Vector512<float> left, Vector512<float> right) => left * right;
    public static Vector512<float> MultiplyAdd(Vector512<float> left, Vector512<float> right, Vector512<float> addend)
        => Vector512.MultiplyAddEstimate(left, right, addend);
    public static Vector512<float> Divide(Vector512<float> left, Vector512<float> right) => left / right;
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector512<float> Clamp(Vector512<float> value, Vector512<float> lo, Vector512<float> hi)
        => Vector512.MinNative(hi, Vector512.MaxNative(lo, value));
    public static Vector512<float> Max(Vector512<float> left, Vector512<float> right) => Vector512.Max(left, right);
    public static Vector512<float> Min(Vector512<float> left, Vector512<float> right) => Vector512.Min(left, right);
    public static Vector512<float> Abs(Vector512<float> value) => Vector512.Abs(value);
    public static Vector512<float> Round(Vector512<float> value) => Vector512.Round(value);
    public static Vector512<float> ScaleByPowerOfTwo(Vector512<float> value, Vector512<float> n)
        => (value.AsInt32() + Vector512.ShiftLeft(Vector512.ConvertToInt32(n), 23)).AsSingle();
}

using System;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;

namespace GenLstm.Runtime;

/// <summary>
/// One register width for the generic kernel (<see cref="GenericLayer"/>): loads, stores, multiply-adds (fused where the
/// generated kernels fuse them) and the activations of <see cref="LstmMath"/>. Implemented by value types, so that the JIT
/// specializes each tile per width.
/// </summary>
internal interface IKernelVector<TVector>
    where TVector : struct
{
    /// <summary>Floats per register.</summary>
    static abstract int Count { get; }

    static abstract TVector Load(ref float source, nuint offset);

    static abstract void Store(TVector value, ref float destination, nuint offset);

    static abstract TVector Broadcast(float value);

    /// <summary>left * right + addend: fused where the hardware has FMA on the vector widths, unfused on scalars (as the generated kernels).</summary>
    static abstract TVector MultiplyAdd(TVector left, TVector right, TVector addend);

    static abstract TVector Multiply(TVector left, TVector right);

    static abstract TVector Add(TVector left, TVector right);

    static abstract TVector Subtract(TVector left, TVector right);

    static abstract TVector Sigmoid(TVector x);

    static abstract TVector Tanh(TVector x);

    // The element-wise operations of a cell with variants (CellVariant), as the generated kernels spell each activation.

    static abstract TVector Divide(TVector left, TVector right);

    static abstract TVector Max(TVector left, TVector right);

    static abstract TVector Min(TVector left, TVector right);

    static abstract TVector Abs(TVector x);

    /// <summary>x where x &gt; <paramref name="threshold"/>, else 0 (ONNX's ThresholdedRelu).</summary>
    static abstract TVector AboveOrZero(TVector x, TVector threshold);

    static abstract TVector Elu(TVector x, float alpha);

    static abstract TVector Softplus(TVector x);
}

/// <summary>Vector256: one register holds one gate of a packed block's 8 units.</summary>
internal readonly struct Vector256Kernel : IKernelVector<Vector256<float>>
{
    public static int Count => 8;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector256<float> Load(ref float source, nuint offset) => Vector256.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector256<float> value, ref float destination, nuint offset) => Vector256.StoreUnsafe(value, ref destination, offset);

    public static Vector256<float> Broadcast(float value) => Vector256.Create(value);

    public static Vector256<float> MultiplyAdd(Vector256<float> left, Vector256<float> right, Vector256<float> addend)
        => Vector256.MultiplyAddEstimate(left, right, addend);

    public static Vector256<float> Multiply(Vector256<float> left, Vector256<float> right) => left * right;

    public static Vector256<float> Add(Vector256<float> left, Vector256<float> right) => left + right;

    public static Vector256<float> Subtract(Vector256<float> left, Vector256<float> right) => left - right;

    public static Vector256<float> Sigmoid(Vector256<float> x) => LstmMath.Sigmoid(x);

    public static Vector256<float> Tanh(Vector256<float> x) => LstmMath.Tanh(x);

    public static Vector256<float> Divide(Vector256<float> left, Vector256<float> right) => left / right;

    public static Vector256<float> Max(Vector256<float> left, Vector256<float> right) => Vector256.Max(left, right);

    public static Vector256<float> Min(Vector256<float> left, Vector256<float> right) => Vector256.Min(left, right);

    public static Vector256<float> Abs(Vector256<float> x) => Vector256.Abs(x);

    public static Vector256<float> AboveOrZero(Vector256<float> x, Vector256<float> threshold)
        => Vector256.ConditionalSelect(Vector256.GreaterThan(x, threshold), x, Vector256<float>.Zero);

    public static Vector256<float> Elu(Vector256<float> x, float alpha) => LstmMath.Elu(x, alpha);

    public static Vector256<float> Softplus(Vector256<float> x) => LstmMath.Softplus(x);
}

/// <summary>Vector128: one register holds one gate of 4 of a packed block's 8 units (two registers per gate and block).</summary>
internal readonly struct Vector128Kernel : IKernelVector<Vector128<float>>
{
    public static int Count => 4;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static Vector128<float> Load(ref float source, nuint offset) => Vector128.LoadUnsafe(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(Vector128<float> value, ref float destination, nuint offset) => Vector128.StoreUnsafe(value, ref destination, offset);

    public static Vector128<float> Broadcast(float value) => Vector128.Create(value);

    public static Vector128<float> MultiplyAdd(Vector128<float> left, Vector128<float> right, Vector128<float> addend)
        => Vector128.MultiplyAddEstimate(left, right, addend);

    public static Vector128<float> Multiply(Vector128<float> left, Vector128<float> right) => left * right;

    public static Vector128<float> Add(Vector128<float> left, Vector128<float> right) => left + right;

    public static Vector128<float> Subtract(Vector128<float> left, Vector128<float> right) => left - right;

    public static Vector128<float> Sigmoid(Vector128<float> x) => LstmMath.Sigmoid(x);

    public static Vector128<float> Tanh(Vector128<float> x) => LstmMath.Tanh(x);

    public static Vector128<float> Divide(Vector128<float> left, Vector128<float> right) => left / right;

    public static Vector128<float> Max(Vector128<float> left, Vector128<float> right) => Vector128.Max(left, right);

    public static Vector128<float> Min(Vector128<float> left, Vector128<float> right) => Vector128.Min(left, right);

    public static Vector128<float> Abs(Vector128<float> x) => Vector128.Abs(x);

    public static Vector128<float> AboveOrZero(Vector128<float> x, Vector128<float> threshold)
        => Vector128.ConditionalSelect(Vector128.GreaterThan(x, threshold), x, Vector128<float>.Zero);

    public static Vector128<float> Elu(Vector128<float> x, float alpha) => LstmMath.Elu(x, alpha);

    public static Vector128<float> Softplus(Vector128<float> x) => LstmMath.Softplus(x);
}

/// <summary>
/// No SIMD hardware: one float per "register", multiply-adds unfused and the activations evaluated in double, as the generated
/// scalar path.
/// </summary>
internal readonly struct ScalarKernel : IKernelVector<float>
{
    public static int Count => 1;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static float Load(ref float source, nuint offset) => Unsafe.Add(ref source, offset);

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Store(float value, ref float destination, nuint offset) => Unsafe.Add(ref destination, offset) = value;

    public static float Broadcast(float value) => value;

    public static float MultiplyAdd(float left, float right, float addend) => left * right + addend;

    public static float Multiply(float left, float right) => left * right;

    public static float Add(float left, float right) => left + right;

    public static float Subtract(float left, float right) => left - right;

    public static float Sigmoid(float x) => LstmMath.Sigmoid(x);

    public static float Tanh(float x) => LstmMath.Tanh(x);

    public static float Divide(float left, float right) => left / right;

    public static float Max(float left, float right) => MathF.Max(left, right);

    public static float Min(float left, float right) => MathF.Min(left, right);

    public static float Abs(float x) => MathF.Abs(x);

    public static float AboveOrZero(float x, float threshold) => x > threshold ? x : 0f;

    public static float Elu(float x, float alpha) => LstmMath.Elu(x, alpha);

    public static float Softplus(float x) => LstmMath.Softplus(x);
}

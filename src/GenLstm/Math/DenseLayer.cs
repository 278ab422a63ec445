using System;
using System.Collections.Generic;
using System.Linq;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using GenLstm.CompilerServices;

namespace GenLstm;

/// <summary>
/// The dense output head of a model declared with <see cref="LstmOutputAttribute"/>: y = activation(W x + b), with W
/// [<see cref="Size"/>, <see cref="InputSize"/>] row-major as PyTorch's <c>nn.Linear</c> stores it. Immutable; one layer
/// serves any number of threads.
/// </summary>
public sealed class DenseLayer
{
    private readonly float[] _weight;
    private readonly float[] _bias;

    private DenseLayer(int inputSize, int size, Activation activation, float[] weight, float[] bias)
    {
        InputSize = inputSize;
        Size = size;
        Activation = activation;
        _weight = weight;
        _bias = bias;
    }

    /// <summary>The length of the layer's input.</summary>
    public int InputSize { get; }

    /// <summary>The number of outputs.</summary>
    public int Size { get; }

    /// <summary>The activation applied to W x + b.</summary>
    public Activation Activation { get; }

    /// <summary>W, [<see cref="Size"/>, <see cref="InputSize"/>] row-major.</summary>
    public ReadOnlySpan<float> Weight => _weight;

    /// <summary>b, [<see cref="Size"/>] (zero for a layer without bias).</summary>
    public ReadOnlySpan<float> Bias => _bias;

    /// <summary>Creates the layer from <c>nn.Linear</c>'s tensors. The spans are copied.</summary>
    /// <param name="inputSize">The length of the input (the LSTM's output size).</param>
    /// <param name="size">The number of outputs.</param>
    /// <param name="activation">The activation applied to W x + b.</param>
    /// <param name="weight">W, [size, inputSize] row-major.</param>
    /// <param name="bias">b, [size]; empty for a layer without bias.</param>
    /// <exception cref="ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
    /// <exception cref="ArgumentOutOfRangeException">A size is not positive or the activation is not one a head can have (None, Sigmoid, Tanh, Relu, Softmax).</exception>
    public static DenseLayer FromPyTorch(int inputSize, int size, Activation activation, ReadOnlySpan<float> weight, ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(size, 1);
        RequireHeadActivation(activation);
        LstmArguments.RequireLength(weight.Length, size * inputSize, nameof(weight));
        if (!bias.IsEmpty)
        {
            LstmArguments.RequireLength(bias.Length, size, nameof(bias));
        }
        NonFiniteWeights.Require(weight, inputSize, nameof(weight));
        NonFiniteWeights.Require(bias, 1, nameof(bias));
        return new DenseLayer(inputSize, size, activation, weight.ToArray(), bias.IsEmpty ? new float[size] : bias.ToArray());
    }

    /// <summary>
    /// Finds the head's tensors in a weight file: <c>output.weight</c> [size, inputSize] and <c>output.bias</c> [size],
    /// or else the one <c>&lt;module&gt;.weight</c> of that shape with its <c>&lt;module&gt;.bias</c>. A missing bias is zero.
    /// </summary>
    /// <param name="file">The file.</param>
    /// <param name="inputSize">The length of the input (the LSTM's output size).</param>
    /// <param name="size">The number of outputs.</param>
    /// <param name="activation">The activation applied to W x + b.</param>
    /// <exception cref="WeightFormatException">No tensor or several have the shape, or a tensor is misshaped or not finite.</exception>
    /// <exception cref="ArgumentOutOfRangeException">The activation is not one a head can have.</exception>
    public static DenseLayer Read(WeightFile file, int inputSize, int size, Activation activation)
    {
        ArgumentNullException.ThrowIfNull(file);
        RequireHeadActivation(activation);
        // The rule the generator checks [BakedWeights] files by.
        const string canonical = Contract.DenseHeadRule.Weight;
        List<WeightTensor> candidates = Contract.DenseHeadRule.Candidates(file.Tensors, t => t.Name, t => t.Shape, size, inputSize);
        WeightTensor? chosen = Contract.DenseHeadRule.Choose(candidates, t => t.Name);
        if (chosen is null)
        {
            string problem = candidates.Count == 0
                ? $"the output head [OutputHead({size})] needs a weight of shape [{size}, {inputSize}] ('{canonical}', or one '<module>.weight' as nn.Linear({inputSize}, {size}) writes); "
                    + $"2-D tensors present: {string.Join(", ", file.Tensors.Where(t => t.Shape.Count == 2).Take(12).Select(t => $"'{t.Name}' {t.ShapeText}"))}."
                : $"several tensors could be the output head's weight ({string.Join(", ", candidates.Select(t => $"'{t.Name}'"))}); name it '{canonical}'.";
            throw new WeightFormatException(file.SourceName, canonical, problem);
        }

        string biasName = Contract.DenseHeadRule.BiasOf(chosen.Name);
        float[] weight = NonFiniteWeights.ReadFloat32(file, chosen.Name, size, inputSize);
        float[] bias = file.Tensors.Any(t => t.Name == biasName) ? NonFiniteWeights.ReadFloat32(file, biasName, size) : new float[size];
        return new DenseLayer(inputSize, size, activation, weight, bias);
    }

    /// <summary>Computes y = activation(W x + b). Allocates nothing.</summary>
    /// <param name="input">x, length <see cref="InputSize"/>.</param>
    /// <param name="output">Receives y, length <see cref="Size"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Apply(ReadOnlySpan<float> input, Span<float> output)
    {
        LstmArguments.RequireLength(input.Length, InputSize, nameof(input));
        LstmArguments.RequireLength(output.Length, Size, nameof(output));
        ReadOnlySpan<float> weight = _weight;
        for (int row = 0; row < Size; row++)
        {
            output[row] = _bias[row] + Dot(weight.Slice(row * InputSize, InputSize), input);
        }
        switch (Activation)
        {
            case Activation.Sigmoid:
                foreach (ref float y in output)
                {
                    y = LstmMath.Sigmoid(y);
                }
                break;
            case Activation.Tanh:
                foreach (ref float y in output)
                {
                    y = LstmMath.Tanh(y);
                }
                break;
            case Activation.Relu:
                foreach (ref float y in output)
                {
                    y = MathF.Max(y, 0);
                }
                break;
            case Activation.Softmax:
                Softmax(output);
                break;
        }
    }

    /// <summary>Σ a_k b_k over equal lengths: vectors of <see cref="Vector{T}"/>'s width, then the remainder.</summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    internal static float Dot(ReadOnlySpan<float> a, ReadOnlySpan<float> b)
    {
        ref float left = ref MemoryMarshal.GetReference(a);
        ref float right = ref MemoryMarshal.GetReference(b);
        var sum = Vector<float>.Zero;
        nuint k = 0, length = (nuint)a.Length;
        for (; k + (nuint)Vector<float>.Count <= length; k += (nuint)Vector<float>.Count)
        {
            sum += Vector.LoadUnsafe(ref left, k) * Vector.LoadUnsafe(ref right, k);
        }
        float total = Vector.Sum(sum);
        for (; k < length; k++)
        {
            total += Unsafe.Add(ref left, k) * Unsafe.Add(ref right, k);
        }
        return total;
    }

    private static void Softmax(Span<float> values)
    {
        float max = float.NegativeInfinity;
        foreach (float v in values)
        {
            max = MathF.Max(max, v);
        }
        float sum = 0;
        foreach (ref float v in values)
        {
            v = MathF.Exp(v - max);
            sum += v;
        }
        foreach (ref float v in values)
        {
            v /= sum;
        }
    }

    private static void RequireHeadActivation(Activation activation)
    {
        if (activation is not (Activation.None or Activation.Sigmoid or Activation.Tanh or Activation.Relu or Activation.Softmax))
        {
            throw new ArgumentOutOfRangeException(nameof(activation), activation, "A dense layer's activation is None, Sigmoid, Tanh, Relu or Softmax.");
        }
    }
}

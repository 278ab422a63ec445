using System;
using System.ComponentModel;
using System.Runtime.CompilerServices;

namespace GenLstm.CompilerServices;

/// <summary>
/// The weights of the gates an <see cref="LstmGateAttribute"/> adds, and their preactivations for one step: for gate e and
/// unit u, z = b + W x + U h. The generated step computes them first and applies the activations in its register tiles.
/// Immutable; one instance serves any number of threads.
/// </summary>
[EditorBrowsable(EditorBrowsableState.Never)]
public sealed class LstmExtraGates
{
    private readonly float[] _weightIh, _weightHh, _bias;

    private LstmExtraGates(int gateCount, int inputSize, int hiddenSize, int recurrentSize, int paddedHiddenSize, float[] weightIh, float[] weightHh, float[] bias)
    {
        GateCount = gateCount;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
        RecurrentSize = recurrentSize;
        PaddedHiddenSize = paddedHiddenSize;
        _weightIh = weightIh;
        _weightHh = weightHh;
        _bias = bias;
    }

    /// <summary>The number of added gates.</summary>
    public int GateCount { get; }

    /// <summary>I.</summary>
    public int InputSize { get; }

    /// <summary>H.</summary>
    public int HiddenSize { get; }

    /// <summary>The length of the recurrent input: P with a projection, else H.</summary>
    public int RecurrentSize { get; }

    /// <summary>H padded to whole blocks: the stride of one gate's preactivations in <see cref="Compute"/>'s destination.</summary>
    public int PaddedHiddenSize { get; }

    /// <summary>Creates the gates from their tensors, the gates one after another in declaration order. The spans are copied.</summary>
    /// <param name="gateCount">The number of added gates.</param>
    /// <param name="inputSize">I.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="recurrentSize">P with a projection, else H.</param>
    /// <param name="paddedHiddenSize">H padded to whole blocks (a multiple of 8).</param>
    /// <param name="weightIh">Every gate's <c>weight_ih_{name}</c>, [gateCount · H, I].</param>
    /// <param name="weightHh">Every gate's <c>weight_hh_{name}</c>, [gateCount · H, R].</param>
    /// <param name="bias">Every gate's <c>bias_{name}</c>, [gateCount · H].</param>
    /// <exception cref="ArgumentException">A span has the wrong length or holds a NaN or infinity.</exception>
    public static LstmExtraGates FromPyTorch(int gateCount, int inputSize, int hiddenSize, int recurrentSize, int paddedHiddenSize,
        ReadOnlySpan<float> weightIh, ReadOnlySpan<float> weightHh, ReadOnlySpan<float> bias)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(gateCount, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(paddedHiddenSize, hiddenSize);
        int rows = gateCount * hiddenSize;
        LstmArguments.RequireLength(weightIh.Length, rows * inputSize, nameof(weightIh));
        LstmArguments.RequireLength(weightHh.Length, rows * recurrentSize, nameof(weightHh));
        LstmArguments.RequireLength(bias.Length, rows, nameof(bias));
        NonFiniteWeights.Require(weightIh, inputSize, nameof(weightIh));
        NonFiniteWeights.Require(weightHh, recurrentSize, nameof(weightHh));
        NonFiniteWeights.Require(bias, 1, nameof(bias));
        return new LstmExtraGates(gateCount, inputSize, hiddenSize, recurrentSize, paddedHiddenSize, weightIh.ToArray(), weightHh.ToArray(), bias.ToArray());
    }

    /// <summary>Writes every added gate's z = b + W x + U h: gate e, unit u at e · PaddedHiddenSize + u. Allocates nothing.</summary>
    /// <param name="input">x_t, length I.</param>
    /// <param name="hidden">h_{t-1}, length R.</param>
    /// <param name="preactivations">GateCount · PaddedHiddenSize values; the padding is left as it is.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Compute(ReadOnlySpan<float> input, ReadOnlySpan<float> hidden, Span<float> preactivations)
    {
        LstmArguments.RequireLength(input.Length, InputSize, nameof(input));
        LstmArguments.RequireLength(hidden.Length, RecurrentSize, nameof(hidden));
        LstmArguments.RequireLength(preactivations.Length, GateCount * PaddedHiddenSize, nameof(preactivations));
        ReadOnlySpan<float> weightIh = _weightIh, weightHh = _weightHh;
        for (int gate = 0; gate < GateCount; gate++)
        {
            for (int unit = 0; unit < HiddenSize; unit++)
            {
                int row = gate * HiddenSize + unit;
                preactivations[gate * PaddedHiddenSize + unit] = _bias[row]
                    + DenseLayer.Dot(weightIh.Slice(row * InputSize, InputSize), input)
                    + DenseLayer.Dot(weightHh.Slice(row * RecurrentSize, RecurrentSize), hidden);
            }
        }
    }
}

using System;

namespace GenLstm;

/// <summary>
/// The tensors of one ONNX <c>LSTM</c> node (one layer, one or two directions): <c>W</c> [D, 4H, I], <c>R</c> [D, 4H, H],
/// optionally <c>B</c> [D, 8H] and <c>P</c> [D, 3H], in ONNX's gate order i, o, f, c. The generated <c>FromOnnx</c>
/// converts them to PyTorch's order i, f, g, o with <see cref="ToPyTorch"/>.
/// </summary>
/// <param name="w">W, [D, 4H, I] row-major.</param>
/// <param name="r">R, [D, 4H, H] row-major.</param>
/// <param name="b">B, [D, 8H]: the input biases (4H), then the recurrent biases (4H), per direction; null or empty for zero.</param>
/// <param name="p">P, [D, 3H]: the peephole weights in the order i, o, f, per direction; null or empty for none.</param>
public sealed class OnnxLstmTensors(float[] w, float[] r, float[]? b = null, float[]? p = null)
{
    /// <summary>ONNX's gate order i, o, f, c, as the index of each PyTorch gate i, f, g, o.</summary>
    private static readonly int[] OnnxGateOfPyTorchGate = [0, 2, 3, 1];

    /// <summary>W, [D, 4H, I].</summary>
    public float[] W { get; } = w ?? throw new ArgumentNullException(nameof(w));

    /// <summary>R, [D, 4H, H].</summary>
    public float[] R { get; } = r ?? throw new ArgumentNullException(nameof(r));

    /// <summary>B, [D, 8H], or null.</summary>
    public float[]? B { get; } = b is { Length: > 0 } ? b : null;

    /// <summary>P, [D, 3H] (i, o, f), or null.</summary>
    public float[]? P { get; } = p is { Length: > 0 } ? p : null;

    /// <summary>
    /// The node's directions as PyTorch tensors (forward first), gates reordered to i, f, g, o, B split into the two biases,
    /// and P reordered to the peepholes p_i, p_f, p_o.
    /// </summary>
    /// <param name="inputSize">I of this layer.</param>
    /// <param name="hiddenSize">H.</param>
    /// <param name="directions">D: 1, or 2 for a bidirectional node.</param>
    /// <param name="inputForget">
    /// The node has <c>input_forget = 1</c>. ONNX Runtime then computes f = 1 − i, while GenLstm's
    /// <c>CoupledInputForget</c> (TFLite's CIFG) computes i = 1 − f. With a sigmoid gate, 1 − σ(z) = σ(−z), so the forget
    /// gate's weights, biases and peephole become the input gate's negated, which makes the two agree exactly.
    /// </param>
    /// <exception cref="ArgumentException">A tensor's length is not the ONNX shape for these sizes; the message names it and gives the shape.</exception>
    public PyTorchLstmTensors[] ToPyTorch(int inputSize, int hiddenSize, int directions, bool inputForget = false)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(inputSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(hiddenSize, 1);
        ArgumentOutOfRangeException.ThrowIfLessThan(directions, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(directions, 2);
        int gateRows = 4 * hiddenSize;
        Require(W, directions * gateRows * inputSize, $"[{directions}, {gateRows}, {inputSize}]", "W");
        Require(R, directions * gateRows * hiddenSize, $"[{directions}, {gateRows}, {hiddenSize}]", "R");
        if (B is not null)
        {
            Require(B, directions * 2 * gateRows, $"[{directions}, {2 * gateRows}]", "B");
        }
        if (P is not null)
        {
            Require(P, directions * 3 * hiddenSize, $"[{directions}, {3 * hiddenSize}]", "P");
        }

        var layers = new PyTorchLstmTensors[directions];
        for (int d = 0; d < directions; d++)
        {
            float[]? peepholes = null;
            if (P is not null)
            {
                // ONNX's P is i, o, f; PyTorchLstmTensors.Peepholes is i, f, o.
                ReadOnlySpan<float> source = P.AsSpan(d * 3 * hiddenSize, 3 * hiddenSize);
                peepholes = [.. source[..hiddenSize], .. source[(2 * hiddenSize)..], .. source.Slice(hiddenSize, hiddenSize)];
            }
            float[] weightIh = Reorder(W.AsSpan(d * gateRows * inputSize, gateRows * inputSize), hiddenSize, inputSize);
            float[] weightHh = Reorder(R.AsSpan(d * gateRows * hiddenSize, gateRows * hiddenSize), hiddenSize, hiddenSize);
            float[] biasIh = B is null ? new float[gateRows] : Reorder(B.AsSpan(d * 2 * gateRows, gateRows), hiddenSize, 1);
            float[] biasHh = B is null ? new float[gateRows] : Reorder(B.AsSpan(d * 2 * gateRows + gateRows, gateRows), hiddenSize, 1);
            if (inputForget)
            {
                // PyTorch's gate 1 (f) := −gate 0 (i); the peepholes are i, f, o, so p_f := −p_i likewise.
                NegateInto(weightIh, hiddenSize * inputSize);
                NegateInto(weightHh, hiddenSize * hiddenSize);
                NegateInto(biasIh, hiddenSize);
                NegateInto(biasHh, hiddenSize);
                if (peepholes is not null)
                {
                    NegateInto(peepholes, hiddenSize);
                }
            }
            layers[d] = new PyTorchLstmTensors(weightIh, weightHh, biasIh, biasHh, weightHr: null, peepholes, layerNorm: null, extraGates: null);
        }
        return layers;
    }

    /// <summary>[4H, columns] from ONNX's gate blocks i, o, f, c to PyTorch's i, f, g, o.</summary>
    private static float[] Reorder(ReadOnlySpan<float> onnx, int hiddenSize, int columns)
        => Formats.GateBlocks.Reorder(onnx, OnnxGateOfPyTorchGate, hiddenSize, columns);

    /// <summary>The second block of <paramref name="block"/> values becomes the first, negated.</summary>
    private static void NegateInto(float[] values, int block)
    {
        for (int k = 0; k < block; k++)
        {
            values[block + k] = -values[k];
        }
    }

    /// <summary>Checks an ONNX tensor's length against its shape; the exception names the tensor (also for <c>GRU</c> nodes).</summary>
    internal static void Require(float[] values, int expected, string shape, string name)
    {
        if (values.Length != expected)
        {
            throw new ArgumentException($"ONNX tensor {name} must have shape {shape} ({expected} values), got {values.Length} values.", name.ToLowerInvariant());
        }
    }
}

using System;
using System.Linq;
using Xunit;

namespace GenLstm.Tests;

/// <summary>The packing stage alone: PyTorch's tensors in, the documented gate-interleaved 8-unit-block layout out.</summary>
public sealed class PackedLstmWeightsTests
{
    [Fact]
    public void Every_weight_lands_where_the_layout_says()
    {
        const int inputSize = 3, hiddenSize = 11; // two blocks, the second with 5 padded units
        // Encode each source element's identity in its value: gate, unit, column.
        float Value(int gate, int unit, int column) => gate * 10_000 + unit * 100 + column + 1;
        var (weightIh, weightHh, biasIh, biasHh) = IdentifiedTensors(inputSize, hiddenSize, Value, biasHhShare: 0.25f);

        var packed = PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);

        Assert.Equal(16, packed.PaddedHiddenSize);
        Assert.Equal((1 + inputSize + hiddenSize) * 32, packed.BlockStride);
        Assert.Equal(2 * packed.BlockStride, packed.Length);
        ReadOnlySpan<float> data = packed.Span;
        for (int unit = 0; unit < 16; unit++)
        {
            for (int gate = 0; gate < 4; gate++)
            {
                for (int row = 0; row <= inputSize + hiddenSize; row++)
                {
                    float actual = data[unit / 8 * packed.BlockStride + row * 32 + gate * 8 + unit % 8];
                    float expected = unit < hiddenSize ? Value(gate, unit, row - 1) : 0f; // row 0 is the summed bias
                    Assert.Equal(expected, actual);
                }
            }
        }
    }

    [Theory]
    [InlineData(1, 1)]
    [InlineData(5, 24)]
    [InlineData(37, 61)]
    public unsafe void The_packed_data_is_64_byte_aligned(int inputSize, int hiddenSize)
    {
        SafeTensorsWriter.RandomLstm(inputSize, hiddenSize, seed: 12, out var w);

        // Several allocations, so an aligned start is not luck of one allocation.
        foreach (var packed in Enumerable.Range(0, 8).Select(_ => PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh)))
        {
            fixed (float* start = packed.Span)
            {
                Assert.Equal(0u, (nuint)start % 64);
            }
        }
    }

    [Fact]
    public void BFloat16_words_pair_gates_i_f_and_g_o_of_each_unit()
    {
        const int inputSize = 2, hiddenSize = 11;
        // Values with at most 8 significant bits, so bfloat16 holds them exactly and each identifies its source.
        float Value(int gate, int unit, int column) => (gate + 1 + 4 * unit) * MathF.ScaleB(1, column + 1);
        var (weightIh, weightHh, biasIh, biasHh) = IdentifiedTensors(inputSize, hiddenSize, Value, biasHhShare: 0f);

        var packed = PackedBFloat16LstmWeights.FromPyTorch(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);

        Assert.Equal((1 + inputSize + hiddenSize) * 16, packed.BlockStride);
        Assert.Equal(2 * packed.BlockStride, packed.Length);
        float High(uint word) => BitConverter.UInt32BitsToSingle(word & 0xFFFF0000u);
        float Low(uint word) => BitConverter.UInt32BitsToSingle(word << 16);
        for (int unit = 0; unit < 16; unit++)
        {
            for (int row = 0; row <= inputSize + hiddenSize; row++)
            {
                int word = unit / 8 * packed.BlockStride + row * 16 + unit % 8;
                float Expected(int gate) => unit < hiddenSize ? Value(gate, unit, row - 1) : 0f;
                Assert.Equal(Expected(0), High(packed.Span[word]));
                Assert.Equal(Expected(1), Low(packed.Span[word]));
                Assert.Equal(Expected(2), High(packed.Span[word + 8]));
                Assert.Equal(Expected(3), Low(packed.Span[word + 8]));
            }
        }
    }

    [Fact]
    public void BFloat16_rounding_is_to_nearest_with_ties_to_even_and_refuses_overflow()
    {
        Assert.Equal(0x3F80, PackedBFloat16LstmWeights.RoundToBFloat16(1f));
        Assert.Equal(0x3F80, PackedBFloat16LstmWeights.RoundToBFloat16(1f + MathF.ScaleB(1, -8)));      // tie: to the even 0x3F80
        Assert.Equal(0x3F82, PackedBFloat16LstmWeights.RoundToBFloat16(1f + 3 * MathF.ScaleB(1, -8)));  // tie: to the even 0x3F82
        Assert.Equal(0x3F81, PackedBFloat16LstmWeights.RoundToBFloat16(1f + MathF.ScaleB(1, -8) + MathF.ScaleB(1, -20)));
        Assert.Equal(0xBF80, PackedBFloat16LstmWeights.RoundToBFloat16(-1f));
        Assert.Throws<ArgumentException>(() => PackedBFloat16LstmWeights.RoundToBFloat16(float.MaxValue));
        Assert.Throws<ArgumentException>(() => PackedBFloat16LstmWeights.RoundToBFloat16(float.NaN));
    }

    /// <summary>
    /// PyTorch's four tensors with every element set to <paramref name="value"/>(gate, unit, column), column −1 being the
    /// summed bias (split as value − share in bias_ih and share in bias_hh), columns 0 … I−1 W's and I … I+H−1 U's.
    /// </summary>
    private static (float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh) IdentifiedTensors(
        int inputSize, int hiddenSize, Func<int, int, int, float> value, float biasHhShare)
    {
        float[] weightIh = new float[4 * hiddenSize * inputSize], weightHh = new float[4 * hiddenSize * hiddenSize];
        float[] biasIh = new float[4 * hiddenSize], biasHh = new float[4 * hiddenSize];
        for (int gate = 0; gate < 4; gate++)
        {
            for (int unit = 0; unit < hiddenSize; unit++)
            {
                int row = gate * hiddenSize + unit;
                for (int k = 0; k < inputSize; k++)
                {
                    weightIh[row * inputSize + k] = value(gate, unit, k);
                }
                for (int k = 0; k < hiddenSize; k++)
                {
                    weightHh[row * hiddenSize + k] = value(gate, unit, inputSize + k);
                }
                biasIh[row] = value(gate, unit, -1) - biasHhShare;
                biasHh[row] = biasHhShare;
            }
        }
        return (weightIh, weightHh, biasIh, biasHh);
    }

    [Fact]
    public void A_GRUs_weights_land_in_rows_of_r_z_n_with_the_hidden_bias_of_n_last()
    {
        const int inputSize = 2, hiddenSize = 9; // two blocks, the second with 7 padded units
        float[] weightIh = Values(3 * hiddenSize * inputSize, 1000), weightHh = Values(3 * hiddenSize * hiddenSize, 2000);
        float[] biasIh = Values(3 * hiddenSize, 3000), biasHh = Values(3 * hiddenSize, 4000);
        PackedLstmWeights packed = PackedLstmWeights.FromPyTorchGru(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh);

        const int rowLength = PackedLstmWeights.GruRowLength;
        Assert.Equal(24, rowLength);
        Assert.Equal(rowLength, packed.PackedRowLength);
        Assert.Equal((1 + inputSize + hiddenSize + 1) * rowLength, packed.BlockStride);
        ReadOnlySpan<float> span = packed.Span;
        for (int unit = 0; unit < hiddenSize; unit++)
        {
            int start = unit / 8 * packed.BlockStride + unit % 8;
            for (int gate = 0; gate < 3; gate++)
            {
                int row = gate * hiddenSize + unit, slot = start + gate * 8;
                Assert.Equal(gate == 2 ? biasIh[row] : biasIh[row] + biasHh[row], span[slot]);
                for (int k = 0; k < inputSize; k++)
                {
                    Assert.Equal(weightIh[row * inputSize + k], span[slot + (1 + k) * rowLength]);
                }
                for (int k = 0; k < hiddenSize; k++)
                {
                    Assert.Equal(weightHh[row * hiddenSize + k], span[slot + (1 + inputSize + k) * rowLength]);
                }
            }
            // The last row holds b_hn in slot n only.
            int last = start + (1 + inputSize + hiddenSize) * rowLength;
            Assert.Equal([0f, 0f, biasHh[2 * hiddenSize + unit]], [span[last], span[last + 8], span[last + 16]]);
        }

        // Reset before: both biases of n in row 0, nothing in the last row.
        PackedLstmWeights before = PackedLstmWeights.FromPyTorchGru(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh, resetAfter: false);
        Assert.Equal(biasIh[2 * hiddenSize] + biasHh[2 * hiddenSize], before.Span[16]);
        Assert.Equal(0f, before.Span[(1 + inputSize + hiddenSize) * rowLength + 16]);

        // bfloat16 pairs an LSTM's four slots: it refuses a GRU's three and packs its own.
        Assert.Throws<ArgumentException>("weights", () => PackedBFloat16LstmWeights.From(packed));
        Assert.Equal(PackedLstmWeights.RowLength / 2 * (1 + inputSize + hiddenSize), PackedBFloat16LstmWeights.FromPyTorchGru(inputSize, hiddenSize, weightIh, weightHh, biasIh, biasHh).BlockStride);

        static float[] Values(int count, float offset) => [.. Enumerable.Range(0, count).Select(i => offset + i)];
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;

namespace GenLstm.Tests;

/// <summary>Writes small safetensors files for tests, including deliberately broken headers.</summary>
internal sealed class SafeTensorsWriter
{
    private readonly List<(string Name, string DType, long[] Shape, byte[] Data)> _tensors = [];

    public SafeTensorsWriter Add(string name, float[] values, params long[] shape)
    {
        var data = new byte[values.Length * 4];
        Buffer.BlockCopy(values, 0, data, 0, data.Length);
        _tensors.Add((name, "F32", shape.Length == 0 ? [values.Length] : shape, data));
        return this;
    }

    public SafeTensorsWriter AddRaw(string name, string dtype, long[] shape, byte[] data)
    {
        _tensors.Add((name, dtype, shape, data));
        return this;
    }

    /// <summary>The header JSON this writer produces (tests edit it to make broken files).</summary>
    public string Header()
    {
        long offset = 0;
        var entries = new List<string>();
        foreach (var (name, dtype, shape, data) in _tensors)
        {
            entries.Add($"\"{name}\":{{\"dtype\":\"{dtype}\",\"shape\":[{string.Join(",", shape)}],\"data_offsets\":[{offset},{offset + data.Length}]}}");
            offset += data.Length;
        }
        return "{" + string.Join(",", entries) + "}";
    }

    public byte[] ToBytes(string? header = null)
    {
        byte[] json = Encoding.UTF8.GetBytes(header ?? Header());
        using var stream = new MemoryStream();
        stream.Write(BitConverter.GetBytes((ulong)json.Length));
        stream.Write(json);
        foreach (var tensor in _tensors)
        {
            stream.Write(tensor.Data);
        }
        return stream.ToArray();
    }

    public SafeTensorsFile ToFile(string sourceName = "test.safetensors") => SafeTensorsFile.Parse(ToBytes(), sourceName);

    /// <summary>A writer holding a random PyTorch LSTM state dict, with matrices scaled so that gates saturate.</summary>
    public static SafeTensorsWriter RandomLstm(int inputSize, int hiddenSize, int seed, out PyTorchWeights weights, string prefix = "")
    {
        var random = new Random(seed);
        float[] Uniform(int count, double bound) => Enumerable.Range(0, count).Select(_ => (float)((random.NextDouble() * 2 - 1) * bound)).ToArray();
        weights = new PyTorchWeights(
            Uniform(4 * hiddenSize * inputSize, 2.5 / Math.Sqrt(inputSize)),
            Uniform(4 * hiddenSize * hiddenSize, 2.5 / Math.Sqrt(hiddenSize)),
            Uniform(4 * hiddenSize, 1),
            Uniform(4 * hiddenSize, 1));
        return new SafeTensorsWriter()
            .Add(prefix + "weight_ih_l0", weights.WeightIh, 4 * hiddenSize, inputSize)
            .Add(prefix + "weight_hh_l0", weights.WeightHh, 4 * hiddenSize, hiddenSize)
            .Add(prefix + "bias_ih_l0", weights.BiasIh)
            .Add(prefix + "bias_hh_l0", weights.BiasHh);
    }

    internal sealed record PyTorchWeights(float[] WeightIh, float[] WeightHh, float[] BiasIh, float[] BiasHh)
    {
        public ReferenceLstm Reference(int inputSize, int hiddenSize) => new(inputSize, hiddenSize, WeightIh, WeightHh, BiasIh, BiasHh);
    }
}

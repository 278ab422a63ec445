using System;
using System.Buffers.Binary;
using System.IO;
using System.Text;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// Reading safetensors: PyTorch's names with and without a module prefix, dtype conversion, and every way a file can be
/// broken, each of which must throw a <see cref="WeightFormatException"/> naming the file and tensor — never an
/// index error, a crash, or a huge allocation because a header lies.
/// </summary>
public sealed class SafeTensorsTests
{
    private const string Source = "model.safetensors";

    [Theory]
    [InlineData("")]
    [InlineData("lstm.")]
    [InlineData("rec.")]
    public void Load_finds_the_LSTM_under_any_single_module_prefix(string prefix)
    {
        byte[] bytes = SafeTensorsWriter.RandomLstm(5, 24, seed: 4, out var w, prefix)
            .Add("lin.weight", new float[24], 1, 24)
            .ToBytes();

        Lstm5x24 loaded = Lstm5x24.Load(new MemoryStream(bytes));
        Lstm5x24 direct = Lstm5x24.FromPyTorch(w.WeightIh, w.WeightHh, w.BiasIh, w.BiasHh);

        Assert.Equal(Run(direct), Run(loaded));
    }

    [Fact]
    public void Load_from_a_path_gives_the_same_model_as_from_a_stream()
    {
        byte[] bytes = SafeTensorsWriter.RandomLstm(5, 24, seed: 5, out _).ToBytes();
        string path = Path.Combine(Path.GetTempPath(), $"genlstm-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, bytes);
        try
        {
            Assert.Equal(Run(Lstm5x24.Load(new MemoryStream(bytes))), Run(Lstm5x24.Load(path)));
        }
        finally
        {
            File.Delete(path);
        }
    }

    [Fact]
    public void Half_precision_and_float64_tensors_are_converted()
    {
        var file = new SafeTensorsWriter()
            .AddRaw("h", "F16", [2], [.. BitConverter.GetBytes((Half)1.5f), .. BitConverter.GetBytes((Half)(-2f))])
            .AddRaw("b", "BF16", [1], BitConverter.GetBytes((ushort)(BitConverter.SingleToInt32Bits(3.25f) >> 16)))
            .AddRaw("d", "F64", [1], BitConverter.GetBytes(0.1))
            .ToFile();

        Assert.Equal([1.5f, -2f], file.ReadFloat32("h"));
        Assert.Equal([3.25f], file.ReadFloat32("b"));
        Assert.Equal([0.1], file.ReadFloat64("d"));
        Assert.Equal([0.1f], file.ReadFloat32("d"));
    }

    public static TheoryData<string, Func<byte[]>, string?, string> BrokenFiles => new()
    {
        { "empty file", () => [], null, "too short" },
        { "truncated data", () => Valid()[..^10], "bias_hh_l0", "outside" },
        { "header longer than the file", () => WithHeaderLength(Valid(), 1_000_000), null, "truncated" },
        { "header length near 2^64", () => WithHeaderLength(Valid(), ulong.MaxValue - 3), null, "truncated" },
        { "header not JSON", () => new SafeTensorsWriter().ToBytes("{\"weight_ih_l0\": [oops"), null, "not valid JSON" },
        { "header not an object", () => new SafeTensorsWriter().ToBytes("[1, 2]"), null, "JSON object" },
        { "unknown dtype", () => Edit(h => h.Replace("\"F32\"", "\"Q7\"")), "weight_ih_l0", "unknown dtype" },
        { "negative dimension", () => Edit(h => h.Replace("[96,5]", "[-96,5]")), "weight_ih_l0", "non-negative" },
        { "shape and byte range disagree", () => Edit(h => h.Replace("[96,5]", "[96,6]")), "weight_ih_l0", "bytes" },
        { "offsets past the data", () => Edit(h => h.Replace("[0,1920]", "[0,99999999]")), "weight_ih_l0", "outside" },
        { "offsets reversed", () => Edit(h => h.Replace("[0,1920]", "[1920,0]")), "weight_ih_l0", "outside" },
        { "missing tensor", () => Edit(h => h.Replace("bias_hh_l0", "bias_xx_l0")), "bias_hh_l0", "no such tensor" },
        { "wrong shape", () => WithTensor("weight_hh_l0", 96, 23), "weight_hh_l0", "expected shape [96, 24], found [96, 23]" },
        { "wrong dtype", () => Edit(h => h.Replace("\"dtype\":\"F32\",\"shape\":[96]", "\"dtype\":\"I32\",\"shape\":[96]")), "bias_ih_l0", "dtype I32" },
        { "a second layer", () => Extra("weight_ih_l1", 96, 24), "weight_ih_l1", "layer" },
        { "a reverse direction", () => Extra("weight_hh_l0_reverse", 96, 24), "weight_hh_l0_reverse", "direction" },
        { "a projection", () => Extra("weight_hr_l0", 12, 24), "weight_hr_l0", "projection" },
        { "no LSTM at all", () => new SafeTensorsWriter().Add("lin.weight", new float[4]).ToBytes(), "weight_ih_l0", "no PyTorch LSTM tensors" },
        { "two LSTMs", () => SafeTensorsWriter.RandomLstm(5, 24, 1, out _, "a.").Add("b.weight_ih_l0", new float[480], 96, 5).ToBytes(), "weight_ih_l0", "several LSTMs" },
    };

    [Theory]
    [MemberData(nameof(BrokenFiles))]
    public void A_broken_file_throws_naming_the_file_and_tensor(string what, Func<byte[]> makeFile, string? tensor, string expected)
    {
        byte[] bytes = makeFile();

        var error = Assert.Throws<WeightFormatException>(() => Lstm5x24.FromSafeTensors(SafeTensorsFile.Parse(bytes, Source)));

        Assert.True(error.Message.StartsWith(Source + ":", StringComparison.Ordinal), $"{what}: {error.Message}");
        Assert.Equal(tensor, error.TensorName);
        Assert.Contains(expected, error.Message);
    }

    [Fact]
    public void Non_finite_weights_in_a_file_are_reported_with_tensor_and_index()
    {
        SafeTensorsWriter.RandomLstm(5, 24, seed: 6, out var w);
        w.BiasHh[17] = float.NaN;
        byte[] bytes = new SafeTensorsWriter()
            .Add("weight_ih_l0", w.WeightIh, 96, 5).Add("weight_hh_l0", w.WeightHh, 96, 24)
            .Add("bias_ih_l0", w.BiasIh).Add("bias_hh_l0", w.BiasHh).ToBytes();

        var error = Assert.Throws<WeightFormatException>(() => Lstm5x24.FromSafeTensors(SafeTensorsFile.Parse(bytes, Source)));

        Assert.Equal("bias_hh_l0", error.TensorName);
        Assert.Contains("[17] is NaN", error.Message);
    }

    [Fact]
    public void Open_reports_the_path_of_a_broken_file()
    {
        string path = Path.Combine(Path.GetTempPath(), $"genlstm-{Guid.NewGuid():N}.safetensors");
        File.WriteAllBytes(path, Valid()[..100]);
        try
        {
            var error = Assert.Throws<WeightFormatException>(() => Lstm5x24.Load(path));
            Assert.Equal(path, error.SourceName);
            Assert.StartsWith(path, error.Message);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static float[] Run(Lstm5x24 model)
    {
        var state = new Lstm5x24.State();
        var output = new float[Lstm5x24.OutputSize];
        for (int t = 0; t < 10; t++)
        {
            model.Step([t, 1, -1, 0.5f, 2], ref state, output);
        }
        return output;
    }

    private static byte[] Valid() => SafeTensorsWriter.RandomLstm(5, 24, seed: 9, out _).ToBytes();

    private static byte[] Edit(Func<string, string> editHeader)
    {
        SafeTensorsWriter writer = SafeTensorsWriter.RandomLstm(5, 24, seed: 9, out _);
        return writer.ToBytes(editHeader(writer.Header()));
    }

    private static byte[] WithTensor(string name, long rows, long columns)
    {
        SafeTensorsWriter.RandomLstm(5, 24, seed: 9, out var w);
        var writer = new SafeTensorsWriter();
        foreach (var (tensor, values, shape) in new[]
        {
            ("weight_ih_l0", w.WeightIh, new long[] { 96, 5 }), ("weight_hh_l0", w.WeightHh, new long[] { 96, 24 }),
            ("bias_ih_l0", w.BiasIh, new long[] { 96 }), ("bias_hh_l0", w.BiasHh, new long[] { 96 }),
        })
        {
            if (tensor == name)
            {
                writer.Add(tensor, new float[rows * columns], rows, columns);
            }
            else
            {
                writer.Add(tensor, values, shape);
            }
        }
        return writer.ToBytes();
    }

    private static byte[] Extra(string name, long rows, long columns)
        => SafeTensorsWriter.RandomLstm(5, 24, seed: 9, out _).Add(name, new float[rows * columns], rows, columns).ToBytes();

    private static byte[] WithHeaderLength(byte[] file, ulong length)
    {
        byte[] copy = (byte[])file.Clone();
        BinaryPrimitives.WriteUInt64LittleEndian(copy, length);
        return copy;
    }
}

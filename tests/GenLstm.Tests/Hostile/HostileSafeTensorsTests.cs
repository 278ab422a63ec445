using System;
using System.Linq;
using System.Text;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>Hostile safetensors files, written in memory; each must be refused within the <see cref="HostileFile"/> contract.</summary>
public sealed class HostileSafeTensorsTests
{
    private static void AssertParseRefused(string name, byte[] bytes)
        => AssertRefused(name, bytes.Length, () => WeightFile.Parse(bytes, name));

    private static void AssertHeaderRefused(string name, byte[] bytes)
        => AssertRefused(name, bytes.Length, () => SafeTensorsFile.Parse(bytes, name));

    /// <summary>An 8 MiB file whose 128 tensors all claim the same 8 MiB: reading each as floats would allocate 1 GiB.</summary>
    private static byte[] SharedRange()
    {
        const int bytes = 8 << 20;
        string header = "{" + string.Join(",", Enumerable.Range(0, 128).Select(i => Entry($"t{i}", "F32", $"[{bytes / 4}]", 0, bytes))) + "}";
        return SafeTensors(header, new byte[bytes]);
    }

    // ---- overlapping and shared data ranges ----

    [Fact]
    public void Shared_range_128_tensors_over_the_same_8MiB_WeightFile()
        => AssertParseRefused("shared_range.safetensors", SharedRange());

    [Fact]
    public void Shared_range_128_tensors_over_the_same_8MiB_SafeTensorsFile()
        => AssertHeaderRefused("shared_range_header.safetensors", SharedRange());

    [Fact]
    public void Partially_overlapping_data_offsets()
        => AssertHeaderRefused("overlap.safetensors",
            SafeTensors("{" + Entry("weight_ih_l0", "F32", "[2]", 0, 8) + "," + Entry("weight_hh_l0", "F32", "[2]", 4, 12) + "}", new byte[12]));

    [Fact]
    public void Data_offsets_out_of_order_and_overlapping_the_LSTM_tensors()
        => AssertParseRefused("overlap_lstm.safetensors", SafeTensors("{"
            + Entry("weight_ih_l0", "F32", "[8, 2]", 0, 64) + "," + Entry("weight_hh_l0", "F32", "[8, 2]", 0, 64) + ","
            + Entry("bias_ih_l0", "F32", "[8]", 32, 64) + "," + Entry("bias_hh_l0", "F32", "[8]", 16, 48) + "}", new byte[64]));

    // ---- quadratic name structures / huge counts of tiny elements ----

    /// <summary>200,000 one-byte tensors, the last name given twice: the header must be refused (the duplicate), in linear time.</summary>
    [Fact]
    public void Two_hundred_thousand_tiny_tensors_and_a_duplicate_name()
    {
        const int count = 200_000;
        var header = new StringBuilder("{");
        for (int i = 0; i < count; i++)
        {
            header.Append($"\"m{i}.w\":{{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[{i},{i + 1}]}},");
        }
        header.Append($"\"m0.w\":{{\"dtype\":\"U8\",\"shape\":[1],\"data_offsets\":[{count},{count + 1}]}}}}");
        AssertParseRefused("tiny_tensors.safetensors", SafeTensors(header.ToString(), new byte[count + 1]));
    }

    /// <summary>A shape of 5,000,000 ones (10 MB of "1,"): a rank no tensor has, as millions of tiny JSON tokens.</summary>
    [Fact]
    public void Shape_of_five_million_dimensions()
    {
        string shape = "[" + Repeat("1,", 2 * 5_000_000 - 2) + "1]";
        AssertHeaderRefused("rank_5m.safetensors", SafeTensors("{" + Entry("w", "F32", shape, 0, 4) + "}", new byte[4]));
    }

    // ---- rank and shape bombs ----

    [Fact]
    public void Rank_150000_with_a_wrong_byte_count_echoes_no_shape()
    {
        string shape = "[" + string.Join(",", Enumerable.Repeat("1", 150_000)) + "]";
        AssertHeaderRefused("rank_150000.safetensors", SafeTensors("{" + Entry("w", "F32", shape, 0, 8) + "}", new byte[8]));
    }

    [Fact]
    public void Shape_product_overflowing_long()
        => AssertHeaderRefused("overflow.safetensors",
            SafeTensors("{" + Entry("w", "F32", "[4294967296, 4294967296, 16]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Shape_claiming_3GiB_with_4_bytes_of_data()
        => AssertHeaderRefused("shape_3gib.safetensors",
            SafeTensors("{" + Entry("w", "F32", "[805306368]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Data_offsets_claiming_4GiB_on_a_tiny_file()
        => AssertHeaderRefused("offsets_4gib.safetensors",
            SafeTensors("{" + Entry("w", "F32", "[1073741824]", 0, 4294967296) + "}", new byte[16]));

    [Fact]
    public void Data_offsets_at_long_MaxValue()
        => AssertHeaderRefused("offsets_max.safetensors",
            SafeTensors("{" + Entry("w", "U8", "[9223372036854775807]", 0, long.MaxValue) + "}", new byte[16]));

    // ---- > 2 GiB claims on small files ----

    [Fact]
    public void Header_length_claiming_3GiB_SafeTensorsFile()
        => AssertHeaderRefused("header_3gib.safetensors", SafeTensorsClaiming(3UL << 30, Utf8("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}    ")));

    [Fact]
    public void Header_length_claiming_3GiB_WeightFile()
        => AssertParseRefused("header_3gib_weightfile.safetensors", SafeTensorsClaiming(3UL << 30, Utf8("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}    ")));

    [Fact]
    public void Header_length_claiming_ulong_MaxValue()
        => AssertHeaderRefused("header_max.safetensors", SafeTensorsClaiming(ulong.MaxValue, Utf8("{}")));

    // ---- over-deep structures ----

    [Fact]
    public void Header_nested_10000_deep()
        => AssertHeaderRefused("deep_header.safetensors",
            SafeTensors("{\"w\":" + new string('[', 10_000) + new string(']', 10_000) + "}", []));

    // ---- messages ----

    /// <summary>A 50 MB dtype string: the message must not echo it.</summary>
    [Fact]
    public void Dtype_of_50MB_is_not_echoed()
        => AssertHeaderRefused("dtype_50mb.safetensors",
            SafeTensors("{" + Entry("w", Repeat("F32", 50 << 20), "[1]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Dtype_with_control_characters_is_not_echoed_raw()
        => AssertHeaderRefused("dtype_control.safetensors",
            SafeTensors("{" + Entry("w", "F3\n2" + ControlName, "[1]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Tensor_name_of_1MB_is_not_echoed()
        => AssertHeaderRefused("name_1mb.safetensors",
            SafeTensors("{" + Entry(Repeat("weight_ih_l0.", 1 << 20), "F32", "[2]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Tensor_name_with_control_characters_is_not_echoed_raw()
        => AssertHeaderRefused("name_control.safetensors",
            SafeTensors("{" + Entry(ControlName, "F32", "[2]", 0, 4) + "}", new byte[4]));

    [Fact]
    public void Duplicate_tensor_name_with_control_characters_is_not_echoed_raw()
        => AssertHeaderRefused("duplicate_control.safetensors",
            SafeTensors("{" + Entry(ControlName, "F32", "[1]", 0, 4) + "," + Entry(ControlName, "F32", "[1]", 4, 8) + "}", new byte[8]));

    [Fact]
    public void Metadata_key_of_1MB_with_control_characters_is_not_echoed()
        => AssertHeaderRefused("metadata_key.safetensors",
            SafeTensors("{\"__metadata__\":{" + JsonString(ControlName + Repeat("k", 1 << 20)) + ":5}}", []));

    [Fact]
    public void Tensor_name_with_control_characters_missing_from_a_model_is_not_echoed_raw()
    {
        // A well-formed file whose one tensor has a hostile name and no LSTM: inferring the model must refuse it, briefly.
        byte[] bytes = SafeTensors("{" + Entry(ControlName + Repeat("x", 100_000), "F32", "[1]", 0, 4) + "}", new byte[4]);
        AssertRefused("name_infer.safetensors", bytes.Length, () => WeightFile.Parse(bytes, "name_infer.safetensors").InferDeclaration());
    }
}

using System;
using System.Linq;
using System.Text;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>Hostile NumPy <c>.npz</c> archives, written byte by byte in memory; each must be refused within the <see cref="HostileFile"/> contract.</summary>
public sealed class HostileNumPyTests
{
    private static void AssertParseRefused(string name, byte[] bytes)
        => AssertRefused(name, bytes.Length, () => WeightFile.Parse(bytes, name));

    /// <summary>A member that is not a .npy array: the archive's terminal defect, so that a reader that gets past the hostile member still refuses.</summary>
    private static ZipMember Defect => ZipMember.Stored("zz_defect.npy", Utf8("not an array"));

    /// <summary>"(1, 1, …, 1, tail)": <paramref name="ones"/> ones, then the tail's sizes.</summary>
    private static string OnesShape(int ones, string tail) => "(" + Repeat("1, ", 3 * ones) + tail + ")";

    // ---- rank and shape bombs ----

    /// <summary>
    /// A Fortran-order array of rank 150,000 (149,992 ones and eight 4s: 65,536 elements), deflated to a few kilobytes, then a defect.
    /// Reordering it element by element over every dimension is 10^10 steps. Runs in a child process: a runaway spins a core.
    /// </summary>
    internal static HostileInput RankBombFortran()
    {
        byte[] npy = Npy(NpyDict("<f4", fortranOrder: true, OnesShape(149_992, "4, 4, 4, 4, 4, 4, 4, 4")), new byte[65_536 * 4]);
        byte[] bytes = Zip([ZipMember.Deflated("w.npy", npy), Defect]);
        return new HostileInput("rank_150000_fortran.npz", bytes.Length, () => WeightFile.Parse(bytes, "rank_150000_fortran.npz"));
    }

    [Fact]
    public void Rank_150000_Fortran_order_entry() => AssertRefusedInChildProcess(typeof(HostileNumPyTests), nameof(RankBombFortran));

    /// <summary>Rank 150,000 in C order, its data one element short: the refusal must not echo the 450 KB shape.</summary>
    [Fact]
    public void Rank_150000_truncated_entry_echoes_no_shape()
    {
        byte[] npy = Npy(NpyDict("<f4", fortranOrder: false, OnesShape(149_999, "2")), new byte[4]);
        AssertParseRefused("rank_150000_truncated.npz", Zip([ZipMember.Deflated("w.npy", npy)]));
    }

    [Fact]
    public void Shape_product_overflowing_long()
        => AssertParseRefused("overflow.npz", Zip([ZipMember.Stored("w.npy", Npy(NpyDict("<f4", false, "(4294967296, 4294967296, 16)"), new byte[16]))]));

    [Fact]
    public void Shape_claiming_3GiB_in_a_stored_entry_of_16_bytes()
        => AssertParseRefused("shape_3gib.npz", Zip([ZipMember.Stored("w.npy", Npy(NpyDict("<f4", false, "(805306368,)"), new byte[16]))]));

    // ---- > 2 GiB claims ----

    /// <summary>A deflated entry whose zip headers claim 3 GiB uncompressed and whose .npy header claims 3 GiB; the stream holds 64 bytes.</summary>
    [Fact]
    public void Deflated_entry_claiming_3GiB_uncompressed()
    {
        byte[] npy = Npy(NpyDict("<f4", false, "(805306368,)"), new byte[64]);
        ZipMember member = ZipMember.Deflated("w.npy", npy) with { UncompressedSize = 3u << 30 };
        AssertParseRefused("deflated_3gib.npz", Zip([member]));
    }

    /// <summary>A stored entry whose zip headers claim 3 GiB (compressed and uncompressed) in a file of a few hundred bytes.</summary>
    [Fact]
    public void Stored_entry_claiming_3GiB()
    {
        byte[] npy = Npy(NpyDict("<f4", false, "(805306368,)"), new byte[64]);
        byte[] bytes = Zip([ZipMember.Stored("w.npy", npy)]);
        // Patch both size fields of the local header (offsets 18, 22) and of the central directory entry to 3 GiB.
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, 18);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, 22);
        int central = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x50, 0x4B, 0x01, 0x02]);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, central + 20);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, central + 24);
        AssertParseRefused("stored_3gib.npz", bytes);
    }

    // ---- decompression bombs ----

    /// <summary>64 MiB of float zeros deflated to ~64 KB, sizes honestly declared: 1000x; reading it allocates far beyond 16x the file.</summary>
    [Fact]
    public void Deflate_bomb_honest_size()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(16777216,)"), []);
        long size = header.Length + (64L << 20);
        var member = new ZipMember("w.npy", DeflateZeros(64L << 20, header), 8, Crc32(header, 64L << 20), (uint)size);
        AssertParseRefused("deflate_bomb.npz", Zip([member]));
    }

    /// <summary>The same bomb with the zip headers claiming 1,000 bytes uncompressed.</summary>
    [Fact]
    public void Deflate_bomb_lying_small_size()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(16777216,)"), []);
        var member = new ZipMember("w.npy", DeflateZeros(64L << 20, header), 8, Crc32(header, 64L << 20), 1000);
        AssertParseRefused("deflate_bomb_small.npz", Zip([member]));
    }

    /// <summary>The same bomb with the zip headers claiming 3 GiB uncompressed.</summary>
    [Fact]
    public void Deflate_bomb_lying_huge_size()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(16777216,)"), []);
        var member = new ZipMember("w.npy", DeflateZeros(64L << 20, header), 8, Crc32(header, 64L << 20), 3u << 30);
        AssertParseRefused("deflate_bomb_huge.npz", Zip([member]));
    }

    /// <summary>32 MiB of <c>&lt;f2</c> zeros deflated (~32 KB): the float32 copy doubles it again.</summary>
    [Fact]
    public void Deflate_bomb_f2_doubling()
    {
        byte[] header = Npy(NpyDict("<f2", false, "(16777216,)"), []);
        long size = header.Length + (32L << 20);
        var member = new ZipMember("w.npy", DeflateZeros(32L << 20, header), 8, Crc32(header, 32L << 20), (uint)size);
        AssertParseRefused("deflate_bomb_f2.npz", Zip([member]));
    }

    /// <summary>
    /// 64 KB of incompressible data whose .npy header claims 60 MiB (within deflate's 1032x bound of the compressed size) and whose zip
    /// headers claim 3 GiB: the array is truncated, which must be found without allocating the claimed 60 MiB.
    /// </summary>
    [Fact]
    public void Npy_shape_lying_within_the_deflate_ratio()
    {
        var noise = new byte[64 << 10];
        new Random(7).NextBytes(noise);
        byte[] npy = Npy(NpyDict("<f4", false, "(15728640,)"), noise);
        ZipMember member = ZipMember.Deflated("w.npy", npy) with { UncompressedSize = 3u << 30 };
        AssertParseRefused("lying_npy_shape.npz", Zip([member]));
    }

    // ---- overlapping and shared data ranges ----

    /// <summary>200 central-directory records, each a distinct name, all pointing at one local header and its 1 MiB deflate stream (~1 KB).</summary>
    [Fact]
    public void Two_hundred_directory_records_sharing_one_deflate_stream()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(262144,)"), []);
        long size = header.Length + (1L << 20);
        var member = new ZipMember("w.npy", DeflateZeros(1L << 20, header), 8, Crc32(header, 1L << 20), (uint)size);
        byte[] bytes = Zip([member], [.. Enumerable.Range(0, 200).Select(i => ($"w{i}.npy", 0))]);
        AssertParseRefused("shared_stream.npz", bytes);
    }

    /// <summary>Two directory records for the same member under the same name.</summary>
    [Fact]
    public void Two_directory_records_with_one_name_and_one_stream()
    {
        byte[] npy = Npy(NpyDict("<f4", false, "(4,)"), new byte[16]);
        AssertParseRefused("duplicate_record.npz", Zip([ZipMember.Stored("w.npy", npy)], [("w.npy", 0), ("w.npy", 0)]));
    }

    // ---- messages ----

    [Fact]
    public void Entry_name_of_65000_characters_with_control_characters_is_not_echoed()
        => AssertParseRefused("long_entry_name.npz", Zip([ZipMember.Stored(ControlName + Repeat("n", 65_000 - 200) + ".npy", Utf8("not an array"))]));

    [Fact]
    public void Header_dict_of_1MB_is_not_echoed()
    {
        // A dict without 'fortran_order', its descr nearly 1 MB (the header limit is 1 MiB).
        string dict = "{'descr': '" + Repeat("<f4", 1_000_000) + "', 'shape': (1,), }";
        AssertParseRefused("header_1mb.npz", Zip([ZipMember.Deflated("w.npy", Npy(dict, new byte[4]))]));
    }

    [Fact]
    public void Header_dict_with_control_characters_is_not_echoed_raw()
    {
        string dict = "{'descr': '<f\n4" + ControlName + "', 'shape': (1,), }";
        AssertParseRefused("header_control.npz", Zip([ZipMember.Stored("w.npy", Npy(dict, new byte[4]))]));
    }

    [Fact]
    public void Shape_text_of_1MB_is_not_echoed()
    {
        string shape = "(" + Repeat("1, ", 900_000) + "x)";
        AssertParseRefused("shape_text.npz", Zip([ZipMember.Deflated("w.npy", Npy(NpyDict("<f4", false, shape), new byte[4]))]));
    }

    [Fact]
    public void Shape_with_control_characters_is_not_echoed_raw()
        => AssertParseRefused("shape_control.npz",
            Zip([ZipMember.Stored("w.npy", Npy(NpyDict("<f4", false, "(1, \n" + ControlName.Replace(")", "", StringComparison.Ordinal) + ")"), new byte[4]))]));
}

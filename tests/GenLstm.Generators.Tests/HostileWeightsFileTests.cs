using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Text;
using System.Threading;
using Microsoft.CodeAnalysis;
using Xunit;

using GenLstm.TestSupport;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The generator's build-time reader (<c>WeightsFileReader</c>) against hostile safetensors and <c>.npz</c> files named by
/// <c>[LstmWeights]</c>: each must end in a GLSTM014, GLSTM015 or GLSTM016 diagnostic, never an exception (CS8785) or a hang, within
/// a 20 s watchdog; the diagnostic's message must stay short (at most 2,000 characters) and hold no control character.
/// </summary>
public sealed class HostileWeightsFileTests : IDisposable
{
    private const int WatchdogSeconds = 20, MaxMessageLength = 2000;

    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-hostile-weights-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private static string Declaration(string path) => $$"""
        using GenLstm;
        namespace Demo;
        [Lstm(inputSize: 3, hiddenSize: 12)]
        [LstmWeights("{{path}}")]
        public sealed partial class Baked { }
        """;

    /// <summary>Writes the file, runs the generator on a declaration naming it (under the watchdog), and checks the diagnostic.</summary>
    private void AssertDiagnosed(string name, byte[] bytes) => AssertDiagnosed(name, bytes.Length, path => File.WriteAllBytes(path, bytes));

    /// <summary>As <see cref="AssertDiagnosed(string, byte[])"/>, for a file <paramref name="write"/> makes (a sparse one, say) that really holds <paramref name="fileLength"/> bytes.</summary>
    private void AssertDiagnosed(string name, long fileLength, Action<string> write)
    {
        string path = Path.Combine(_folder, "models", name);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        write(path);

        GeneratorRun? run = null;
        Exception? error = null;
        long allocated = 0;
        var thread = new Thread(() =>
        {
            try
            {
                GeneratorDriver driver = GeneratorDriverHelper.CreateDriver().AddAdditionalTexts([new AdditionalFileOnDisk(path)]);
                Compilation compilation = GeneratorDriverHelper.CreateCompilation(Declaration("models/" + name));
                long before = GC.GetAllocatedBytesForCurrentThread();
                run = GeneratorDriverHelper.Run(driver, compilation);
                allocated = GC.GetAllocatedBytesForCurrentThread() - before;
            }
            catch (Exception e)
            {
                error = e;
            }
        })
        { IsBackground = true, Name = "hostile generator " + name };
        thread.Start();
        if (!thread.Join(TimeSpan.FromSeconds(WatchdogSeconds)))
        {
            throw new Xunit.Sdk.XunitException($"{name}: WATCHDOG: the generator did not finish within {WatchdogSeconds} s (its thread is left running).");
        }
        if (error is not null)
        {
            throw new Xunit.Sdk.XunitException($"{name}: the generator run failed: {Excerpt(error.ToString(), 1500)}");
        }
        if (allocated > AllocationBound(fileLength))
        {
            throw new Xunit.Sdk.XunitException(
                $"{name}: the generator allocated {allocated:N0} bytes for a {fileLength:N0}-byte file, beyond {AllocationBound(fileLength):N0} (32 bytes per file byte + 64 MiB).");
        }
        ImmutableArray<Diagnostic> diagnostics = run!.Diagnostics;
        Diagnostic[] weights = [.. diagnostics.Where(d => d.Id is "GLSTM014" or "GLSTM015" or "GLSTM016")];
        if (weights.Length == 0)
        {
            string generated = string.Join(", ", run.Result.GeneratedSources.Select(s => $"{s.HintName} ({s.SourceText.Length:N0} chars)"));
            throw new Xunit.Sdk.XunitException(
                $"{name}: no GLSTM014/015/016 diagnostic: the generator ACCEPTED the file. Diagnostics: [{string.Join("; ", diagnostics.Select(d => $"{d.Id}: {Excerpt(d.GetMessage(), 200)}"))}]; generated: {generated}.");
        }
        foreach (Diagnostic diagnostic in weights)
        {
            string message = diagnostic.GetMessage();
            int control = message.AsSpan().IndexOfAnyInRange('\0', '\x1F');
            if (message.Length > MaxMessageLength || control >= 0)
            {
                throw new Xunit.Sdk.XunitException(
                    $"{name}: {diagnostic.Id}'s message is {message.Length:N0} characters long{(control >= 0 ? $" and holds control characters (first U+{(int)message[control]:X4} at {control})" : "")}: {Excerpt(message, 300)}");
            }
        }
    }

    /// <summary>
    /// What one generator run may allocate on a hostile file: the runtime's budget (32 bytes per file byte; compressed entries
    /// count with what they may expand to), plus 64 MiB for the generator's and the compiler's own work on the declaration.
    /// </summary>
    private static long AllocationBound(long fileLength) => 32 * fileLength + (64L << 20);

    private static string Excerpt(string text, int length)
    {
        string head = text.Length > length ? text[..length] : text;
        string escaped = string.Concat(head.Select(c => c < 0x20 ? $"\\x{(int)c:X2}" : c.ToString()));
        return text.Length > length ? escaped + $"... ({text.Length:N0} chars)" : escaped;
    }

    // ---- byte writers: tests/Shared/HostileBytes.cs, shared with the runtime's hostile corpus ----

    /// <summary>
    /// A zip of one member (<paramref name="data"/>, stored or deflated, with the given CRC and declared sizes) named by one central-directory
    /// record per entry of <paramref name="names"/>, all pointing at it.
    /// </summary>
    private static byte[] OneMemberZip(byte[] data, ushort method, uint crc, uint uncompressedSize, params string[] names)
        => Zip([new ZipMember(names[0], data, method, crc, uncompressedSize)], [.. names.Select(name => (name, 0))]);

    // ---- safetensors ----

    /// <summary>The declaration's four tensors overlapping at offset 0, and 200 more over the same 1 MiB.</summary>
    [Fact]
    public void Overlapping_and_shared_data_offsets()
    {
        const int size = 1 << 20;
        var entries = new List<string>
        {
            Entry("weight_ih_l0", "F32", "[48, 3]", 0, 48 * 3 * 4),
            Entry("weight_hh_l0", "F32", "[48, 12]", 0, 48 * 12 * 4),
            Entry("bias_ih_l0", "F32", "[48]", 0, 48 * 4),
            Entry("bias_hh_l0", "F32", "[48]", 96, 96 + 48 * 4),
        };
        entries.AddRange(Enumerable.Range(0, 200).Select(i => Entry($"pad{i}", "F32", $"[{size / 4}]", 0, size)));
        AssertDiagnosed("overlap.safetensors", SafeTensors("{" + string.Join(",", entries) + "}", new byte[size]));
    }

    [Fact]
    public void Header_length_claiming_3GiB()
        => AssertDiagnosed("header_3gib.safetensors", [.. BitConverter.GetBytes(3UL << 30), .. Utf8("{\"weight_ih_l0\":{}}")]);

    [Fact]
    public void Dtype_of_16MB()
        => AssertDiagnosed("dtype_16mb.safetensors", SafeTensors("{" + Entry("weight_ih_l0", new string('F', 16 << 20), "[48, 3]", 0, 576) + "}", new byte[576]));

    [Fact]
    public void Tensor_name_with_control_characters()
        => AssertDiagnosed("name_control.safetensors", SafeTensors("{" + Entry("weight_ih_l0\n\u0001\u001b[31m" + new string('x', 100_000), "F32", "[48, 3]", 0, 576) + "}", new byte[576]));

    [Fact]
    public void Rank_150000_shape()
        => AssertDiagnosed("rank.safetensors", SafeTensors("{" + Entry("weight_ih_l0", "F32", "[" + string.Concat(Enumerable.Repeat("1,", 149_998)) + "48,3]", 0, 576) + "}", new byte[576]));

    // ---- .npz ----

    /// <summary>weight_ih_l0 in C order of rank 150,000 (ones, then 48 and 3): a shape no declaration has, echoed in no message.</summary>
    [Fact]
    public void Npz_rank_150000()
    {
        byte[] npy = Npy(NpyDict("<f4", false, "(" + string.Concat(Enumerable.Repeat("1, ", 149_998)) + "48, 3)"), new byte[576]);
        AssertDiagnosed("rank.npz", OneMemberZip(Deflate(npy), 8, Crc32(npy), (uint)npy.Length, "weight_ih_l0.npy"));
    }

    [Fact]
    public void Npz_rank_150000_Fortran_order()
    {
        byte[] npy = Npy(NpyDict("<f4", true, "(" + string.Concat(Enumerable.Repeat("1, ", 149_998)) + "48, 3)"), new byte[576]);
        AssertDiagnosed("rank_fortran.npz", OneMemberZip(Deflate(npy), 8, Crc32(npy), (uint)npy.Length, "weight_ih_l0.npy"));
    }

    /// <summary>weight_ih_l0 as 64 MiB of deflated zeros (~64 KB), sizes honest.</summary>
    [Fact]
    public void Npz_deflate_bomb()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(16777216,)"), []);
        AssertDiagnosed("bomb.npz", OneMemberZip(DeflateZeros(64L << 20, header), 8, Crc32(header, 64L << 20), (uint)(header.Length + (64L << 20)), "weight_ih_l0.npy"));
    }

    /// <summary>The same bomb, its zip headers claiming 3 GiB uncompressed.</summary>
    [Fact]
    public void Npz_deflate_bomb_claiming_3GiB()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(16777216,)"), []);
        AssertDiagnosed("bomb_3gib.npz", OneMemberZip(DeflateZeros(64L << 20, header), 8, Crc32(header, 64L << 20), 3u << 30, "weight_ih_l0.npy"));
    }

    /// <summary>200 central-directory records (pad0.npy … and the declaration's names) pointing at one 1 MiB deflate stream.</summary>
    [Fact]
    public void Npz_200_records_sharing_one_deflate_stream()
    {
        byte[] header = Npy(NpyDict("<f4", false, "(262144,)"), []);
        string[] names = ["weight_ih_l0.npy", "weight_hh_l0.npy", "bias_ih_l0.npy", "bias_hh_l0.npy", .. Enumerable.Range(0, 196).Select(i => $"pad{i}.npy")];
        AssertDiagnosed("shared.npz", OneMemberZip(DeflateZeros(1L << 20, header), 8, Crc32(header, 1L << 20), (uint)(header.Length + (1L << 20)), names));
    }

    /// <summary>A sparse safetensors file of 3 GiB (4 KiB written): refused by its size, never read into the compiler.</summary>
    [Fact]
    public void Sparse_file_of_3GiB()
        => AssertDiagnosed("sparse.safetensors", 4096, path =>
        {
            using var file = new FileStream(path, FileMode.CreateNew);
            file.Write(SafeTensors("{\"weight_ih_l0\":{\"dtype\":\"F32\",\"shape\":[48,3],\"data_offsets\":[0,576]}}", new byte[576]));
            file.SetLength(3L << 30);
        });

    /// <summary>A stored member whose zip headers claim 3 GiB, in a file of a few hundred bytes.</summary>
    [Fact]
    public void Npz_stored_entry_claiming_3GiB()
    {
        byte[] npy = Npy(NpyDict("<f4", false, "(805306368,)"), new byte[64]);
        byte[] bytes = OneMemberZip(npy, 0, Crc32(npy), (uint)npy.Length, "weight_ih_l0.npy");
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, 18);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, 22);
        int central = bytes.AsSpan().IndexOf((ReadOnlySpan<byte>)[0x50, 0x4B, 0x01, 0x02]);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, central + 20);
        BitConverter.GetBytes(3u << 30).CopyTo(bytes, central + 24);
        AssertDiagnosed("stored_3gib.npz", bytes);
    }

    [Fact]
    public void Npz_descr_of_1MB()
    {
        byte[] npy = Npy("{'descr': '" + new string('f', 1_000_000) + "', 'fortran_order': False, 'shape': (48, 3), }", new byte[576]);
        AssertDiagnosed("descr.npz", OneMemberZip(Deflate(npy), 8, Crc32(npy), (uint)npy.Length, "weight_ih_l0.npy"));
    }
}

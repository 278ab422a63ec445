using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Threading;
using PureHDF;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>
/// Hostile Keras HDF5 files, written in memory with PureHDF's writer (links and attributes as the API allows; a hard-link cycle and
/// lying dataspaces by patching the bytes it wrote at sentinel values). Each must be refused within the <see cref="HostileFile"/>
/// contract by <see cref="GenLstm.Keras.KerasHdf5.Parse"/>. Every case runs in a child process: a reader caught in a link cycle
/// recurses without end, growing memory by about 100 MB/s and possibly overflowing the stack, which no test host survives; the child
/// also measures what PureHDF allocates process-wide (GC.GetTotalAllocatedBytes), in case it allocates off the calling thread.
/// </summary>
public sealed class HostileHdf5Tests
{
    private static byte[] Write(H5File file)
    {
        // PureHDF's writer recurses per group level: deep files are written on a thread with a large stack.
        byte[]? bytes = null;
        Exception? error = null;
        var thread = new Thread(() =>
        {
            try
            {
                using var stream = new MemoryStream();
                file.Write(stream);
                bytes = stream.ToArray();
            }
            catch (Exception e)
            {
                error = e;
            }
        }, 512 << 20);
        thread.Start();
        thread.Join();
        return error is null ? bytes! : throw new InvalidOperationException("PureHDF could not write the hostile file", error);
    }

    private static HostileInput Input(string name, byte[] bytes) => new(name, bytes.Length, () =>
    {
        GenLstm.Keras.KerasHdf5.Register();
        return GenLstm.Keras.KerasHdf5.Parse(bytes, name);
    });

    /// <summary>Replaces every occurrence of <paramref name="find"/> in <paramref name="bytes"/>; fails when there is none.</summary>
    private static void Patch(byte[] bytes, byte[] find, byte[] replace)
    {
        int found = 0;
        for (int at = bytes.AsSpan().IndexOf(find); at >= 0; at = bytes.AsSpan(at + 1).IndexOf(find) is int next and >= 0 ? at + 1 + next : -1)
        {
            replace.CopyTo(bytes, at);
            found++;
        }
        if (found == 0)
        {
            throw new InvalidOperationException("the sentinel to patch is not in the file PureHDF wrote");
        }
    }

    private static byte[] Dims(params ulong[] dims) => [.. dims.SelectMany(BitConverter.GetBytes)];

    /// <summary>Where the 8-byte address of the hard link named <paramref name="name"/> sits: right after the name in its link message.</summary>
    private static int LinkAddressOffset(byte[] bytes, string name)
    {
        int at = bytes.AsSpan().IndexOf(Utf8(name));
        return at < 0 ? throw new InvalidOperationException($"no link named {name} in the file PureHDF wrote") : at + name.Length;
    }

    private static float[,] Kernel => new float[,] { { 1, 2, 3, 4 } };

    // ---- cycles and over-deep structures ----

    /// <summary>A layer group holding a soft link back to itself.</summary>
    internal static HostileInput SoftLinkToParent()
        => Input("soft_link_parent.h5", Write(new H5File { ["lstm"] = new H5Group { ["kernel:0"] = Kernel, ["loop"] = new H5SoftLink("/lstm") } }));

    [Fact]
    public void Soft_link_back_to_the_parent_group() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(SoftLinkToParent));

    /// <summary>A layer group holding a soft link to the file's root.</summary>
    internal static HostileInput SoftLinkToRoot()
        => Input("soft_link_root.h5", Write(new H5File { ["lstm"] = new H5Group { ["kernel:0"] = Kernel, ["root"] = new H5SoftLink("/") } }));

    [Fact]
    public void Soft_link_back_to_the_root() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(SoftLinkToRoot));

    /// <summary>
    /// A layer group holding a hard link back to itself: written as a child group <c>selfcyclelink</c>, whose link address is then
    /// overwritten with the parent's (PureHDF's writer refuses circular references).
    /// </summary>
    internal static HostileInput HardLinkToParent()
    {
        byte[] bytes = Write(new H5File { ["lstmcyclegroup"] = new H5Group { ["kernel:0"] = Kernel, ["selfcyclelink"] = new H5Group { ["bias:0"] = new float[] { 1 } } } });
        int parent = LinkAddressOffset(bytes, "lstmcyclegroup"), child = LinkAddressOffset(bytes, "selfcyclelink");
        ulong address = BitConverter.ToUInt64(bytes, parent);
        if (address >= (ulong)bytes.Length || BitConverter.ToUInt64(bytes, child) >= (ulong)bytes.Length)
        {
            throw new InvalidOperationException("the link messages are not where this generator expects them");
        }
        BitConverter.GetBytes(address).CopyTo(bytes, child);
        return Input("hard_link_parent.h5", bytes);
    }

    [Fact]
    public void Hard_link_back_to_the_parent_group() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(HardLinkToParent));

    /// <summary>Groups nested 10,000 deep under a layer group, a kernel at the bottom, no LSTM.</summary>
    internal static HostileInput DeepGroups()
    {
        H5Group bottom = new() { ["kernel:0"] = Kernel };
        for (int i = 0; i < 10_000; i++)
        {
            bottom = new H5Group { ["g"] = bottom };
        }
        return Input("deep_groups.h5", Write(new H5File { ["dense"] = bottom }));
    }

    [Fact]
    public void Groups_nested_10000_deep() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DeepGroups));

    // ---- rank and shape bombs ----

    /// <summary>A kernel whose dataspace is patched from [7, 13] to [65536, 65536] floats (16 GiB) in a file of a few KB.</summary>
    internal static HostileInput DataspaceClaiming16GiB()
    {
        byte[] bytes = Write(new H5File { ["lstm"] = new H5Group { ["kernel:0"] = new float[7, 13] } });
        Patch(bytes, Dims(7, 13), Dims(65536, 65536));
        return Input("dataspace_16gib.h5", bytes);
    }

    [Fact]
    public void Dataspace_claiming_16GiB() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DataspaceClaiming16GiB));

    /// <summary>A kernel whose dataspace is patched to [2^63, 2^63, 2^63]: the product overflows a long.</summary>
    internal static HostileInput DataspaceOverflowingLong()
    {
        byte[] bytes = Write(new H5File { ["lstm"] = new H5Group { ["kernel:0"] = new float[7, 11, 13] } });
        Patch(bytes, Dims(7, 11, 13), Dims(1UL << 63, 1UL << 63, 1UL << 63));
        return Input("dataspace_overflow.h5", bytes);
    }

    [Fact]
    public void Dataspace_overflowing_long() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DataspaceOverflowingLong));

    /// <summary>A kernel whose dataspace is patched from [7, 13] to [65536, 32768]: 2^31 elements, one more than an array holds, over 7 × 13 floats of data.</summary>
    internal static HostileInput DataspaceClaiming2GiBElements()
    {
        byte[] bytes = Write(new H5File { ["lstm"] = new H5Group { ["kernel:0"] = new float[7, 13] } });
        Patch(bytes, Dims(7, 13), Dims(1UL << 16, 1UL << 15));
        return Input("dataspace_2g_elements.h5", bytes);
    }

    [Fact]
    public void Dataspace_claiming_2G_elements() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DataspaceClaiming2GiBElements));

    // ---- overlapping and shared data ranges ----

    /// <summary>
    /// An LSTM layer (I = 64, H = 64: kernel and recurrent kernel of 64 KB each) named 3,000 times in <c>layer_names</c>: every name reads
    /// the same datasets again, about 800 MB for a file of ~200 KB.
    /// </summary>
    internal static HostileInput DuplicateLayerNames()
    {
        var file = new H5File
        {
            ["lstm"] = new H5Group
            {
                ["lstm"] = new H5Group
                {
                    ["kernel:0"] = new float[64, 256],
                    ["recurrent_kernel:0"] = new float[64, 256],
                    ["bias:0"] = new float[256],
                },
            },
        };
        file.Attributes["layer_names"] = Enumerable.Repeat("lstm", 3000).ToArray();
        return Input("layer_names_3000.h5", Write(file));
    }

    [Fact]
    public void Three_thousand_duplicate_layer_names() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DuplicateLayerNames));

    // ---- messages ----

    /// <summary><c>layer_names</c> naming a 100,000-character layer with control characters that the file does not hold.</summary>
    internal static HostileInput MissingLayerWithHostileName()
    {
        var file = new H5File { ["lstm"] = new H5Group { ["kernel:0"] = Kernel } };
        file.Attributes["layer_names"] = new[] { ControlName + Repeat("L", 100_000) };
        return Input("missing_layer_name.h5", Write(file));
    }

    [Fact]
    public void Missing_layer_with_a_100000_character_name_is_not_echoed() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(MissingLayerWithHostileName));

    /// <summary>A dataset named with 60,000 characters and control characters whose dataspace claims 16 GiB: the refusal names its path.</summary>
    internal static HostileInput LyingDatasetWithHostileName()
    {
        byte[] bytes = Write(new H5File { ["lstm"] = new H5Group { [ControlName + Repeat("D", 60_000) + ":0"] = new float[7, 13] } });
        Patch(bytes, Dims(7, 13), Dims(65536, 65536));
        return Input("dataset_name.h5", bytes);
    }

    [Fact]
    public void Lying_dataset_with_a_60000_character_name_is_not_echoed() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(LyingDatasetWithHostileName));

    /// <summary>A <c>model_config</c> attribute that is 10,000-deep JSON.</summary>
    internal static HostileInput DeepModelConfig()
    {
        var file = new H5File { ["model_weights"] = new H5Group { ["lstm"] = new H5Group { ["kernel:0"] = Kernel } } };
        file.Attributes["model_config"] = "{\"config\":" + new string('[', 10_000) + new string(']', 10_000) + "}";
        return Input("deep_model_config.h5", Write(file));
    }

    [Fact]
    public void Model_config_nested_10000_deep() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(DeepModelConfig));

    /// <summary>A <c>model_config</c> attribute of 1 MB of JSON whose syntax error follows a long key with control characters.</summary>
    internal static HostileInput BrokenModelConfig()
    {
        var file = new H5File { ["model_weights"] = new H5Group { ["lstm"] = new H5Group { ["kernel:0"] = Kernel } } };
        file.Attributes["model_config"] = "{" + JsonString(ControlName + Repeat("k", 1 << 20)) + ":[1,}";
        return Input("broken_model_config.h5", Write(file));
    }

    [Fact]
    public void Broken_model_config_of_1MB_is_not_echoed() => AssertRefusedInChildProcess(typeof(HostileHdf5Tests), nameof(BrokenModelConfig));
}

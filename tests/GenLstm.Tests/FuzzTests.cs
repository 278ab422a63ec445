using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Text;
using System.Text.RegularExpressions;
using System.Threading.Tasks;
using CsCheck;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Tests;

/// <summary>
/// Every weight reader against mutated copies of a valid file (the format golden files): truncation, bit flips, random
/// bytes, lying numbers (lengths, offsets, shapes: zero, negative, huge), NaN and infinity in the data, and duplicated names.
/// The only outcomes allowed are a model (where only data changed) or a <see cref="WeightFormatException"/> whose message
/// starts with the file's name; never another exception, a hang, or an allocation beyond a bound of the file's size.
/// CsCheck prints the seed of a failing case.
/// </summary>
[Trait("Category", "Fuzz")]
public sealed partial class FuzzTests(ITestOutputHelper log)
{
    private const int Cases = 10_000;

    /// <summary>
    /// What one load may allocate: the readers convert every tensor to float32 (at most 4 bytes per file byte, from JSON
    /// text fewer), keep a JSON document of the file's size, and the model packs its weights; 32 bytes per file byte and
    /// 4 MiB of fixed costs bound them all with room (valid files measure below 12 per byte). A reader that believed a lying
    /// shape would allocate gigabytes.
    /// </summary>
    private static long AllocationBound(int fileLength) => 32L * fileLength + (4 << 20);

    /// <summary>
    /// PureHDF's bound, measured: it allocates what a damaged size field claims before checking it against the file (a
    /// fill-value message's size overwritten made it allocate 2.1 GB for a 29 KB file), which GenLstm.Keras cannot prevent
    /// from outside. The bound here is .NET's own array limit; the README says to convert untrusted .h5 files offline.
    /// </summary>
    private static long Hdf5AllocationBound(int fileLength) => Array.MaxLength + 64L * fileLength + (16 << 20);

    public static TheoryData<string> Files => new()
    {
        "stack.safetensors", "stack_keras.safetensors", "stack.npz", "stack_compressed.npz", "stack.onnx", "stack_rtneural.json", "stack_state_dict.json",
    };

    [Theory]
    [MemberData(nameof(Files))]
    public void A_mutated_file_loads_or_throws_WeightFormatException(string name)
        => Fuzz(name, WeightFile.Parse, AllocationBound);

    [Fact]
    public void A_mutated_Keras_HDF5_file_loads_or_throws_WeightFormatException()
        => Fuzz("stack_keras.h5", GenLstm.Keras.KerasHdf5.Parse, Hdf5AllocationBound);

    /// <summary>The GRU format files (tests/scripts/make_gru_formats.py).</summary>
    public static TheoryData<string> GruFiles => new() { "gru.onnx", "gru_bidirectional.onnx", "gru_rtneural.json", "gru_state_dict.json" };

    /// <summary>
    /// A GRU file read at the <see cref="WeightFile"/> level, as <c>genlstm inspect</c> does: the file, then every tensor as a
    /// <c>[Gru]</c> model's <c>Load</c> reads it (<see cref="WeightFile.InferDeclaration"/>: shapes, finiteness, the statements).
    /// </summary>
    [Theory]
    [MemberData(nameof(GruFiles))]
    public void A_mutated_GRU_file_loads_or_throws_WeightFormatException(string name)
        => Fuzz(name, File.ReadAllBytes(FormatTests.PathOf(name)), (bytes, source) => WeightFile.Parse(bytes, source).InferDeclaration(), AllocationBound);

    [Fact]
    public void A_mutated_Keras_HDF5_GRU_file_loads_or_throws_WeightFormatException()
        => Fuzz("gru_keras_reset_before.h5", File.ReadAllBytes(FormatTests.PathOf("gru_keras_reset_before.h5")),
            (bytes, source) => GenLstm.Keras.KerasHdf5.Parse(bytes, source).InferDeclaration(), Hdf5AllocationBound);

    /// <summary>
    /// A NAM LSTM file written by <see cref="NamReaderTests"/> (1 × 3 with a head; the repository holds no third-party file), read at the <see cref="WeightFile"/> level: the
    /// file, then every tensor as a model's <c>Load</c> reads it (<see cref="WeightFile.InferDeclaration"/>: shapes, finiteness, the config's sizes).
    /// </summary>
    [Fact]
    public void A_mutated_NAM_file_loads_or_throws_WeightFormatException()
        => Fuzz("model.nam", Encoding.UTF8.GetBytes(NamReaderTests.SmallNam()),
            (bytes, source) => WeightFile.Parse(bytes, source).InferDeclaration(), AllocationBound);

    /// <summary>Loads mutations of a golden file with <paramref name="reader"/> as the golden model (<see cref="FormatStack"/>).</summary>
    private void Fuzz(string name, Func<ReadOnlyMemory<byte>, string, WeightFile> reader, Func<int, long> allocationBound)
        => Fuzz(name, File.ReadAllBytes(FormatTests.PathOf(name)), (bytes, source) => FormatStack.FromWeights(reader(bytes, source)), allocationBound);

    /// <summary>
    /// Loads <see cref="Cases"/> mutations of <paramref name="valid"/> with <paramref name="load"/>. Each case runs under a watchdog, so
    /// that a hang (in a third-party reader above all) fails the test instead of stalling CI, and measures what it allocates.
    /// </summary>
    private void Fuzz(string name, byte[] valid, Action<byte[], string> load, Func<int, long> allocationBound)
    {
        var outcomes = new Dictionary<string, int>();
        long largest = 0;
        Mutation.For(valid).Sample(mutation =>
        {
            byte[] bytes = mutation.Apply(valid);
            Task<(string Outcome, long Allocated)> reading = Task.Run(() =>
            {
                long before = GC.GetAllocatedBytesForCurrentThread();
                string outcome = Load(bytes, load);
                return (outcome, GC.GetAllocatedBytesForCurrentThread() - before);
            });
            // A hang never finishes; a slow case must not fail for being slow on a loaded machine: PureHDF takes up to 1 s on
            // some damaged files (measured 0.94 s idle), and CI runs two test projects at once on 2 cores (one run measured > 10 s).
            if (!reading.Wait(TimeSpan.FromSeconds(60)))
            {
                throw new Xunit.Sdk.XunitException($"{mutation}: reading did not finish in 60 s.");
            }
            (string outcome, long allocated) = reading.Result;
            largest = Math.Max(largest, allocated);
            if (allocated > allocationBound(bytes.Length))
            {
                throw new Xunit.Sdk.XunitException($"{mutation}: reading {bytes.Length} bytes allocated {allocated} bytes.");
            }
            outcomes[outcome] = outcomes.GetValueOrDefault(outcome) + 1;
        }, iter: Cases, threads: 1);
        log.WriteLine($"{name}: {string.Join(", ", outcomes.OrderByDescending(o => o.Value).Select(o => $"{o.Key} {o.Value}"))}; largest allocation {largest >> 10} KiB");
        Assert.Equal(Cases, outcomes.Values.Sum());
    }

    /// <summary>Loads the bytes; returns "loaded" or the rejection's kind, or throws for anything else.</summary>
    private static string Load(byte[] bytes, Action<byte[], string> load)
    {
        const string source = "fuzzed.bin";
        try
        {
            load(bytes, source);
            return "loaded";
        }
        catch (WeightFormatException e)
        {
            if (!e.Message.StartsWith(source + ": ", StringComparison.Ordinal) || e.Message.Length < source.Length + 12)
            {
                throw new Xunit.Sdk.XunitException($"The message does not name the file and the problem: {e.Message}");
            }
            return "rejected";
        }
    }

    /// <summary>One change to a valid file, drawn by CsCheck.</summary>
    private sealed record Mutation(int Kind, int Position, int Value)
    {
        private static readonly string[] Lies = ["0", "-1", "99999999999", "18446744073709551615", "4294967295", "1e999", "NaN", "2147483648"];

        public static Gen<Mutation> For(byte[] valid)
            => Gen.Select(Gen.Int[0, 6], Gen.Int[0, valid.Length - 1], Gen.Int[0, int.MaxValue]).Select((kind, position, value) => new Mutation(kind, position, value));

        public byte[] Apply(byte[] valid)
        {
            byte[] bytes = [.. valid];
            var random = new Random(Value);
            switch (Kind)
            {
                case 0:   // truncation
                    return bytes[..Position];
                case 1:   // a few bit flips
                    for (int k = 0, flips = 1 + Value % 8; k < flips; k++)
                    {
                        bytes[random.Next(bytes.Length)] ^= (byte)(1 << random.Next(8));
                    }
                    return bytes;
                case 2:   // a run of random bytes
                    random.NextBytes(bytes.AsSpan(Position, Math.Min(bytes.Length - Position, 1 + Value % 16)));
                    return bytes;
                case 3:   // a lying number: a length, offset, shape or value replaced with an extreme one
                    return ReplaceMatch(bytes, Numbers(), Lies[Value % Lies.Length]);
                case 4:   // a NaN or infinity written over the data
                    int offset = Position & ~3;
                    BitConverter.GetBytes(Value % 2 == 0 ? float.NaN : float.PositiveInfinity).AsSpan(0, Math.Min(4, bytes.Length - offset)).CopyTo(bytes.AsSpan(offset));
                    return bytes;
                case 5:   // a duplicated name: one quoted key replaced with another
                    MatchCollection keys = Keys().Matches(Encoding.Latin1.GetString(bytes));
                    return keys.Count < 2 ? bytes : Splice(bytes, keys[Position % keys.Count], keys[Value % keys.Count].Value);
                default:  // a length prefix (protobuf varint, u16/u32/u64 headers) made to lie: one byte set to an extreme
                    bytes[Position] = (byte)(Value % 2 == 0 ? 0xFF : 0x7F);
                    return bytes;
            }
        }

        private byte[] ReplaceMatch(byte[] bytes, Regex pattern, string replacement)
        {
            MatchCollection matches = pattern.Matches(Encoding.Latin1.GetString(bytes));
            return matches.Count == 0 ? bytes : Splice(bytes, matches[Position % matches.Count], replacement);
        }

        private static byte[] Splice(byte[] bytes, Match match, string replacement)
            => [.. bytes.AsSpan(0, match.Index), .. Encoding.Latin1.GetBytes(replacement), .. bytes.AsSpan(match.Index + match.Length)];

        public override string ToString() => $"mutation {Kind} at {Position} ({Value})";
    }

    [GeneratedRegex(@"-?\d+(\.\d+)?([eE][-+]?\d+)?")]
    private static partial Regex Numbers();

    [GeneratedRegex("\"[^\"\\\\]{1,64}\"(?=\\s*:)")]
    private static partial Regex Keys();
}

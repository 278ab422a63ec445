using System;
using System.IO;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>
/// Hostile streams and files for the stream and path entry points (<see cref="WeightFile.Read"/>, <see cref="SafeTensorsFile.Read"/>,
/// <see cref="WeightFile.Open"/>): a seekable stream whose <see cref="Stream.Length"/> lies, an endless non-seekable stream, and a
/// sparse file of more than 2 GiB. Each must be refused within the <see cref="HostileFile"/> contract: reading stops at a size cap.
/// </summary>
public sealed class HostileStreamsTests
{
    /// <summary>A seekable stream that yields <paramref name="content"/> then ends, but reports <paramref name="claimedLength"/>.</summary>
    private sealed class LyingLengthStream(byte[] content, long claimedLength) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => true;

        public override bool CanWrite => false;

        public override long Length => claimedLength;

        public override long Position
        {
            get => _position;
            set => _position = value;
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            if (_position >= content.Length)
            {
                return 0;
            }
            int read = (int)Math.Min(buffer.Length, content.Length - _position);
            content.AsSpan((int)_position, read).CopyTo(buffer);
            _position += read;
            return read;
        }

        public override long Seek(long offset, SeekOrigin origin)
            => _position = origin switch { SeekOrigin.Begin => offset, SeekOrigin.Current => _position + offset, _ => claimedLength + offset };

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>A non-seekable stream that yields <paramref name="prefix"/>, then <paramref name="fill"/> forever.</summary>
    private sealed class EndlessStream(byte[] prefix, byte fill) : Stream
    {
        private long _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override int Read(byte[] buffer, int offset, int count) => Read(buffer.AsSpan(offset, count));

        public override int Read(Span<byte> buffer)
        {
            int head = (int)Math.Clamp(prefix.Length - _position, 0, buffer.Length);
            prefix.AsSpan((int)Math.Min(_position, prefix.Length), head).CopyTo(buffer);
            buffer[head..].Fill(fill);
            _position += buffer.Length;
            return buffer.Length;
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void Flush()
        {
        }

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }

    /// <summary>The start of a safetensors file whose header is cut off: what the lying streams really yield (4 KiB).</summary>
    private static byte[] Content()
    {
        var bytes = new byte[4096];
        Utf8("{\"w\":{\"dtype\":\"F32\",\"shape\":[1],\"data_offsets\":[0,4]}}").CopyTo(bytes, 8);
        BitConverter.GetBytes(64UL).CopyTo(bytes, 0);
        return bytes;
    }

    // ---- > 2 GiB claims: seekable streams whose Length lies ----

    [Fact]
    public void Seekable_stream_claiming_3GiB_WeightFile()
        => AssertRefused("stream_3gib", 4096, () => WeightFile.Read(new LyingLengthStream(Content(), 3L << 30), "stream_3gib"));

    [Fact]
    public void Seekable_stream_claiming_3GiB_SafeTensorsFile()
        => AssertRefused("stream_3gib_safetensors", 4096, () => SafeTensorsFile.Read(new LyingLengthStream(Content(), 3L << 30), "stream_3gib_safetensors"));

    /// <summary>Length claims 1.9 GiB (within an array's reach) of a stream that holds 4 KiB: nothing may be sized from the claim.</summary>
    [Fact]
    public void Seekable_stream_claiming_1_9GiB_WeightFile()
        => AssertRefused("stream_1_9gib", 4096, () => WeightFile.Read(new LyingLengthStream(Content(), 1_900_000_000), "stream_1_9gib"));

    [Fact]
    public void Seekable_stream_claiming_long_MaxValue()
        => AssertRefused("stream_long_max", 4096, () => WeightFile.Read(new LyingLengthStream(Content(), long.MaxValue), "stream_long_max"));

    // ---- endless non-seekable streams: reading must stop at a size cap ----

    [Fact]
    public void Endless_stream_of_zeros_WeightFile()
        => AssertRefused("endless_zeros", HostLimit, () => WeightFile.Read(new EndlessStream([], 0), "endless_zeros", new WeightFileOptions { MaxBytes = HostLimit }));

    [Fact]
    public void Endless_JSON_whitespace_WeightFile()
        => AssertRefused("endless_json", HostLimit, () => WeightFile.Read(new EndlessStream(Utf8("{\"w\":"), (byte)' '), "endless_json", new WeightFileOptions { MaxBytes = HostLimit }));

    /// <summary>With the default limit an endless stream stops at 256 MiB: read, not held twice over.</summary>
    [Fact]
    public void Endless_stream_stops_at_the_default_limit()
        => AssertRefused("endless_default", WeightFileOptions.DefaultMaxBytes / 8, () => WeightFile.Read(new EndlessStream([], 0), "endless_default"));

    [Fact]
    public void Endless_safetensors_SafeTensorsFile()
        => AssertRefused("endless_safetensors", HostLimit, () => SafeTensorsFile.Read(new EndlessStream(Content()[..72], (byte)' '), "endless_safetensors", new WeightFileOptions { MaxBytes = HostLimit }));

    // ---- a generated model's Load: the same limits, the host's when it gives them ----

    /// <summary>A host passes its limit to the generated <c>Load(stream, options)</c>: an endless stream stops there.</summary>
    [Fact]
    public void Generated_Load_of_an_endless_stream_stops_at_the_hosts_limit()
        => AssertRefused("<stream>", HostLimit, () => FormatSingle.Load(new EndlessStream([], 0), new WeightFileOptions { MaxBytes = HostLimit }));

    /// <summary>The generated <c>Load(stream)</c> keeps the default limit on a stream whose Length lies.</summary>
    [Fact]
    public void Generated_Load_of_a_stream_claiming_3GiB()
        => AssertRefused("<stream>", 4096, () => FormatSingle.Load(new LyingLengthStream(Content(), 3L << 30)));

    /// <summary>The host's limit refuses a well-formed file larger than it, naming the limit.</summary>
    [Fact]
    public void Generated_Load_refuses_a_valid_file_over_the_hosts_limit()
    {
        byte[] golden = File.ReadAllBytes(FormatTests.PathOf("stack.safetensors"));
        var error = Assert.Throws<WeightFormatException>(() => FormatStack.Load(new MemoryStream(golden), new WeightFileOptions { MaxBytes = golden.Length - 1 }));
        Assert.Contains($"{golden.Length - 1}", error.Message, StringComparison.Ordinal);
        Assert.NotNull(FormatStack.Load(new MemoryStream(golden), new WeightFileOptions { MaxBytes = golden.Length }));
    }

    /// <summary>The limit a host that loads user files sets (WeightFileOptions.MaxBytes): 4 MiB.</summary>
    private const long HostLimit = 4L << 20;

    // ---- > 2 GiB sparse file ----

    /// <summary>A sparse file of 3 GiB (4 KiB written: a safetensors start, then a hole) opened by path.</summary>
    [Fact]
    public void Sparse_file_of_3GiB_WeightFile_Open()
    {
        string folder = Directory.CreateTempSubdirectory("genlstm-hostile-").FullName;
        try
        {
            string path = Path.Combine(folder, "sparse.safetensors");
            using (var file = new FileStream(path, FileMode.CreateNew))
            {
                file.Write(Content());
                file.SetLength(3L << 30);
            }
            AssertRefused(path, 4096, () => WeightFile.Open(path));
            AssertRefused(path, 4096, () => FormatSingle.Load(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    [Fact]
    public void Sparse_file_of_3GiB_KerasHdf5_Open()
    {
        string folder = Directory.CreateTempSubdirectory("genlstm-hostile-").FullName;
        try
        {
            string path = Path.Combine(folder, "sparse.h5");
            using (var file = new FileStream(path, FileMode.CreateNew))
            {
                file.Write([0x89, (byte)'H', (byte)'D', (byte)'F', 0x0D, 0x0A, 0x1A, 0x0A]);
                file.SetLength(3L << 30);
            }
            AssertRefused(path, 4096, () => GenLstm.Keras.KerasHdf5.Open(path));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}

using System;
using System.Buffers.Binary;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.InteropServices;
using GenLstm.Contract;

namespace GenLstm;

/// <summary>
/// Reads the safetensors format (what <c>safetensors.torch.save_file</c> writes): an 8-byte little-endian header
/// length, a JSON header naming each tensor's dtype, shape and byte range, then the raw little-endian data.
/// </summary>
/// <remarks>
/// <para>
/// The whole file is validated when it is opened, before any tensor is read: the header length against the file's
/// real size, every tensor's byte range against the data section and against its dtype and shape. A truncated or
/// lying file therefore throws a <see cref="WeightFormatException"/> naming the file and tensor; it never causes a
/// huge allocation or an out-of-range access. Tensors of dtypes this reader cannot convert (integers, say) may be
/// present; only reading them as floats fails.
/// </para>
/// <para>Instances are immutable and thread-safe.</para>
/// </remarks>
public sealed class SafeTensorsFile
{
    /// <summary>The largest JSON header accepted (the format's own reference implementation uses the same bound).</summary>
    public const long MaxHeaderLength = SafeTensorsHeader.MaxHeaderLength;

    private readonly ReadOnlyMemory<byte> _data;
    private readonly Dictionary<string, SafeTensorInfo> _byName;

    private SafeTensorsFile(string sourceName, ReadOnlyMemory<byte> data, List<SafeTensorInfo> tensors,
        Dictionary<string, string> metadata)
    {
        SourceName = sourceName;
        _data = data;
        Tensors = tensors;
        Metadata = metadata;
        _byName = tensors.ToDictionary(t => t.Name, StringComparer.Ordinal);
    }

    /// <summary>The file path, or the description given for a stream; every error message starts with it.</summary>
    public string SourceName { get; }

    /// <summary>Every tensor in the file, in the order of their data.</summary>
    public IReadOnlyList<SafeTensorInfo> Tensors { get; }

    /// <summary>The optional <c>__metadata__</c> string map of the header (empty when absent).</summary>
    public IReadOnlyDictionary<string, string> Metadata { get; }

    /// <summary>Reads and validates a safetensors file.</summary>
    /// <param name="path">The file's path.</param>
    /// <exception cref="WeightFormatException">The file is not a valid safetensors file.</exception>
    /// <exception cref="IOException">The file cannot be read.</exception>
    public static SafeTensorsFile Open(string path)
    {
        ArgumentException.ThrowIfNullOrEmpty(path);
        return Parse(Formats.StreamBytes.ReadFile(path, WeightFileOptions.Default), path);
    }

    /// <summary>Reads and validates a safetensors file from a stream (read to its end; not closed).</summary>
    /// <param name="stream">The stream, positioned at the start of the file.</param>
    /// <param name="sourceName">How error messages name the stream's origin.</param>
    /// <param name="options">The size limit for a stream that may be hostile (<see cref="WeightFileOptions.MaxBytes"/>); the default when null.</param>
    /// <exception cref="WeightFormatException">The content is not a valid safetensors file, or goes beyond the limit.</exception>
    public static SafeTensorsFile Read(Stream stream, string sourceName = "<stream>", WeightFileOptions? options = null)
    {
        ArgumentNullException.ThrowIfNull(stream);
        return Parse(Formats.StreamBytes.ReadToEnd(stream, sourceName, options ?? WeightFileOptions.Default), sourceName);
    }

    /// <summary>Validates a safetensors file held in memory (the memory is kept, not copied).</summary>
    /// <param name="bytes">The whole file.</param>
    /// <param name="sourceName">How error messages name the file.</param>
    /// <exception cref="WeightFormatException">The content is not a valid safetensors file.</exception>
    public static SafeTensorsFile Parse(ReadOnlyMemory<byte> bytes, string sourceName)
    {
        ArgumentNullException.ThrowIfNull(sourceName);
        // The header's decisions are the generator's too: one parser, compiled into both (Contract/SafeTensorsHeader.cs).
        ArraySegment<byte> file = MemoryMarshal.TryGetArray(bytes, out ArraySegment<byte> segment) ? segment : new ArraySegment<byte>(bytes.ToArray());
        SafeTensorsHeader header = SafeTensorsHeader.Parse(file.Array!, file.Offset, file.Count);
        if (header.Problem is { } problem)
        {
            throw new WeightFormatException(sourceName, header.ProblemTensor, problem);
        }
        List<SafeTensorInfo> tensors = [.. header.Tensors
            .Select(t => new SafeTensorInfo(t.Name, t.DType, t.Shape, t.DataOffset, t.ByteLength))
            .OrderBy(t => t.DataOffset)];
        var metadata = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (KeyValuePair<string, string> item in header.Metadata)
        {
            metadata[item.Key] = item.Value;
        }
        return new SafeTensorsFile(sourceName, bytes.Slice(header.DataStart), tensors, metadata);
    }

    /// <summary>Whether the file holds a tensor of that name.</summary>
    public bool Contains(string name) => _byName.ContainsKey(name);

    /// <summary>Looks up a tensor's header entry.</summary>
    public bool TryGetInfo(string name, out SafeTensorInfo info) => _byName.TryGetValue(name, out info!);

    /// <summary>A tensor's header entry.</summary>
    /// <exception cref="WeightFormatException">No tensor has that name (the message lists those present).</exception>
    public SafeTensorInfo GetInfo(string name)
    {
        if (_byName.TryGetValue(name, out SafeTensorInfo? info))
        {
            return info;
        }

        throw WeightFormatException.NoSuchTensor(SourceName, name, [.. Tensors.Select(t => $"'{t.Name}' {t.ShapeText}")]);
    }

    /// <summary>
    /// Reads a tensor as float32, converting from F64, F16 or BF16 where needed, after checking its shape.
    /// </summary>
    /// <param name="name">The tensor's name.</param>
    /// <param name="expectedShape">The shape it must have.</param>
    /// <exception cref="WeightFormatException">The tensor is missing, has another shape, or is not a float dtype.</exception>
    public float[] ReadFloat32(string name, params ReadOnlySpan<long> expectedShape)
    {
        WeightFormatException.RequireShape(SourceName, name, GetInfo(name).Shape, expectedShape);
        return ReadFloat32(name);
    }

    /// <summary>Reads a tensor as float32, converting from F64, F16 or BF16 where needed, in row-major order.</summary>
    /// <exception cref="WeightFormatException">The tensor is missing or is not a float dtype.</exception>
    public float[] ReadFloat32(string name)
    {
        SafeTensorInfo info = GetInfo(name);
        ReadOnlySpan<byte> bytes = Bytes(info);
        var result = new float[info.ElementCount];
        switch (info.DType)
        {
            case "F32":
                if (BitConverter.IsLittleEndian)
                {
                    MemoryMarshal.Cast<byte, float>(bytes).CopyTo(result);
                }
                else
                {
                    for (int i = 0; i < result.Length; i++)
                    {
                        result[i] = BinaryPrimitives.ReadSingleLittleEndian(bytes[(i * 4)..]);
                    }
                }
                break;
            case "F64":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
                }
                break;
            case "F16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = (float)BinaryPrimitives.ReadHalfLittleEndian(bytes[(i * 2)..]);
                }
                break;
            case "BF16":
                for (int i = 0; i < result.Length; i++)
                {
                    result[i] = BitConverter.Int32BitsToSingle(BinaryPrimitives.ReadUInt16LittleEndian(bytes[(i * 2)..]) << 16);
                }
                break;
            default:
                throw new WeightFormatException(SourceName, name,
                    $"dtype {info.DType} cannot be read as floats; expected F32, F64, F16 or BF16.");
        }
        return result;
    }

    /// <summary>Reads a tensor as float64 (from F64 exactly, or widened from a float32-readable dtype).</summary>
    /// <exception cref="WeightFormatException">The tensor is missing or is not a float dtype.</exception>
    public double[] ReadFloat64(string name)
    {
        SafeTensorInfo info = GetInfo(name);
        if (info.DType != "F64")
        {
            return Array.ConvertAll(ReadFloat32(name), value => (double)value);
        }

        ReadOnlySpan<byte> bytes = Bytes(info);
        var result = new double[info.ElementCount];
        for (int i = 0; i < result.Length; i++)
        {
            result[i] = BinaryPrimitives.ReadDoubleLittleEndian(bytes[(i * 8)..]);
        }
        return result;
    }

    private ReadOnlySpan<byte> Bytes(SafeTensorInfo info) => _data.Span.Slice((int)info.DataOffset, (int)info.ByteLength);
}

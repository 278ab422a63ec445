using System;
using System.Buffers.Binary;

namespace GenLstm.Formats;

/// <summary>A malformed protocol-buffer message; the ONNX reader turns it into a <see cref="WeightFormatException"/> with context.</summary>
internal sealed class ProtobufException(string message) : Exception(message);

/// <summary>
/// Reads the protocol-buffer wire format field by field (the few ONNX messages GenLstm needs; see <see cref="OnnxReader"/>).
/// Every length is checked against what remains, so a lying length throws instead of reading out of range or allocating.
/// </summary>
internal ref struct ProtobufReader(ReadOnlySpan<byte> buffer)
{
    public const int Varint = 0, Fixed64 = 1, LengthDelimited = 2, Fixed32 = 5;

    private readonly ReadOnlySpan<byte> _buffer = buffer;
    private int _position;

    public readonly bool AtEnd => _position >= _buffer.Length;

    /// <summary>Reads the next field's number and wire type; false at the end of the message.</summary>
    public bool TryReadTag(out int field, out int wireType)
    {
        if (AtEnd)
        {
            field = wireType = 0;
            return false;
        }
        ulong tag = ReadVarint();
        field = (int)Math.Min(tag >> 3, int.MaxValue);
        wireType = (int)(tag & 7);
        if (field == 0)
        {
            throw new ProtobufException($"field number 0 at byte {_position}");
        }
        return true;
    }

    public ulong ReadVarint()
    {
        ulong value = 0;
        for (int shift = 0; shift < 64; shift += 7)
        {
            if (AtEnd)
            {
                throw new ProtobufException("a varint runs past the end of its message");
            }
            byte b = _buffer[_position++];
            value |= (ulong)(b & 0x7F) << shift;
            if (b < 0x80)
            {
                return value;
            }
        }
        throw new ProtobufException("a varint is longer than 10 bytes");
    }

    public ReadOnlySpan<byte> ReadLengthDelimited()
    {
        ulong length = ReadVarint();
        if (length > (ulong)(_buffer.Length - _position))
        {
            throw new ProtobufException($"a field claims {length} bytes but only {_buffer.Length - _position} remain");
        }
        ReadOnlySpan<byte> value = _buffer.Slice(_position, (int)length);
        _position += (int)length;
        return value;
    }

    public uint ReadFixed32() => BinaryPrimitives.ReadUInt32LittleEndian(Take(4));

    public ulong ReadFixed64() => BinaryPrimitives.ReadUInt64LittleEndian(Take(8));

    public string ReadString() => System.Text.Encoding.UTF8.GetString(ReadLengthDelimited());

    /// <summary>Skips a field this reader does not use.</summary>
    public void Skip(int wireType)
    {
        switch (wireType)
        {
            case Varint: ReadVarint(); break;
            case Fixed64: Take(8); break;
            case LengthDelimited: ReadLengthDelimited(); break;
            case Fixed32: Take(4); break;
            default: throw new ProtobufException($"wire type {wireType} (groups or invalid) at byte {_position}");
        }
    }

    private ReadOnlySpan<byte> Take(int count)
    {
        if (_buffer.Length - _position < count)
        {
            throw new ProtobufException("a fixed-size field runs past the end of its message");
        }
        ReadOnlySpan<byte> value = _buffer.Slice(_position, count);
        _position += count;
        return value;
    }
}

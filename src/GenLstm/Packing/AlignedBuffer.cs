using System;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;

namespace GenLstm;

/// <summary>A zeroed, pinned array whose data starts at a 64-byte aligned element: the packed weights' storage.</summary>
internal readonly struct AlignedBuffer<T>
    where T : unmanaged
{
    private const int Alignment = 64;

    private readonly T[] _array;
    private readonly int _start;

    public AlignedBuffer(int length)
    {
        // Pinned, so the alignment found here holds for the object's lifetime; zeroed, so padding is zero.
        _array = GC.AllocateArray<T>(length + Alignment / Unsafe.SizeOf<T>(), pinned: true);
        _start = AlignmentOffset(_array);
        Length = length;
    }

    public int Length { get; }

    public ref T Start => ref Unsafe.Add(ref MemoryMarshal.GetArrayDataReference(_array), _start);

    public Span<T> Span => MemoryMarshal.CreateSpan(ref Start, Length);

    private static unsafe int AlignmentOffset(T[] pinnedArray)
    {
        nuint address = (nuint)Unsafe.AsPointer(ref MemoryMarshal.GetArrayDataReference(pinnedArray));
        nuint misalignment = address % Alignment;
        return misalignment == 0 ? 0 : (int)((Alignment - misalignment) / (nuint)Unsafe.SizeOf<T>());
    }
}

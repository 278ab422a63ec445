using System.Collections.Generic;
using System.Linq;

namespace GenLstm;

/// <summary>One tensor's entry in the header of a safetensors file.</summary>
/// <param name="Name">The tensor's name, e.g. <c>weight_ih_l0</c>.</param>
/// <param name="DType">The element type as the file spells it: <c>F32</c>, <c>F64</c>, <c>F16</c>, <c>BF16</c>, <c>I64</c>, …</param>
/// <param name="Shape">The dimensions, outermost first (row-major).</param>
/// <param name="DataOffset">Offset of the first byte of the data, relative to the start of the data section.</param>
/// <param name="ByteLength">Number of bytes of data.</param>
public sealed record SafeTensorInfo(string Name, string DType, IReadOnlyList<long> Shape, long DataOffset, long ByteLength)
{
    /// <summary>The number of elements: the product of <see cref="Shape"/> (1 for a scalar).</summary>
    public long ElementCount => Shape.Aggregate(1L, (product, dimension) => product * dimension);

    /// <summary>The shape written as <c>[4, 3]</c>, for messages.</summary>
    public string ShapeText => FormatShape(Shape);

    internal static string FormatShape(IEnumerable<long> shape) => Contract.SafeTensorsHeader.FormatShape(shape);
}

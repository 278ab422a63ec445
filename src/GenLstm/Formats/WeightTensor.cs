using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm;

/// <summary>One named float tensor of a <see cref="WeightFile"/>, row-major, already converted to float32.</summary>
/// <param name="Name">The tensor's name in GenLstm's canonical naming (PyTorch's state-dict names; see <see cref="WeightFile"/>).</param>
/// <param name="Shape">The dimensions, outermost first.</param>
/// <param name="Values">The elements, row-major; their count is the product of <paramref name="Shape"/>.</param>
public sealed record WeightTensor(string Name, IReadOnlyList<long> Shape, float[] Values)
{
    /// <summary>The shape written as <c>[4, 3]</c>, for messages.</summary>
    public string ShapeText => SafeTensorInfo.FormatShape(Shape);

    /// <summary>Creates a tensor after checking that the values fill the shape.</summary>
    /// <exception cref="ArgumentException">The element count differs from the product of the shape, or a dimension is negative.</exception>
    public static WeightTensor Create(string name, float[] values, params long[] shape)
    {
        ArgumentNullException.ThrowIfNull(name);
        ArgumentNullException.ThrowIfNull(values);
        ArgumentNullException.ThrowIfNull(shape);
        if (shape.Any(dimension => dimension < 0) || shape.Aggregate(1L, (product, dimension) => product * dimension) != values.Length)
        {
            throw new ArgumentException($"Tensor '{name}': {values.Length} values do not fill the shape {SafeTensorInfo.FormatShape(shape)}.", nameof(values));
        }
        return new WeightTensor(name, shape, values);
    }

    /// <summary>A matrix's transpose under another name: [rows, columns] becomes [columns, rows].</summary>
    internal WeightTensor Transposed(string name)
    {
        int rows = (int)Shape[0], columns = (int)Shape[1];
        var result = new float[Values.Length];
        PyTorchLstmTensors.TransposeInto(Values, rows, columns, result);
        return new WeightTensor(name, [columns, rows], result);
    }
}

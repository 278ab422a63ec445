using System;
using System.Globalization;
using System.IO;
using System.Linq;

namespace GenLstm.Conformance;

/// <summary>
/// <c>&lt;name&gt;_torch_ref.csv</c>: PyTorch's outputs for one 2048-step sequence from the zero state. Columns
/// <c>x0[,x1],y_f32,y_f64</c>; y is lin(h_t) only, without the plugin's skip term x0 (see the data set's README).
/// </summary>
internal sealed class TorchReference
{
    public const int Steps = 2048;

    private TorchReference(float[] inputs, double[] outputF32, double[] outputF64)
    {
        Inputs = inputs;
        OutputF32 = outputF32;
        OutputF64 = outputF64;
    }

    /// <summary>x_0 … x_{T-1}, row-major, T × I. The CSV prints float32 values with 9 digits, which round-trips.</summary>
    public float[] Inputs { get; }

    /// <summary>The <c>y_f32</c> column: a float32 PyTorch forward pass.</summary>
    public double[] OutputF32 { get; }

    /// <summary>The <c>y_f64</c> column: the same model run in float64, the yardstick.</summary>
    public double[] OutputF64 { get; }

    /// <summary>Reads the reference of a model with <paramref name="inputSize"/> inputs; checks the header and the row count.</summary>
    public static TorchReference Load(string name, int inputSize)
    {
        string path = RealData.NeuralPiFile(name + "_torch_ref.csv");
        string[] lines = File.ReadAllLines(path).Where(line => line.Length > 0).ToArray();
        string expectedHeader = inputSize == 2 ? "x0,x1,y_f32,y_f64" : "x0,y_f32,y_f64";
        if (lines.Length == 0 || lines[0] != expectedHeader)
        {
            throw new InvalidDataException($"{path}: expected the header '{expectedHeader}', found '{lines.FirstOrDefault()}'.");
        }
        if (lines.Length - 1 != Steps)
        {
            throw new InvalidDataException($"{path}: expected {Steps} rows, found {lines.Length - 1}.");
        }

        var inputs = new float[Steps * inputSize];
        var outputF32 = new double[Steps];
        var outputF64 = new double[Steps];
        for (int t = 0; t < Steps; t++)
        {
            string[] cells = lines[t + 1].Split(',');
            if (cells.Length != inputSize + 2)
            {
                throw new InvalidDataException($"{path}: row {t + 1} has {cells.Length} columns, expected {inputSize + 2}.");
            }
            for (int k = 0; k < inputSize; k++)
            {
                inputs[t * inputSize + k] = float.Parse(cells[k], CultureInfo.InvariantCulture);
            }
            outputF32[t] = double.Parse(cells[inputSize], CultureInfo.InvariantCulture);
            outputF64[t] = double.Parse(cells[inputSize + 1], CultureInfo.InvariantCulture);
        }
        return new TorchReference(inputs, outputF32, outputF64);
    }
}

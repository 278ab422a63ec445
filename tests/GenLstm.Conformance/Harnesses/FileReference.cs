using System;
using System.Collections.Generic;
using System.Linq;

namespace GenLstm.Conformance;

/// <summary>
/// A real model file with its authors' reference outputs (PyTorch, float64): the inputs, the expected outputs (with the model's
/// input skip added where the reference lacks it), and the file's own float32-vs-float64 gap, the yardstick of the bars
/// "within 4× the file's float32 gap".
/// </summary>
internal sealed class FileReference
{
    /// <summary>File → (reference CSV, input columns, expected column, the float32 column, whether the expected column lacks the input skip x_0).</summary>
    private static readonly Dictionary<string, (string Csv, string[] Inputs, string Expected, string Float32, bool AddSkip)> References = new(StringComparer.Ordinal)
    {
        ["nam-core/lstm.nam"] = ("nam-core/lstm_nam_torch_ref.csv", ["x"], "y_f64", "y_f32", false),
        ["neuralseed/lstm4_ts9_pytorch.json"] = ("neuralseed/lstm4_ref.csv", ["x0"], "y_f64", "y_f32", false),
        ["neuralseed/gru4_ts9_pytorch.json"] = ("neuralseed/gru4_ref.csv", ["x0"], "y_f64", "y_f32", false),
        ["neuralpi-torch/TS9.json"] = ("neuralpi-torch/TS9_torch_ref.csv", ["x0", "x1"], "y_f64", "y_f32", true),
        ["neuralpi-torch/BluesJr.json"] = ("neuralpi-torch/BluesJr_torch_ref.csv", ["x0", "x1"], "y_f64", "y_f32", true),
        ["neuralpi-torch/HT40_Overdrive.json"] = ("neuralpi-torch/HT40_Overdrive_torch_ref.csv", ["x0", "x1"], "y_f64", "y_f32", true),
        ["neuralpi-torch/TS9_FullD.json"] = ("neuralpi-torch/TS9_FullD_torch_ref.csv", ["x0"], "y_f64", "y_f32", true),
        ["neuralpi-torch/BluesJR_FullD.json"] = ("neuralpi-torch/BluesJR_FullD_torch_ref.csv", ["x0"], "y_f64", "y_f32", true),
    };

    private FileReference(string file, int inputSize, float[] inputs, double[] expected, double float32Gap)
    {
        File = file;
        InputSize = inputSize;
        Inputs = inputs;
        Expected = expected;
        Float32Gap = float32Gap;
    }

    /// <summary>The files that have a reference, relative to the real-data folder.</summary>
    public static IEnumerable<string> Files => References.Keys;

    /// <summary>The file, relative to the real-data folder.</summary>
    public string File { get; }

    public int InputSize { get; }

    /// <summary>The reference's inputs, interleaved: T × <see cref="InputSize"/>.</summary>
    public float[] Inputs { get; }

    /// <summary>The reference's float64 outputs, with the input skip.</summary>
    public double[] Expected { get; }

    /// <summary>max |the reference's own float32 run − its float64 run|.</summary>
    public double Float32Gap { get; }

    public static FileReference Of(string file)
    {
        (string csv, string[] inputColumns, string expectedColumn, string float32Column, bool addSkip) = References[file];
        ReferenceCsv reference = ReferenceCsv.Read(csv, [.. inputColumns, expectedColumn, float32Column]);
        double[] x0 = reference.Column(inputColumns[0]);
        double[] expected = [.. reference.Column(expectedColumn).Select((y, t) => addSkip ? y + x0[t] : y)];
        double[] float32 = [.. reference.Column(float32Column).Select((y, t) => addSkip ? (double)((float)y + (float)x0[t]) : y)];
        return new FileReference(file, inputColumns.Length, reference.Interleaved(inputColumns), expected, float32.Zip(expected, (a, e) => Math.Abs(a - e)).Max());
    }

    /// <summary>max |outputs − expected|.</summary>
    public double MaxError(float[] outputs) => outputs.Zip(Expected, (a, e) => Math.Abs(a - e)).Max();
}

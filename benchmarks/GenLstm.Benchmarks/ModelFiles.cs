using System;
using System.IO;

namespace GenLstm.Benchmarks;

/// <summary>
/// The files of one benchmark size in <c>Models/</c>, written by <c>benchmarks/scripts/make_onnx_models.py</c>:
/// PyTorch's four LSTM tensors as safetensors (what the C# implementations load), and two ONNX models holding the
/// same weights (one streamed step, and a whole sequence of <see cref="SequenceLength"/> steps).
/// </summary>
public sealed class ModelFiles
{
    /// <summary>T of the sequence model and of every <c>Forward</c> benchmark.</summary>
    public const int SequenceLength = 128;

    private ModelFiles(string size, int inputSize, int hiddenSize)
    {
        Size = size;
        InputSize = inputSize;
        HiddenSize = hiddenSize;
    }

    /// <summary>"IxH", as in the file names and the benchmarks' <c>Size</c> parameter.</summary>
    public string Size { get; }

    public int InputSize { get; }

    public int HiddenSize { get; }

    public string WeightsPath => Path.Combine(Folder, $"lstm_{Size}.safetensors");

    /// <summary>The ONNX LSTM with seq_len 1: X, initial_h, initial_c in; Y, Y_h, Y_c out.</summary>
    public string StreamingModelPath => Path.Combine(Folder, $"lstm_{Size}.stream.onnx");

    /// <summary>The ONNX LSTM with seq_len <see cref="SequenceLength"/>, same inputs and outputs.</summary>
    public string SequenceModelPath => Path.Combine(Folder, $"lstm_{Size}.seq{SequenceLength}.onnx");

    private static string Folder => Path.Combine(AppContext.BaseDirectory, "Models");

    /// <summary>The files for a size "IxH".</summary>
    public static ModelFiles For(string size)
    {
        string[] parts = size.Split('x');
        if (parts.Length != 2 || !int.TryParse(parts[0], out int inputSize) || !int.TryParse(parts[1], out int hiddenSize))
        {
            throw new ArgumentException($"a size is written IxH, such as 16x32, not '{size}'.", nameof(size));
        }
        var files = new ModelFiles(size, inputSize, hiddenSize);
        if (!File.Exists(files.WeightsPath))
        {
            throw new FileNotFoundException(
                $"no weights for size {size}; add the size to benchmarks/scripts/make_onnx_models.py and run it.", files.WeightsPath);
        }
        return files;
    }

    /// <summary>The sequence every Step and Forward benchmark feeds: T = <see cref="SequenceLength"/> rows of x_t, sin(0.1 i).</summary>
    public float[] SequenceInputs()
    {
        var inputs = new float[SequenceLength * InputSize];
        for (int i = 0; i < inputs.Length; i++)
        {
            inputs[i] = MathF.Sin(0.1f * i);
        }
        return inputs;
    }

    /// <summary>Reads PyTorch's tensors (<c>weight_ih_l0</c> [4H, I], <c>weight_hh_l0</c> [4H, H], both biases [4H]).</summary>
    public PyTorchLstmTensors ReadWeights() => PyTorchLstmTensors.Read(WeightFile.Open(WeightsPath), InputSize, HiddenSize);
}

using System;
using System.IO;
using System.Linq;
using GenLstm.Keras;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// GuitarML's trained Keras 2 file (Conv1D, Conv1D, LSTM(16 → 36), Dense(1), saved by Keras 2.2.4-tf, weights without the
/// <c>lstm_cell</c> level) through GenLstm.Keras, against a float64 NumPy run of Keras's equations on the arrays h5py read
/// (tests/scripts/make_keras_reference.py).
/// </summary>
public sealed class KerasFileTests(ITestOutputHelper log)
{
    /// <summary>float32 over 64 steps against float64, outputs within ±0.23: a few float32 ulps per step (measured below 1e-7).</summary>
    private const double Tolerance = 1e-6;

    [Fact]
    public void The_LSTM_and_its_head_are_found_in_the_whole_model_and_reproduce_Keras()
    {
        WeightFile file = KerasHdf5.Open(RealData.KerasModelFile);
        Assert.Equal(WeightFileFormat.KerasHdf5, file.Format);
        foreach (string line in file.Skipped)
        {
            log.WriteLine("skipped: " + line);
        }
        Assert.Equal(2, file.Skipped.Count);
        Assert.All(file.Skipped, line => Assert.Contains("conv1d", line));
        Assert.All(file.Skipped, line => Assert.Contains("before the LSTM", line));
        Assert.Contains(file.Statements, a => a.Name == "recurrent_activation" && a.Value == "sigmoid");

        SafeTensorsFile reference = SafeTensorsFile.Open(Path.Combine(AppContext.BaseDirectory, "Reference", "ts9_lstm.safetensors"));
        float[] inputs = reference.ReadFloat32("input");
        var outputs = new float[inputs.Length / KerasTs9.InputSize];
        var state = new KerasTs9.State();
        KerasTs9.FromWeights(file).Forward(inputs, ref state, outputs);

        double error = outputs.Zip(reference.ReadFloat64("output_f64"), (a, e) => Math.Abs(a - e)).Max();
        log.WriteLine($"ts9_model.h5: {outputs.Length} steps, max |GenLstm - Keras equations in float64| = {error:E2}");
        Assert.InRange(error, 0, Tolerance);
    }

    [Fact]
    public void Once_registered_Load_reads_HDF5_and_checks_the_configuration()
    {
        KerasHdf5.Register();
        KerasTs9 model = KerasTs9.Load(RealData.KerasModelFile);
        Assert.NotNull(model);

        var error = Assert.Throws<WeightFormatException>(() => KerasTs9HardSigmoid.Load(RealData.KerasModelFile));
        Assert.Contains("recurrent_activation = sigmoid", error.Message);
        Assert.Contains("GateActivation = HardSigmoid", error.Message);
    }

    [Fact]
    public void A_damaged_HDF5_file_throws_naming_the_file()
    {
        byte[] bytes = File.ReadAllBytes(RealData.KerasModelFile);
        var error = Assert.Throws<WeightFormatException>(() => KerasHdf5.Parse(bytes.AsMemory(0, 4096), "truncated.h5"));
        log.WriteLine(error.Message);
        Assert.StartsWith("truncated.h5: ", error.Message);
    }
}

using System;
using System.Linq;
using Xunit;
using Xunit.Abstractions;

namespace GenLstm.Conformance;

/// <summary>
/// Every real LSTM or GRU file through <see cref="RecurrentModel"/> with no declaration at all (the generic kernel, asked for
/// explicitly, since this process may have registered declared types of the same shapes): the files with reference outputs
/// reproduce them within 4× their own float32-vs-float64 gap, from the file's stored initial state and with its input skip;
/// every other model file loads and runs to finite outputs, or is refused as <c>inspect</c> refuses it. .ci/run repeats the suite
/// on every SIMD path.
/// </summary>
public sealed class RecurrentModelTests(ITestOutputHelper log)
{
    public static TheoryData<string> FilesWithReferences => new(FileReference.Files);

    public static TheoryData<string> ModelFiles => InspectRun.ModelFiles();

    [Theory]
    [MemberData(nameof(FilesWithReferences))]
    public void The_generic_kernel_reproduces_the_files_reference_with_no_declaration(string file)
    {
        FileReference reference = FileReference.Of(file);
        RecurrentModel model = RecurrentModel.FromWeights(WeightFile.Open(InspectRun.Of(file).FullPath), RecurrentKernel.Generic);
        Assert.Equal(RecurrentKernel.Generic, model.Kernel);
        Assert.Equal(reference.InputSize, model.InputSize);
        float[] outputs = new float[reference.Inputs.Length / model.InputSize * model.OutputSize];
        model.CreateStream().Forward(reference.Inputs, outputs);

        double error = reference.MaxError(outputs);
        log.WriteLine($"{file}: {model.KernelDescription}; max |generic - PyTorch float64| = {error:E2}; the file's float32 gap {reference.Float32Gap:E2}");
        Assert.InRange(error, 0, 4 * reference.Float32Gap);
    }

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void Every_model_file_loads_with_no_declaration_and_runs_or_is_refused_as_inspect_refuses_it(string file)
    {
        string path = InspectRun.Of(file).FullPath;
        if (InspectDeclarationTests.ExpectedRefusals.TryGetValue(file, out string? reason))
        {
            var error = Assert.Throws<WeightFormatException>(() => RecurrentModel.Load(path));
            Assert.Contains(reason, error.Message, StringComparison.Ordinal);
            return;
        }
        RecurrentModel model;
        try
        {
            model = RecurrentModel.FromWeights(WeightFile.Open(path), RecurrentKernel.Generic);
        }
        catch (NotSupportedException unsupported)
        {
            // A variant the generic kernel does not run: the message names the file and gives the declaration to add.
            log.WriteLine($"{file}: {unsupported.Message}");
            Assert.StartsWith(path, unsupported.Message, StringComparison.Ordinal);
            Assert.Contains("partial class MyModel", unsupported.Message, StringComparison.Ordinal);
            return;
        }
        float[] inputs = [.. Enumerable.Range(0, 64 * model.InputSize).Select(k => 0.05f * MathF.Sin(0.7f * k))];
        float[] outputs = new float[64 * model.OutputSize];
        model.CreateStream().Forward(inputs, outputs);
        log.WriteLine($"{file}: {model.KernelDescription}");
        Assert.All(outputs, y => Assert.True(float.IsFinite(y)));
        Assert.Contains(outputs, y => y != 0);
    }
}

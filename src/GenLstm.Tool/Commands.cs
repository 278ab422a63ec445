using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.Globalization;
using System.IO;
using System.Linq;

namespace GenLstm.Tool;

/// <summary>The commands' work, apart from the command line, so that tests can call them with their own writers.</summary>
internal static class Commands
{
    /// <summary>Inputs longer than this many seconds of audio draw a progress bar on standard error.</summary>
    private const double ProgressAboveSeconds = 5;

    public static int Inspect(FileInfo path, TextWriter output, TextWriter error) => Guard(error, () =>
    {
        WeightFile weights = Open(path, error);
        output.WriteLine($"file        {path.FullName}");
        output.WriteLine($"format      {weights.Format} (recognized by content)");
        output.WriteLine($"tensors     {weights.Tensors.Count}, as GenLstm reads them (PyTorch's state-dict names)");
        WriteTable(output, weights.Tensors.Select(t => (t.Name, t.ShapeText)));
        output.WriteLine($"sample rate {(weights.SampleRate is { } rate ? $"{rate.ToString("0.###", CultureInfo.InvariantCulture)} Hz" : "not stated by the file")}");
        output.WriteLine($"input skip  {weights.InputSkip switch { null => "not stated by the file", 0 => "none", 1 => "1: y_t[0] = head(h_t)[0] + x_t[0]", int k => $"{k}: y_t[j] = head(h_t)[j] + x_t[j] for j < {k}" }}");
        output.WriteLine(weights.Metadata.Count == 0 ? "metadata    none" : "metadata");
        WriteTable(output, weights.Metadata.Select(entry => (entry.Key, entry.Value)));
        output.WriteLine(weights.Statements.Count == 0 ? "states      nothing besides its tensors" : "states");
        foreach (WeightFileStatement attribute in weights.Statements)
        {
            output.WriteLine($"  {attribute.Origin}: {attribute.Name} = {attribute.Value}{(attribute.IsChecked ? " (checked against the declaration when loading)" : "")}");
        }
        output.WriteLine(weights.Skipped.Count == 0 ? "skipped     nothing" : $"skipped     {weights.Skipped.Count} (not part of the model GenLstm runs)");
        foreach (string line in weights.Skipped)
        {
            output.WriteLine($"  {line}");
        }

        LstmDeclaration model = weights.InferDeclaration();
        output.WriteLine($"model       {Describe(model)}");
        IReadOnlyList<WeightTensor> unused = weights.UnusedTensors(model);
        output.WriteLine(unused.Count == 0 ? "unused      nothing: the model reads every tensor" : $"unused      {unused.Count} tensor(s) the model does not read");
        WriteTable(output, unused.Select(t => (t.Name, t.ShapeText)));
        output.WriteLine($"kernel      {KernelWithoutDeclaration(weights, model)}");
        output.WriteLine("            with the declaration below in an application, RecurrentModel.Load runs its generated kernel");
        output.WriteLine();
        output.WriteLine("Declaration (paste into your project; then MyModel.Load(path) reads this file):");
        output.WriteLine();
        output.WriteLine(DeclarationBlock.Write(weights, model));
        return ExitCode.Ok;
    });

    /// <summary>How <see cref="RecurrentModel.Load(string)"/> runs the file in an application that declares no type for it.</summary>
    private static string KernelWithoutDeclaration(WeightFile weights, LstmDeclaration model)
        => Runtime.GenericRecurrentModel.UnsupportedVariants(weights, model) is { } variants
            ? $"with no declaration, RecurrentModel.Load refuses it: the generic kernel does not run {variants}"
            : $"with no declaration, RecurrentModel.Load runs the {RecurrentModel.FromWeights(weights, RecurrentKernel.Generic).KernelDescription}";

    private static void WriteTable(TextWriter output, IEnumerable<(string Name, string Value)> rows)
    {
        List<(string Name, string Value)> list = [.. rows];
        int width = list.Select(row => row.Name.Length).DefaultIfEmpty(0).Max();
        foreach ((string name, string value) in list)
        {
            output.WriteLine($"  {name.PadRight(width)}  {value}");
        }
    }

    public static int Convert(FileInfo path, FileInfo? destination, TextWriter output, TextWriter error) => Guard(error, () =>
    {
        WeightFile weights = Open(path, error);
        string target = destination?.FullName ?? Path.ChangeExtension(path.FullName, ".safetensors");
        if (string.Equals(Path.GetFullPath(target), path.FullName, StringComparison.Ordinal))
        {
            target = Path.ChangeExtension(path.FullName, ".canonical.safetensors");
        }
        using (FileStream stream = File.Create(target))
        {
            weights.WriteSafeTensors(stream);
        }
        output.WriteLine($"wrote {target}: {weights.Tensors.Count} tensors from {weights.Format}");
        foreach (string line in weights.Skipped)
        {
            output.WriteLine($"  not written: {line}");
        }
        return ExitCode.Ok;
    });

    public static int Check(FileInfo path, FileInfo input, FileInfo? destination, TextWriter output, TextWriter error, string? columns = null) => Guard(error, () =>
    {
        WeightFile weights = Open(path, error);
        LstmDeclaration model = weights.InferDeclaration();
        ReferenceRunner runner = ReferenceRunner.Create(weights, model);
        List<double[]> inputs = InputData.Read(input.FullName, runner.InputSize, columns);
        error.WriteLine($"running {Describe(model)} on {inputs.Count} steps, float64, from the file's initial state{(model.InputSkip > 0 ? $", input skip {model.InputSkip} added" : "")}");
        double[][] outputs = runner.Run(inputs, inputs.Count * model.Layers > 100_000 ? layer => error.WriteLine($"  layer {layer} of {model.Layers} done") : null);

        using TextWriter writer = destination is null ? TextWriter.Null : File.CreateText(destination.FullName);
        TextWriter target = destination is null ? output : writer;
        foreach (double[] row in outputs)
        {
            target.WriteLine(string.Join(",", row.Select(v => v.ToString("R", CultureInfo.InvariantCulture))));
        }
        if (destination is not null)
        {
            output.WriteLine($"wrote {destination.FullName}: {outputs.Length} rows of {outputs[0].Length}");
        }
        foreach (WeightFileStatement note in weights.Statements.Where(a => !a.IsChecked))
        {
            error.WriteLine($"note: {note.Origin}: {note.Name} = {note.Value}");
        }
        return ExitCode.Ok;
    });

    /// <summary>
    /// Runs an audio model (1 input, 1 output) on a WAV file, as <see cref="RecurrentModel.Load(string)"/> loads it, and writes
    /// its output as a mono 32-bit float WAV file of the input's rate and length.
    /// </summary>
    public static int Run(FileInfo path, FileInfo input, FileInfo destination, RunSettings settings, TextWriter output, TextWriter error) => Guard(error, () =>
    {
        RecurrentModel model = RecurrentModel.FromWeights(Open(path, error));
        RequireAudioModel(model, path);
        output.WriteLine($"model       {Describe(model.Declaration)}");
        WavAudio wav = WavAudio.Read(input.FullName);
        output.WriteLine($"input       {input.FullName}: {wav.Samples.Length} samples ({Seconds(wav.Seconds)}) at {wav.Rate} Hz, "
            + (wav.Channels == 1 ? "mono" : $"{wav.Channels} channels: the first one is run"));
        RatePlan plan = RatePlan.Choose(wav.Rate, model.SampleRate, settings);
        output.WriteLine($"rate        {plan.Description}");

        RecurrentStream stream = StartStream(model, plan, settings.Preroll, output);
        WavAudio modelInput = plan.ResampleTo is { } rate ? wav.Resample(rate) : wav;
        var result = new float[modelInput.Samples.Length];
        long start = Stopwatch.GetTimestamp();
        StreamRunner.Run(stream, modelInput.Samples, result, wav.Seconds > ProgressAboveSeconds ? error : null);
        TimeSpan elapsed = Stopwatch.GetElapsedTime(start);
        output.WriteLine($"processed   {result.Length} samples ({Seconds(wav.Seconds)} of audio) in {elapsed.TotalMilliseconds.ToString("0.0", CultureInfo.InvariantCulture)} ms: "
            + $"{(wav.Seconds / elapsed.TotalSeconds).ToString("0.0", CultureInfo.InvariantCulture)}x real time");
        output.WriteLine($"kernel      {model.KernelDescription}");

        WavAudio written = modelInput with { Samples = result };
        (plan.ResampleTo is null ? written : written.Resample(wav.Rate, wav.Samples.Length)).Write(destination.FullName);
        output.WriteLine($"wrote       {destination.FullName}: {wav.Samples.Length} samples at {wav.Rate} Hz, mono, 32-bit float");
        return ExitCode.Ok;
    });

    /// <summary>A stream of the model at the plan's sample-rate ratio, past <paramref name="preroll"/> samples of silence.</summary>
    private static RecurrentStream StartStream(RecurrentModel model, RatePlan plan, int preroll, TextWriter output)
    {
        RecurrentStream stream = model.CreateStream();
        if (plan.Ratio != 1)
        {
            stream.SetSampleRateRatio(plan.Ratio);
        }
        if (preroll > 0)
        {
            StreamRunner.Preroll(stream, preroll);
            output.WriteLine($"preroll     {preroll} samples of silence, their outputs discarded");
        }
        return stream;
    }

    /// <summary>Refuses a model that does not stream, or does not take and give one sample per step.</summary>
    /// <exception cref="NotSupportedException">The model reads whole sequences, or has more than one input or output.</exception>
    private static void RequireAudioModel(RecurrentModel model, FileInfo path)
    {
        if (!model.IsStreaming)
        {
            throw new NotSupportedException($"{path.FullName}: the model's {model.Declaration.Direction} direction reads a whole sequence from its end; run streams audio block by block.");
        }
        if (model.InputSize != 1)
        {
            throw new NotSupportedException($"{path.FullName}: the model has {model.InputSize} inputs; run needs a 1-input audio model (use check for other inputs).");
        }
        if (model.OutputSize != 1)
        {
            throw new NotSupportedException($"{path.FullName}: the model has {model.OutputSize} outputs; run needs a 1-output audio model (use check for other outputs).");
        }
    }

    private static string Seconds(double seconds) => $"{seconds.ToString("0.###", CultureInfo.InvariantCulture)} s";

    private static string Describe(LstmDeclaration d)
        => $"{d.Cell.ToString().ToUpperInvariant()} {d.InputSize} -> {d.HiddenSize}, {d.Layers} layer(s), {d.Direction.ToString().ToLowerInvariant()}"
            + (d.Cell == RecurrentCell.Gru && !d.ResetAfter ? ", reset gate before the recurrent product" : "")
            + (d.ProjectionSize > 0 ? $", projection to {d.ProjectionSize}" : "")
            + (d.Peepholes ? ", peepholes" : "") + (d.LayerNorm ? ", layer norm" : "") + (d.CoupledInputForget ? ", coupled input and forget gates" : "")
            + (d.OutputSize > 0 ? $", dense head -> {d.OutputSize}" : ", no head");

    private static WeightFile Open(FileInfo path, TextWriter progress)
        => WeightFile.Parse(ProgressReader.ReadAll(path.FullName, progress), path.FullName);

    /// <summary>Runs a command, turning each kind of failure into its message on standard error and its exit code.</summary>
    private static int Guard(TextWriter error, Func<ExitCode> command)
    {
        try
        {
            return (int)command();
        }
        catch (WeightFormatException e)
        {
            error.WriteLine($"genlstm: {e.Message}");
            return (int)ExitCode.BadFile;
        }
        catch (Exception e) when (e is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            error.WriteLine($"genlstm: {e.Message}");
            return (int)ExitCode.Io;
        }
        catch (Exception e) when (e is FormatException or NotSupportedException or ArgumentException)
        {
            error.WriteLine($"genlstm: {e.Message}");
            return (int)ExitCode.CannotRun;
        }
    }
}

using System.CommandLine;
using System.CommandLine.Help;
using System.IO;

namespace GenLstm.Tool;

/// <summary>The command line of <c>genlstm</c>, apart from Program.cs so that tests can parse and invoke it (help text included).</summary>
internal static class CommandLine
{
    /// <summary>The command's name in help and usage lines, whatever the executable is called.</summary>
    public const string Name = "genlstm";

    /// <summary>
    /// The root command. It is a <see cref="Command"/> named <see cref="Name"/> with the options <see cref="RootCommand"/>
    /// adds (help, version), not a <see cref="RootCommand"/>: that takes its name from the executable, which is
    /// GenLstm.Tool (the installed tool runs GenLstm.Tool.dll; renaming the assembly would clash with GenLstm.dll on
    /// case-insensitive file systems and lose GenLstm's InternalsVisibleTo). The commands write to the invocation's
    /// <see cref="InvocationConfiguration.Output"/> and <see cref="InvocationConfiguration.Error"/>, the console by default.
    /// </summary>
    public static Command Build()
    {
        var file = new Argument<FileInfo>("file") { Description = "The weight file: safetensors, .npz, ONNX, Keras .h5, RTNeural or state-dict JSON (recognized by content)." };
        var inspect = new Command("inspect", "Print what a weight file holds (format, tensors, shapes, what it states, skipped layers), the model it fits, and the C# declaration to paste.")
        {
            file,
        };
        inspect.SetAction(result => Commands.Inspect(result.GetValue(file)!, result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));

        var to = new Option<string>("--to") { Description = "The format to write.", Required = true };
        to.AcceptOnlyFromAmong("safetensors");
        var convertOutput = new Option<FileInfo?>("--output", "-o") { Description = "Where to write (default: the input's name with the new extension)." };
        var convert = new Command("convert", "Write the file's weights in canonical names (PyTorch's state-dict names, output.weight/bias for the head) as safetensors, which every generated Load reads.")
        {
            file, to, convertOutput,
        };
        convert.SetAction(result => Commands.Convert(result.GetValue(file)!, result.GetValue(convertOutput), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));

        var input = new Option<FileInfo>("--input", "-i") { Description = "The input sequence: a CSV with one step per line (a first line that is not numbers is a header), or a .npy array [T, I]. Each step has the model's input count of values, or more with --columns.", Required = true };
        var columns = new Option<string?>("--columns") { Description = "Which columns of the input are the model's inputs, in order: zero-based indexes or a CSV header's names, comma-separated (e.g. --columns x0,x1 or --columns 0,1). Default: every column.", HelpName = "list" };
        var checkOutput = new Option<FileInfo?>("--output", "-o") { Description = "Where to write the output rows as CSV (default: standard output)." };
        var check = new Command("check", "Run the model the file holds on an input sequence, from the zero state, in float64, and print one output row per step (CSV), to compare with the framework that trained it.")
        {
            file, input, columns, checkOutput,
        };
        check.SetAction(result => Commands.Check(result.GetValue(file)!, result.GetValue(input)!, result.GetValue(checkOutput), result.InvocationConfiguration.Output, result.InvocationConfiguration.Error, result.GetValue(columns)));

        var wavInput = new Argument<FileInfo>("input") { Description = "The WAV file to run: PCM or IEEE float, any rate; of several channels, the first one is run." };
        var wavOutput = new Argument<FileInfo>("output") { Description = "The WAV file to write: the model's output, mono 32-bit float, at the input's rate and length." };
        var modelRate = new Option<double?>("--model-rate") { Description = "The rate the model was trained at, instead of the one the file states (a file that states none is taken to run at the WAV's rate).", HelpName = "Hz" };
        modelRate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is not (> 0 and < double.PositiveInfinity))
            {
                result.AddError("--model-rate takes a rate in Hz above 0, e.g. --model-rate 48000.");
            }
        });
        var noCorrection = new Option<bool>("--no-correction") { Description = "Run the WAV's samples at sample-rate ratio 1 whatever the rates: no correction, no resampling." };
        var preroll = new Option<int>("--preroll") { Description = "Samples of silence to run before the WAV, their outputs discarded, to settle the state (default: 0).", HelpName = "N" };
        preroll.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < 0)
            {
                result.AddError("--preroll takes a count of samples, 0 or more.");
            }
        });
        var run = new Command("run", "Run an audio model (1 input, 1 output) on a WAV file as RecurrentModel.Load runs it, in blocks, from the file's initial state, and write its output as a WAV file. Above the model's rate the sample-rate correction runs; below it, the audio is resampled to the model's rate and back.")
        {
            file, wavInput, wavOutput, modelRate, noCorrection, preroll,
        };
        run.SetAction(result => Commands.Run(
            result.GetValue(file)!, result.GetValue(wavInput)!, result.GetValue(wavOutput)!,
            new RunSettings(result.GetValue(modelRate), result.GetValue(noCorrection), result.GetValue(preroll)),
            result.InvocationConfiguration.Output, result.InvocationConfiguration.Error));

        return new Command(Name, "genlstm: inspect, convert, check and run LSTM and GRU weight files for GenLstm. Exit codes: 0 done, 1 bad command line, 2 a file GenLstm cannot read or run (the message says why), 3 file not found or unreadable, 4 the model or input cannot be run.")
        {
            new HelpOption(), new VersionOption(),
            inspect, convert, check, run,
        };
    }
}

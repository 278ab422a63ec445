using System;
using System.CommandLine;
using System.Globalization;
using System.IO;
using System.Linq;
using GenLstm;
using GenLstm.Keras;
using GenLstm.Tool;

// genlstm: inspect, convert and check LSTM weight files. Exit codes: see ExitCode (and the README).
KerasHdf5.Register();

var file = new Argument<FileInfo>("file") { Description = "The weight file: safetensors, .npz, ONNX, Keras .h5, RTNeural or state-dict JSON (recognized by content)." };
var inspect = new Command("inspect", "Print what a weight file holds (format, tensors, shapes, what it states, skipped layers), the model it fits, and the C# declaration to paste.")
{
    file,
};
inspect.SetAction(result => Commands.Inspect(result.GetValue(file)!, Console.Out, Console.Error));

var to = new Option<string>("--to") { Description = "The format to write.", Required = true };
to.AcceptOnlyFromAmong("safetensors");
var output = new Option<FileInfo?>("--output", "-o") { Description = "Where to write (default: the input's name with the new extension)." };
var convert = new Command("convert", "Write the file's weights in canonical names (PyTorch's state-dict names, output.weight/bias for the head) as safetensors, which every generated Load reads.")
{
    file, to, output,
};
convert.SetAction(result => Commands.Convert(result.GetValue(file)!, result.GetValue(output), Console.Out, Console.Error));

var input = new Option<FileInfo>("--input", "-i") { Description = "The input sequence: a CSV with one step per line (I values), or a .npy array [T, I].", Required = true };
var check = new Command("check", "Run the model the file holds on an input sequence, from the zero state, in float64, and print one output row per step (CSV), to compare with the framework that trained it.")
{
    file, input, output,
};
check.SetAction(result => Commands.Check(result.GetValue(file)!, result.GetValue(input)!, result.GetValue(output), Console.Out, Console.Error));

var root = new RootCommand("genlstm: inspect, convert and check LSTM weight files for GenLstm. Exit codes: 0 done, 1 bad command line, 2 bad weight file, 3 file not found or unreadable, 4 the model or input cannot be run.")
{
    inspect, convert, check,
};
return root.Parse(args).Invoke();

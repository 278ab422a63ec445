using System;
using System.IO;
using GenLstm;
using SharpFuzz;

// AFL target: genlstm-fuzz safetensors|onnx. Reads one input from AFL, feeds it to the reader, and lets any exception other
// than the documented WeightFormatException crash the process, which AFL records as a finding.
string target = args.Length == 1 ? args[0] : throw new ArgumentException("usage: GenLstm.Fuzz safetensors|onnx");
Action<ReadOnlyMemory<byte>> read = target switch
{
    "safetensors" => bytes => WeightFile.FromSafeTensors(SafeTensorsFile.Parse(bytes, "afl.safetensors")),
    "onnx" => bytes => WeightFile.Parse(bytes, "afl.onnx"),
    _ => throw new ArgumentException($"unknown target '{target}': safetensors or onnx"),
};

Fuzzer.OutOfProcess.Run(stream =>
{
    using var copy = new MemoryStream();
    stream.CopyTo(copy);
    try
    {
        read(copy.ToArray());
    }
    catch (WeightFormatException)
    {
        // The documented rejection of a malformed file.
    }
});

using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GenLstm.Tool;

/// <summary>
/// The C# that <c>genlstm inspect</c> prints to paste: <c>using GenLstm;</c>, the declaration, and a comment for everything the
/// file's model does that the declaration alone does not say (its input skip, what its inputs are, its sample rate, layers it runs
/// before the LSTM or GRU). It compiles as printed.
/// </summary>
internal static class DeclarationBlock
{
    public static string Write(WeightFile file, LstmDeclaration model, string typeName = "MyModel")
    {
        var block = new StringBuilder();
        block.AppendLine("using GenLstm;");
        block.AppendLine();
        foreach (string line in Notes(file, model))
        {
            block.AppendLine("// " + line);
        }
        block.Append(model.ToCSharp(typeName));
        return block.ToString();
    }

    private static IEnumerable<string> Notes(WeightFile file, LstmDeclaration model)
    {
        if (file.PrecedingLayers.Count > 0)
        {
            yield return $"WARNING: the file runs {Count(file.PrecedingLayers.Count, "layer")} before its {model.Cell.ToString().ToUpperInvariant()} that GenLstm does not run:";
            foreach (string layer in file.PrecedingLayers)
            {
                yield return "  " + layer;
            }
            yield return $"The {model.Cell.ToString().ToUpperInvariant()} reads their output ({Count(model.InputSize, "value")} per step), not the file's input: audio cannot go";
            yield return "straight into Step. Compute those layers yourself and pass their output as the input.";
        }

        bool audio = file.InputSkip > 0 || file.SampleRate is not null;
        if (audio && model.InputSize > 1)
        {
            string rest = model.InputSize == 2 ? "x_t[1] is a conditioning value" : $"x_t[1] … x_t[{model.InputSize - 1}] are conditioning values";
            yield return $"Inputs: x_t[0] is the audio sample; {rest} (the knob positions the model was";
            yield return "trained with, e.g. gain in 0..1), held at the knob's setting for every step.";
        }

        if (file.SampleRate is { } rate)
        {
            string hz = rate.ToString("0.###", CultureInfo.InvariantCulture);
            yield return $"Trained at {hz} Hz (stated by the file): feed it audio at that rate, or, for a host running";
            yield return $"faster (r > {hz} Hz), add MaxSampleRateRatio = 4 (or the largest r / {hz} you need) to [Lstm] and";
            yield return $"call state.SetSampleRateRatio(r / {hz}) once per stream: RTNeural's sample-rate correction.";
        }

        if (model.InputSkip > 0)
        {
            int k = model.InputSkip;
            yield return k == 1
                ? "The file's model adds its input to its output (skip 1): InputSkip = 1 below does it, y_t[0] = head(h_t)[0] + x_t[0]."
                : $"The file's model adds its first {k} inputs to its first {k} outputs (skip {k}): InputSkip = {k} below does it.";
        }

        if (PyTorchLstmTensors.ReadLayers(file, model)
            .Any(layer => layer.InitialHidden is not null || layer.InitialCell is not null))
        {
            yield return $"The file stores the state its streams start from ({(model.Cell == RecurrentCell.Gru ? "h0" : "h0, c0")}): start every stream from it,";
            yield return "    var state = model.InitialState;   // not new MyModel.State(), which is zero";
        }
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}

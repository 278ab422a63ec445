using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

namespace GenLstm.Tool;

/// <summary>
/// The C# that <c>genlstm inspect</c> prints to paste: <c>using GenLstm;</c>, the declaration, and a comment for everything the
/// file's model does that the declaration alone does not say (its input skip, what its inputs are, its sample rate, layers it runs
/// before the LSTM). It compiles as printed.
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
            yield return $"WARNING: the file runs {Count(file.PrecedingLayers.Count, "layer")} before its LSTM that GenLstm does not run:";
            foreach (string layer in file.PrecedingLayers)
            {
                yield return "  " + layer;
            }
            yield return $"The LSTM reads their output ({Count(model.InputSize, "value")} per step), not the file's input: audio cannot go";
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
            yield return $"Trained at {rate.ToString("0.###", CultureInfo.InvariantCulture)} Hz (stated by the file): feed it audio at that rate.";
        }

        if (file.InputSkip > 0)
        {
            int k = file.InputSkip;
            yield return k == 1
                ? "The file's model adds its input to its output (skip = 1): y_t[0] = head(h_t)[0] + x_t[0]."
                : $"The file's model adds its first {k} inputs to its first {k} outputs (skip = {k}): y_t[j] = head(h_t)[j] + x_t[j], j < {k}.";
            yield return "The declaration below does not add it: add it yourself after every Step (and to Forward's outputs):";
            yield return k == 1 ? "    output[0] += input[0];" : $"    for (int j = 0; j < {k}; j++) output[j] += input[j];";
        }
    }

    private static string Count(int n, string noun) => $"{n} {noun}{(n == 1 ? "" : "s")}";
}

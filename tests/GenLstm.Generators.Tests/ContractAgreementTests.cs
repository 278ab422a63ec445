using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GenLstm.Tests;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The build-time check of <c>[LstmWeights]</c> files and the runtime's <c>Load</c> accept exactly the same files: both call the one
/// contract compiled into each side (src/GenLstm/Contract), and this test fails if a rule is changed on one side only. Every file
/// here is F32 safetensors with PyTorch's names, which both sides read.
/// </summary>
public sealed class ContractAgreementTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-contract-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    /// <summary>One layer, 3 → 4.</summary>
    private static readonly LstmDeclaration Single = new(3, 4);

    /// <summary>Two bidirectional layers with a projection and a dense head of 2: every rule at once.</summary>
    private static readonly LstmDeclaration Stacked = new(3, 4)
    {
        Layers = 2,
        Direction = GenLstm.LstmDirection.Bidirectional,
        ProjectionSize = 2,
        OutputSize = 2,
    };

    private static IEnumerable<(string Name, long[] Shape)> Tensors(LstmDeclaration d, string prefix = "")
    {
        int directions = d.Direction == GenLstm.LstmDirection.Bidirectional ? 2 : 1;
        int recurrent = d.ProjectionSize > 0 ? d.ProjectionSize : d.HiddenSize;
        for (int layer = 0; layer < d.Layers; layer++)
        {
            for (int direction = 0; direction < directions; direction++)
            {
                string suffix = $"_l{layer}{(direction == 1 ? "_reverse" : "")}";
                yield return (prefix + "weight_ih" + suffix, [4 * d.HiddenSize, layer == 0 ? d.InputSize : directions * recurrent]);
                yield return (prefix + "weight_hh" + suffix, [4 * d.HiddenSize, recurrent]);
                yield return (prefix + "bias_ih" + suffix, [4 * d.HiddenSize]);
                yield return (prefix + "bias_hh" + suffix, [4 * d.HiddenSize]);
                if (d.ProjectionSize > 0)
                {
                    yield return (prefix + "weight_hr" + suffix, [d.ProjectionSize, d.HiddenSize]);
                }
            }
        }
    }

    private static (string, long[])[] Head(LstmDeclaration d, string module = "output")
        => [($"{module}.weight", [d.OutputSize, 2 * d.ProjectionSize]), ($"{module}.bias", [d.OutputSize])];

    /// <summary>(what, declaration, tensors): right, missing, extra, misshaped, prefixed, ambiguous and misnamed files.</summary>
    public static TheoryData<string> Cases => [.. Files().Select(f => f.What)];

    private static IEnumerable<(string What, LstmDeclaration Declaration, (string Name, long[] Shape)[] Tensors)> Files()
    {
        (string, long[])[] single = [.. Tensors(Single)];
        (string, long[])[] stacked = [.. Tensors(Stacked), .. Head(Stacked)];
        yield return ("right", Single, single);
        yield return ("right, under a module prefix", Single, [.. Tensors(Single, "lstm.")]);
        yield return ("right, under a nested prefix", Single, [.. Tensors(Single, "model.rnn.")]);
        yield return ("right, with unrelated tensors", Single, [.. single, ("lin.weight", [1, 4]), ("step", [1])]);
        yield return ("missing bias_hh_l0", Single, [.. single.Where(t => t.Item1 != "bias_hh_l0")]);
        yield return ("misshaped weight_hh_l0", Single, [.. single.Select(t => t.Item1 == "weight_hh_l0" ? (t.Item1, new long[] { 16, 5 }) : t)]);
        yield return ("an extra layer", Single, [.. single, ("weight_ih_l1", [16, 4])]);
        yield return ("an extra direction", Single, [.. single, ("weight_hh_l0_reverse", [16, 4])]);
        yield return ("an undeclared projection", Single, [.. single, ("weight_hr_l0", [2, 4])]);
        yield return ("undeclared peepholes", Single, [.. single, ("weight_ci_l0", [4])]);
        yield return ("an undeclared layer norm", Single, [.. single, ("layer_norm_weight_l0", [16])]);
        yield return ("a layer written with a leading zero", Single, [.. single, ("weight_ih_l00", [16, 3])]);
        yield return ("a name that only ends like an LSTM's", Single, [.. single, ("myweight_ih_l1", [16, 4])]);
        yield return ("an extra layer under another prefix", Single, [.. single, ("other.weight_hh_l1", [16, 4])]);
        yield return ("two LSTMs", Single, [.. Tensors(Single, "a."), .. Tensors(Single, "b.")]);
        yield return ("no LSTM", Single, [("lin.weight", [1, 4])]);
        yield return ("the anchor without its prefix dot", Single, [.. Tensors(Single, "lstm_")]);
        yield return ("right, stacked", Stacked, stacked);
        yield return ("stacked, missing a reverse tensor", Stacked, [.. stacked.Where(t => t.Item1 != "bias_ih_l1_reverse")]);
        yield return ("stacked, a third layer", Stacked, [.. stacked, ("weight_ih_l2", [16, 4])]);
        yield return ("head under a module name", Stacked, [.. Tensors(Stacked), .. Head(Stacked, "lin")]);
        yield return ("head without bias", Stacked, [.. Tensors(Stacked), Head(Stacked)[0]]);
        yield return ("head as a bare 'weight'", Stacked, [.. Tensors(Stacked), ("weight", [2, 4]), ("bias", [2])]);
        yield return ("head missing", Stacked, [.. Tensors(Stacked)]);
        yield return ("head misshaped", Stacked, [.. Tensors(Stacked), ("output.weight", [2, 5])]);
        yield return ("head bias misshaped", Stacked, [.. Tensors(Stacked), ("output.weight", [2, 4]), ("output.bias", [3])]);
        yield return ("head ambiguous", Stacked, [.. Tensors(Stacked), .. Head(Stacked, "a"), .. Head(Stacked, "b")]);
        yield return ("head 'output' beside another candidate", Stacked, [.. Tensors(Stacked), .. Head(Stacked, "a"), .. Head(Stacked)]);
        yield return ("head named 'output_weight'", Stacked, [.. Tensors(Stacked), ("output_weight", [2, 4])]);
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void The_build_accepts_a_file_exactly_when_Load_does(string what)
    {
        (_, LstmDeclaration declaration, (string Name, long[] Shape)[] tensors) = Files().Single(f => f.What == what);
        var writer = new SafeTensorsWriter();
        int seed = 0;
        foreach ((string name, long[] shape) in tensors)
        {
            writer.Add(name, [.. Enumerable.Range(0, (int)shape.Aggregate(1L, (a, b) => a * b)).Select(i => 0.01f * ((seed++ % 17) - 8))], shape);
        }
        byte[] bytes = writer.ToBytes();

        string? runtime = null;
        try
        {
            WeightFile.Parse(bytes, "contract.safetensors").UnusedTensors(declaration);
        }
        catch (WeightFormatException e)
        {
            runtime = e.Message;
        }

        string path = Path.Combine(_folder, "models", "contract.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        string source = "using GenLstm;\nnamespace Demo;\n[LstmWeights(\"models/contract.safetensors\")]\n" + declaration.ToCSharp("Baked");
        GeneratorRun run = GeneratorDriverHelper.Run(
            GeneratorDriverHelper.CreateDriver().AddAdditionalTexts([new AdditionalFileOnDisk(path)]), GeneratorDriverHelper.CreateCompilation(source));
        string? build = run.Diagnostics.FirstOrDefault(d => d.Severity == DiagnosticSeverity.Error)?.GetMessage(System.Globalization.CultureInfo.InvariantCulture);

        Assert.True((runtime is null) == (build is null), $"{what}: Load {(runtime is null ? "accepts" : $"refuses ({runtime})")}, the build {(build is null ? "accepts" : $"refuses ({build})")}");
    }

    [Fact]
    public void Every_case_is_run_and_both_outcomes_occur()
    {
        // A guard for the guard: the cases above must include files both sides accept and files both refuse.
        List<string> accepted = [.. Files().Where(f => Accepts(f.Declaration, f.Tensors)).Select(f => f.What)];
        Assert.Contains("right", accepted);
        Assert.Contains("head under a module name", accepted);
        Assert.DoesNotContain("head ambiguous", accepted);
        Assert.DoesNotContain("an extra layer", accepted);
        Assert.DoesNotContain("a layer written with a leading zero", accepted);
    }

    /// <summary>
    /// The one difference, by design: a stored initial state (<c>initial_h_l0</c>), which <c>Load</c> reads and an embedded model
    /// cannot hold, is refused at build time rather than dropped (the model would start from zero instead).
    /// </summary>
    [Fact]
    public void A_stored_initial_state_is_read_by_Load_and_refused_at_build_time_by_name()
    {
        var writer = new SafeTensorsWriter();
        foreach ((string name, long[] shape) in Tensors(Single).Append(("initial_h_l0", [4])))
        {
            writer.Add(name, new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        }
        byte[] bytes = writer.ToBytes();
        WeightFile.Parse(bytes, "initial.safetensors").UnusedTensors(Single);

        string path = Path.Combine(_folder, "models", "initial.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllBytes(path, bytes);
        GeneratorRun run = GeneratorDriverHelper.Run(GeneratorDriverHelper.CreateDriver().AddAdditionalTexts([new AdditionalFileOnDisk(path)]),
            GeneratorDriverHelper.CreateCompilation("using GenLstm;\nnamespace Demo;\n[LstmWeights(\"models/initial.safetensors\")]\n" + Single.ToCSharp("Baked")));

        Diagnostic diagnostic = Assert.Single(run.Diagnostics);
        Assert.Equal("GLSTM015", diagnostic.Id);
        Assert.Contains("tensor 'initial_h_l0' is a stored initial state", diagnostic.GetMessage(System.Globalization.CultureInfo.InvariantCulture));
    }

    private static bool Accepts(LstmDeclaration declaration, (string Name, long[] Shape)[] tensors)
    {
        var writer = new SafeTensorsWriter();
        foreach ((string name, long[] shape) in tensors)
        {
            writer.Add(name, new float[shape.Aggregate(1L, (a, b) => a * b)], shape);
        }
        try
        {
            WeightFile.Parse(writer.ToBytes(), "contract.safetensors").UnusedTensors(declaration);
            return true;
        }
        catch (WeightFormatException)
        {
            return false;
        }
    }
}

using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using GenLstm.Tests;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// Every C# snippet of the README, compiled with the generator, so that the documentation never rots. A snippet's
/// declarations go to the namespace; its statements into a method whose parameters are the arrays the README leaves to
/// the reader (<c>input</c>, <c>inputs</c>, <c>outputs</c>, …). The baked-weights snippet gets a weights file as AdditionalFiles.
/// </summary>
public sealed partial class ReadmeSnippetTests : IDisposable
{
    private const string Parameters = "float[] input, float[] inputs, float[] outputs, float[] voiceInputs, float[] voiceOutputs, float[] h0, float[] c0";

    private readonly string _folder = Directory.CreateTempSubdirectory("genlstm-readme-").FullName;

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    public static TheoryData<int> SnippetNumbers => new(Enumerable.Range(0, Snippets().Count));

    [Fact]
    public void The_README_has_snippets() => Assert.True(Snippets().Count >= 10, $"found {Snippets().Count} C# snippets");

    [Theory]
    [MemberData(nameof(SnippetNumbers))]
    public void The_README_snippet_compiles(int number)
    {
        string snippet = Snippets()[number];
        var declarations = new List<string>();
        var statements = new List<string>();
        bool inDeclaration = false;
        foreach (string line in snippet.Split('\n'))
        {
            string trimmed = line.TrimStart();
            if (trimmed.StartsWith("using GenLstm;", StringComparison.Ordinal))
            {
                continue;
            }
            if (trimmed.StartsWith("[", StringComparison.Ordinal) && !inDeclaration)
            {
                inDeclaration = true;
            }
            (inDeclaration ? declarations : statements).Add(line);
            if (inDeclaration && ClassLine().IsMatch(line))
            {
                inDeclaration = false;
            }
        }
        string source = $"using System;\nusing GenLstm;\nnamespace Readme;\n{string.Join("\n", declarations)}\n"
            + $"public static class Snippet\n{{\n    public static void Run({Parameters})\n    {{\n{string.Join("\n", statements)}\n    }}\n}}\n";

        string weights = Path.Combine(_folder, "models", "amp.safetensors");
        Directory.CreateDirectory(Path.GetDirectoryName(weights)!);
        File.WriteAllBytes(weights, SafeTensorsWriter.RandomLstm(1, 40, seed: 3, out _)
            .Add("output.weight", new float[40], 1, 40).Add("output.bias", [0f], 1).ToBytes());
        GeneratorDriver driver = GeneratorDriverHelper.CreateDriver().AddAdditionalTexts([new AdditionalFileOnDisk(weights)]);
        GeneratorRun run = GeneratorDriverHelper.Run(driver, GeneratorDriverHelper.CreateCompilation(source));

        Diagnostic[] errors = [.. run.OutputCompilation.GetDiagnostics().Concat(run.Diagnostics).Where(d => d.Severity == DiagnosticSeverity.Error)];
        Assert.True(errors.Length == 0, $"README snippet {number + 1} does not compile:\n{snippet}\n{string.Join("\n", errors.Take(5))}");
    }

    private static List<string> Snippets()
    {
        string readme = File.ReadAllText(Path.Combine(SourceFolder(), "..", "..", "README.md")).ReplaceLineEndings("\n");
        return [.. SnippetBlock().Matches(readme).Select(m => m.Groups[1].Value)];
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;

    [GeneratedRegex(@"```csharp\n(.*?)```", RegexOptions.Singleline)]
    private static partial Regex SnippetBlock();

    [GeneratedRegex(@"\bpartial class \w+\s*\{\s*\}")]
    private static partial Regex ClassLine();
}

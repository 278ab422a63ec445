using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.RegularExpressions;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The comment above every generated kernel tells the truth: its packed rows are the rows the kernel strides over, its
/// paths are the paths the kernel dispatches to (with the tile, projection and batch methods they name), its members are
/// the members the kernel has, and its equations name the activations, clips, peepholes and coupling the cell update
/// computes. Read back from the generated source of every valid test declaration, so a header that drifts from the code
/// fails here whatever the snapshots approve.
/// </summary>
public sealed partial class KernelDescriptionTests
{
    public static TheoryData<string> Declarations => [.. ModelDeclarations.All.Keys];

    [Theory]
    [MemberData(nameof(Declarations))]
    public void Every_kernel_header_matches_its_kernel(string declaration)
    {
        string source = GeneratorDriverHelper.Run(ModelDeclarations.All[declaration]).SingleGeneratedSource;
        List<(string Name, string Text)> kernels = KernelSections(source);
        Assert.NotEmpty(kernels);
        foreach ((string name, string text) in kernels)
        {
            string header = string.Join("\n", text.Split('\n').TakeWhile(line => line.TrimStart().StartsWith("//", StringComparison.Ordinal)));
            string code = text.Substring(header.Length);
            CheckRows(name, header, code);
            CheckMembers(name, header, code);
            if (header.Contains("units per register", StringComparison.Ordinal))
            {
                CheckLayerNormPaths(name, header, code);
            }
            else
            {
                CheckTiledPaths(name, header, code);
            }
            CheckEquations(name, header, code);
        }
    }

    /// <summary>Each kernel type with its header: from its "// Name: a one-layer LSTM" line to the next kernel's.</summary>
    private static List<(string Name, string Text)> KernelSections(string source)
    {
        MatchCollection starts = KernelStart().Matches(source);
        return [.. starts.Select((m, index) => (m.Groups["name"].Value,
            source.Substring(m.Index, (index + 1 < starts.Count ? starts[index + 1].Index : source.Length) - m.Index).Replace("\r", "")))];
    }

    private static void CheckRows(string kernel, string header, string code)
    {
        Match rows = HeaderRows().Match(header);
        Assert.True(rows.Success, $"{kernel}: the header states no packed layout");
        int blocks = Int(rows.Groups["blocks"].Value), perBlock = Int(rows.Groups["rows"].Value), rowLength = Int(rows.Groups["length"].Value);
        Assert.Equal(Constant(code, "BlockCount"), blocks);
        Assert.Equal(Constant(code, "PackedRowLength"), rowLength);
        Assert.Equal(Constant(code, "BlockStride"), perBlock * rowLength);
        Assert.Equal(header.Contains("peepholes p_i", StringComparison.Ordinal), code.Contains("PeepholeOffset", StringComparison.Ordinal));
        Assert.Equal(header.Contains("layer-norm γ and β", StringComparison.Ordinal), code.Contains("LayerNormOffset", StringComparison.Ordinal));
    }

    /// <summary>Each member the header claims exists, and each member that exists is claimed.</summary>
    private static void CheckMembers(string kernel, string header, string code)
    {
        (string Claim, string Member)[] pairs =
        [
            ("Forward", "void ForwardCore("),
            ("StepBatch", "void StepBatchCore("),
            ("splits a step between two cores", "void StepBlocks("),
            ("sweeps the layer", "void Sweep("),
        ];
        foreach ((string claim, string member) in pairs)
        {
            Assert.True(header.Contains(claim, StringComparison.Ordinal) == code.Contains(member, StringComparison.Ordinal),
                $"{kernel}: the header {(header.Contains(claim, StringComparison.Ordinal) ? "claims" : "omits")} '{claim}', the code {(code.Contains(member, StringComparison.Ordinal) ? "has" : "lacks")} '{member}'");
        }
    }

    /// <summary>The header's paths are the dispatch's paths, and the tiles, input products and batches they name exist.</summary>
    private static void CheckTiledPaths(string kernel, string header, string code)
    {
        var described = new HashSet<string>();
        foreach (Match path in HeaderPath().Matches(header))
        {
            string type = path.Groups["type"].Value, tiles = path.Groups["tiles"].Value;
            described.Add($"{type}, {path.Groups["registers"].Value}: {tiles}");
            Match tile = TileCounts().Match(tiles);
            Assert.True(tile.Success, $"{kernel}: '{tiles}' names no tiles");
            Assert.Contains($" {type}Tile{tile.Groups["blocks"].Value}(", code);
            if (tile.Groups["remainder"].Success)
            {
                Assert.Contains($" {type}Tile{tile.Groups["remainder"].Value}(", code);
            }
            if (InputProduct().Match(tiles) is { Success: true } product)
            {
                string projectionType = product.Groups["type"].Success ? product.Groups["type"].Value : type;
                Assert.Contains($" {projectionType}Project{product.Groups["steps"].Value}(", code);
                Assert.Contains($" {type}RecurrentTile{tile.Groups["blocks"].Value}(", code);
            }
            if (Batch().Match(tiles) is { Success: true } batch && Int(batch.Groups["streams"].Value) > 1)
            {
                Assert.Contains($" {type}Batch{batch.Groups["streams"].Value}(", code);
            }
        }
        Assert.NotEmpty(described);
        var dispatched = new HashSet<string>(DispatchComment().Matches(code).Select(m => m.Groups["path"].Value));
        Assert.Equal(described.OrderBy(p => p, StringComparer.Ordinal), dispatched.OrderBy(p => p, StringComparer.Ordinal));
        Assert.Contains("scalar: one unit at a time", header, StringComparison.Ordinal);
        Assert.Contains("void ScalarBlock(", code, StringComparison.Ordinal);
    }

    private static void CheckLayerNormPaths(string kernel, string header, string code)
    {
        var described = new HashSet<string>(LayerNormPath().Matches(header).Select(m => m.Groups["type"].Value));
        var emitted = new HashSet<string>(LayerNormGates().Matches(code).Select(m => m.Groups["type"].Value));
        Assert.True(described.SetEquals(emitted), $"{kernel}: the header lists {string.Join(", ", described)}, the code has {string.Join(", ", emitted)}");
        Assert.Empty(DispatchComment().Matches(code));
    }

    /// <summary>Each gate's activation (with its α and β), the clips, the coupling and the declared expressions, against the scalar cell update.</summary>
    private static void CheckEquations(string kernel, string header, string code)
    {
        int scalar = code.IndexOf("void ScalarBlock(", StringComparison.Ordinal);
        if (scalar < 0)
        {
            scalar = code.IndexOf("void ScalarLayerNormCell(", StringComparison.Ordinal);
        }
        if (scalar < 0)
        {
            scalar = code.IndexOf("void ScalarGruGates(", StringComparison.Ordinal);
        }
        Assert.True(scalar >= 0, $"{kernel}: no scalar cell update");
        string cellUpdate = code.Substring(scalar);
        if (header.Contains("torch.nn.GRU", StringComparison.Ordinal))
        {
            CheckGruEquations(kernel, header, cellUpdate);
            return;
        }
        foreach ((string gate, string role) in new[] { ("i", "input gate"), ("f", "forget gate"), ("g", "cell candidate"), ("o", "output gate") })
        {
            string equation = Equation(header, gate);
            string line = Regex.Match(cellUpdate, $@"var {gate} = (?<value>.*); // {role}").Groups["value"].Value;
            Assert.False(line.Length == 0, $"{kernel}: the cell update has no '{role}' line");
            if (equation == "1 - f")
            {
                Assert.Equal("1f - f", line);
                continue;
            }
            CheckActivation(kernel, gate, equation, line, cellUpdate);
        }
        string cell = Equation(header, "c_t");
        string cellLine = Regex.Match(cellUpdate, @"var c = (?<value>.*);").Groups["value"].Value;
        CheckClip(kernel, "c_t", cell, cellLine);
        Assert.Equal(Regex.IsMatch(header, @"//\s+c_t\s+= .*\[LstmCell\]"), Regex.IsMatch(cellUpdate, @"var c = .*; // \[LstmCell\]"));
        string hidden = Equation(header, "h_t");
        if (Regex.IsMatch(hidden, @"^o \* \S+\(c_t\)$"))
        {
            string hiddenLine = Regex.Match(cellUpdate, @"\n\s*[^\n]*hiddenNext[^\n]*= (?<value>o \* [^\n]*);").Groups["value"].Value;
            Assert.False(hiddenLine.Length == 0, $"{kernel}: the cell update stores no o * act(c)");
            CheckFunction(kernel, "h_t", hidden.Substring("o * ".Length, hidden.Length - "o * ".Length - "(c_t)".Length), hiddenLine);
        }
    }

    /// <summary>A GRU's r, z and n (their activations and clips) and its update, against the scalar cell update.</summary>
    private static void CheckGruEquations(string kernel, string header, string cellUpdate)
    {
        foreach ((string gate, string local, string role) in new[] { ("r", "r", "reset gate"), ("z", "u", "update gate z"), ("n", "n", "new gate") })
        {
            Match call = Regex.Match(Equation(header, gate), @"^(?<function>[A-Za-z]+(?:\([-0-9.eE, ]+\))?)\((?<argument>.*)\)$");
            Assert.True(call.Success, $"{kernel}: the equation of {gate} is not an activation: {Equation(header, gate)}");
            string line = Regex.Match(cellUpdate, $@"var {local} = (?<value>.*); // {role}").Groups["value"].Value;
            Assert.False(line.Length == 0, $"{kernel}: the cell update has no '{role}' line");
            CheckFunction(kernel, gate, call.Groups["function"].Value, line);
            string input = Regex.Match(cellUpdate, $@"var x{(gate == "z" ? "u" : gate)} = (?<value>.*);").Groups["value"].Value;
            CheckClip(kernel, gate, call.Groups["argument"].Value, input);
        }
        Assert.Equal(Equation(header, "n").Contains("r * (U_n h + b_hn)", StringComparison.Ordinal), cellUpdate.Contains("var xn = r * (zo) + zg", StringComparison.Ordinal));
        Assert.Equal("n + z * (h - n)", Equation(header, "h_t"));
        Assert.Matches(@"hiddenNext, (?:unit \+ )?lane\) = u \* \(hPrevious - n\) \+ n;", cellUpdate);
    }

    /// <summary>An equation's right-hand side, as the header writes it.</summary>
    private static string Equation(string header, string name)
    {
        Match match = Regex.Match(header, $@"//\s+{Regex.Escape(name)}\s+= (?<value>.+?)\s{{2,}}");
        Assert.True(match.Success, $"the header has no equation for {name}");
        return match.Groups["value"].Value.Trim();
    }

    private static void CheckActivation(string kernel, string gate, string equation, string line, string cellUpdate)
    {
        Match call = Regex.Match(equation, @"^(?<function>[A-Za-z]+(?:\([-0-9.eE, ]+\))?)\((?<argument>.*)\)$");
        Assert.True(call.Success, $"{kernel}: the equation of {gate} is not an activation of z: {equation}");
        CheckFunction(kernel, gate, call.Groups["function"].Value, line);
        string argument = call.Groups["argument"].Value;
        // The activation's input is z itself or a local x{gate} holding z plus the peephole, the forget bias and the clip.
        string input = line.Contains($"x{gate}", StringComparison.Ordinal)
            ? Regex.Match(cellUpdate, $@"var x{gate} = (?<value>.*);").Groups["value"].Value
            : "";
        Assert.Equal(argument.Contains($"p_{gate}", StringComparison.Ordinal), input.Contains('*', StringComparison.Ordinal));
        CheckClip(kernel, gate, argument, input);
    }

    /// <summary>A function of the header (sigmoid, tanh, HardSigmoid(0.2, 0.5), …) appears in the code, with its α and β.</summary>
    private static void CheckFunction(string kernel, string what, string function, string code)
    {
        Match named = Regex.Match(function, @"^(?<name>[A-Za-z]+)(?:\((?<parameters>[^)]*)\))?$");
        string name = named.Groups["name"].Value;
        string fragment = name switch
        {
            "sigmoid" => "Sigmoid(",
            "tanh" or "ScaledTanh" => "Tanh(",
            "Relu" or "LeakyRelu" => "Max(",
            "HardSigmoid" => "Min(",
            "ThresholdedRelu" => "?",
            "Affine" => " * ",
            "Elu" => "Elu(",
            "Softsign" => "Abs(",
            "Softplus" => "Softplus(",
            _ => throw new InvalidOperationException($"{kernel}: the header names an unknown function '{function}' for {what}"),
        };
        Assert.True(code.Contains(fragment, StringComparison.Ordinal), $"{kernel}: {what} is {function} in the header, but its code has no '{fragment}': {code}");
        if (named.Groups["parameters"].Success)
        {
            foreach (string parameter in named.Groups["parameters"].Value.Split(", "))
            {
                Assert.True(code.Contains(parameter + "f", StringComparison.Ordinal), $"{kernel}: {what}'s parameter {parameter} is not in its code: {code}");
            }
        }
    }

    private static void CheckClip(string kernel, string what, string header, string code)
    {
        Match clip = Regex.Match(header, @"^clip\(.*, ±(?<limit>[0-9.eE]+)\)$");
        Assert.True(clip.Success == code.Contains("Clamp(", StringComparison.Ordinal), $"{kernel}: {what} is '{header}' in the header and '{code}' in the code");
        if (clip.Success)
        {
            Assert.Contains($"-{clip.Groups["limit"].Value}f, {clip.Groups["limit"].Value}f", code, StringComparison.Ordinal);
        }
    }

    private static int Constant(string code, string name)
    {
        Match match = Regex.Match(code, $@"(?:private|internal) const int {name} = (?<value>\d+);");
        Assert.True(match.Success, $"the kernel has no constant {name}");
        return Int(match.Groups["value"].Value);
    }

    private static int Int(string text) => int.Parse(text, CultureInfo.InvariantCulture);

    [GeneratedRegex(@"^[ \t]*// (?<name>\S+): (?:the kernel of \S+, a one-layer (?:LSTM|GRU)|one layer of the stack)", RegexOptions.Multiline)]
    private static partial Regex KernelStart();

    [GeneratedRegex(@"(?<blocks>\d+) block\(s\) of (?<rows>\d+) rows x (?<length>\d+)")]
    private static partial Regex HeaderRows();

    [GeneratedRegex(@"^[ \t]*//\s+(?<type>Vector\d+), (?<registers>\d+ registers \([^)]*\)): (?<tiles>.*)\.$", RegexOptions.Multiline)]
    private static partial Regex HeaderPath();

    [GeneratedRegex(@"^[ \t]*// (?<path>Vector\d+, \d+ registers \([^)]*\): .*)\.$", RegexOptions.Multiline)]
    private static partial Regex DispatchComment();

    [GeneratedRegex(@"tiles (?<tiles>\d+)x(?<blocks>\d+)(?: \+ (?<remainder>\d+))? blocks")]
    private static partial Regex TileCounts();

    [GeneratedRegex(@"input product (?:on (?<type>Vector\d+), )?(?<steps>\d+) steps?")]
    private static partial Regex InputProduct();

    [GeneratedRegex(@"StepBatch (?<streams>\d+) streams?")]
    private static partial Regex Batch();

    [GeneratedRegex(@"^[ \t]*//\s+(?<type>Vector\d+): \d+ units per register\.$", RegexOptions.Multiline)]
    private static partial Regex LayerNormPath();

    [GeneratedRegex(@"void (?<type>Vector\d+)(?:LayerNormGates|GruGates)\(")]
    private static partial Regex LayerNormGates();
}

using System.Collections.Generic;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>The descriptors are documented and released, and the parser names the runtime's attributes.</summary>
public sealed class DescriptorTests
{
    private static readonly string[] ExpectedIds = ["GLSTM001", "GLSTM002", "GLSTM003", "GLSTM004", "GLSTM005", "GLSTM006", "GLSTM007", "GLSTM008", "GLSTM009", "GLSTM010", "GLSTM011", "GLSTM012", "GLSTM013", "GLSTM014", "GLSTM015", "GLSTM016", "GLSTM017", "GLSTM018", "GLSTM019"];

    /// <summary>Every descriptor declared on <see cref="DiagnosticDescriptors"/>, by id.</summary>
    private static readonly IReadOnlyDictionary<string, DiagnosticDescriptor> Descriptors = typeof(DiagnosticDescriptors)
        .GetFields(BindingFlags.Public | BindingFlags.Static)
        .Where(field => field.FieldType == typeof(DiagnosticDescriptor))
        .Select(field => (DiagnosticDescriptor)field.GetValue(null)!)
        .ToDictionary(descriptor => descriptor.Id);

    public static TheoryData<string> Ids => [.. ExpectedIds];

    [Fact]
    public void DescriptorIdsAreTheDocumentedOnes()
        => Assert.Equal(ExpectedIds, Descriptors.Keys.Order());

    [Theory]
    [MemberData(nameof(Ids))]
    public void HelpLinkPointsAtTheDiagnosticsPage(string id)
        => Assert.EndsWith($"/docs/diagnostics/{id}.md", Descriptors[id].HelpLinkUri);

    [Theory]
    [MemberData(nameof(Ids))]
    public void DescriptorIsListedInUnshippedReleases(string id)
    {
        DiagnosticDescriptor descriptor = Descriptors[id];

        // Rows of the release table: "Rule ID | Category | Severity | Notes".
        string[][] rows = [.. File.ReadAllLines(UnshippedReleasesPath())
            .Select(line => line.Split('|').Select(cell => cell.Trim()).ToArray())
            .Where(cells => cells.Length == 4)];

        string[] row = Assert.Single(rows, cells => cells[0] == id);
        Assert.Equal([id, descriptor.Category, descriptor.DefaultSeverity.ToString(), descriptor.Title.ToString()], row);
    }

    [Fact]
    public void ParserNamesTheRuntimeHeadAndWeightsAttributes()
    {
        Assert.Equal<string>([typeof(OutputHeadAttribute).FullName!, typeof(LstmOutputAttribute).FullName!], LstmGenerator.Parser.OutputHeadAttributeNames);
        Assert.Equal<string>([typeof(BakedWeightsAttribute).FullName!, typeof(LstmWeightsAttribute).FullName!], LstmGenerator.Parser.BakedWeightsAttributeNames);
    }

    private static string UnshippedReleasesPath([CallerFilePath] string thisFile = "")
        => Path.GetFullPath(Path.Combine(Path.GetDirectoryName(thisFile)!,
            "..", "..", "generators", "GenLstm.Generators", "AnalyzerReleases.Unshipped.md"));
}

using ApprovalTests;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// The generated source of a few declarations, compared with the approved files in <c>Snapshots/</c>. To accept a
/// change, inspect the <c>.received.txt</c> file a failing run leaves there and rename it to <c>.approved.txt</c>.
/// </summary>
[UseReporter(typeof(QuietReporter))]
[UseApprovalSubdirectory("Snapshots")]
public sealed class SnapshotTests
{
    /// <summary>Stands in for the generator's assembly version, so that a release does not change every snapshot.</summary>
    private const string VersionPlaceholder = "<generator version>";

    [Theory]
    [MemberData(nameof(ModelDeclarations.SnapshottedNames), MemberType = typeof(ModelDeclarations))]
    public void GeneratedSourceMatchesSnapshot(string declaration)
    {
        GeneratorRun run = GeneratorDriverHelper.Run(ModelDeclarations.Snapshotted[declaration]);

        string version = typeof(LstmGenerator).Assembly.GetName().Version!.ToString();
        string generated = run.SingleGeneratedSource;
        Assert.Contains(version, generated);

        using (ApprovalResults.ForScenario(declaration))
        {
            Approvals.Verify(generated.Replace(version, VersionPlaceholder));
        }
    }
}

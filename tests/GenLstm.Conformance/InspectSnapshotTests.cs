using System;
using System.IO;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Text;
using ApprovalTests;
using ApprovalTests.Core;
using ApprovalTests.Namers;
using ApprovalTests.Reporters;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>
/// The whole output of <c>genlstm inspect</c> on every model file of the real-data folder (standard output, standard
/// error and exit code, the folder's absolute path written <c>&lt;realdata&gt;</c>), compared with the approved files in
/// <c>Snapshots/</c>.
/// </summary>
/// <remarks>
/// To accept a change: run the tests with <c>GENLSTM_APPROVE_SNAPSHOTS=1</c> (each differing output is copied over its
/// <c>.approved.txt</c> file and the case passes), then review the diff of <c>Snapshots/</c>; or rename the
/// <c>.received.txt</c> file a failing run leaves in <c>Snapshots/</c> to <c>.approved.txt</c>.
/// </remarks>
[UseReporter(typeof(ApproveOnRequestReporter))]
[UseApprovalSubdirectory("Snapshots")]
public sealed class InspectSnapshotTests
{
    public static TheoryData<string> ModelFiles => InspectRun.ModelFiles();

    [Theory]
    [MemberData(nameof(ModelFiles))]
    public void Inspect_output_matches_snapshot(string file)
    {
        InspectRun run = InspectRun.Of(file);
        string text = Section(run.Output) + "--- stderr ---\n" + Section(run.Error) + $"--- exit code {run.ExitCode} ---\n";
        text = text.Replace(InspectRun.RealDataFolder, "<realdata>", StringComparison.Ordinal);

        using (ApprovalResults.ForScenario(ScenarioName(file)))
        {
            Approvals.Verify(text);
        }
    }

    [Fact]
    public void Every_approved_snapshot_is_of_a_model_file_of_the_folder()
    {
        string[] expected = [.. InspectRun.ModelFilePaths().Select(file => ApprovedFileName(ScenarioName(file)))];
        string[] approved = [.. Directory.EnumerateFiles(SnapshotFolder(), $"{nameof(InspectSnapshotTests)}.*.approved.txt").Select(Path.GetFileName).OfType<string>()];
        string[] stale = [.. approved.Except(expected, StringComparer.Ordinal).Order(StringComparer.Ordinal)];
        Assert.True(stale.Length == 0, $"Approved snapshots of no model file under '{InspectRun.RealDataFolder}' (delete them):\n{string.Join("\n", stale)}");
    }

    private static string ApprovedFileName(string scenario)
        => $"{nameof(InspectSnapshotTests)}.{nameof(Inspect_output_matches_snapshot)}.ForScenario.{scenario}.approved.txt";

    /// <summary>The <c>Snapshots</c> folder beside this source file (where ApprovalTests keeps the approved files).</summary>
    private static string SnapshotFolder([CallerFilePath] string source = "") => Path.Combine(Path.GetDirectoryName(source)!, "Snapshots");

    /// <summary>One stream's text with <c>\n</c> line ends, ending with one if it is not empty (so that the next header starts a line).</summary>
    private static string Section(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal);
        return text.Length == 0 || text.EndsWith('\n') ? text : text + "\n";
    }

    /// <summary>The relative path as a file-name part: <c>neuralpi-torch/TS9.json</c> → <c>neuralpi-torch_TS9.json</c>.</summary>
    private static string ScenarioName(string file)
    {
        var name = new StringBuilder(file.Length);
        foreach (char c in file)
        {
            name.Append(char.IsAsciiLetterOrDigit(c) || c is '.' or '-' or '_' ? c : '_');
        }
        return name.ToString();
    }
}

/// <summary>
/// Reports nothing (as <see cref="QuietReporter"/>: the <c>.received.txt</c> file stays beside the approved one), unless the
/// environment variable <see cref="EnvironmentVariable"/> is <c>1</c>: then it copies the received output over the approved
/// file and the case passes.
/// </summary>
public sealed class ApproveOnRequestReporter : IReporterWithApprovalPower
{
    public const string EnvironmentVariable = "GENLSTM_APPROVE_SNAPSHOTS";

    private static bool Approving => Environment.GetEnvironmentVariable(EnvironmentVariable) == "1";

    public void Report(string approved, string received)
    {
        if (Approving)
        {
            File.Copy(received, approved, overwrite: true);
        }
    }

    public bool ApprovedWhenReported() => Approving;
}

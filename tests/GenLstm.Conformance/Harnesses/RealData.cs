using System;
using System.IO;

namespace GenLstm.Conformance;

/// <summary>
/// Finds the real-model data, which lives outside the repository (it is GPL-3.0, from GuitarML/NeuralPi, and is
/// never copied into the repository or the build output): the folder named by the environment variable
/// <c>GENLSTM_REALDATA</c>, or by default <c>&lt;repository root&gt;/../shared/realdata</c>; the models are in its
/// <c>neuralpi-torch</c> subfolder.
/// </summary>
/// <remarks>
/// Missing data is an error, never a skip: every test that needs a file fails with a message saying where it
/// looked and how to set <c>GENLSTM_REALDATA</c>, so a machine without the data cannot pass the suite by accident.
/// </remarks>
internal static class RealData
{
    public const string EnvironmentVariable = "GENLSTM_REALDATA";

    /// <summary>The subfolder of the real-data folder that holds the NeuralPi models.</summary>
    public const string NeuralPiFolderName = "neuralpi-torch";

    /// <summary>The five models the data set's README lists (file name without <c>.json</c>).</summary>
    public static readonly string[] ModelNames = ["TS9", "BluesJr", "HT40_Overdrive", "TS9_FullD", "BluesJR_FullD"];

    /// <summary>The <c>neuralpi-torch</c> folder. Throws, naming where it looked, if it does not exist.</summary>
    public static string NeuralPiFolder
    {
        get
        {
            string folder = Path.Combine(RealDataFolder(out string origin), NeuralPiFolderName);
            if (!Directory.Exists(folder))
            {
                throw new DirectoryNotFoundException(
                    $"The NeuralPi conformance data was not found: the folder '{folder}' does not exist ({origin}). {HowToSet}");
            }
            return folder;
        }
    }

    /// <summary>A file of the <c>neuralpi-torch</c> folder. Throws, naming where it looked, if it does not exist.</summary>
    public static string NeuralPiFile(string fileName)
    {
        string path = Path.Combine(NeuralPiFolder, fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException(
                $"The NeuralPi conformance file '{path}' does not exist ({Origin()}). {HowToSet}", path);
        }
        return path;
    }

    /// <summary>A file of the <c>rtneural</c> folder (RTNeural's test models, BSD-3). Throws, naming where it looked, if it does not exist.</summary>
    public static string RtNeuralFile(string fileName)
    {
        string path = Path.Combine(RealDataFolder(out string origin), "rtneural", fileName);
        if (!File.Exists(path))
        {
            throw new FileNotFoundException($"The RTNeural conformance file '{path}' does not exist ({origin}). {HowToSet}", path);
        }
        return path;
    }

    /// <summary>The trained Keras model of the <c>guitarml-keras</c> folder (GPL-3.0). Throws, naming where it looked, if it does not exist.</summary>
    public static string KerasModelFile
    {
        get
        {
            string path = Path.Combine(RealDataFolder(out string origin), "guitarml-keras", "ts9_model.h5");
            if (!File.Exists(path))
            {
                throw new FileNotFoundException($"The Keras conformance file '{path}' does not exist ({origin}). {HowToSet}", path);
            }
            return path;
        }
    }

    /// <summary>One test folder of <c>onnx-node-tests</c> (ONNX's LSTM operator tests, Apache-2.0). Throws, naming where it looked, if it does not exist.</summary>
    public static string OnnxNodeTestFolder(string testName)
    {
        string folder = Path.Combine(RealDataFolder(out string origin), "onnx-node-tests", testName);
        if (!Directory.Exists(folder))
        {
            throw new DirectoryNotFoundException($"The ONNX operator test '{folder}' does not exist ({origin}). {HowToSet}");
        }
        return folder;
    }

    /// <summary>A file of any subfolder of the real-data folder (<c>nam-core/lstm.nam</c>). Throws, naming where it looked, if it does not exist.</summary>
    public static string FileAt(string relativePath)
    {
        string path = Path.Combine(RealDataFolder(out string origin), relativePath);
        if (!System.IO.File.Exists(path))
        {
            throw new FileNotFoundException($"The conformance file '{path}' does not exist ({origin}). {HowToSet}", path);
        }
        return path;
    }

    private const string HowToSet =
        "Set the environment variable " + EnvironmentVariable + " to the 'realdata' folder that holds '"
        + NeuralPiFolderName + "/' (for example: export " + EnvironmentVariable + "=/work/shared/realdata), "
        + "or place that folder at <repository root>/../shared/realdata.";

    private static string Origin()
    {
        RealDataFolder(out string origin);
        return origin;
    }

    /// <summary>The real-data folder, and a phrase saying where that location came from (for error messages).</summary>
    private static string RealDataFolder(out string origin)
    {
        string? fromEnvironment = Environment.GetEnvironmentVariable(EnvironmentVariable);
        if (!string.IsNullOrWhiteSpace(fromEnvironment))
        {
            string full = Path.GetFullPath(fromEnvironment);
            origin = $"from {EnvironmentVariable}='{fromEnvironment}'";
            return full;
        }

        string? root = FindRepositoryRoot();
        if (root is null)
        {
            throw new DirectoryNotFoundException(
                $"{EnvironmentVariable} is not set and no repository root (a folder holding GenLstm.sln or .git) was found "
                + $"above '{AppContext.BaseDirectory}', so the default <repository root>/../shared/realdata cannot be used. {HowToSet}");
        }
        origin = $"{EnvironmentVariable} is not set; the default is <repository root>/../shared/realdata with repository root '{root}'";
        return Path.GetFullPath(Path.Combine(root, "..", "shared", "realdata"));
    }

    /// <summary>Walks up from the test assembly's folder to the first folder holding <c>GenLstm.sln</c> (or <c>.slnx</c>) or a <c>.git</c> entry.</summary>
    private static string? FindRepositoryRoot()
    {
        for (var folder = new DirectoryInfo(AppContext.BaseDirectory); folder is not null; folder = folder.Parent)
        {
            string git = Path.Combine(folder.FullName, ".git"); // a directory, or a file in a worktree
            if (File.Exists(Path.Combine(folder.FullName, "GenLstm.sln")) || File.Exists(Path.Combine(folder.FullName, "GenLstm.slnx"))
                || Directory.Exists(git) || File.Exists(git))
            {
                return folder.FullName;
            }
        }
        return null;
    }
}

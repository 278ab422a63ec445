using System.IO;
using System.Runtime.CompilerServices;
using PublicApiGenerator;
using Xunit;

namespace GenLstm.Tests;

/// <summary>
/// The public API of the runtime library (and of GenLstm.Keras) against the approved text in <c>PublicApi/</c>, so that every
/// API change is deliberate: a change fails here and writes a <c>.received.txt</c> beside the <c>.approved.txt</c>; review
/// it and rename it to accept the change.
/// </summary>
public sealed class PublicApiTests
{
    [Theory]
    [InlineData("GenLstm")]
    [InlineData("GenLstm.Keras")]
    public void The_public_API_is_the_approved_one(string assemblyName)
    {
        var assembly = assemblyName == "GenLstm" ? typeof(LstmAttribute).Assembly : typeof(GenLstm.Keras.KerasHdf5).Assembly;
        string api = assembly.GeneratePublicApi(new ApiGeneratorOptions { IncludeAssemblyAttributes = false }).ReplaceLineEndings("\n");

        string approved = Path.Combine(SourceFolder(), "PublicApi", assemblyName + ".approved.txt");
        string received = Path.ChangeExtension(approved, null).Replace(".approved", ".received") + ".txt";
        string expected = File.Exists(approved) ? File.ReadAllText(approved).ReplaceLineEndings("\n") : "";
        if (api != expected)
        {
            File.WriteAllText(received, api);
        }
        else if (File.Exists(received))
        {
            File.Delete(received);
        }
        Assert.True(api == expected, $"The public API of {assemblyName} changed: compare {received} with {approved}, and rename it to accept the change.");
    }

    private static string SourceFolder([CallerFilePath] string path = "") => Path.GetDirectoryName(path)!;
}

using System;
using System.Collections.Generic;
using System.Collections.Immutable;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Reflection;
using System.Runtime.Loader;
using Basic.Reference.Assemblies;
using GenLstm.Generators;
using GenLstm.TestSupport;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;
using Microsoft.CodeAnalysis.Emit;
using Xunit;

namespace GenLstm.Conformance;

/// <summary>
/// The C# block <c>genlstm inspect</c> prints for pasting, compiled as a user's project would compile it: with the GenLstm
/// generator, against .NET 10 and the GenLstm runtime, in memory (the settings of GenLstm.Generators.Tests'
/// <c>GeneratorDriverHelper</c>). Nothing is added to the block; a second file, <see cref="DriverSource"/>, only calls
/// what the generator made, so that the test reaches the model through one plain static method.
/// </summary>
internal static class PastedDeclaration
{
    /// <summary>The line that introduces the block; an empty line follows it, then the block to the end of the output.</summary>
    public const string Introduction = "Declaration (paste";

    /// <summary>The file name the block is compiled under (diagnostics name it).</summary>
    public const string FileName = "Pasted.cs";

    private const string DriverFileName = "InspectDriver.cs";

    private static CSharpParseOptions ParseOptions => TestCompilation.ParseOptions;

    /// <summary>
    /// The test's driver. It names <c>MyModel</c> unqualified (a <c>using</c> of the block's namespace is added if the block
    /// declares one) and uses only the members every generated model has: <c>Load</c>, <c>InitialState</c>, the sizes, <c>Forward</c>
    /// (streams start from the file's initial state, as the block's comments tell a user to).
    /// It is internal, so it needs no documentation comment.
    /// </summary>
    private static string DriverSource(string? modelNamespace) => (modelNamespace is null ? "" : $"using {modelNamespace};\n") + """
        internal static class InspectDriver
        {
            public static int InputSize => MyModel.InputSize;

            public static int OutputSize => MyModel.OutputSize;

            public static float[] Run(string path, float[] inputs)
            {
                MyModel model = MyModel.Load(path);
                var state = model.InitialState;
                var outputs = new float[inputs.Length / MyModel.InputSize * MyModel.OutputSize];
                model.Forward(inputs, ref state, outputs);
                return outputs;
            }

            public static float[] RunThroughRecurrentModel(string path, float[] inputs)
            {
                GenLstm.RecurrentModel model = GenLstm.RecurrentModel.FromWeights(GenLstm.WeightFile.Open(path), GenLstm.RecurrentKernel.Generated);
                var outputs = new float[inputs.Length / model.InputSize * model.OutputSize];
                model.CreateStream().Forward(inputs, outputs);
                return outputs;
            }
        }
        """;

    /// <summary>The block after the introduction line and its empty line, exactly as printed, to the end of the output.</summary>
    public static string Extract(string output)
    {
        int line = output.StartsWith(Introduction, StringComparison.Ordinal) ? 0
            : output.LastIndexOf("\n" + Introduction, StringComparison.Ordinal) is int newline and >= 0 ? newline + 1 : -1;
        Assert.True(line >= 0, $"The output has no line starting with '{Introduction}':\n{output}");
        int lineEnd = output.IndexOf('\n', line);
        Assert.True(lineEnd >= 0, $"The '{Introduction}' line is the output's last:\n{output}");
        string rest = output[(lineEnd + 1)..];
        string emptyLine = rest.StartsWith("\r\n", StringComparison.Ordinal) ? "\r\n" : "\n";
        Assert.True(rest.StartsWith(emptyLine, StringComparison.Ordinal), $"The '{Introduction}' line is not followed by an empty line:\n{output}");
        string block = rest[emptyLine.Length..];
        Assert.False(string.IsNullOrWhiteSpace(block), $"Nothing follows the '{Introduction}' line:\n{output}");
        return block;
    }

    /// <summary>
    /// Compiles <paramref name="block"/> and the driver with the generator, asserts that no diagnostic of warning or error
    /// severity comes from any of them (the block, the driver, the generated code, the generator itself), and emits it.
    /// </summary>
    public static byte[] Compile(string block)
    {
        SyntaxTree pasted = CSharpSyntaxTree.ParseText(block, ParseOptions, FileName);
        SyntaxTree driver = CSharpSyntaxTree.ParseText(DriverSource(ModelNamespace(pasted)), ParseOptions, DriverFileName);
        CSharpCompilation compilation = CSharpCompilation.Create("InspectedModel", [pasted, driver], TestCompilation.References, TestCompilation.CompilationOptions);

        GeneratorDriver generatorDriver = CSharpGeneratorDriver.Create([new LstmGenerator().AsSourceGenerator()], parseOptions: ParseOptions);
        generatorDriver = generatorDriver.RunGeneratorsAndUpdateCompilation(compilation, out Compilation output, out ImmutableArray<Diagnostic> generatorDiagnostics);
        GeneratorRunResult result = Assert.Single(generatorDriver.GetRunResult().Results);
        Assert.Null(result.Exception);

        // Emit reports every diagnostic of the compilation (declarations, method bodies, documentation comments); calling
        // GetDiagnostics as well would bind every method body twice.
        using var stream = new MemoryStream();
        EmitResult emitted = output.Emit(stream);
        Diagnostic[] reported = [.. generatorDiagnostics.Concat(emitted.Diagnostics)
            .Where(d => d.Severity >= DiagnosticSeverity.Warning)
            .Distinct()];
        Assert.True(reported.Length == 0 && emitted.Success,
            $"The pasted declaration does not compile cleanly ({reported.Length} warning(s) or error(s), emit {(emitted.Success ? "succeeded" : "failed")}):\n"
            + string.Join("\n", reported.Select(d => d.ToString()))
            + $"\n--- {FileName} ---\n{block}"
            + string.Concat(result.GeneratedSources.Select(s => $"\n--- generated: {s.HintName} ({s.SourceText.Lines.Count} lines) ---")));
        return stream.ToArray();
    }

    /// <summary>The namespace that holds the block's <c>MyModel</c> (null for the global namespace), so that the driver can name it.</summary>
    private static string? ModelNamespace(SyntaxTree pasted)
    {
        ClassDeclarationSyntax? model = pasted.GetRoot().DescendantNodes().OfType<ClassDeclarationSyntax>().FirstOrDefault(c => c.Identifier.ValueText == "MyModel");
        string[] names = model is null ? [] : [.. model.Ancestors().OfType<BaseNamespaceDeclarationSyntax>().Reverse().Select(n => n.Name.ToString())];
        return names.Length == 0 ? null : string.Join(".", names);
    }

    /// <summary>
    /// Loads the compiled assembly in a collectible context that gives it this process's GenLstm (so that what
    /// <c>KerasHdf5.Register()</c> set up here is what its <c>Load</c> sees), finds <c>MyModel</c>, and runs the driver:
    /// <c>Load(path)</c>, then <c>Forward</c> over <paramref name="steps"/> steps of zeros and small values from the model's initial state.
    /// </summary>
    /// <returns>The model's sizes and its outputs, row-major (steps × OutputSize).</returns>
    public static (int InputSize, int OutputSize, float[] Outputs) Run(byte[] assembly, string path, int steps)
        => Run(assembly, path, inputSize =>
        {
            var inputs = new float[steps * inputSize];
            for (int t = 0; t < steps; t++)
            {
                for (int i = 0; i < inputSize; i++)
                {
                    // The first steps are silence; then small values of both signs, different per step and per input.
                    inputs[t * inputSize + i] = t < steps / 4 ? 0f : 0.05f * MathF.Sin(0.7f * t + 1.3f * i);
                }
            }
            return inputs;
        });

    /// <summary>As <see cref="Run(byte[], string, int)"/>, on the inputs <paramref name="inputsFor"/> gives for the model's input size.</summary>
    /// <param name="assembly">The compiled block and driver.</param>
    /// <param name="path">The model file.</param>
    /// <param name="inputsFor">The inputs for the model's input size.</param>
    /// <param name="throughRecurrentModel">
    /// Whether the driver loads the file through <c>RecurrentModel</c>, asking for a declared type (the assembly's module
    /// initializer registers <c>MyModel</c>), instead of <c>MyModel.Load</c>.
    /// </param>
    public static (int InputSize, int OutputSize, float[] Outputs) Run(byte[] assembly, string path, Func<int, float[]> inputsFor, bool throughRecurrentModel = false)
    {
        var context = new SharedGenLstmLoadContext();
        try
        {
            Assembly compiled = context.LoadFromStream(new MemoryStream(assembly));
            Type model = Assert.Single(compiled.GetTypes(), t => t.Name == "MyModel");
            Assert.NotNull(model.GetMethod("Load", BindingFlags.Public | BindingFlags.Static, [typeof(string)]));
            Type driver = compiled.GetType("InspectDriver", throwOnError: true)!;

            int inputSize = (int)Invoke(driver, "get_InputSize")!;
            int outputSize = (int)Invoke(driver, "get_OutputSize")!;
            var outputs = (float[])Invoke(driver, throughRecurrentModel ? "RunThroughRecurrentModel" : "Run", path, inputsFor(inputSize))!;
            return (inputSize, outputSize, outputs);
        }
        finally
        {
            context.Unload();
        }
    }

    /// <summary>Calls a static method without wrapping what it throws in a <see cref="TargetInvocationException"/>.</summary>
    private static object? Invoke(Type type, string method, params object[] arguments)
        => type.GetMethod(method, BindingFlags.Public | BindingFlags.Static)!
            .Invoke(null, BindingFlags.DoNotWrapExceptions, binder: null, arguments, CultureInfo.InvariantCulture);

    /// <summary>A collectible context that resolves GenLstm to the assembly this process already loaded, and the rest as the default context does.</summary>
    private sealed class SharedGenLstmLoadContext() : AssemblyLoadContext("GenLstm.Conformance.Inspect", isCollectible: true)
    {
        private static readonly Assembly GenLstm = typeof(LstmAttribute).Assembly;

        protected override Assembly? Load(AssemblyName name)
            => string.Equals(name.Name, GenLstm.GetName().Name, StringComparison.Ordinal) ? GenLstm : null;
    }
}

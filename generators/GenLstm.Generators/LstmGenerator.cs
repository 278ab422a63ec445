using System.Collections.Immutable;
using GenLstm.Generators.Models;
using GenLstm.Generators.Weights;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenLstm.Generators;

/// <summary>
/// Turns every class marked <c>[GenLstm.Lstm]</c> into a compile-time specialized LSTM: one transform parses the
/// declaration into an equatable <see cref="LstmSpec"/> plus diagnostics; the two are reported and emitted
/// separately, so that a diagnostic change never invalidates the generated source and vice versa.
/// </summary>
[Generator(LanguageNames.CSharp)]
public sealed partial class LstmGenerator : IIncrementalGenerator
{
    /// <summary>The attribute that marks an LSTM model type.</summary>
    public const string LstmAttributeName = "GenLstm.LstmAttribute";

    /// <summary>The attribute that marks a GRU model type.</summary>
    public const string GruAttributeName = "GenLstm.GruAttribute";

    /// <inheritdoc/>
    public void Initialize(IncrementalGeneratorInitializationContext context)
    {
        // One pipeline per cell's attribute, then one stream of results: the parser reads the cell from the attribute.
        IncrementalValuesProvider<ParseResult> ParseModels(string attributeName) => context.SyntaxProvider
            .ForAttributeWithMetadataName(
                attributeName,
                predicate: static (node, _) => node is ClassDeclarationSyntax or RecordDeclarationSyntax,
                transform: static (attributeContext, cancellationToken) => Parser.Parse(attributeContext, cancellationToken))
            .WithTrackingName(TrackingNames.Parse);
        IncrementalValuesProvider<ParseResult> results = ParseModels(LstmAttributeName)
            .Collect()
            .Combine(ParseModels(GruAttributeName).Collect())
            .SelectMany(static (pair, _) => pair.Left.AddRange(pair.Right));

        IncrementalValuesProvider<DiagnosticInfo> diagnostics = results
            .SelectMany(static (result, _) => result.Diagnostics)
            .WithTrackingName(TrackingNames.Diagnostics);
        context.RegisterSourceOutput(diagnostics, static (output, diagnostic) => output.ReportDiagnostic(diagnostic.ToDiagnostic()));

        IncrementalValuesProvider<LstmSpec> specs = results
            .Where(static result => result.Spec is not null)
            .Select(static (result, _) => result.Spec!)
            .WithTrackingName(TrackingNames.Specs);
        context.RegisterSourceOutput(specs, static (output, spec) => output.AddSource(spec.HintName, Emitter.Emit(spec)));

        // [BakedWeights]: the AdditionalFiles weights files are read once per content, whatever C# is edited; the request's
        // diagnostics (which hold the attribute's location) and its source (which must not) are separate stages.
        IncrementalValueProvider<ImmutableArray<WeightsFile>> weightsFiles = context.AdditionalTextsProvider
            .Where(static text => WeightsFile.IsWeightsPath(text.Path))
            .Select(static (text, cancellationToken) => WeightsFileReader.Read(text.Path, cancellationToken))
            .WithTrackingName(TrackingNames.WeightsFiles)
            .Collect();
        IncrementalValuesProvider<WeightsRequest> requests = results
            .Where(static result => result.Weights is not null)
            .Select(static (result, _) => result.Weights!)
            .WithTrackingName(TrackingNames.WeightsRequests);
        context.RegisterSourceOutput(requests.Combine(weightsFiles), static (output, pair) =>
        {
            if (EmbeddedWeightsPlan.Diagnose(pair.Left, pair.Right) is { } problem)
            {
                output.ReportDiagnostic(problem.ToDiagnostic());
            }
        });
        IncrementalValuesProvider<EmbeddedWeightsSource?> embedded = requests
            .Select(static (request, _) => request with { Location = null })
            .Combine(weightsFiles)
            .Select(static (pair, _) => EmbeddedWeightsPlan.Source(pair.Left, pair.Right))
            .WithTrackingName(TrackingNames.EmbeddedWeights);
        context.RegisterSourceOutput(embedded, static (output, source) =>
        {
            if (source is not null)
            {
                output.AddSource(source.HintName, source.Text);
            }
        });
    }
}

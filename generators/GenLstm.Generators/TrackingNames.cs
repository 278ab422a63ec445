namespace GenLstm.Generators;

/// <summary>Names of the pipeline steps, so tests can assert each step's incremental state.</summary>
internal static class TrackingNames
{
    /// <summary>Attribute → parse result (spec plus diagnostics).</summary>
    public const string Parse = nameof(Parse);

    /// <summary>Parse result → diagnostics only.</summary>
    public const string Diagnostics = nameof(Diagnostics);

    /// <summary>Parse result → spec only (null when the declaration is invalid).</summary>
    public const string Specs = nameof(Specs);

    /// <summary>An AdditionalFiles weights file → its tensors (read once per file content).</summary>
    public const string WeightsFiles = nameof(WeightsFiles);

    /// <summary>Parse result → the [BakedWeights] request, for diagnostics (holds the attribute's location).</summary>
    public const string WeightsRequests = nameof(WeightsRequests);

    /// <summary>The request without its location, with the files → the embedded weights' source.</summary>
    public const string EmbeddedWeights = nameof(EmbeddedWeights);
}

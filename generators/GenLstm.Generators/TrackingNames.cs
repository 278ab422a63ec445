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
}

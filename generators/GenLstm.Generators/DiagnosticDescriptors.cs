using Microsoft.CodeAnalysis;

namespace GenLstm.Generators;

/// <summary>
/// Every diagnostic the generator reports. IDs are stable; each has a page in <c>docs/diagnostics/</c> and a row in
/// <c>AnalyzerReleases.*.md</c>.
/// </summary>
internal static class DiagnosticDescriptors
{
    private const string Category = "GenLstm";
    private const string HelpLinkBase = "https://github.com/GenLstm/GenLstm/blob/main/docs/diagnostics/";

    /// <summary>GLSTM001: the [Lstm] type is not partial.</summary>
    public static readonly DiagnosticDescriptor TypeNotPartial = Create(
        "GLSTM001",
        "LSTM type must be partial",
        "The type '{0}' must be declared 'partial' so that GenLstm can add the generated LSTM to it");

    /// <summary>GLSTM002: a type containing the [Lstm] type is not partial.</summary>
    public static readonly DiagnosticDescriptor ContainingTypeNotPartial = Create(
        "GLSTM002",
        "Containing type must be partial",
        "The type '{0}' contains the LSTM type '{1}' and must also be declared 'partial'");

    /// <summary>GLSTM003: the [Lstm] type is generic.</summary>
    public static readonly DiagnosticDescriptor GenericType = Create(
        "GLSTM003",
        "LSTM type cannot be generic",
        "The type '{0}' has type parameters; an [Lstm] type, and every type containing it, must not be generic");

    /// <summary>GLSTM004: inputSize or hiddenSize out of range.</summary>
    public static readonly DiagnosticDescriptor SizeOutOfRange = Create(
        "GLSTM004",
        "LSTM size out of range",
        "'{0}' is {1}; it must be between 1 and {2}");

    /// <summary>GLSTM005: the [Lstm] type is static or abstract.</summary>
    public static readonly DiagnosticDescriptor StaticOrAbstract = Create(
        "GLSTM005",
        "LSTM type must be instantiable",
        "The type '{0}' is {1}; an [Lstm] type must be a class that GenLstm can instantiate (neither static nor abstract)");

    /// <summary>GLSTM006: a member of the type has a name the generator needs.</summary>
    public static readonly DiagnosticDescriptor MemberNameConflict = Create(
        "GLSTM006",
        "Member name taken by the generated LSTM",
        "The type '{0}' already declares a member named '{1}', which GenLstm generates; rename or remove it");

    /// <summary>GLSTM007: the [Lstm] type has the name of a generated member.</summary>
    public static readonly DiagnosticDescriptor TypeNameTaken = Create(
        "GLSTM007",
        "LSTM type named like a generated member",
        "The type is named '{0}', the name of a member GenLstm generates into it, and a member cannot have the name of its type; rename the type");

    /// <summary>GLSTM008: the [Lstm] type is file-local.</summary>
    public static readonly DiagnosticDescriptor FileLocalType = Create(
        "GLSTM008",
        "LSTM type cannot be file-local",
        "The type '{0}' is file-local ('file'), so the generated file cannot extend it; declare it 'internal' or 'public' instead");

    /// <summary>GLSTM009: the generated constructor cannot be added to the [Lstm] type.</summary>
    public static readonly DiagnosticDescriptor NotConstructible = Create(
        "GLSTM009",
        "LSTM type must leave construction to GenLstm",
        "GenLstm cannot construct '{0}': {1}. Models are created by the generated Load and FromPyTorch through a private constructor.");

    /// <summary>GLSTM010: an option such as Precision or WeightType has a value that is not one of its enum's members.</summary>
    public static readonly DiagnosticDescriptor UnknownOptionValue = Create(
        "GLSTM010",
        "Unknown LSTM option value",
        "'{0}' is {1}, which is not one of its values: {2}");

    /// <summary>GLSTM011: an int option such as Layers or ProjectionSize is outside its range.</summary>
    public static readonly DiagnosticDescriptor ValueOutOfRange = Create(
        "GLSTM011",
        "LSTM option out of range",
        "'{0}' is {1}; it must be between {2} and {3}");

    /// <summary>GLSTM012: an option has a value it cannot take here (a head's activation on a gate, a negative clip, …).</summary>
    public static readonly DiagnosticDescriptor InvalidOptionValue = Create(
        "GLSTM012",
        "LSTM option value not valid here",
        "'{0}' is {1}: {2}");

    /// <summary>GLSTM013: an [LstmCell] or [LstmHidden] expression does not parse, or names something it cannot use.</summary>
    public static readonly DiagnosticDescriptor InvalidExpression = Create(
        "GLSTM013",
        "Invalid LSTM expression",
        "The {0} expression is invalid at column {1}: {2}");

    /// <summary>GLSTM014: the [BakedWeights] file is not among the AdditionalFiles, or is not a format the generator reads.</summary>
    public static readonly DiagnosticDescriptor WeightsFileNotFound = Create(
        "GLSTM014",
        "Weights file not available at compile time",
        "The weights file '{0}' {1}");

    /// <summary>GLSTM015: the [BakedWeights] file cannot be read, or its tensors do not fit the declaration.</summary>
    public static readonly DiagnosticDescriptor WeightsMismatch = Create(
        "GLSTM015",
        "Weights file does not fit the declaration",
        "The weights file '{0}': {1}");

    /// <summary>GLSTM016: the [BakedWeights] file holds more than compile-time embedding allows.</summary>
    public static readonly DiagnosticDescriptor WeightsTooLarge = Create(
        "GLSTM016",
        "Weights too large to embed at compile time",
        "The model reads {0} weights from '{1}', more than the {2} that can be embedded at compile time without slowing every build; load the file at run time with {3}.Load(path) instead");

    /// <summary>GLSTM017: an LSTM-only attribute on a [Gru] type, or [Lstm] and [Gru] on one type.</summary>
    public static readonly DiagnosticDescriptor NotForThisCell = Create(
        "GLSTM017",
        "Attribute does not apply to this recurrent cell",
        "[{0}] does not apply to {1}: {2}");

    /// <summary>GLSTM018: one thing declared by both spellings of its attribute ([OutputHead] and [LstmOutput], [BakedWeights] and [LstmWeights]).</summary>
    public static readonly DiagnosticDescriptor DeclaredTwice = Create(
        "GLSTM018",
        "Declared twice",
        "[{0}] and [{1}] on {3} both declare {2}; keep one: they are two names for one attribute");

    /// <summary>GLSTM019: the [Lstm] type, or a type containing it, is private or protected: the generated kernels outside it cannot see it.</summary>
    public static readonly DiagnosticDescriptor InaccessibleType = Create(
        "GLSTM019",
        "LSTM type must be visible to its kernels",
        "The type '{0}' is {1}; GenLstm's kernels and its registration with RecurrentModel live beside '{2}' in the assembly, so it and every type containing it must be internal or public");

    private static DiagnosticDescriptor Create(string id, string title, string messageFormat)
        => new(id, title, messageFormat, Category, DiagnosticSeverity.Error, isEnabledByDefault: true,
            helpLinkUri: HelpLinkBase + id + ".md");
}

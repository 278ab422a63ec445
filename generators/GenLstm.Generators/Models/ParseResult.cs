using GenLstm.Generators.Helpers;

namespace GenLstm.Generators.Models;

/// <summary>What the parser makes of one [Lstm] declaration: a spec when it is valid, and its diagnostics.</summary>
internal sealed record ParseResult(LstmSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics);

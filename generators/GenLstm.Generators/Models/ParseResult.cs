using GenLstm.Generators.Helpers;

namespace GenLstm.Generators.Models;

/// <summary>
/// What the parser makes of one [Lstm] declaration: a spec when it is valid, its diagnostics, and its [BakedWeights] request
/// (only with a valid spec).
/// </summary>
internal sealed record ParseResult(LstmSpec? Spec, EquatableArray<DiagnosticInfo> Diagnostics, WeightsRequest? Weights = null);

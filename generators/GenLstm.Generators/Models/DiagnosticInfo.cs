using GenLstm.Generators.Helpers;
using Microsoft.CodeAnalysis;

namespace GenLstm.Generators.Models;

/// <summary>An equatable diagnostic: descriptor, location and message arguments (all strings).</summary>
internal sealed record DiagnosticInfo(DiagnosticDescriptor Descriptor, LocationInfo? Location, EquatableArray<string> MessageArguments)
{
    public static DiagnosticInfo Create(DiagnosticDescriptor descriptor, LocationInfo? location, params string[] messageArguments)
        => new(descriptor, location, new EquatableArray<string>(messageArguments));

    public Diagnostic ToDiagnostic()
        => Diagnostic.Create(Descriptor, Location?.ToLocation(), [.. MessageArguments]);
}

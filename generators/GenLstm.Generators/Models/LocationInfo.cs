using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.Text;

namespace GenLstm.Generators.Models;

/// <summary>An equatable copy of a source <see cref="Location"/> (a Location holds a syntax tree, which must not be cached).</summary>
internal sealed record LocationInfo(string FilePath, TextSpan TextSpan, LinePositionSpan LineSpan)
{
    public Location ToLocation() => Location.Create(FilePath, TextSpan, LineSpan);

    public static LocationInfo? From(SyntaxNode? node) => node is null ? null : From(node.GetLocation());

    public static LocationInfo? From(Location location)
        => location.SourceTree is null
            ? null
            : new LocationInfo(location.SourceTree.FilePath, location.SourceSpan, location.GetLineSpan().Span);
}

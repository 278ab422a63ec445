using System.Collections.Generic;
using Microsoft.CodeAnalysis.Text;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// A test source whose expected diagnostic locations are marked <c>[|like this|]</c>: <see cref="Text"/> is the source
/// without the marks, <see cref="Spans"/> the marked spans in order.
/// </summary>
internal sealed class MarkedSource
{
    private const string Open = "[|";
    private const string Close = "|]";

    private MarkedSource(string text, IReadOnlyList<TextSpan> spans)
    {
        Text = text;
        Spans = spans;
    }

    public string Text { get; }

    public IReadOnlyList<TextSpan> Spans { get; }

    public static MarkedSource Parse(string marked)
    {
        var text = new System.Text.StringBuilder();
        var spans = new List<TextSpan>();
        int position = 0;
        while (true)
        {
            int open = marked.IndexOf(Open, position, System.StringComparison.Ordinal);
            if (open < 0)
            {
                text.Append(marked, position, marked.Length - position);
                break;
            }
            int close = marked.IndexOf(Close, open + Open.Length, System.StringComparison.Ordinal);
            Assert.True(close >= 0, $"Unclosed {Open} at {open}.");

            text.Append(marked, position, open - position);
            int start = text.Length;
            text.Append(marked, open + Open.Length, close - open - Open.Length);
            spans.Add(TextSpan.FromBounds(start, text.Length));
            position = close + Close.Length;
        }
        return new MarkedSource(text.ToString(), spans);
    }

    /// <summary>The line and column span of <paramref name="span"/> in <see cref="Text"/>.</summary>
    public LinePositionSpan LineSpan(TextSpan span) => SourceText.From(Text).Lines.GetLinePositionSpan(span);
}

using System;
using System.Text;

namespace GenLstm.Generators.Helpers;

/// <summary>Builds source text line by line with four-space indentation and braces that close themselves.</summary>
internal sealed class IndentedTextWriter
{
    private const string IndentUnit = "    ";
    private readonly StringBuilder _text = new();
    private int _depth;

    /// <summary>Writes one line at the current depth (an empty line stays empty).</summary>
    public void WriteLine(string line = "")
    {
        if (line.Length > 0)
        {
            for (int i = 0; i < _depth; i++)
            {
                _text.Append(IndentUnit);
            }
            _text.Append(line);
        }
        _text.Append('\n');
    }

    /// <summary>Writes each line of a multi-line string at the current depth.</summary>
    public void WriteLines(string lines)
    {
        foreach (string line in lines.Replace("\r\n", "\n").Split('\n'))
        {
            WriteLine(line);
        }
    }

    /// <summary>Writes <paramref name="header"/> (each of its lines at the current depth) and an opening brace; disposing the result closes it.</summary>
    public Block OpenBlock(string header, string closing = "}")
    {
        if (header.Length > 0)
        {
            WriteLines(header);
        }
        WriteLine("{");
        _depth++;
        return new Block(this, closing);
    }

    /// <summary>Changes the depth by <paramref name="levels"/> (negative to dedent).</summary>
    public void Indent(int levels) => _depth += levels;

    public override string ToString() => _text.ToString();

    /// <summary>Closes a block opened by <see cref="OpenBlock"/>.</summary>
    public readonly struct Block : IDisposable
    {
        private readonly IndentedTextWriter _writer;
        private readonly string _closing;

        public Block(IndentedTextWriter writer, string closing)
        {
            _writer = writer;
            _closing = closing;
        }

        public void Dispose()
        {
            _writer._depth--;
            _writer.WriteLine(_closing);
        }
    }
}

using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GenLstm.Generators.Weights;

/// <summary>
/// Parses the small JSON documents a safetensors header holds (the generator targets netstandard2.0, where the compiler
/// offers no JSON reader): objects become ordered lists of (name, value), arrays lists, numbers doubles, strings strings.
/// </summary>
internal sealed class TinyJson
{
    private readonly string _text;
    private int _position;

    private TinyJson(string text) => _text = text;

    /// <exception cref="FormatException">The text is not JSON; the message gives the offset.</exception>
    public static object? Parse(string text)
    {
        var parser = new TinyJson(text);
        object? value = parser.Value(depth: 0);
        parser.SkipWhitespace();
        return parser._position == text.Length ? value : throw parser.Error("text after the JSON value");
    }

    private object? Value(int depth)
    {
        if (depth > 64)
        {
            throw Error("nesting deeper than 64");
        }
        SkipWhitespace();
        if (_position >= _text.Length)
        {
            throw Error("the text ends where a value should start");
        }
        switch (_text[_position])
        {
            case '{':
                _position++;
                var members = new List<KeyValuePair<string, object?>>();
                SkipWhitespace();
                if (TryTake('}'))
                {
                    return members;
                }
                do
                {
                    SkipWhitespace();
                    string name = String();
                    SkipWhitespace();
                    Expect(':');
                    members.Add(new KeyValuePair<string, object?>(name, Value(depth + 1)));
                    SkipWhitespace();
                }
                while (TryTake(','));
                Expect('}');
                return members;
            case '[':
                _position++;
                var items = new List<object?>();
                SkipWhitespace();
                if (TryTake(']'))
                {
                    return items;
                }
                do
                {
                    items.Add(Value(depth + 1));
                    SkipWhitespace();
                }
                while (TryTake(','));
                Expect(']');
                return items;
            case '"':
                return String();
            case 't' when Word("true"):
                return true;
            case 'f' when Word("false"):
                return false;
            case 'n' when Word("null"):
                return null;
            default:
                return Number();
        }
    }

    private string String()
    {
        Expect('"');
        var builder = new StringBuilder();
        while (_position < _text.Length && _text[_position] != '"')
        {
            char c = _text[_position++];
            if (c != '\\')
            {
                builder.Append(c);
                continue;
            }
            if (_position >= _text.Length)
            {
                break;
            }
            char escape = _text[_position++];
            switch (escape)
            {
                case 'n': builder.Append('\n'); break;
                case 't': builder.Append('\t'); break;
                case 'r': builder.Append('\r'); break;
                case 'b': builder.Append('\b'); break;
                case 'f': builder.Append('\f'); break;
                case 'u' when _position + 4 <= _text.Length:
                    builder.Append((char)int.Parse(_text.Substring(_position, 4), NumberStyles.HexNumber, CultureInfo.InvariantCulture));
                    _position += 4;
                    break;
                default: builder.Append(escape); break;
            }
        }
        Expect('"');
        return builder.ToString();
    }

    private double Number()
    {
        int start = _position;
        while (_position < _text.Length && "+-0123456789.eE".IndexOf(_text[_position]) >= 0)
        {
            _position++;
        }
        return double.TryParse(_text.Substring(start, _position - start), NumberStyles.Float, CultureInfo.InvariantCulture, out double value)
            ? value
            : throw Error("expected a value");
    }

    private bool Word(string word)
    {
        if (string.CompareOrdinal(_text, _position, word, 0, word.Length) != 0)
        {
            return false;
        }
        _position += word.Length;
        return true;
    }

    private void SkipWhitespace()
    {
        while (_position < _text.Length && char.IsWhiteSpace(_text[_position]))
        {
            _position++;
        }
    }

    private bool TryTake(char c)
    {
        if (_position < _text.Length && _text[_position] == c)
        {
            _position++;
            return true;
        }
        return false;
    }

    private void Expect(char c)
    {
        if (!TryTake(c))
        {
            throw Error($"expected '{c}'");
        }
    }

    private FormatException Error(string problem) => new($"invalid JSON at offset {_position}: {problem}");
}

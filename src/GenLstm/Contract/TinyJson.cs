using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text;

// Contract: compiled into the runtime and linked into the generator, so that both read a safetensors header with one parser.
namespace GenLstm.Contract;

/// <summary>
/// Parses the small JSON documents a safetensors header holds (the generator targets netstandard2.0, where the compiler
/// offers no JSON reader): objects become ordered lists of (name, value) (duplicate names kept, for the caller to refuse),
/// arrays lists, numbers <see cref="Number"/>s (their text, so that integers beyond 2^53 stay exact), strings strings.
/// Strict RFC 8259: no trailing commas, comments, unknown escapes or non-JSON number forms; nesting at most 64 deep.
/// </summary>
internal sealed class TinyJson
{
    private readonly string _text;
    private int _position;

    private static readonly Number[] SingleDigits = [.. "0123456789".Select(c => new Number(c.ToString()))];

    private TinyJson(string text) => _text = text;

    /// <summary>A JSON number, as written.</summary>
    public sealed class Number(string text)
    {
        public string Text { get; } = text;

        /// <summary>The value when the number is written as an integer that fits a long ("5", "-3"; not "5.0" or "5e0").</summary>
        public bool TryGetInt64(out long value)
            => long.TryParse(Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);

        public override string ToString() => Text;
    }

    /// <exception cref="FormatException">The text is not JSON; the message gives the offset ("at offset 12: expected ':'").</exception>
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
                return ReadNumber();
        }
    }

    private string String()
    {
        Expect('"');
        var builder = new StringBuilder();
        while (_position < _text.Length && _text[_position] != '"')
        {
            char c = _text[_position++];
            if (c < ' ')
            {
                throw Error("a control character inside a string");
            }
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
                case '"' or '\\' or '/': builder.Append(escape); break;
                case 'u' when _position + 4 <= _text.Length
                    && int.TryParse(_text.Substring(_position, 4), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out int code):
                    builder.Append((char)code);
                    _position += 4;
                    break;
                default: throw Error($"an invalid escape '\\{escape}'");
            }
        }
        Expect('"');
        return builder.ToString();
    }

    /// <summary>-? (0 | [1-9][0-9]*) (. [0-9]+)? ([eE] [+-]? [0-9]+)?</summary>
    private Number ReadNumber()
    {
        int start = _position;
        TryTake('-');
        if (!TryTake('0') && Digits() == 0)
        {
            throw Error("expected a value");
        }
        if (TryTake('.') && Digits() == 0)
        {
            throw Error("expected a digit after '.'");
        }
        if (TryTake('e') || TryTake('E'))
        {
            _ = TryTake('+') || TryTake('-');
            if (Digits() == 0)
            {
                throw Error("expected a digit in the exponent");
            }
        }
        // One-digit numbers (most of a shape's and an offset list's) share ten instances: a header of "1, 1, 1, …" costs a list
        // slot per number, not two objects.
        return _position - start == 1 ? SingleDigits[_text[start] - '0'] : new Number(_text.Substring(start, _position - start));
    }

    private int Digits()
    {
        int start = _position;
        while (_position < _text.Length && _text[_position] >= '0' && _text[_position] <= '9')
        {
            _position++;
        }
        return _position - start;
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
        while (_position < _text.Length && _text[_position] is ' ' or '\t' or '\n' or '\r')
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

    private FormatException Error(string problem) => new($"at offset {_position}: {problem}");
}

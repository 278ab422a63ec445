using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;

namespace GenLstm.Generators.Expressions;

/// <summary>A node of the element-wise expression language of <c>[LstmCell]</c> and <c>[LstmHidden]</c> (DESIGN §1).</summary>
internal abstract record ExpressionNode(int Column);

internal sealed record NumberNode(double Value, int Column) : ExpressionNode(Column);

internal sealed record NameNode(string Name, int Column) : ExpressionNode(Column);

internal sealed record NegateNode(ExpressionNode Operand, int Column) : ExpressionNode(Column);

internal sealed record BinaryNode(char Operator, ExpressionNode Left, ExpressionNode Right, int Column) : ExpressionNode(Column);

internal sealed record CallNode(string Function, Helpers.EquatableArray<ExpressionNode> Arguments, int Column) : ExpressionNode(Column);

/// <summary>
/// An <c>[LstmCell]</c> or <c>[LstmHidden]</c> expression as the parser checked it: the text the header quotes and the tree
/// the emitter renders (records all through, so the spec stays equatable and an unchanged expression keeps the cache).
/// </summary>
internal sealed record DeclaredExpression(string Text, ExpressionNode Tree);

/// <summary>What is wrong with an expression, and where: a 0-based column and a length inside the expression text.</summary>
internal sealed record ExpressionError(string Message, int Column, int Length);

/// <summary>
/// Parses the expression language: numbers, names, <c>+ - * /</c>, unary minus, parentheses and the functions
/// <c>sigmoid tanh relu hardsigmoid exp clip(v, lo, hi) min max abs</c>. A recursive-descent parser over the usual
/// precedence (unary minus, then <c>* /</c>, then <c>+ -</c>, left to right); every error carries its column.
/// </summary>
internal static class CellExpression
{
    /// <summary>The functions and their number of arguments.</summary>
    public static readonly IReadOnlyDictionary<string, int> Functions = new Dictionary<string, int>
    {
        ["sigmoid"] = 1, ["tanh"] = 1, ["relu"] = 1, ["hardsigmoid"] = 1, ["exp"] = 1, ["abs"] = 1,
        ["min"] = 2, ["max"] = 2, ["clip"] = 3,
    };

    /// <summary>Parses <paramref name="text"/>, then checks names and arities against <paramref name="names"/>.</summary>
    /// <param name="text">The expression.</param>
    /// <param name="names">Each name the expression may use, with the reason it may not when it is not allowed (null when it is).</param>
    public static (ExpressionNode? Tree, ExpressionError? Error) Parse(string text, IReadOnlyDictionary<string, string?> names)
    {
        var parser = new Parser(text);
        try
        {
            ExpressionNode tree = parser.ParseAll();
            ExpressionError? error = Check(tree, names);
            return error is null ? (tree, null) : (null, error);
        }
        catch (SyntaxError error)
        {
            return (null, error.Error);
        }
    }

    /// <summary>Every name the tree reads.</summary>
    public static IEnumerable<NameNode> Names(ExpressionNode node) => node switch
    {
        NameNode name => [name],
        NegateNode negate => Names(negate.Operand),
        BinaryNode binary => Names(binary.Left).Concat(Names(binary.Right)),
        CallNode call => call.Arguments.SelectMany(Names),
        _ => [],
    };

    private static ExpressionError? Check(ExpressionNode node, IReadOnlyDictionary<string, string?> names)
    {
        switch (node)
        {
            case NameNode name when !names.ContainsKey(name.Name):
                return new ExpressionError(
                    $"unknown name '{name.Name}'; the expression can use {string.Join(", ", names.Where(n => n.Value is null).Select(n => n.Key))}",
                    name.Column, name.Name.Length);
            case NameNode name when names[name.Name] is { } why:
                return new ExpressionError($"'{name.Name}' cannot be used here: {why}", name.Column, name.Name.Length);
            case NegateNode negate:
                return Check(negate.Operand, names);
            case BinaryNode binary:
                return Check(binary.Left, names) ?? Check(binary.Right, names);
            case CallNode call:
                if (!Functions.TryGetValue(call.Function, out int arity))
                {
                    return new ExpressionError($"unknown function '{call.Function}'; the functions are {string.Join(", ", Functions.Keys)}",
                        call.Column, call.Function.Length);
                }
                if (call.Arguments.Count != arity)
                {
                    return new ExpressionError($"'{call.Function}' takes {arity} argument(s), not {call.Arguments.Count}", call.Column, call.Function.Length);
                }
                return call.Arguments.Select(argument => Check(argument, names)).FirstOrDefault(error => error is not null);
            default:
                return null;
        }
    }

    private sealed class SyntaxError(ExpressionError error) : Exception(error.Message)
    {
        public ExpressionError Error { get; } = error;
    }

    private sealed class Parser(string text)
    {
        private int _position;

        public ExpressionNode ParseAll()
        {
            ExpressionNode tree = ParseSum();
            SkipSpaces();
            if (_position < text.Length)
            {
                throw Error($"unexpected '{text[_position]}'", _position, 1);
            }
            return tree;
        }

        private ExpressionNode ParseSum()
        {
            ExpressionNode left = ParseProduct();
            while (Peek() is '+' or '-')
            {
                int column = _position;
                char op = text[_position++];
                left = new BinaryNode(op, left, ParseProduct(), column);
            }
            return left;
        }

        private ExpressionNode ParseProduct()
        {
            ExpressionNode left = ParseUnary();
            while (Peek() is '*' or '/')
            {
                int column = _position;
                char op = text[_position++];
                left = new BinaryNode(op, left, ParseUnary(), column);
            }
            return left;
        }

        private ExpressionNode ParseUnary()
        {
            if (Peek() == '-')
            {
                int column = _position++;
                return new NegateNode(ParseUnary(), column);
            }
            return ParsePrimary();
        }

        private ExpressionNode ParsePrimary()
        {
            char next = Peek();
            int start = _position;
            if (next == '(')
            {
                _position++;
                ExpressionNode inner = ParseSum();
                Expect(')', start);
                return inner;
            }
            if (char.IsDigit(next) || next == '.')
            {
                while (_position < text.Length && (char.IsDigit(text[_position]) || text[_position] == '.'))
                {
                    _position++;
                }
                if (_position < text.Length && text[_position] is 'e' or 'E')
                {
                    _position++;
                    if (_position < text.Length && text[_position] is '+' or '-')
                    {
                        _position++;
                    }
                    while (_position < text.Length && char.IsDigit(text[_position]))
                    {
                        _position++;
                    }
                }
                string literal = text.Substring(start, _position - start);
                if (!double.TryParse(literal, NumberStyles.Float, CultureInfo.InvariantCulture, out double value))
                {
                    throw Error($"'{literal}' is not a number", start, literal.Length);
                }
                return new NumberNode(value, start);
            }
            if (char.IsLetter(next) || next == '_')
            {
                while (_position < text.Length && (char.IsLetterOrDigit(text[_position]) || text[_position] == '_'))
                {
                    _position++;
                }
                string name = text.Substring(start, _position - start);
                if (Peek() != '(')
                {
                    return new NameNode(name, start);
                }
                int open = _position++;
                var arguments = new List<ExpressionNode>();
                if (Peek() != ')')
                {
                    arguments.Add(ParseSum());
                    while (Peek() == ',')
                    {
                        _position++;
                        arguments.Add(ParseSum());
                    }
                }
                Expect(')', open);
                return new CallNode(name, new Helpers.EquatableArray<ExpressionNode>(arguments), start);
            }
            throw _position >= text.Length
                ? Error("the expression ends where a value was expected", Math.Max(0, text.Length - 1), 1)
                : Error($"unexpected '{next}' where a value was expected", _position, 1);
        }

        private void Expect(char expected, int openedAt)
        {
            if (Peek() != expected)
            {
                throw _position >= text.Length
                    ? Error($"'{expected}' expected to close the '(' at column {openedAt + 1}", openedAt, 1)
                    : Error($"'{expected}' expected, found '{text[_position]}'", _position, 1);
            }
            _position++;
        }

        /// <summary>The next character after spaces, or '\0' at the end; leaves the position on it.</summary>
        private char Peek()
        {
            SkipSpaces();
            return _position < text.Length ? text[_position] : '\0';
        }

        private void SkipSpaces()
        {
            while (_position < text.Length && char.IsWhiteSpace(text[_position]))
            {
                _position++;
            }
        }

        private static SyntaxError Error(string message, int column, int length) => new(new ExpressionError(message, column, length));
    }
}

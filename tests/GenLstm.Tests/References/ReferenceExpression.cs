using System;
using System.Collections.Generic;
using System.Globalization;

namespace GenLstm.Tests;

/// <summary>
/// An independent float64 interpreter of the expression language of <c>[LstmCell]</c> and <c>[LstmHidden]</c>, for the
/// reference LSTM (it shares no code with the generator's parser): numbers, names, + - * /, unary minus, parentheses, and
/// sigmoid tanh relu hardsigmoid (ONNX's α = 0.2, β = 0.5) exp clip min max abs.
/// </summary>
internal static class ReferenceExpression
{
    public static double Evaluate(string text, IReadOnlyDictionary<string, double> values)
    {
        int position = 0;
        double result = Sum();
        Skip();
        if (position != text.Length)
        {
            throw new FormatException($"trailing text at {position} in '{text}'");
        }
        return result;

        void Skip()
        {
            while (position < text.Length && text[position] == ' ')
            {
                position++;
            }
        }

        bool Take(char c)
        {
            Skip();
            if (position < text.Length && text[position] == c)
            {
                position++;
                return true;
            }
            return false;
        }

        double Sum()
        {
            double value = Product();
            while (true)
            {
                if (Take('+')) value += Product();
                else if (Take('-')) value -= Product();
                else return value;
            }
        }

        double Product()
        {
            double value = Unary();
            while (true)
            {
                if (Take('*')) value *= Unary();
                else if (Take('/')) value /= Unary();
                else return value;
            }
        }

        double Unary() => Take('-') ? -Unary() : Primary();

        double Primary()
        {
            if (Take('('))
            {
                double inner = Sum();
                if (!Take(')')) throw new FormatException("missing )");
                return inner;
            }
            Skip();
            int start = position;
            if (char.IsDigit(text[position]) || text[position] == '.')
            {
                while (position < text.Length && (char.IsDigit(text[position]) || text[position] is '.' or 'e' or 'E'
                    || (text[position] is '+' or '-' && text[position - 1] is 'e' or 'E')))
                {
                    position++;
                }
                return double.Parse(text[start..position], CultureInfo.InvariantCulture);
            }
            while (position < text.Length && (char.IsLetterOrDigit(text[position]) || text[position] == '_'))
            {
                position++;
            }
            string name = text[start..position];
            if (!Take('('))
            {
                return values[name];
            }
            var arguments = new List<double> { Sum() };
            while (Take(','))
            {
                arguments.Add(Sum());
            }
            if (!Take(')')) throw new FormatException("missing )");
            double a = arguments[0];
            return name switch
            {
                "sigmoid" => 1 / (1 + Math.Exp(-a)),
                "tanh" => Math.Tanh(a),
                "relu" => Math.Max(a, 0),
                "hardsigmoid" => Math.Clamp(0.2 * a + 0.5, 0, 1),
                "exp" => Math.Exp(a),
                "abs" => Math.Abs(a),
                "min" => Math.Min(a, arguments[1]),
                "max" => Math.Max(a, arguments[1]),
                "clip" => Math.Clamp(a, arguments[1], arguments[2]),
                _ => throw new FormatException($"unknown function {name}"),
            };
        }
    }
}

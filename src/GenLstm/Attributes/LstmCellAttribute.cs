using System;

namespace GenLstm;

/// <summary>
/// Replaces the cell update c_t = f ⊙ c_prev + i ⊙ g of an <see cref="LstmAttribute"/> model with an element-wise expression,
/// compiled into the generated kernel (no interpretation at run time).
/// </summary>
/// <remarks>
/// <para>
/// The expression reads the activated gates <c>i</c>, <c>f</c>, <c>g</c>, <c>o</c> and the previous cell <c>c_prev</c>, with
/// numbers, <c>+ - * /</c>, parentheses and the functions <c>sigmoid tanh relu hardsigmoid exp clip(v, lo, hi) min max abs</c>.
/// <c>CellClip</c> still clamps the result. Example: <c>[LstmCell("f * c_prev + (1 - f) * g")]</c> (coupled gates written out).
/// </para>
/// <para>A malformed expression is a compile error pointing at the offending column inside the string (GLSTM013).</para>
/// </remarks>
/// <param name="expression">The new cell c_t.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmCellAttribute(string expression) : Attribute
{
    /// <summary>The expression of c_t.</summary>
    public string Expression { get; } = expression;
}

/// <summary>
/// Replaces the hidden update h_t = o ⊙ tanh(c_t) of an <see cref="LstmAttribute"/> model with an element-wise expression,
/// compiled into the generated kernel. It reads what <see cref="LstmCellAttribute"/> can read, and the new cell <c>c</c>.
/// <c>HiddenActivation</c> is not applied (write it in the expression). Example: <c>[LstmHidden("o * tanh(c) + 0.1 * c_prev")]</c>.
/// </summary>
/// <param name="expression">The new hidden state h_t.</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmHiddenAttribute(string expression) : Attribute
{
    /// <summary>The expression of h_t.</summary>
    public string Expression { get; } = expression;
}

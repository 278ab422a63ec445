// Shared by the runtime and the generator: how an error message quotes what a file says.
using System.Text;

namespace GenLstm.Contract;

/// <summary>
/// Text from a file as an error message or a compiler diagnostic may quote it. A hostile file must not write megabytes or
/// terminal escapes into a host's log or an IDE's error list: control characters are escaped (<c>\n</c>, <c>\u001b</c>) and
/// the text is cut after a limit, with its full length noted.
/// </summary>
internal static class MessageText
{
    /// <summary>The longest name of a file's tensor or field quoted in a message.</summary>
    public const int MaxName = 80;

    /// <summary>The longest problem sentence in a message (it may quote several names, a dtype, a header excerpt).</summary>
    public const int MaxProblem = 1200;

    /// <summary>The text escaped, and cut after <paramref name="max"/> characters.</summary>
    public static string Quote(string text, int max = MaxName)
    {
        var builder = new StringBuilder(System.Math.Min(text.Length, max) + 24);
        foreach (char c in text)
        {
            if (builder.Length >= max)
            {
                return builder.Append("… (").Append(text.Length).Append(" characters)").ToString();
            }
            switch (c)
            {
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (char.IsControl(c))
                    {
                        builder.Append("\\u").Append(((int)c).ToString("x4", System.Globalization.CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }
                    break;
            }
        }
        return builder.ToString();
    }
}

// Contract: compiled into the runtime (NumPyArchiveReader) and linked into the generator (WeightsFileReader), so that both read
// the .npy arrays of an .npz archive by one reading of the preamble and of the header dict.
using System;
using System.Collections.Generic;
using System.Globalization;
using System.Text;

namespace GenLstm.Contract;

/// <summary>
/// The header of one <c>.npy</c> array: a preamble (<c>\x93NUMPY</c>, the format version, the header's length: 10 bytes for
/// version 1, 12 for versions 2 and 3), then the Python dict literal numpy writes,
/// <c>{'descr': '&lt;f4', 'fortran_order': False, 'shape': (3, 4), }</c>. Nothing here throws; a header that fails carries
/// <see cref="Problem"/>. Sizes are checked against the bytes the entry can hold before anything is allocated.
/// </summary>
internal sealed class NpyHeader
{
    /// <summary>The longest header dict read (numpy's own are under 200 bytes).</summary>
    public const int MaxHeaderLength = 1 << 20;

    private static readonly byte[] Magic = [0x93, (byte)'N', (byte)'U', (byte)'M', (byte)'P', (byte)'Y'];

    private NpyHeader(string descr, bool fortranOrder, long[] shape, long count, string? problem)
    {
        Descr = descr;
        FortranOrder = fortranOrder;
        Shape = shape;
        ElementCount = count;
        Problem = problem;
    }

    /// <summary>numpy's dtype string: <c>&lt;f4</c>, <c>&gt;f8</c>, <c>|u1</c>, …</summary>
    public string Descr { get; }

    /// <summary>Whether the data is column-major.</summary>
    public bool FortranOrder { get; }

    public long[] Shape { get; }

    /// <summary>The most dimensions a shape may have: numpy's <c>NPY_MAXDIMS</c> (before 2.0; 64 since, for no weight tensor).</summary>
    public const int MaxRank = 32;

    /// <summary>The product of <see cref="Shape"/>.</summary>
    public long ElementCount { get; }

    /// <summary>Why the header cannot be read (a sentence ending in a period), or null.</summary>
    public string? Problem { get; }

    /// <summary>The bytes per element of a float array (<c>f2</c>, <c>f4</c>, <c>f8</c> in either byte order), or 0 for any other dtype.</summary>
    public int FloatSize => Descr.Length == 3 && Descr[1] == 'f' && Descr[0] is '<' or '>' or '=' && Descr[2] is '2' or '4' or '8' ? Descr[2] - '0' : 0;

    /// <summary>Whether the elements are big-endian (<c>&gt;</c>).</summary>
    public bool BigEndian => Descr.Length > 0 && Descr[0] == '>';

    /// <summary>
    /// Checks the first 10 bytes of an entry (<paramref name="count"/> of them read): the magic and a known version.
    /// </summary>
    /// <param name="preamble">At least the bytes read.</param>
    /// <param name="count">How many bytes the entry had, up to 10.</param>
    /// <param name="preambleLength">10 or 12: the bytes before the header dict.</param>
    /// <returns>The problem, or null.</returns>
    public static string? CheckPreamble(byte[] preamble, int count, out int preambleLength)
    {
        preambleLength = 0;
        if (count < 10)
        {
            return "the entry is not a .npy array (no \\x93NUMPY magic).";
        }
        for (int i = 0; i < Magic.Length; i++)
        {
            if (preamble[i] != Magic[i])
            {
                return "the entry is not a .npy array (no \\x93NUMPY magic).";
            }
        }
        int major = preamble[6];
        if (major is not (1 or 2 or 3))
        {
            return $".npy format version {major} is not one this reader knows (1, 2, 3).";
        }
        preambleLength = major == 1 ? 10 : 12;
        return null;
    }

    /// <summary>
    /// The header dict's length from a whole preamble (<paramref name="preambleLength"/> bytes), or a problem when it claims more than
    /// <paramref name="maxLength"/>, the bytes the entry can hold.
    /// </summary>
    public static string? ReadHeaderLength(byte[] preamble, int preambleLength, long maxLength, out int headerLength)
    {
        long length = preambleLength == 10
            ? preamble[8] | (preamble[9] << 8)
            : preamble[8] | ((long)preamble[9] << 8) | ((long)preamble[10] << 16) | ((long)preamble[11] << 24);
        headerLength = 0;
        if (length > Math.Min(maxLength, MaxHeaderLength))
        {
            return $"the .npy header claims {length} bytes, more than the entry holds.";
        }
        headerLength = (int)length;
        return null;
    }

    /// <summary>Reads the header dict (Latin-1 bytes) of an entry that holds at most <paramref name="maxLength"/> bytes.</summary>
    public static NpyHeader Parse(byte[] header, int start, int length, long maxLength)
    {
        var chars = new char[length];
        for (int i = 0; i < length; i++)
        {
            chars[i] = (char)header[start + i];
        }
        string text = new(chars);
        string? descr = Value(text, "descr", '\'', '\'');
        string? fortran = Value(text, "fortran_order", ' ', ',');
        string? shapeText = Value(text, "shape", '(', ')');
        if (descr is null || fortran is not ("True" or "False") || shapeText is null)
        {
            return Fail($"the .npy header is not the dict numpy writes ('descr', 'fortran_order', 'shape'): {text.Trim()}");
        }

        var shape = new List<long>();
        long count = 1;
        foreach (string raw in shapeText.Split(','))
        {
            string part = raw.Trim();
            if (part.Length == 0)
            {
                continue;
            }
            if (!long.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out long dimension))
            {
                return Fail($"the shape ({shapeText}) holds '{part}', not a size.");
            }
            shape.Add(dimension);
            if (shape.Count > MaxRank)
            {
                return Fail($"the shape has more than {MaxRank} dimensions (numpy's own limit); no weight tensor has.");
            }
            if (dimension != 0 && count > maxLength / dimension)
            {
                return Fail($"the shape ({shapeText}) has more elements than the entry's {maxLength} bytes can hold.");
            }
            count *= dimension;
        }
        return new NpyHeader(descr, fortran == "True", [.. shape], count, null);
    }

    /// <summary>
    /// The value after <c>'key'</c> and a colon: between <paramref name="open"/> and <paramref name="close"/> (a quoted string,
    /// a parenthesized tuple), or, when <paramref name="open"/> is a space, the bare word (True, False).
    /// </summary>
    private static string? Value(string text, string key, char open, char close)
    {
        int at = text.IndexOf("'" + key + "'", StringComparison.Ordinal);
        if (at < 0)
        {
            return null;
        }
        int i = SkipSpaces(text, at + key.Length + 2);
        if (i >= text.Length || text[i] != ':')
        {
            return null;
        }
        i = SkipSpaces(text, i + 1);
        if (open == ' ')
        {
            int end = i;
            while (end < text.Length && (char.IsLetterOrDigit(text[end]) || text[end] == '_'))
            {
                end++;
            }
            return end > i ? text.Substring(i, end - i) : null;
        }
        if (i >= text.Length || text[i] != open)
        {
            return null;
        }
        int closing = text.IndexOf(close, i + 1);
        return closing < 0 ? null : text.Substring(i + 1, closing - i - 1);
    }

    private static int SkipSpaces(string text, int i)
    {
        while (i < text.Length && char.IsWhiteSpace(text[i]))
        {
            i++;
        }
        return i;
    }

    private static NpyHeader Fail(string problem) => new("", false, [], 0, problem);
}

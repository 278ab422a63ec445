namespace GenLstm;

/// <summary>Which kernel a <see cref="RecurrentModel"/> runs.</summary>
public enum RecurrentKernel
{
    /// <summary>The compiled kernel of a type the application declared with <c>[Lstm]</c> or <c>[Gru]</c>: the file's model equals its declaration.</summary>
    Generated,

    /// <summary>The runtime library's generic kernel: no declared type matches the file, so the sizes are read at run time.</summary>
    Generic,
}

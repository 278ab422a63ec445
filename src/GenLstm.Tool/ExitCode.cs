namespace GenLstm.Tool;

/// <summary>What <c>genlstm</c> returns; the README lists these.</summary>
internal enum ExitCode
{
    /// <summary>Done.</summary>
    Ok = 0,

    /// <summary>The command line is wrong (System.CommandLine's own code for parse errors).</summary>
    Usage = 1,

    /// <summary>The weight file is malformed, of no supported format, or does not fit together.</summary>
    BadFile = 2,

    /// <summary>A file cannot be found, read or written.</summary>
    Io = 3,

    /// <summary>The model or the input data cannot be run (an unsupported variant, inputs of the wrong width).</summary>
    CannotRun = 4,
}

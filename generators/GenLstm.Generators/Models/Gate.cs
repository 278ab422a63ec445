namespace GenLstm.Generators.Models;

/// <summary>
/// The four gates of the LSTM cell, in packed order: a packed row holds a block's 8 units of i, then of f, g and o, and
/// the generated code names each gate's accumulators and locals by its <see cref="GateNames.Letter"/> (zi, zf, …).
/// </summary>
internal enum Gate
{
    /// <summary>The input gate i.</summary>
    Input,

    /// <summary>The forget gate f.</summary>
    Forget,

    /// <summary>The cell candidate g.</summary>
    Candidate,

    /// <summary>The output gate o.</summary>
    Output,
}

/// <summary>How generated code and its comments name the gates.</summary>
internal static class GateNames
{
    /// <summary>The gates in packed order.</summary>
    public static readonly Gate[] All = [Gate.Input, Gate.Forget, Gate.Candidate, Gate.Output];

    /// <summary>The letter of the equations, which names the gate's locals: i, f, g, o.</summary>
    public static string Letter(this Gate gate) => gate switch
    {
        Gate.Input => "i",
        Gate.Forget => "f",
        Gate.Candidate => "g",
        _ => "o",
    };

    /// <summary>What comments call the gate.</summary>
    public static string Role(this Gate gate) => gate switch
    {
        Gate.Input => "input gate",
        Gate.Forget => "forget gate",
        Gate.Candidate => "cell candidate",
        _ => "output gate",
    };

    /// <summary>The gate's activation in the standard cell: tanh for the candidate, sigmoid for the others.</summary>
    public static string StandardActivation(this Gate gate) => gate == Gate.Candidate ? "Tanh" : "Sigmoid";
}

namespace GenLstm;

/// <summary>
/// What an <c>[Lstm]</c> declaration says, for checking a weight file's own statements against it
/// (<see cref="WeightFile.RequireDeclaration"/>). Generated <c>FromWeights</c> methods pass their model's.
/// </summary>
/// <param name="InputSize">I.</param>
/// <param name="HiddenSize">H.</param>
public sealed record LstmDeclaration(int InputSize, int HiddenSize)
{
    /// <summary>The number of stacked layers.</summary>
    public int Layers { get; init; } = 1;

    /// <summary>The direction of every layer.</summary>
    public LstmDirection Direction { get; init; } = LstmDirection.Forward;

    /// <summary>The activation of the gates i, f, o.</summary>
    public Activation GateActivation { get; init; } = Activation.Sigmoid;

    /// <summary>The activation of the cell candidate.</summary>
    public Activation CellActivation { get; init; } = Activation.Tanh;

    /// <summary>The activation of c_t in h_t.</summary>
    public Activation HiddenActivation { get; init; } = Activation.Tanh;

    /// <summary>ONNX's <c>clip</c>: the bound on the activations' inputs; 0 for none.</summary>
    public float ActivationClip { get; init; }

    /// <summary>Whether the input and forget gates are coupled (ONNX's <c>input_forget</c>).</summary>
    public bool CoupledInputForget { get; init; }

    /// <summary>Whether the cell has peepholes.</summary>
    public bool Peepholes { get; init; }

    /// <summary>The output head's size (<c>[LstmOutput]</c>); 0 without a head.</summary>
    public int OutputSize { get; init; }

    /// <summary>The output head's activation.</summary>
    public Activation OutputActivation { get; init; } = Activation.None;
}

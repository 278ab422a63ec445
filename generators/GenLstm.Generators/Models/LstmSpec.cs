using GenLstm.Generators.Helpers;

namespace GenLstm.Generators.Models;

/// <summary>
/// Everything the emitter needs to write one model, and nothing else: plain values, so that an edit which does not
/// change them leaves the generated source cached.
/// </summary>
/// <param name="HintName">The generated file's name: the type's fully qualified metadata name plus <c>.g.cs</c>.</param>
/// <param name="Namespace">The containing namespace, empty for the global namespace.</param>
/// <param name="Types">The model type's nesting chain, outermost first; the last entry is the model itself.</param>
/// <param name="InputSize">I, the number of input features.</param>
/// <param name="HiddenSize">H, the number of hidden units.</param>
/// <param name="Precision">Which activation approximations the kernels call.</param>
/// <param name="WeightType">How the packed weights are stored, and so how the kernels load them.</param>
/// <param name="Layers">Stacked layers (1 for a single LSTM).</param>
/// <param name="Direction">Which way the layers read the sequence.</param>
/// <param name="Head">The dense output head of <c>[OutputHead]</c>, or null.</param>
/// <param name="ProjectionSize">P, the size of every layer's projected output (PyTorch's proj_size), or 0 for none.</param>
/// <param name="DeclaredMath">The element-wise variant (peepholes, activations, clips…); null for the standard LSTM.</param>
/// <param name="MaxSampleRateRatio">The largest host-to-model sample-rate ratio a stream may run at (RTNeural's correction); 0 for none.</param>
/// <param name="SkipLocalsInit">Whether the compilation allows unsafe code, which <c>[SkipLocalsInit]</c> on the kernels needs.</param>
internal sealed record LstmSpec(
    string HintName,
    string Namespace,
    EquatableArray<TypeDeclarationInfo> Types,
    int InputSize,
    int HiddenSize,
    Precision Precision,
    WeightType WeightType,
    int Layers,
    LstmDirection Direction,
    OutputHead? Head = null,
    int ProjectionSize = 0,
    GateMath? DeclaredMath = null,
    int MaxSampleRateRatio = 0,
    bool SkipLocalsInit = false)
{
    /// <summary>
    /// Whether the model streams (reads its sequence forward, so it has <c>Step</c>): it then implements
    /// <c>IRecurrentModel&lt;TSelf, TState&gt;</c> (see also <see cref="RegistersWithRecurrentModel"/>).
    /// </summary>
    public bool IsStreaming => Direction == LstmDirection.Forward;

    /// <summary>
    /// Whether the type registers itself with <c>RecurrentModel</c>, which then loads files whose model equals its declaration
    /// into it: a streaming type whose declaration states all of its math, with exact activations and float32 weights. A file's
    /// model is not a type with a forget bias or a cell clip, and a Fast or bfloat16 type computes other numbers than the file's
    /// model (hosts that want one for user files call <c>RecurrentModel.Register</c> themselves).
    /// </summary>
    public bool RegistersWithRecurrentModel
        => IsStreaming && Math.IsDescribedByDeclaration && Precision == Precision.Exact && WeightType == WeightType.Float32;

    /// <summary>The element-wise part of every step.</summary>
    public GateMath Math => DeclaredMath ?? GateMath.Standard;

    /// <summary>The recurrent cell, LSTM or GRU (part of the gate math).</summary>
    public RecurrentCell Cell => Math.Kind;

    /// <summary>"4H" for an LSTM, "3H" for a GRU: the rows of its <c>weight_ih</c>, <c>weight_hh</c> and biases, for docs.</summary>
    public string GateRowsSymbol => Cell.GateCount() + "H";

    /// <summary>The gates' rows of <c>weight_ih</c>, <c>weight_hh</c> and the biases: 4H for an LSTM, 3H for a GRU.</summary>
    public int GateRows => Cell.GateCount() * HiddenSize;

    /// <summary>The PyTorch module whose weights and semantics the model has: torch.nn.LSTM or torch.nn.GRU.</summary>
    public string TorchModule => Cell == RecurrentCell.Gru ? "torch.nn.GRU" : "torch.nn.LSTM";

    /// <summary>The gate order of PyTorch's tensors: i, f, g, o, or a GRU's r, z, n.</summary>
    public string TorchGateOrder => Cell == RecurrentCell.Gru ? "r, z, n" : "i, f, g, o";

    /// <summary>The cell's name in prose: LSTM or GRU.</summary>
    public string CellName => Cell == RecurrentCell.Gru ? "GRU" : "LSTM";

    /// <summary>The state a step reads, for docs: "h_{t-1} and c_{t-1}", a GRU's "h_{t-1}".</summary>
    public string PreviousStateText => Cell == RecurrentCell.Gru ? "h_{t-1}" : "h_{t-1} and c_{t-1}";

    /// <summary>The state a step writes, for docs: "h_t and c_t", a GRU's "h_t".</summary>
    public string NextStateText => Cell == RecurrentCell.Gru ? "h_t" : "h_t and c_t";

    /// <summary>Directions per layer: 2 when bidirectional.</summary>
    public int Directions => Direction == LstmDirection.Bidirectional ? 2 : 1;

    /// <summary>
    /// Whether this is one forward layer without a head, emitted as a single kernel; anything else is a stack of layer
    /// kernels (with its head).
    /// </summary>
    public bool IsSingleLayer => Layers == 1 && Direction == LstmDirection.Forward && Head is null && ProjectionSize == 0 && MaxSampleRateRatio == 0;

    /// <summary>Whether streams can run at a higher rate than the model's, through a history of every layer's states.</summary>
    public bool HasRateCorrection => MaxSampleRateRatio > 0;

    /// <summary>The slots of each layer's state history: enough for the delay of the largest ratio and the step before it.</summary>
    public int HistorySlots => MaxSampleRateRatio + 1;

    /// <summary>The columns of U: the length of the recurrent input h_{t-1}, P with a projection, else H.</summary>
    public int RecurrentSize => ProjectionSize > 0 ? ProjectionSize : HiddenSize;

    /// <summary>The length of the last layer's output at each step: H (or P) per direction.</summary>
    public int StackOutputSize => RecurrentSize * Directions;

    /// <summary>The length of the model's output at each step: the head's size, or the last layer's output.</summary>
    public int OutputSize => Head?.Size ?? StackOutputSize;

    /// <summary>The model type's own name.</summary>
    public string TypeName => Types[Types.Count - 1].Name;
}

/// <summary>A dense layer on the last layer's output: y_t = activation(W h_t + b) (+ x_t[j] for j below InputSkip).</summary>
/// <param name="Size">The number of outputs.</param>
/// <param name="Activation">Its activation.</param>
/// <param name="InputSkip">How many of the first inputs are added to the first outputs after the activation; 0 for none.</param>
internal sealed record OutputHead(int Size, Activation Activation, int InputSkip = 0);

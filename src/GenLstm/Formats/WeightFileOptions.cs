using System;

namespace GenLstm;

/// <summary>
/// Limits for reading a weight file that may be hostile (a model file a user downloaded): how large a file is read at all,
/// and how much its compressed content may expand. Every reader also keeps its own work linear in the file's size; the
/// README's "Hostile files" section lists the bounds per format.
/// </summary>
/// <remarks>
/// Every generated <c>Load</c> passes its model's <see cref="Declaration"/>, so that a compressed archive can expand to no
/// more than the tensors that model reads. Hosts that load user files can lower <see cref="MaxBytes"/>:
/// <code>MyModel.Load(path, new WeightFileOptions { MaxBytes = 16 /// <code>MyModel.Load(path, new WeightFileOptions { MaxBytes = 16 &lt;&lt; 20 })</code>lt;/// <code>MyModel.Load(path, new WeightFileOptions { MaxBytes = 16 &lt;&lt; 20 })</code>lt; 20 })</code> (a generated <c>Load</c> sets <see cref="Declaration"/> itself).
/// </remarks>
public sealed record WeightFileOptions
{
    /// <summary>The default <see cref="MaxBytes"/>: 256 MiB, above any model GenLstm runs in real time (a 2-layer 2048-unit LSTM is 256 MiB of float64).</summary>
    public const long DefaultMaxBytes = Contract.ReadBudget.DefaultMaxBytes;

    /// <summary>The defaults: <see cref="DefaultMaxBytes"/>, no declaration.</summary>
    public static WeightFileOptions Default { get; } = new();

    /// <summary>
    /// The largest file or stream read, and the most bytes the compressed entries of an archive may expand to in total.
    /// A larger file, or a stream that goes on beyond it, is refused with a <see cref="WeightFormatException"/> before it is read.
    /// </summary>
    /// <exception cref="ArgumentOutOfRangeException">The value is not positive.</exception>
    public long MaxBytes
    {
        get;
        init => field = value > 0 ? value : throw new ArgumentOutOfRangeException(nameof(MaxBytes), value, "MaxBytes must be positive.");
    } = DefaultMaxBytes;

    /// <summary>
    /// The model the file is read for, or null. When set, the compressed entries of an archive may expand to what the
    /// declaration's tensors occupy as float64 (8 bytes per weight) beyond what incompressible data of the file's size would,
    /// rather than to 16× the file; and a file that states more recurrent layers than the declaration can use is refused
    /// before their tensors are read.
    /// </summary>
    public LstmDeclaration? Declaration { get; init; }

    /// <summary>
    /// The most bytes the compressed entries of a file of <paramref name="fileLength"/> bytes may expand to in total
    /// (<see cref="Contract.ReadBudget.MaxExpandedBytes"/>, with the <see cref="Declaration"/>'s weights when there is one).
    /// </summary>
    internal long MaxExpandedBytes(long fileLength) => Contract.ReadBudget.MaxExpandedBytes(MaxBytes, fileLength, Declaration?.WeightCount());
}

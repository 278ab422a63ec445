using System.ComponentModel;

namespace GenLstm.CompilerServices;

/// <summary>For generated code: a model whose step <see cref="LstmWorker"/> can split between two threads.</summary>
/// <typeparam name="TState">The model's state.</typeparam>
[EditorBrowsable(EditorBrowsableState.Never)]
public interface ILstmSplitKernel<TState>
    where TState : unmanaged
{
    /// <summary>Computes part <paramref name="part"/> (0 or 1) of a step: h_t and c_t of a disjoint half of the hidden units.</summary>
    /// <param name="input">x_t.</param>
    /// <param name="state">The state; each part writes only its own units, and neither flips the state's halves.</param>
    /// <param name="part">0 on the calling thread, 1 on the worker.</param>
    void RunPart(ref float input, ref TState state, int part);
}

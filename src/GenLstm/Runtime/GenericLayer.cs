using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;

namespace GenLstm.Runtime;

/// <summary>
/// One LSTM or GRU layer of any size, for models no declared type matches (<see cref="RecurrentModel"/>): the generated
/// kernels' packed layout (<see cref="PackedLstmWeights"/>, a GRU in the LSTM's rows of four slots: r, z, n's input part, n's
/// hidden part) and their gate equations, with the sizes read at run time instead of compiled in. A step reads the layer's
/// input and h_{t-1} as one vector of columns (x_t, then h_{t-1}) and accumulates the four slots of a tile of blocks at once:
/// up to six blocks on Vector512 (GenericLayer.Wide.cs), two register groups on Vector256 (two blocks of 8 units), Vector128
/// (the two halves of a block) or scalars (two units). The cell's update (<see cref="ICellUpdate"/>) then applies the
/// activations of <see cref="LstmMath"/> as the generated tiles do.
/// </summary>
internal sealed partial class GenericLayer
{
    private readonly PackedLstmWeights _weights;

    /// <summary>The element-wise math of a cell with variants, or null for PyTorch's LSTM or GRU (the tiles' own update).</summary>
    private readonly CellVariant? _variant;

    /// <summary>An LSTM's peephole weights p_i, p_f, p_o (each padded with zeros to <see cref="PaddedHiddenSize"/>), or empty.</summary>
    private readonly float[] _peepholes;

    /// <summary>An LSTM's layer-norm scales γ of i, f, g, o (H each) and the biases added after the normalization, or empty.</summary>
    private readonly float[] _layerNorm, _layerNormBias;

    /// <summary>An LSTM's projection W_hr (PyTorch's proj_size), h_t = W_hr (o ⊙ tanh(c_t)), or null.</summary>
    private readonly DenseLayer? _projection;

    private GenericLayer(PackedLstmWeights weights, RecurrentCell cell, CellVariant? variant, PyTorchLstmTensors tensors, DenseLayer? projection)
    {
        _weights = weights;
        Cell = cell;
        _variant = variant;
        _peepholes = tensors.Peepholes is { } peepholes ? PadGates(peepholes, 3, weights.HiddenSize, weights.PaddedHiddenSize) : [];
        _layerNorm = tensors.LayerNorm ?? [];
        _layerNormBias = tensors.LayerNorm is null ? [] : [.. tensors.BiasIh.Zip(tensors.BiasHh, (a, b) => a + b)];
        _projection = projection;
    }

    /// <summary><paramref name="gates"/> rows of <paramref name="units"/> values, each padded with zeros to <paramref name="padded"/>.</summary>
    private static float[] PadGates(float[] values, int gates, int units, int padded)
    {
        var result = new float[gates * padded];
        for (int gate = 0; gate < gates; gate++)
        {
            values.AsSpan(gate * units, units).CopyTo(result.AsSpan(gate * padded));
        }
        return result;
    }

    /// <summary>The cell: LSTM or GRU.</summary>
    public RecurrentCell Cell { get; }

    public int InputSize => _weights.InputSize;

    public int HiddenSize => _weights.HiddenSize;

    /// <summary>The length of the layer's h_t, its output and its recurrent input: the projection's P, or H.</summary>
    public int OutputSize => _weights.RecurrentSize;

    /// <summary>H rounded up to whole blocks: the length of the layer's h and c in a stream.</summary>
    public int PaddedHiddenSize => _weights.PaddedHiddenSize;

    /// <summary>
    /// Floats a stream keeps after this layer's columns for its step: the preactivations of a cell with variants (32 per block),
    /// twice for a reset-before GRU, and a projected layer's o ⊙ tanh(c_t); none for PyTorch's cells.
    /// </summary>
    public int ScratchLength => _variant is null ? 0
        : (_variant.ResetBefore ? 2 : 1) * PackedLstmWeights.GateCount * PaddedHiddenSize + (_projection is null ? 0 : PaddedHiddenSize);

    /// <summary>
    /// Packs one layer's tensors in PyTorch's layout (gate order i, f, g, o; or r, z, n) for <paramref name="declaration"/>'s cell,
    /// whose element-wise math and projection <paramref name="variant"/> applies (null: PyTorch's LSTM or GRU).
    /// </summary>
    public static GenericLayer Pack(LstmDeclaration declaration, CellVariant? variant, int inputSize, PyTorchLstmTensors tensors)
    {
        int hiddenSize = declaration.HiddenSize, projectionSize = declaration.ProjectionSize;
        // With layer normalization the bias row stays zero (the bias is added after it) and the tiles never read the γ rows.
        PackedLstmWeights weights = declaration.Cell == RecurrentCell.Gru
            ? PackedLstmWeights.FromPyTorchGruInLstmRows(inputSize, hiddenSize, tensors.WeightIh, tensors.WeightHh, tensors.BiasIh, tensors.BiasHh,
                resetAfter: variant is not { ResetBefore: true })
            : PackedLstmWeights.FromPyTorch(inputSize, hiddenSize, projectionSize > 0 ? projectionSize : hiddenSize,
                tensors.WeightIh, tensors.WeightHh, tensors.BiasIh, tensors.BiasHh, peepholes: [], tensors.LayerNorm ?? []);
        return new GenericLayer(weights, declaration.Cell, variant, tensors, projectionSize > 0 ? tensors.Projection(hiddenSize, projectionSize) : null);
    }

    /// <summary>
    /// One step: <paramref name="columns"/> holds x_t (<see cref="InputSize"/>) then h_{t-1} (<see cref="OutputSize"/>, then zeros
    /// to <see cref="PaddedHiddenSize"/>), then <see cref="ScratchLength"/> floats; writes h_t to <paramref name="hidden"/> and
    /// updates <paramref name="cell"/> (an LSTM's c; unused by a GRU), both <see cref="PaddedHiddenSize"/> long. A layer of
    /// several tiles runs them <paramref name="lastToFirst"/> on every other step, as the generated kernels do: each step starts on
    /// the weights the last one read last, still in the caches (at 128×256, 1.5 MiB of weights, a fixed order measured 13.4–19 µs
    /// per step from process to process, alternating 13.5).
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public void Step(ref float columns, ref float hidden, ref float cell, bool lastToFirst)
    {
        if (_variant is not null)
        {
            StepVariant(_variant, ref columns, ref hidden, ref cell, lastToFirst);
        }
        else if (Cell == RecurrentCell.Gru)
        {
            // A GRU's update reads h_{t-1} per unit where the columns hold it.
            Step<GruUpdate>(ref columns, ref hidden, ref Unsafe.Add(ref columns, (nuint)InputSize), lastToFirst);
        }
        else
        {
            Step<LstmUpdate>(ref columns, ref hidden, ref cell, lastToFirst);
        }
    }

    /// <summary>
    /// A step of a cell with variants: the tiles accumulate the four slots into the scratch after the columns, then
    /// <paramref name="variant"/> applies the cell's math to every block's units (h and c are padded in the stream; the padding
    /// units, whose weights are zero, compute values nothing reads). A reset-before GRU's n needs U_n (r ⊙ h_{t-1}): r ⊙ h_{t-1}
    /// replaces h_{t-1} in the columns and a second accumulation's slot 3 (no bias, no input rows) is that product; its other
    /// slots go unread (the price of one accumulation for every cell: a second pass over all four slots).
    /// </summary>
    [MethodImpl(MethodImplOptions.NoInlining)]   // kept out of Step, whose plain cells would otherwise pay for this method's locals
    private void StepVariant(CellVariant variant, ref float columns, ref float hidden, ref float cell, bool lastToFirst)
    {
        int slotCount = PackedLstmWeights.GateCount * PaddedHiddenSize;
        ref float scratch = ref Unsafe.Add(ref columns, (nuint)(InputSize + PaddedHiddenSize));
        Step<PreactivationStore>(ref columns, ref scratch, ref scratch, lastToFirst);
        Span<float> slots = MemoryMarshal.CreateSpan(ref scratch, slotCount);
        Span<float> hiddenUnits = MemoryMarshal.CreateSpan(ref hidden, PaddedHiddenSize);
        if (Cell == RecurrentCell.Lstm)
        {
            Span<float> cellUnits = MemoryMarshal.CreateSpan(ref cell, PaddedHiddenSize);
            if (_projection is null)
            {
                variant.UpdateLstm(slots, _peepholes, _layerNorm, _layerNormBias, HiddenSize, hiddenUnits, cellUnits);
                return;
            }
            // o ⊙ tanh(c_t) after the slots, then h_t = W_hr (o ⊙ tanh(c_t)).
            Span<float> unprojected = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref scratch, (nuint)slotCount), PaddedHiddenSize);
            variant.UpdateLstm(slots, _peepholes, _layerNorm, _layerNormBias, HiddenSize, unprojected, cellUnits);
            _projection.Apply(unprojected[..HiddenSize], MemoryMarshal.CreateSpan(ref hidden, OutputSize));
            return;
        }
        Span<float> resetHidden = default;
        if (variant.ResetBefore)
        {
            variant.ApplyResetGate(slots, MemoryMarshal.CreateSpan(ref Unsafe.Add(ref columns, (nuint)InputSize), PaddedHiddenSize));
            resetHidden = MemoryMarshal.CreateSpan(ref Unsafe.Add(ref scratch, (nuint)slotCount), slotCount);
            Step<PreactivationStore>(ref columns, ref MemoryMarshal.GetReference(resetHidden), ref MemoryMarshal.GetReference(resetHidden), !lastToFirst);
        }
        variant.UpdateGru(slots, resetHidden, hiddenUnits);
    }

    /// <summary>Every block, in the widest tiles the hardware runs; <paramref name="state"/> is what <typeparamref name="TCell"/> updates or reads per unit.</summary>
    private void Step<TCell>(ref float columns, ref float hidden, ref float state, bool lastToFirst)
        where TCell : ICellUpdate
    {
        ref float weights = ref _weights.Start;
        nuint stride = (nuint)_weights.BlockStride, columnCount = (nuint)(InputSize + OutputSize);
        nuint blocks = (nuint)(_weights.PaddedHiddenSize / PackedLstmWeights.BlockSize);
        if (Vector512.IsHardwareAccelerated)
        {
            StepWide<TCell>(ref weights, stride, blocks, columnCount, ref columns, ref hidden, ref state, lastToFirst);
            return;
        }
        nuint pairs = Vector256.IsHardwareAccelerated ? blocks / 2 : 0, block = 2 * pairs;
        if (lastToFirst)
        {
            RemainingBlocks<TCell>(ref weights, stride, block, blocks, columnCount, ref columns, ref hidden, ref state);
        }
        // Two blocks per tile (8 accumulators) on Vector256; an odd last block runs as its two Vector128 halves.
        for (nuint pair = 0; pair < pairs; pair++)
        {
            nuint first = 2 * (lastToFirst ? pairs - 1 - pair : pair);
            Tile<Vector256Kernel, Vector256<float>, TCell>(ref Unsafe.Add(ref weights, first * stride), stride, first * PackedLstmWeights.BlockSize,
                columnCount, ref columns, ref hidden, ref state);
        }
        if (!lastToFirst)
        {
            RemainingBlocks<TCell>(ref weights, stride, block, blocks, columnCount, ref columns, ref hidden, ref state);
        }
    }

    /// <summary>The blocks from <paramref name="block"/> on, each in Vector128 tiles (its two halves), or two units at a time in scalars.</summary>
    private static void RemainingBlocks<TCell>(ref float weights, nuint stride, nuint block, nuint blocks, nuint columnCount,
        ref float columns, ref float hidden, ref float state)
        where TCell : ICellUpdate
    {
        if (Vector128.IsHardwareAccelerated)
        {
            for (; block < blocks; block++)
            {
                Tile<Vector128Kernel, Vector128<float>, TCell>(ref Unsafe.Add(ref weights, block * stride), (nuint)Vector128Kernel.Count, block * PackedLstmWeights.BlockSize,
                    columnCount, ref columns, ref hidden, ref state);
            }
            return;
        }
        // No SIMD hardware: two units at a time, the scalar activations evaluated in double (as the generated scalar path).
        for (; block < blocks; block++)
        {
            for (nuint lane = 0; lane < PackedLstmWeights.BlockSize; lane += 2)
            {
                Tile<ScalarKernel, float, TCell>(ref Unsafe.Add(ref weights, block * stride + lane), 1, block * PackedLstmWeights.BlockSize + lane,
                    columnCount, ref columns, ref hidden, ref state);
            }
        }
    }

    /// <summary>
    /// The four slots (i, f, g, o; a GRU's r, z, n's input and hidden parts) of two register groups, 8 accumulators, from the bias
    /// row over every column; then the cell's update of each group's units. The second group is <paramref name="groupOffset"/>
    /// floats further in the packed rows, and its units follow the first group's.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static void Tile<TKernel, TVector, TCell>(ref float group0, nuint groupOffset, nuint unit, nuint columnCount,
        ref float columns, ref float hidden, ref float state)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
        where TCell : ICellUpdate
    {
        const nuint RowLength = PackedLstmWeights.RowLength;
        ref float group1 = ref Unsafe.Add(ref group0, groupOffset);
        TVector a0 = TKernel.Load(ref group0, 0), b0 = TKernel.Load(ref group0, 8), c0 = TKernel.Load(ref group0, 16), d0 = TKernel.Load(ref group0, 24);
        TVector a1 = TKernel.Load(ref group1, 0), b1 = TKernel.Load(ref group1, 8), c1 = TKernel.Load(ref group1, 16), d1 = TKernel.Load(ref group1, 24);
        nuint row = RowLength;
        for (nuint k = 0; k < columnCount; k++, row += RowLength)
        {
            TVector value = TKernel.Broadcast(Unsafe.Add(ref columns, k));
            a0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 0), value, a0);
            b0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 8), value, b0);
            c0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 16), value, c0);
            d0 = TKernel.MultiplyAdd(TKernel.Load(ref group0, row + 24), value, d0);
            a1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 0), value, a1);
            b1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 8), value, b1);
            c1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 16), value, c1);
            d1 = TKernel.MultiplyAdd(TKernel.Load(ref group1, row + 24), value, d1);
        }
        if (TCell.TakesSigmoidOfFirstSlots)
        {
            (a0, b0, a1, b1) = (TKernel.Sigmoid(a0), TKernel.Sigmoid(b0), TKernel.Sigmoid(a1), TKernel.Sigmoid(b1));
        }
        TCell.Update<TKernel, TVector>(a0, b0, c0, d0, ref hidden, ref state, unit);
        TCell.Update<TKernel, TVector>(a1, b1, c1, d1, ref hidden, ref state, unit + (nuint)TKernel.Count);
    }
}

/// <summary>
/// A cell's update of one register of units from its four accumulated slots, the first two already through the sigmoid (an
/// LSTM's i and f, a GRU's r and z: both cells' first two gates are sigmoids, which the Vector512 tiles apply to one register)
/// unless <see cref="TakesSigmoidOfFirstSlots"/> is false.
/// </summary>
internal interface ICellUpdate
{
    /// <summary>
    /// Whether the tiles pass σ of slots 0 and 1 (PyTorch's cells) rather than the preactivations (<see cref="PreactivationStore"/>).
    /// Abstract, not a default implementation: the JIT folds each struct's constant, where a default interface member stayed a call
    /// inside the tiles (measured: the generic Step at 1×16 went from 78 to 106 ns, its accumulators spilled around the call).
    /// </summary>
    static abstract bool TakesSigmoidOfFirstSlots { get; }

    /// <param name="gate0">σ of slot 0 (i; r), or its preactivation.</param>
    /// <param name="gate1">σ of slot 1 (f; z), or its preactivation.</param>
    /// <param name="slot2">Slot 2 (g's preactivation; n's input part W_n x + b_in).</param>
    /// <param name="slot3">Slot 3 (o's preactivation; n's hidden part U_n h + b_hn).</param>
    /// <param name="hidden">h_t, written at <paramref name="unit"/>.</param>
    /// <param name="state">An LSTM's c (read and written), a GRU's h_{t-1} (read), at <paramref name="unit"/>.</param>
    /// <param name="unit">The register's first unit.</param>
    static abstract void Update<TKernel, TVector>(TVector gate0, TVector gate1, TVector slot2, TVector slot3, ref float hidden, ref float state, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct;
}

/// <summary>The LSTM: c = f c + i tanh(g), h = σ(o) tanh(c).</summary>
internal readonly struct LstmUpdate : ICellUpdate
{
    public static bool TakesSigmoidOfFirstSlots => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TKernel, TVector>(TVector gate0, TVector gate1, TVector slot2, TVector slot3, ref float hidden, ref float state, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        TVector c = TKernel.Add(TKernel.Multiply(gate1, TKernel.Load(ref state, unit)), TKernel.Multiply(gate0, TKernel.Tanh(slot2)));
        TKernel.Store(c, ref state, unit);
        TKernel.Store(TKernel.Multiply(TKernel.Sigmoid(slot3), TKernel.Tanh(c)), ref hidden, unit);
    }
}

/// <summary>PyTorch's GRU: n = tanh(W_n x + b_in + r (U_n h + b_hn)), h = z (h_{t-1} − n) + n.</summary>
internal readonly struct GruUpdate : ICellUpdate
{
    public static bool TakesSigmoidOfFirstSlots => true;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TKernel, TVector>(TVector gate0, TVector gate1, TVector slot2, TVector slot3, ref float hidden, ref float state, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        TVector n = TKernel.Tanh(TKernel.MultiplyAdd(gate0, slot3, slot2));
        TKernel.Store(TKernel.MultiplyAdd(gate1, TKernel.Subtract(TKernel.Load(ref state, unit), n), n), ref hidden, unit);
    }
}

/// <summary>
/// A cell with variants (<see cref="CellVariant"/>): the four slots' preactivations, stored to the buffer at <c>hidden</c> in the
/// packed rows' order, 32 floats per block of 8 units (slot k of unit u at 32 (u / 8) + 8 k + u % 8), whatever the register width.
/// </summary>
internal readonly struct PreactivationStore : ICellUpdate
{
    /// <summary>Floats between a unit's slots.</summary>
    public const int SlotStride = PackedLstmWeights.BlockSize;

    public static bool TakesSigmoidOfFirstSlots => false;

    /// <summary>Where slot 0 of <paramref name="unit"/> is stored.</summary>
    public static int Offset(int unit) => unit / PackedLstmWeights.BlockSize * PackedLstmWeights.RowLength + unit % PackedLstmWeights.BlockSize;

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    public static void Update<TKernel, TVector>(TVector gate0, TVector gate1, TVector slot2, TVector slot3, ref float hidden, ref float state, nuint unit)
        where TKernel : IKernelVector<TVector>
        where TVector : struct
    {
        nuint at = (nuint)Offset((int)unit);
        TKernel.Store(gate0, ref hidden, at);
        TKernel.Store(gate1, ref hidden, at + SlotStride);
        TKernel.Store(slot2, ref hidden, at + 2 * SlotStride);
        TKernel.Store(slot3, ref hidden, at + 3 * SlotStride);
    }
}

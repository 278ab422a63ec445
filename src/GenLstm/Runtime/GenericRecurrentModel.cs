using System;
using System.Buffers;
using System.Collections.Generic;
using System.Diagnostics.CodeAnalysis;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics;
using GenLstm.CompilerServices;
using GenLstm.Contract;

namespace GenLstm.Runtime;

/// <summary>
/// The generic kernel behind <see cref="RecurrentModel"/>: a forward stack of LSTM or GRU layers of any size (<see cref="GenericLayer"/>),
/// the dense head with its activation, the input skip, the file's initial state and the sample-rate correction, with the
/// semantics of the generated types. Immutable after construction; each <see cref="RecurrentStream"/> holds its own state.
/// </summary>
internal sealed class GenericRecurrentModel : RecurrentModel
{
    /// <summary>The largest sample-rate ratio a generic stream allows (the largest a declaration may allow).</summary>
    private const int MaxSampleRateRatio = LstmLimits.MaxSampleRateRatio;

    private readonly GenericLayer[] _layers;
    private readonly DenseLayer? _head;

    /// <summary>Every layer's initial h then c (each <see cref="GenericLayer.PaddedHiddenSize"/> long), as a stream holds them.</summary>
    private readonly float[] _initialState;

    /// <summary>The cell's variants in words ("peepholes, clip 1.5"), or null for PyTorch's cell.</summary>
    private readonly string? _variants;

    private GenericRecurrentModel(LstmDeclaration declaration, double? sampleRate, GenericLayer[] layers, DenseLayer? head, float[] initialState, string? variants)
        : base(declaration, sampleRate)
    {
        _variants = variants;
        _layers = layers;
        _head = head;
        _initialState = initialState;
    }

    public override RecurrentKernel Kernel => RecurrentKernel.Generic;

    public override string KernelDescription
        => $"generic kernel: {Declaration.Cell.ToString().ToUpperInvariant()}({InputSize}, {Declaration.HiddenSize}"
            + (Declaration.Layers > 1 ? $", {Declaration.Layers} layers" : "")
            + (Declaration.Direction == LstmDirection.Forward ? "" : ", " + Declaration.Direction.ToString().ToLowerInvariant())
            + (_variants is null ? "" : "; " + _variants) + ")"
            + (_head is null ? "" : $" + head({_head.Size}, {_head.Activation})")
            + (Declaration.InputSkip > 0 ? $" + skip {Declaration.InputSkip}" : "");

    public override RecurrentStream CreateStream() => new GenericStream(this);

    /// <summary>The generic model of a file whose model <paramref name="declaration"/> is (<see cref="WeightFile.InferDeclaration"/>).</summary>
    /// <exception cref="NotSupportedException">The model has a variant the generic kernel does not run.</exception>
    public static GenericRecurrentModel Create(WeightFile file, LstmDeclaration declaration)
    {
        if (UnsupportedVariants(file, declaration) is { } unsupported)
        {
            throw new NotSupportedException(
                $"{file.SourceName}: the generic kernel runs stacks of LSTM or GRU layers in any direction (PyTorch's, or with the activations, clip, peepholes, "
                + $"coupled gates, reset placement, layer norm or projection a file states), with a head; this model has {unsupported}. "
                + $"Declare it in the application, and RecurrentModel.Load runs the generated type (genlstm inspect prints the declaration):\n{declaration.ToCSharp()}");
        }
        // InferDeclaration has already checked the file's statements against the declaration it returns.
        PyTorchLstmTensors[] tensors = PyTorchLstmTensors.ReadLayers(file, declaration);
        CellVariant? variant = CellVariant.Of(declaration);
        var layers = new GenericLayer[tensors.Length];
        int stateLength = 0;
        // PyTorch's order, as ReadLayers returns the tensors: every layer's forward direction, then its reverse one if bidirectional.
        int directions = declaration.Direction == LstmDirection.Bidirectional ? 2 : 1;
        for (int index = 0; index < layers.Length; index++)
        {
            int inputSize = index < directions ? declaration.InputSize : directions * layers[index - directions].OutputSize;
            layers[index] = GenericLayer.Pack(declaration, variant, inputSize, tensors[index]);
            stateLength += 2 * layers[index].PaddedHiddenSize;
        }
        DenseLayer? head = declaration.OutputSize > 0
            ? DenseLayer.Read(file, directions * layers[^1].OutputSize, declaration.OutputSize, declaration.OutputActivation)
            : null;
        var initialState = new float[stateLength];
        int offset = 0;
        for (int layer = 0; layer < layers.Length; layer++)
        {
            int padded = layers[layer].PaddedHiddenSize;
            LstmArguments.CopyInitialState(tensors[layer].InitialHidden, initialState.AsSpan(offset, layers[layer].OutputSize), nameof(file));
            LstmArguments.CopyInitialState(tensors[layer].InitialCell, initialState.AsSpan(offset + padded, declaration.HiddenSize), nameof(file));
            offset += 2 * padded;
        }
        return new GenericRecurrentModel(declaration, file.SampleRate, layers, head, initialState, variant?.Description);
    }

    /// <summary>
    /// What of <paramref name="file"/>'s model (<paramref name="declaration"/>) the generic kernel does not run, in words ("the
    /// direction Bidirectional, a projection to 8"), or null.
    /// </summary>
    internal static string? UnsupportedVariants(WeightFile file, LstmDeclaration declaration)
    {
        var variants = new List<string>();
        foreach (WeightFileStatement statement in file.Statements)
        {
            if (statement.IsBeyondDeclaration)
            {
                variants.Add($"{statement.Name} = {statement.Value}");
            }
        }
        if (declaration.LayerNorm && declaration.Cell == RecurrentCell.Gru)
        {
            variants.Add("a GRU with layer normalization");
        }
        if (declaration.ExtraGates.Count > 0)
        {
            variants.Add("added gates");
        }
        return variants.Count == 0 ? null : string.Join(", ", variants);
    }

    /// <summary>
    /// One stream: every layer's h then c (padded to whole blocks, the padding zero), every layer's columns (x_t, then a copy of
    /// h_{t-1}, padded with zeros), and when a sample-rate ratio is set, every layer's history of h and c. Its entry points are
    /// AggressiveOptimization, as the generated kernels' are: a host's first buffers do not run tier-0 code (measured 2–2.7× slower).
    /// </summary>
    private sealed class GenericStream : RecurrentStream
    {
        private readonly GenericRecurrentModel _model;
        /// <summary>64-byte aligned, as the packed weights: the tiles' vector loads and stores of h and c never split a cache line.</summary>
        private readonly AlignedBuffer<float> _state;
        private readonly float[] _columns;

        /// <summary>Where each layer's (and direction's) columns start in <see cref="_columns"/>.</summary>
        private readonly int[] _columnsStart;
        private float[]? _history;
        private SampleRateDelay _delay;

        /// <summary>Whether this step runs each layer's tiles from the last to the first: every other step (see <see cref="GenericLayer.Step"/>).</summary>
        private bool _lastToFirst;

        public GenericStream(GenericRecurrentModel model)
        {
            _model = model;
            _state = new AlignedBuffer<float>(model._initialState.Length);
            model._initialState.CopyTo(_state.Span);
            _columnsStart = new int[model._layers.Length];
            int columns = 0;
            for (int index = 0; index < model._layers.Length; index++)
            {
                GenericLayer layer = model._layers[index];
                _columnsStart[index] = columns;
                columns += layer.InputSize + layer.PaddedHiddenSize + layer.ScratchLength;
            }
            _columns = new float[columns];
        }

        public override RecurrentModel Model => _model;

        private int HiddenSize => _model.Declaration.HiddenSize;

        /// <summary>Slots of each layer's history: the largest ratio, plus the step being written.</summary>
        private static int HistorySlots => MaxSampleRateRatio + 1;

        /// <summary>Floats of each layer's history: every slot holds h (the layer's output, P with a projection) and c (H).</summary>
        private int HistoryLength => HistorySlots * (_model._layers[0].OutputSize + HiddenSize);

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Step(ReadOnlySpan<float> input, Span<float> output)
        {
            if (!_model.IsStreaming)
            {
                ThrowNotStreaming(nameof(Step));
            }
            LstmArguments.RequireLength(input.Length, _model.InputSize, nameof(input));
            LstmArguments.RequireLength(output.Length, _model.OutputSize, nameof(output));
            StepCore(input);
            WriteOutput(input, Hidden(_model._layers.Length - 1), output);
        }

        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        public override void Forward(ReadOnlySpan<float> inputs, Span<float> outputs)
        {
            int inputSize = _model.InputSize, outputSize = _model.OutputSize;
            int steps = LstmArguments.RequireSequence(inputs.Length, inputSize, outputs.Length, outputSize, nameof(inputs), nameof(outputs));
            if (!_model.IsStreaming)
            {
                ForwardSequence(inputs, outputs, steps);
                return;
            }
            for (int t = 0; t < steps; t++)
            {
                ReadOnlySpan<float> input = inputs.Slice(t * inputSize, inputSize);
                StepCore(input);
                WriteOutput(input, Hidden(_model._layers.Length - 1), outputs.Slice(t * outputSize, outputSize));
            }
        }

        /// <summary>
        /// A model with a reverse direction, layer by layer over the whole sequence, as the generated Forward: each direction continues
        /// from the stream's state, the forward one from the first step to the last, the reverse one from the last to the first, and
        /// leaves its final state; step t of a layer's output is [forward h_t, reverse h_t]. The layers' outputs live in two buffers
        /// rented from the shared array pool: nothing is allocated once the pool holds them.
        /// </summary>
        private void ForwardSequence(ReadOnlySpan<float> inputs, Span<float> outputs, int steps)
        {
            GenericLayer[] layers = _model._layers;
            int directions = _model.Declaration.Direction == LstmDirection.Bidirectional ? 2 : 1;
            int width = directions * layers[0].OutputSize;
            float[] even = ArrayPool<float>.Shared.Rent(steps * width), odd = ArrayPool<float>.Shared.Rent(steps * width);
            try
            {
                ReadOnlySpan<float> layerInputs = inputs;
                int layerInputSize = _model.InputSize;
                for (int layer = 0; layer < _model.Declaration.Layers; layer++)
                {
                    Span<float> layerOutputs = (layer % 2 == 0 ? even : odd).AsSpan(0, steps * width);
                    for (int direction = 0; direction < directions; direction++)
                    {
                        int index = layer * directions + direction;
                        bool reverse = direction == 1 || _model.Declaration.Direction == LstmDirection.Reverse;
                        for (int step = 0; step < steps; step++)
                        {
                            int t = reverse ? steps - 1 - step : step;
                            Span<float> hidden = StepLayer(index, layerInputs.Slice(t * layerInputSize, layerInputSize), lastToFirst: step % 2 == 1);
                            hidden.CopyTo(layerOutputs.Slice(t * width + direction * hidden.Length));
                        }
                    }
                    layerInputs = layerOutputs;
                    layerInputSize = width;
                }
                for (int t = 0; t < steps; t++)
                {
                    WriteOutput(inputs.Slice(t * _model.InputSize, _model.InputSize), layerInputs.Slice(t * width, width),
                        outputs.Slice(t * _model.OutputSize, _model.OutputSize));
                }
            }
            finally
            {
                ArrayPool<float>.Shared.Return(even);
                ArrayPool<float>.Shared.Return(odd);
            }
        }

        [DoesNotReturn]
        private void ThrowNotStreaming(string member)
            => throw new NotSupportedException(
                $"{member}: this model's {_model.Declaration.Direction} direction reads a whole sequence, from its last step back; call Forward with the sequence.");

        public override void Reset()
        {
            _model._initialState.CopyTo(_state.Span);
            Restart(_delay);
        }

        public override void SetSampleRateRatio(double ratio, SampleRateCorrectionMode mode = SampleRateCorrectionMode.LinearInterpolation)
        {
            if (!_model.IsStreaming)
            {
                ThrowNotStreaming(nameof(SetSampleRateRatio));
            }
            SampleRateDelay delay = SampleRateDelay.Create(ratio, mode, MaxSampleRateRatio);
            _history ??= delay.IsActive ? new float[_model._layers.Length * HistoryLength] : null;
            Restart(delay);
        }

        /// <summary>Sets the delay and fills every layer's history with its current state.</summary>
        private void Restart(SampleRateDelay delay)
        {
            _delay = delay;
            if (_history is null)
            {
                return;
            }
            for (int layer = 0; layer < _model._layers.Length; layer++)
            {
                _delay.Fill(History(layer), HistorySlots, Hidden(layer), Cell(layer));
            }
        }

        /// <summary>Every layer's step; a delayed stream replaces each layer's new state by the delayed one before the next layer reads it.</summary>
        [MethodImpl(MethodImplOptions.AggressiveOptimization)]
        private void StepCore(ReadOnlySpan<float> input)
        {
            bool delayed = _delay.IsActive;
            ReadOnlySpan<float> layerInput = input;
            for (int index = 0; index < _model._layers.Length; index++)
            {
                Span<float> hidden = StepLayer(index, layerInput, _lastToFirst);
                if (delayed)
                {
                    _delay.Apply(History(index), HistorySlots, hidden, Cell(index));
                }
                layerInput = hidden;
            }
            if (delayed)
            {
                _delay.Advance(HistorySlots);
            }
            _lastToFirst = !_lastToFirst;
        }

        /// <summary>
        /// One step of one layer (and direction) from its input x_t and its h_{t-1}, copied into its columns, its tiles in the order
        /// <paramref name="lastToFirst"/> says (every other step; see <see cref="GenericLayer.Step"/>); returns its h_t.
        /// </summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Span<float> StepLayer(int index, ReadOnlySpan<float> input, bool lastToFirst)
        {
            GenericLayer layer = _model._layers[index];
            Span<float> columns = _columns.AsSpan(_columnsStart[index], layer.InputSize + layer.PaddedHiddenSize);
            Span<float> hidden = Hidden(index);
            input.CopyTo(columns);
            hidden.CopyTo(columns[layer.InputSize..]);
            layer.Step(ref MemoryMarshal.GetReference(columns), ref MemoryMarshal.GetReference(hidden), ref MemoryMarshal.GetReference(Cell(index)), lastToFirst);
            return hidden;
        }

        /// <summary>y_t: the head applied to the last layer's output <paramref name="last"/> (or that output), plus the input skip.</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private void WriteOutput(ReadOnlySpan<float> input, ReadOnlySpan<float> last, Span<float> output)
        {
            if (_model._head is { } head)
            {
                head.Apply(last, output);
            }
            else
            {
                last.CopyTo(output);
            }
            for (int j = 0; j < _model.Declaration.InputSkip; j++)
            {
                output[j] += input[j];
            }
        }

        /// <summary>h of one layer and direction (length H, or P with a projection; its padding follows it in the state).</summary>
        [MethodImpl(MethodImplOptions.AggressiveInlining)]
        private Span<float> Hidden(int layer) => _state.Span.Slice(layer * 2 * _model._layers[layer].PaddedHiddenSize, _model._layers[layer].OutputSize);

        /// <summary>c of one layer (length H; zero for a GRU).</summary>
        private Span<float> Cell(int layer)
        {
            int padded = _model._layers[layer].PaddedHiddenSize;
            return _state.Span.Slice(layer * 2 * padded + padded, HiddenSize);
        }

        private Span<float> History(int layer) => _history.AsSpan(layer * HistoryLength, HistoryLength);
    }
}

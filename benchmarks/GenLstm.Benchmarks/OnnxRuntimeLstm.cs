using System;
using System.Linq;
using System.Runtime.CompilerServices;
using System.Runtime.InteropServices;
using Microsoft.ML.OnnxRuntime;

namespace GenLstm.Benchmarks;

/// <summary>
/// ONNX Runtime's <c>LSTM</c> operator (CPU execution provider) on the same weights, deployed the way that gives it
/// its best batch-1 figures: one <see cref="InferenceSession"/> per model with one intra-op and one inter-op thread
/// and sequential execution, and every input and output bound once with <see cref="OrtIoBinding"/> to an
/// <see cref="OrtValue"/> over a preallocated, pinned array, so a call is one
/// <see cref="InferenceSession.RunWithBinding"/> and nothing else.
/// </summary>
/// <remarks>
/// <para>
/// <see cref="Step"/> runs the seq_len-1 model and <see cref="Forward"/> the seq_len-128 model. Both take the state
/// as <c>initial_h</c>/<c>initial_c</c> and return it as <c>Y_h</c>/<c>Y_c</c>; the state lives in two pairs of
/// buffers used in turn (one binding per direction), so each call's outputs are the next call's inputs without a
/// copy and the semantics are GenLstm's: a stream continues from call to call.
/// </para>
/// <para>
/// x and h are read from, and written to, the arrays given to the constructor (the benchmark's own buffers);
/// spans over other memory are copied through them.
/// </para>
/// </remarks>
public sealed class OnnxRuntimeLstm : ILstm, IDisposable
{
    private readonly float[] _input, _output, _inputs, _outputs;
    private readonly float[][] _hidden, _cell;
    private readonly OrtValue[] _hiddenValues, _cellValues;
    private readonly SessionOptions _options;
    private readonly RunOptions _runOptions = new();
    private readonly BoundModel _streaming, _sequence;
    private int _current; // which buffer pair holds h_{t-1}, c_{t-1}

    /// <param name="files">The size's ONNX models.</param>
    /// <param name="input">x_t, length I: the streaming model's X.</param>
    /// <param name="output">h_t, length H: the streaming model's Y.</param>
    /// <param name="inputs">x_0 … x_{T-1}, length T × I: the sequence model's X.</param>
    /// <param name="outputs">h_0 … h_{T-1}, length T × H: the sequence model's Y.</param>
    public OnnxRuntimeLstm(ModelFiles files, float[] input, float[] output, float[] inputs, float[] outputs)
    {
        (_input, _output, _inputs, _outputs) = (input, output, inputs, outputs);
        int hiddenSize = files.HiddenSize, steps = ModelFiles.SequenceLength;
        _hidden = [new float[hiddenSize], new float[hiddenSize]];
        _cell = [new float[hiddenSize], new float[hiddenSize]];
        long[] stateShape = [1, 1, hiddenSize]; // [num_directions, batch, H]
        _hiddenValues = Array.ConvertAll(_hidden, buffer => OrtValue.CreateTensorValueFromMemory(buffer, stateShape));
        _cellValues = Array.ConvertAll(_cell, buffer => OrtValue.CreateTensorValueFromMemory(buffer, stateShape));

        _options = new SessionOptions
        {
            IntraOpNumThreads = 1,
            InterOpNumThreads = 1,
            ExecutionMode = ExecutionMode.ORT_SEQUENTIAL,
            GraphOptimizationLevel = GraphOptimizationLevel.ORT_ENABLE_ALL,
        };
        _streaming = new BoundModel(files.StreamingModelPath, _options, this,
            input, [1, 1, files.InputSize], output, [1, 1, 1, hiddenSize]);
        _sequence = new BoundModel(files.SequenceModelPath, _options, this,
            inputs, [steps, 1, files.InputSize], outputs, [steps, 1, 1, hiddenSize]);
    }

    public void Step(ReadOnlySpan<float> input, Span<float> output) => Run(_streaming, input, _input, output, _output);

    /// <summary>Exactly <see cref="ModelFiles.SequenceLength"/> steps (the model's fixed seq_len).</summary>
    public void Forward(ReadOnlySpan<float> inputs, Span<float> outputs) => Run(_sequence, inputs, _inputs, outputs, _outputs);

    public void Reset()
    {
        foreach (float[] buffer in _hidden.Concat(_cell))
        {
            Array.Clear(buffer);
        }
        _current = 0;
    }

    public void Dispose()
    {
        _sequence.Dispose();
        _streaming.Dispose();
        _options.Dispose();
        _runOptions.Dispose();
        foreach (OrtValue value in _hiddenValues.Concat(_cellValues))
        {
            value.Dispose();
        }
    }

    private void Run(BoundModel model, ReadOnlySpan<float> x, float[] boundX, Span<float> y, float[] boundY)
    {
        if (x.Length != boundX.Length || y.Length != boundY.Length)
        {
            throw new ArgumentException($"the ONNX model takes {boundX.Length} inputs and gives {boundY.Length} outputs per call, not {x.Length} and {y.Length}.");
        }
        if (!IsArray(x, boundX))
        {
            x.CopyTo(boundX);
        }
        model.Run(_runOptions, _current);
        _current ^= 1;
        if (!IsArray(y, boundY))
        {
            boundY.CopyTo(y);
        }
    }

    private static bool IsArray(ReadOnlySpan<float> span, float[] array)
        => Unsafe.AreSame(ref MemoryMarshal.GetReference(span), ref MemoryMarshal.GetArrayDataReference(array));

    /// <summary>One ONNX model in a session, with a binding for each of the two state buffer pairs as input.</summary>
    private sealed class BoundModel : IDisposable
    {
        private readonly InferenceSession _session;
        private readonly OrtValue _x, _y;
        private readonly OrtIoBinding[] _bindings;

        public BoundModel(string path, SessionOptions options, OnnxRuntimeLstm owner, float[] x, long[] xShape, float[] y, long[] yShape)
        {
            _session = new InferenceSession(path, options);
            _x = OrtValue.CreateTensorValueFromMemory(x, xShape);
            _y = OrtValue.CreateTensorValueFromMemory(y, yShape);
            _bindings = new OrtIoBinding[2];
            for (int current = 0; current < 2; current++)
            {
                OrtIoBinding binding = _bindings[current] = _session.CreateIoBinding();
                binding.BindInput("X", _x);
                binding.BindInput("initial_h", owner._hiddenValues[current]);
                binding.BindInput("initial_c", owner._cellValues[current]);
                binding.BindOutput("Y", _y);
                binding.BindOutput("Y_h", owner._hiddenValues[1 - current]);
                binding.BindOutput("Y_c", owner._cellValues[1 - current]);
            }
        }

        /// <summary>One inference from state pair <paramref name="current"/> into the other pair.</summary>
        public void Run(RunOptions options, int current) => _session.RunWithBinding(options, _bindings[current]);

        public void Dispose()
        {
            foreach (OrtIoBinding binding in _bindings)
            {
                binding.Dispose();
            }
            _x.Dispose();
            _y.Dispose();
            _session.Dispose();
        }
    }
}

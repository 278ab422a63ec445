using System;
using System.Collections.Generic;
using System.IO;
using System.Linq;
using GenLstm.Runtime;

namespace GenLstm;

/// <summary>
/// Any LSTM or GRU file a host's users bring, behind one streaming API: <see cref="Load(string)"/> reads the file, and when its
/// model equals a type the application declared with <c>[Lstm]</c> or <c>[Gru]</c>, runs that type's compiled kernel; otherwise
/// the runtime's generic kernel, whose sizes are read at run time. <see cref="Kernel"/> says which. One model is shared by any
/// number of streams (<see cref="CreateStream"/>), each on its own thread if need be.
/// </summary>
/// <example>
/// <code>
/// RecurrentModel model = RecurrentModel.Load(path);      // any supported file
/// RecurrentStream stream = model.CreateStream();          // at the file's initial state
/// stream.Step(input, output);                             // allocates nothing
/// </code>
/// </example>
public abstract class RecurrentModel
{
    private static readonly object RegistryLock = new();
    private static Registration[] s_registrations = [];

    private protected RecurrentModel(LstmDeclaration declaration, double? sampleRate)
    {
        Declaration = declaration;
        SampleRate = sampleRate;
        InputSize = declaration.InputSize;
        OutputSize = declaration.OutputSize > 0 ? declaration.OutputSize
            : (declaration.Direction == LstmDirection.Bidirectional ? 2 : 1) * (declaration.ProjectionSize > 0 ? declaration.ProjectionSize : declaration.HiddenSize);
        IsStreaming = declaration.Direction == LstmDirection.Forward;
    }

    /// <summary>The model the file holds: sizes, layers, cell, head, input skip.</summary>
    public LstmDeclaration Declaration { get; }

    /// <summary>The length of x_t.</summary>
    public int InputSize { get; }

    /// <summary>The length of y_t: the head's size, or the last layer's h (P with a projection; both directions' of a bidirectional model).</summary>
    public int OutputSize { get; }

    /// <summary>
    /// Whether streams run step by step: false for a model with a reverse direction (<see cref="LstmDirection.Reverse"/> or
    /// <see cref="LstmDirection.Bidirectional"/>), which reads a whole sequence at once. Its streams' <see cref="RecurrentStream.Forward"/>
    /// runs the sequence; <see cref="RecurrentStream.Step"/>, <see cref="StepBatch"/> and <see cref="RecurrentStream.SetSampleRateRatio"/>
    /// throw <see cref="NotSupportedException"/>.
    /// </summary>
    public bool IsStreaming { get; }

    /// <summary>The rate in Hz the file says the model was trained at, or null.</summary>
    public double? SampleRate { get; }

    /// <summary>Which kernel runs: a declared type's (<see cref="RecurrentKernel.Generated"/>) or the generic one.</summary>
    public abstract RecurrentKernel Kernel { get; }

    /// <summary>The kernel in words, for logs and <c>genlstm</c>: "generated kernel: MyApp.Amp40", or "generic kernel: LSTM(1, 20) + head(1, None) + skip 1".</summary>
    public abstract string KernelDescription { get; }

    /// <summary>A new stream at the file's initial state (its stored h_0, c_0, or zero), at sample-rate ratio 1.</summary>
    public abstract RecurrentStream CreateStream();

    /// <summary>
    /// One time step of several streams of this model: stream k reads x_t from <paramref name="inputs"/> at k × InputSize and
    /// writes y_t to <paramref name="outputs"/> at k × OutputSize; the numbers of each stream's <see cref="RecurrentStream.Step"/>.
    /// </summary>
    /// <param name="inputs">x_t of every stream, one after the other: streams × <see cref="InputSize"/>.</param>
    /// <param name="streams">Streams this model created.</param>
    /// <param name="outputs">Receives y_t of every stream: streams × <see cref="OutputSize"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length, or a stream belongs to another model.</exception>
    /// <exception cref="NotSupportedException">The model is not <see cref="IsStreaming"/>.</exception>
    public void StepBatch(ReadOnlySpan<float> inputs, ReadOnlySpan<RecurrentStream> streams, Span<float> outputs)
    {
        CompilerServices.LstmArguments.RequireLength(inputs.Length, streams.Length * InputSize, nameof(inputs));
        CompilerServices.LstmArguments.RequireLength(outputs.Length, streams.Length * OutputSize, nameof(outputs));
        for (int k = 0; k < streams.Length; k++)
        {
            RecurrentStream stream = streams[k];
            if (!ReferenceEquals(stream?.Model, this))
            {
                throw new ArgumentException($"Stream {k} was not created by this model.", nameof(streams));
            }
            stream.Step(inputs.Slice(k * InputSize, InputSize), outputs.Slice(k * OutputSize, OutputSize));
        }
    }

    /// <summary>Loads a weight file of any format <see cref="WeightFile"/> recognizes, within the default limits.</summary>
    /// <param name="path">The file.</param>
    /// <exception cref="WeightFormatException">The file is malformed or holds no LSTM or GRU.</exception>
    /// <exception cref="NotSupportedException">No declared type matches, and the generic kernel does not run the file's variant (the message says which, and the declaration to add).</exception>
    public static RecurrentModel Load(string path) => Load(path, WeightFileOptions.Default);

    /// <summary>Loads a weight file within a host's limits; see <see cref="Load(string)"/>.</summary>
    /// <param name="path">The file.</param>
    /// <param name="options">The limits (<see cref="WeightFileOptions.MaxBytes"/>).</param>
    /// <exception cref="WeightFormatException">The file is malformed, over the limits, or holds no LSTM or GRU.</exception>
    /// <exception cref="NotSupportedException">The generic kernel does not run the file's variant.</exception>
    public static RecurrentModel Load(string path, WeightFileOptions options) => FromWeights(WeightFile.Open(path, options), null);

    /// <summary>Loads a weight file from a stream (read to its end, not closed); see <see cref="Load(string)"/>.</summary>
    /// <param name="stream">The stream, at the start of the file.</param>
    /// <param name="options">The limits, or null for the defaults.</param>
    /// <exception cref="WeightFormatException">The content is malformed, over the limits, or holds no LSTM or GRU.</exception>
    /// <exception cref="NotSupportedException">The generic kernel does not run the file's variant.</exception>
    public static RecurrentModel Load(Stream stream, WeightFileOptions? options = null) => FromWeights(WeightFile.Read(stream, "<stream>", options), null);

    /// <summary>
    /// The model of an opened weight file: the first registered declared type whose declaration equals the file's model
    /// (<see cref="WeightFile.InferDeclaration"/>), else the generic kernel; or the kernel <paramref name="kernel"/> asks for.
    /// </summary>
    /// <param name="file">The weights.</param>
    /// <param name="kernel">
    /// Null to choose as above; <see cref="RecurrentKernel.Generic"/> for the generic kernel even when a declared type matches
    /// (to compare the two); <see cref="RecurrentKernel.Generated"/> to require a declared type.
    /// </param>
    /// <exception cref="WeightFormatException">The file holds no LSTM or GRU, or its tensors do not fit together.</exception>
    /// <exception cref="NotSupportedException">
    /// The generic kernel does not run the file's variant, or <see cref="RecurrentKernel.Generated"/> was asked and no declared type matches.
    /// </exception>
    public static RecurrentModel FromWeights(WeightFile file, RecurrentKernel? kernel = null)
    {
        ArgumentNullException.ThrowIfNull(file);
        LstmDeclaration declaration = file.InferDeclaration();
        if (kernel != RecurrentKernel.Generic)
        {
            foreach (Registration registration in System.Threading.Volatile.Read(ref s_registrations))
            {
                if (SameModel(registration.Declaration, declaration))
                {
                    return registration.Create(file);
                }
            }
        }
        if (kernel == RecurrentKernel.Generated)
        {
            throw new NotSupportedException(
                $"{file.SourceName}: no declared type matches this file's model ({s_registrations.Length} registered); declare it, as genlstm inspect prints:\n{declaration.ToCSharp()}");
        }
        return GenericRecurrentModel.Create(file, declaration);
    }

    /// <summary>
    /// Makes <typeparamref name="TModel"/> the kernel for files whose model equals its declaration. Generated types call it
    /// from a module initializer, so an application's declared types are known before its first <see cref="Load(string)"/>;
    /// registering a type twice has no further effect.
    /// </summary>
    /// <typeparam name="TModel">The generated model type.</typeparam>
    /// <typeparam name="TState">Its state.</typeparam>
    public static void Register<TModel, TState>()
        where TModel : IRecurrentModel<TModel, TState>
        where TState : struct
    {
        lock (RegistryLock)
        {
            if (s_registrations.Any(r => r.Type == typeof(TModel)))
            {
                return;
            }
            System.Threading.Volatile.Write(ref s_registrations, [.. s_registrations, new Registration(typeof(TModel), TModel.Declaration, file => new CompiledRecurrentModel<TModel, TState>(TModel.FromWeights(file)))]);
        }
    }

    /// <summary>The declared types registered so far, in registration order.</summary>
    public static IReadOnlyList<Type> RegisteredTypes => [.. System.Threading.Volatile.Read(ref s_registrations).Select(r => r.Type)];

    /// <summary>Whether two declarations describe the same model (<see cref="LstmDeclaration.ExtraGates"/> compared by content).</summary>
    private static bool SameModel(LstmDeclaration declared, LstmDeclaration file)
        => declared with { ExtraGates = [] } == file with { ExtraGates = [] } && declared.ExtraGates.SequenceEqual(file.ExtraGates);

    private sealed record Registration(Type Type, LstmDeclaration Declaration, Func<WeightFile, RecurrentModel> Create);
}

/// <summary>
/// One stream of a <see cref="RecurrentModel"/>: its h and c of every layer and its sample-rate ratio. A stream is used by one
/// thread at a time; <see cref="Step"/> and <see cref="Forward"/> allocate nothing.
/// </summary>
public abstract class RecurrentStream
{
    private protected RecurrentStream()
    {
    }

    /// <summary>The model this stream runs.</summary>
    public abstract RecurrentModel Model { get; }

    /// <summary>One time step: updates the state from x_t and writes y_t (with the file's input skip, if any).</summary>
    /// <param name="input">x_t, length <see cref="RecurrentModel.InputSize"/>.</param>
    /// <param name="output">Receives y_t, length <see cref="RecurrentModel.OutputSize"/>.</param>
    /// <exception cref="ArgumentException">A span has the wrong length.</exception>
    /// <exception cref="NotSupportedException">The model is not <see cref="RecurrentModel.IsStreaming"/>: call <see cref="Forward"/> with the whole sequence.</exception>
    public abstract void Step(ReadOnlySpan<float> input, Span<float> output);

    /// <summary>
    /// T steps: exactly the numbers of T calls to <see cref="Step"/>. For a model that is not <see cref="RecurrentModel.IsStreaming"/>,
    /// the whole sequence, as PyTorch and the generated <c>Forward</c> run it: each layer's reverse direction reads it from the last step
    /// to the first, and every direction continues from the stream's state and leaves its final one there.
    /// </summary>
    /// <param name="inputs">x_0 … x_{T-1}, row-major: T × <see cref="RecurrentModel.InputSize"/>.</param>
    /// <param name="outputs">Receives y_0 … y_{T-1}: T × <see cref="RecurrentModel.OutputSize"/>.</param>
    /// <exception cref="ArgumentException">The lengths are not T × InputSize and T × OutputSize for one T.</exception>
    public abstract void Forward(ReadOnlySpan<float> inputs, Span<float> outputs);

    /// <summary>Returns the stream to the model's initial state, keeping its sample-rate ratio.</summary>
    public abstract void Reset();

    /// <summary>
    /// Runs the stream at <paramref name="ratio"/> = host rate / the model's rate (RTNeural's sample-rate correction: each
    /// layer reads its state from <paramref name="ratio"/> steps back). The generic kernel allows ratios up to 16; a declared
    /// type up to its <c>MaxSampleRateRatio</c>.
    /// </summary>
    /// <param name="ratio">At least 1; for example 96000.0 / 48000.</param>
    /// <param name="mode">Linear interpolation between neighbouring steps (the default), or the ratio rounded.</param>
    /// <exception cref="ArgumentOutOfRangeException">The ratio is out of range.</exception>
    /// <exception cref="NotSupportedException">
    /// A declared type without <c>MaxSampleRateRatio</c> runs the stream and the ratio is not 1, or the model is not <see cref="RecurrentModel.IsStreaming"/>.
    /// </exception>
    public abstract void SetSampleRateRatio(double ratio, SampleRateCorrectionMode mode = SampleRateCorrectionMode.LinearInterpolation);
}

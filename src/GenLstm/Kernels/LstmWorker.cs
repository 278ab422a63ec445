using System;
using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Runtime.ExceptionServices;
using System.Runtime.InteropServices;
using System.Runtime.Intrinsics.Arm;
using System.Runtime.Intrinsics.X86;
using System.Threading;
using GenLstm.CompilerServices;

namespace GenLstm;

/// <summary>
/// A second core for a model's steps: a dedicated thread that computes half of the hidden units of every step while the
/// calling thread computes the other half. Pass it to the generated <c>Step(input, ref state, output, worker)</c> or
/// <c>Forward(inputs, ref state, outputs, worker)</c>; the results are bit-identical to the single-threaded calls.
/// </summary>
/// <remarks>
/// <para>
/// Worth it for models whose weights outgrow one core's cache (from about 64 × 64): each core then streams only half
/// of the weights, and at 128 × 256 each half fits its core's L2. Below that the handoff between the cores (a few
/// hundred nanoseconds) costs more than it saves. The README has the measured figures.
/// </para>
/// <para>
/// While steps keep coming, the worker thread spins (it occupies a core, which is the point); after
/// <see cref="IdleMilliseconds"/> without work it sleeps, and the next step wakes it (that step pays the wake-up).
/// One worker serves one call at a time: give each thread that steps a model its own worker. Dispose it to stop the
/// thread.
/// </para>
/// </remarks>
public sealed class LstmWorker : IDisposable
{
    /// <summary>How long the worker spins without work before it sleeps.</summary>
    public const int IdleMilliseconds = 50;

    private readonly Thread _thread;
    private readonly ManualResetEventSlim _wake = new(false);

    private Handoff _handoff;
    private Exception? _failure;
    private int _parked, _busy;
    private volatile bool _disposed;

    /// <summary>Starts the worker thread.</summary>
    public LstmWorker()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "GenLstm worker" };
        _thread.Start();
    }

    /// <summary>
    /// For generated code: runs <paramref name="kernel"/>'s part 1 of a step on the worker thread and part 0 on this one,
    /// and returns when both are done. <paramref name="input"/> and <paramref name="state"/>
    /// are pinned meanwhile.
    /// </summary>
    /// <typeparam name="TKernel">The generated model.</typeparam>
    /// <typeparam name="TState">Its state.</typeparam>
    /// <param name="kernel">The model.</param>
    /// <param name="input">x_t.</param>
    /// <param name="state">The state both parts update, in disjoint halves.</param>
    /// <exception cref="ObjectDisposedException">The worker was disposed.</exception>
    /// <exception cref="InvalidOperationException">Another thread is using the worker at the same time.</exception>
    [EditorBrowsable(EditorBrowsableState.Never)]
    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    public unsafe void Run<TKernel, TState>(TKernel kernel, ref float input, ref TState state)
        where TKernel : class, ILstmSplitKernel<TState>
        where TState : unmanaged
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("An LstmWorker serves one call at a time; give each thread that steps a model its own worker.");
        }
        try
        {
            fixed (float* inputPointer = &input)
            fixed (TState* statePointer = &state)
            {
                _handoff.Run = &RunPart<TKernel, TState>;
                _handoff.Kernel = kernel;
                _handoff.Input = (nint)inputPointer;
                _handoff.State = (nint)statePointer;
                int request = _handoff.Requested + 1;
                // Full fences on both sides (here and in Loop) so that a worker going to sleep cannot miss the request.
                Interlocked.Exchange(ref _handoff.Requested, request);
                if (Volatile.Read(ref _parked) != 0)
                {
                    _wake.Set();
                }

                kernel.RunPart(ref input, ref state, 0);

                while (Volatile.Read(ref _handoff.Completed) != request)
                {
                    Pause();
                }
                if (_failure is { } failure)
                {
                    _failure = null;
                    ExceptionDispatchInfo.Capture(failure).Throw();
                }
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Stops the worker thread (after the call in progress, if any).</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }
        _disposed = true;
        _wake.Set();
        _thread.Join();
        _wake.Dispose();
    }

    /// <summary>
    /// One pause in a spin loop: the CPU's own spin hint, a few dozen cycles. Not <see cref="Thread.SpinWait"/>, whose
    /// length the runtime calibrates per process: here that calibration made some processes answer 1 µs late.
    /// </summary>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Pause()
    {
        if (X86Base.IsSupported)
        {
            X86Base.Pause();
        }
        else if (ArmBase.IsSupported)
        {
            ArmBase.Yield();
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private static unsafe void RunPart<TKernel, TState>(object kernel, nint input, nint state)
        where TKernel : class, ILstmSplitKernel<TState>
        where TState : unmanaged
        => ((TKernel)kernel).RunPart(ref *(float*)input, ref *(TState*)state, 1);

    [MethodImpl(MethodImplOptions.AggressiveOptimization)]
    private unsafe void Loop()
    {
        int seen = 0;
        long idleSince = Stopwatch.GetTimestamp();
        for (int spins = 0; ; spins++)
        {
            int request = Volatile.Read(ref _handoff.Requested);
            if (request != seen)
            {
                seen = request;
                try
                {
                    _handoff.Run(_handoff.Kernel!, _handoff.Input, _handoff.State);
                }
                catch (Exception exception)
                {
                    _failure = exception;
                }
                Volatile.Write(ref _handoff.Completed, seen);
                idleSince = Stopwatch.GetTimestamp();
                continue;
            }
            if (_disposed)
            {
                return;
            }
            if ((spins & 1023) == 0 && Stopwatch.GetElapsedTime(idleSince).TotalMilliseconds > IdleMilliseconds)
            {
                Interlocked.Exchange(ref _parked, 1);
                if (Volatile.Read(ref _handoff.Requested) == seen && !_disposed)
                {
                    _wake.Wait();
                }
                _wake.Reset();
                Interlocked.Exchange(ref _parked, 0);
                idleSince = Stopwatch.GetTimestamp();
                continue;
            }
            Pause();
        }
    }

    /// <summary>
    /// What the two threads exchange, laid out so that each direction has a cache line of its own: the caller writes
    /// the request line while the worker only reads it, and the worker writes the completion line while the caller
    /// only reads it (on one shared line, every write would also evict the other thread's spinning read). The first
    /// line is padding, so that neither line can hold another field of the worker. The last model stays referenced
    /// until the next request: clearing it would be one more write to the line the worker spins on.
    /// </summary>
    [StructLayout(LayoutKind.Explicit, Size = CompletedOffset + CacheLine)]
    private unsafe struct Handoff
    {
        private const int CacheLine = 64;
        private const int CompletedOffset = CacheLine + 40 + CacheLine;

        /// <summary>The request's sequence number, published after its work item (the fields below).</summary>
        [FieldOffset(CacheLine)] public int Requested;
        [FieldOffset(CacheLine + 8)] public delegate*<object, nint, nint, void> Run;
        [FieldOffset(CacheLine + 16)] public nint Input;
        [FieldOffset(CacheLine + 24)] public nint State;
        [FieldOffset(CacheLine + 32)] public object? Kernel;

        /// <summary>The sequence number of the last request the worker finished.</summary>
        [FieldOffset(CompletedOffset)] public int Completed;
    }
}

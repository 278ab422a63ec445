using System;
using System.Collections.Generic;
using System.Diagnostics;
using System.IO;
using System.IO.Compression;
using System.Linq;
using System.Reflection;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading;

using GenLstm.TestSupport;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>One hostile file, built in memory: the name its messages must start with, its size, and how to load it.</summary>
/// <param name="SourceName">The source name passed to the reader; the refusal's message must start with it.</param>
/// <param name="FileLength">The file's honest size in bytes (for a stream, the bytes it really yields; 0 for an endless one).</param>
/// <param name="Load">Calls the entry point; it must throw.</param>
internal sealed record HostileInput(string SourceName, long FileLength, Func<object?> Load);

/// <summary>
/// The contract every hostile case asserts (<see cref="AssertRefused"/>): the entry point throws <see cref="WeightFormatException"/>
/// whose message starts with the source name, is at most <see cref="MaxMessageLength"/> characters and holds no control character;
/// it finishes within the <see cref="WatchdogSeconds"/> watchdog; and the calling thread allocates at most
/// <see cref="AllocationBound"/> of the file's size. Plus small helpers that write the hostile bytes.
/// </summary>
/// <remarks>
/// <para>
/// The load runs on its own background thread: a reader that hangs fails the test instead of the run, and the thread is left
/// spinning (.NET cannot abort it). Cases whose runaway grows memory without bound or may overflow the stack (an HDF5 link cycle)
/// run in a child process instead (<see cref="AssertRefusedInChildProcess"/>): the test assembly started again with
/// <c>GENLSTM_HOSTILE_CHILD</c> set, whose module initializer runs the one case under the same contract and exits, so that a
/// runaway dies with its process. There the allocation is measured process-wide too (GC.GetTotalAllocatedBytes), because PureHDF
/// might allocate on other threads.
/// </para>
/// <para>Set <c>GENLSTM_HOSTILE_LOG</c> to a file path to get one line per case (outcome, time, allocation) appended there.</para>
/// </remarks>
internal static class HostileFile
{
    public const int WatchdogSeconds = 20;

    public const int MaxMessageLength = 2000;

    private const string ChildVariable = "GENLSTM_HOSTILE_CHILD";

    /// <summary>
    /// What one load may allocate, the README's budget: 32 bytes per file byte and 32 MiB (the file's copy, the parsed JSON or
    /// header, one object per tensor, the float32 tensors; compressed entries count with what they may expand to).
    /// </summary>
    public static long AllocationBound(long fileLength) => 32 * fileLength + (32L << 20);

    /// <summary>Asserts the contract for one case (see the class summary).</summary>
    /// <param name="caseName">The source name given to the reader (the message must start with it).</param>
    /// <param name="fileLength">The hostile file's size in bytes (a stream's honest size, 0 for an endless one).</param>
    /// <param name="load">Calls the entry point.</param>
    public static void AssertRefused(string caseName, long fileLength, Func<object?> load)
    {
        if (Check(caseName, fileLength, load, processWide: false) is { } failure)
        {
            throw new Xunit.Sdk.XunitException(failure);
        }
    }

    public static void AssertRefused(HostileInput input) => AssertRefused(input.SourceName, input.FileLength, input.Load);

    /// <summary>
    /// Asserts the contract for the case that <paramref name="factory"/> (a static method of <paramref name="type"/> without
    /// parameters, returning a <see cref="HostileInput"/>) builds, in a child process that is killed if it outlives the watchdog.
    /// </summary>
    public static void AssertRefusedInChildProcess(Type type, string factory)
    {
        string assembly = typeof(HostileFile).Assembly.Location;
        // The dotnet host running the tests (the SDK names it in DOTNET_HOST_PATH), else the one on the PATH.
        string host = Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } named ? named
            : Path.GetFileNameWithoutExtension(Environment.ProcessPath) == "dotnet" ? Environment.ProcessPath! : "dotnet";
        var start = new ProcessStartInfo(host)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add("--runtimeconfig");
        start.ArgumentList.Add(Path.ChangeExtension(assembly, ".runtimeconfig.json"));
        start.ArgumentList.Add("--depsfile");
        start.ArgumentList.Add(Path.ChangeExtension(assembly, ".deps.json"));
        start.ArgumentList.Add(assembly);
        start.Environment[ChildVariable] = $"{type.FullName}|{factory}";
        start.Environment.Remove("GENLSTM_HOSTILE_LOG");
        using Process child = Process.Start(start) ?? throw new InvalidOperationException("could not start the child process");
        var output = new StringBuilder();
        var errors = new StringBuilder();
        child.OutputDataReceived += (_, e) => { if (e.Data is not null) { lock (output) { output.AppendLine(e.Data); } } };
        child.ErrorDataReceived += (_, e) => { if (e.Data is not null) { lock (errors) { if (errors.Length < 4000) { errors.AppendLine(e.Data); } } } };
        child.BeginOutputReadLine();
        child.BeginErrorReadLine();
        // The child's own watchdog ends it after WatchdogSeconds; this one covers its start-up and a child that cannot end.
        if (!child.WaitForExit(TimeSpan.FromSeconds(WatchdogSeconds + 40)))
        {
            child.Kill(entireProcessTree: true);
            child.WaitForExit();
            throw new Xunit.Sdk.XunitException($"{type.Name}.{factory}: the child process did not end within {WatchdogSeconds + 40} s and was killed.");
        }
        child.WaitForExit();
        string text;
        lock (output)
        {
            text = output.ToString().Trim();
        }
        string log = Environment.GetEnvironmentVariable("GENLSTM_HOSTILE_LOG") ?? "";
        if (log.Length > 0 && text.Split('\n').FirstOrDefault(l => l.StartsWith("LOG ", StringComparison.Ordinal)) is { } line)
        {
            lock (typeof(HostileFile))
            {
                File.AppendAllText(log, line[4..].TrimEnd() + " [child process]" + Environment.NewLine);
            }
        }
        switch (child.ExitCode)
        {
            case 0:
                return;
            case 1:
                throw new Xunit.Sdk.XunitException(string.Join("\n", text.Split('\n').Where(l => !l.StartsWith("LOG ", StringComparison.Ordinal))));
            default:
                string stderr;
                lock (errors)
                {
                    stderr = errors.ToString();
                }
                throw new Xunit.Sdk.XunitException(
                    $"{type.Name}.{factory}: the child process crashed (exit code {child.ExitCode}; a stack overflow or an out-of-memory kill ends it so). "
                    + $"stdout: {Excerpt(text, 400)} stderr: {Excerpt(stderr, 1200)}");
        }
    }

    /// <summary>In the child process (<see cref="AssertRefusedInChildProcess"/>): runs the one case named by the environment, then exits.</summary>
#pragma warning disable CA2255 // The module initializer is the child process's entry point; in the test host it returns at once.
    [ModuleInitializer]
#pragma warning restore CA2255
    internal static void RunChildCase()
    {
        string? request = Environment.GetEnvironmentVariable(ChildVariable);
        if (string.IsNullOrEmpty(request))
        {
            return;
        }
        int exitCode;
        try
        {
            string[] parts = request.Split('|');
            Type type = typeof(HostileFile).Assembly.GetType(parts[0], throwOnError: true)!;
            MethodInfo method = type.GetMethod(parts[1], BindingFlags.Static | BindingFlags.Public | BindingFlags.NonPublic)
                ?? throw new MissingMethodException(parts[0], parts[1]);
            var input = (HostileInput)method.Invoke(null, null)!;
            string? failure = Check(input.SourceName, input.FileLength, input.Load, processWide: true, childLog: line => Console.Out.WriteLine("LOG " + line));
            Console.Out.WriteLine(failure ?? "PASS");
            exitCode = failure is null ? 0 : 1;
        }
        catch (Exception e)
        {
            Console.Out.WriteLine($"{request}: the child could not run the case: {e}");
            exitCode = 1;
        }
        Console.Out.Flush();
        // Ends a runaway load thread with the process.
        Environment.Exit(exitCode);
    }

    /// <summary>The contract's check: null when the case is refused as it must be, else what went wrong.</summary>
    private static string? Check(string caseName, long fileLength, Func<object?> load, bool processWide, Action<string>? childLog = null)
    {
        object? result = null;
        Exception? thrown = null;
        long threadAllocated = 0, totalAllocated = 0;
        var clock = new Stopwatch();
        bool finished = false;
        var thread = new Thread(() =>
        {
            long totalBefore = processWide ? GC.GetTotalAllocatedBytes(precise: true) : 0;
            long before = GC.GetAllocatedBytesForCurrentThread();
            clock.Start();
            try
            {
                result = load();
            }
            catch (Exception e)
            {
                thrown = e;
            }
            clock.Stop();
            threadAllocated = GC.GetAllocatedBytesForCurrentThread() - before;
            totalAllocated = processWide ? GC.GetTotalAllocatedBytes(precise: true) - totalBefore : 0;
            Volatile.Write(ref finished, true);
        })
        {
            IsBackground = true,
            Name = "hostile " + Excerpt(caseName, 60),
        };
        thread.Start();
        bool ended = thread.Join(TimeSpan.FromSeconds(WatchdogSeconds));
        if (!ended || !Volatile.Read(ref finished))
        {
            string timeout = $"{Excerpt(caseName, 120)} ({fileLength} bytes): WATCHDOG: the load did not finish within {WatchdogSeconds} s"
                + (processWide ? " (the child process ends it)." : " (its thread is left running in the background).");
            Log(caseName, fileLength, "timeout", TimeSpan.FromSeconds(WatchdogSeconds), -1, -1, childLog);
            return timeout;
        }

        long allocated = Math.Max(threadAllocated, totalAllocated);
        var problems = new List<string>();
        string outcome;
        if (thrown is null)
        {
            outcome = "loaded";
            problems.Add($"it LOADED instead of being refused (returned {Describe(result)})");
        }
        else
        {
            outcome = thrown.GetType().Name;
            if (thrown is not WeightFormatException)
            {
                problems.Add($"it threw {thrown.GetType().FullName}, not GenLstm.WeightFormatException");
            }
            string message = thrown.Message ?? "";
            if (!message.StartsWith(caseName, StringComparison.Ordinal))
            {
                problems.Add("the message does not start with the source name");
            }
            if (message.Length > MaxMessageLength)
            {
                problems.Add($"the message is {message.Length:N0} characters long (at most {MaxMessageLength})");
            }
            int control = message.AsSpan().IndexOfAnyInRange('\0', '\x1F');
            if (control >= 0)
            {
                problems.Add($"the message holds control characters ({message.Count(c => c < 0x20):N0} of them; the first U+{(int)message[control]:X4} at index {control})");
            }
        }
        if (allocated > AllocationBound(fileLength))
        {
            problems.Add($"it allocated {allocated:N0} bytes{(processWide ? $" (process-wide {totalAllocated:N0}, load thread {threadAllocated:N0})" : " on its thread")}, "
                + $"more than the bound 32 x {fileLength:N0} + 32 MiB = {AllocationBound(fileLength):N0}");
        }
        Log(caseName, fileLength, outcome + (problems.Count == 0 ? " OK" : " FAIL"), clock.Elapsed, threadAllocated, totalAllocated, childLog,
            thrown is null ? null : Excerpt(thrown.Message ?? "", 200));
        if (problems.Count == 0)
        {
            return null;
        }
        return $"{Excerpt(caseName, 120)} ({fileLength:N0} bytes, {clock.Elapsed.TotalSeconds:F2} s, allocated {allocated:N0}): {string.Join("; ", problems)}."
            + (thrown is null ? "" : $" Exception: {thrown.GetType().Name}: {Excerpt(thrown.Message ?? "", 300)}");
    }

    private static void Log(string caseName, long fileLength, string outcome, TimeSpan elapsed, long threadAllocated, long totalAllocated, Action<string>? childLog, string? message = null)
    {
        string line = $"{Excerpt(caseName, 80)}\t{fileLength}\t{outcome}\t{elapsed.TotalSeconds:F2}s\tthread={threadAllocated}\ttotal={totalAllocated}\t{message}";
        if (childLog is not null)
        {
            childLog(line);
            return;
        }
        string path = Environment.GetEnvironmentVariable("GENLSTM_HOSTILE_LOG") ?? "";
        if (path.Length > 0)
        {
            lock (typeof(HostileFile))
            {
                File.AppendAllText(path, line + Environment.NewLine);
            }
        }
    }

    private static string Describe(object? result) => result switch
    {
        null => "null",
        WeightFile file => $"a WeightFile of {file.Tensors.Count} tensors",
        SafeTensorsFile file => $"a SafeTensorsFile of {file.Tensors.Count} tensors",
        _ => result.GetType().Name,
    };

    /// <summary>At most <paramref name="length"/> characters of <paramref name="text"/>, control characters escaped, for a failure message.</summary>
    public static string Excerpt(string text, int length)
    {
        string head = text.Length > length ? text[..length] : text;
        var builder = new StringBuilder(head.Length + 16);
        foreach (char c in head)
        {
            builder.Append(c < 0x20 ? $"\\x{(int)c:X2}" : c.ToString());
        }
        return text.Length > length ? builder.Append($"... ({text.Length:N0} chars)").ToString() : builder.ToString();
    }
}

/// <summary>A minimal protocol-buffer writer for the ONNX cases.</summary>
internal sealed class Proto
{
    private readonly MemoryStream _buffer = new();

    public long Length => _buffer.Length;

    public Proto Varint(int field, ulong value) => Tag(field, 0).Raw(value);

    public Proto Bytes(int field, byte[] value)
    {
        Tag(field, 2).Raw((ulong)value.Length);
        _buffer.Write(value);
        return this;
    }

    public Proto String(int field, string value) => Bytes(field, Encoding.UTF8.GetBytes(value));

    public Proto Message(int field, Proto value) => Bytes(field, value.ToArray());

    public Proto Fixed32(int field, uint value)
    {
        Tag(field, 5);
        _buffer.Write(BitConverter.GetBytes(value));
        return this;
    }

    /// <summary>A packed repeated varint field.</summary>
    public Proto PackedVarints(int field, IEnumerable<ulong> values)
    {
        var inner = new Proto();
        foreach (ulong value in values)
        {
            inner.Raw(value);
        }
        return Bytes(field, inner.ToArray());
    }

    public byte[] ToArray() => _buffer.ToArray();

    private Proto Tag(int field, int wire) => Raw(((ulong)field << 3) | (uint)wire);

    private Proto Raw(ulong value)
    {
        while (value >= 0x80)
        {
            _buffer.WriteByte((byte)(value | 0x80));
            value >>= 7;
        }
        _buffer.WriteByte((byte)value);
        return this;
    }

    // ---- ONNX messages (field numbers of onnx.proto) ----

    /// <summary>A float TensorProto with raw_data.</summary>
    public static Proto FloatTensor(string name, long[] dims, byte[] raw)
    {
        var tensor = new Proto();
        foreach (long dim in dims)
        {
            tensor.Varint(1, (ulong)dim);
        }
        return tensor.Varint(2, 1).String(8, name).Bytes(9, raw);
    }

    public static Proto Node(string name, string opType, string[] inputs, string[] outputs, params Proto[] attributes)
    {
        var node = new Proto();
        foreach (string input in inputs)
        {
            node.String(1, input);
        }
        foreach (string output in outputs)
        {
            node.String(2, output);
        }
        node.String(3, name).String(4, opType);
        foreach (Proto attribute in attributes)
        {
            node.Message(5, attribute);
        }
        return node;
    }

    public static Proto IntAttribute(string name, long value) => new Proto().String(1, name).Varint(3, (ulong)value).Varint(20, 2);

    /// <summary>A ModelProto: ir_version 8, opset 17, and the graph.</summary>
    public static byte[] Model(Proto graph)
        => new Proto().Varint(1, 8).String(2, "hostile").Message(7, graph).Message(8, new Proto().String(1, "").Varint(2, 17)).ToArray();
}

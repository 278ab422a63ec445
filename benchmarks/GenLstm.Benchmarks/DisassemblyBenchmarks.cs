using System;
using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Jobs;

namespace GenLstm.Benchmarks;

/// <summary>
/// The machine code of the generated kernels, for reading rather than timing: <c>[DisassemblyDiagnoser]</c> follows
/// <c>Step</c> and <c>Forward</c> down into the tiles (depth 4) and writes it to
/// <c>BenchmarkDotNet.Artifacts/results/*DisassemblyBenchmarks-asm.md</c>, once with AVX-512 (32 vector registers) and
/// once with AVX2 alone (16: <c>DOTNET_EnableAVX512=0</c>). <c>benchmarks/scripts/check_disassembly.py</c> then counts,
/// per method, the calls and the vector registers stored to or loaded from the stack (spills), and fails if a tile has
/// either. The models are called directly, not through a delegate, so the diagnoser can follow the calls.
/// </summary>
[DisassemblyDiagnoser(maxDepth: 4)]
[Config(typeof(Avx2Config))]
public class DisassemblyBenchmarks
{
    private readonly Lstm1x40 _small = Lstm1x40.FromPyTorch(new float[160], new float[160 * 40], new float[160], new float[160]);
    private readonly Lstm128x256 _large = Lstm128x256.FromPyTorch(new float[1024 * 128], new float[1024 * 256], new float[1024], new float[1024]);
    private readonly float[] _smallInputs = new float[8], _smallOutputs = new float[8 * 40], _largeInput = new float[128], _largeOutput = new float[256];
    private Lstm1x40.State _smallState;
    private Lstm128x256.State _largeState;

    [Benchmark]
    public void Step1x40() => _small.Step(_smallInputs.AsSpan(0, 1), ref _smallState, _smallOutputs.AsSpan(0, 40));

    [Benchmark]
    public void Forward1x40() => _small.Forward(_smallInputs, ref _smallState, _smallOutputs);

    [Benchmark]
    public void Step128x256() => _large.Step(_largeInput, ref _largeState, _largeOutput);

    /// <summary>Adds the AVX2-only job (16 vector registers) beside the default one.</summary>
    private sealed class Avx2Config : ManualConfig
    {
        public Avx2Config() => AddJob(Job.Default.WithWarmupCount(1).WithIterationCount(3)
            .WithEnvironmentVariables(new EnvironmentVariable("DOTNET_EnableAVX512", "0")).WithId("AVX2"));
    }
}

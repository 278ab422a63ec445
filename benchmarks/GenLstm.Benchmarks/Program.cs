using BenchmarkDotNet.Running;

namespace GenLstm.Benchmarks;

/// <summary>
/// Runs the benchmarks; arguments go to BenchmarkDotNet, e.g. <c>--filter *StepBenchmarks*</c> or
/// <c>--job short</c>. See benchmarks/README.md.
/// </summary>
public static class Program
{
    public static void Main(string[] args) => BenchmarkSwitcher.FromAssembly(typeof(Program).Assembly).Run(args);
}

#!/bin/sh
# Every benchmark, then the first-call measurement, then the report (table + chart): about 28 minutes on 2 cores.
# Run alone on an otherwise idle machine. Extra arguments go to BenchmarkDotNet, e.g. --anyCategories Step.
set -e
cd "$(dirname "$0")/../.."   # BenchmarkDotNet finds the project from the working directory: the repository root
# Job "Short": warm-up 3, 10 iterations. DeclarationBenchmarks (what each variant of the declaration costs, 3.5 minutes)
# runs on its own: see benchmarks/README.md.
dotnet run -c Release --project benchmarks/GenLstm.Benchmarks -- \
  --filter '*.StepBenchmarks.*' '*.SquareSweepBenchmarks.*' '*.StepBatchBenchmarks.*' '*.VariantBenchmarks.*' '*.DisassemblyBenchmarks.*' "$@"
dotnet run -c Release --no-build --project benchmarks/GenLstm.Benchmarks -- firstcall
/usr/bin/python3 benchmarks/scripts/make_report.py --markdown BenchmarkDotNet.Artifacts/report.md
/usr/bin/python3 benchmarks/scripts/check_disassembly.py   # the kernels' machine code: no calls, no spills in loops

#!/usr/bin/python3
"""Reads the kernels' machine code that DisassemblyBenchmarks exported and proves what the README claims of it.

For every method in BenchmarkDotNet.Artifacts/results/*DisassemblyBenchmarks-asm.md (one section per job: AVX-512,
and AVX2 alone), prints its size in instructions, its calls, and its spills: instructions that move a vector register
(xmm/ymm/zmm) to or from the stack ([rsp...] or [rbp...]; on Linux x64 no vector register is saved by convention, so
every such move is the register allocator running out). Exits 1 if a kernel method (a tile, a projection or a batch
kernel) calls anything or spills inside its column loop, the loop that runs once per input column.

A spill outside the loop (the activations at the end of a tile keep a few constants on the stack when 16 registers
are not enough) is reported but allowed: it runs once per tile, not once per weight row.

Run after: dotnet run -c Release --project benchmarks/GenLstm.Benchmarks -- --filter '*DisassemblyBenchmarks*'
"""
import glob
import os
import re
import sys

REPO = os.path.normpath(os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", ".."))
RESULTS = os.path.join(REPO, "BenchmarkDotNet.Artifacts", "results")
KERNEL = re.compile(r"(Tile\d|Project\d|Batch\d|ScalarBlock)")
VECTOR = re.compile(r"\b[xyz]mm\d+\b")
STACK = re.compile(r"\[(rsp|rbp)[^\]]*\]")
LABEL = re.compile(r"^(M\d+_L\d+|\w+):$")
JUMP = re.compile(r"^\s*j\w+\s+(\S+)")


def sections(text):
    """Yields (job heading, method name, instruction lines) for every method in the file."""
    job, method, lines = "", None, []
    for line in text.splitlines():
        if line.startswith("## "):
            job = line[3:].strip()
        elif line.startswith("; ") and "(" in line and not line.startswith("; Total"):
            if method:
                yield job, method, lines
            method, lines = line[2:].strip(), []
        elif line.startswith("; Total bytes of code") and method:
            yield job, method, lines
            method, lines = None, []
        elif method is not None and line.strip() and not line.startswith("```"):
            lines.append(line.rstrip())
    if method:
        yield job, method, lines


def loop_lines(lines):
    """Indices of the instructions inside some backward jump's range: the method's loops."""
    labels = {}
    for i, line in enumerate(lines):
        match = LABEL.match(line.strip())
        if match:
            labels[match.group(1)] = i
    inside = set()
    for i, line in enumerate(lines):
        match = JUMP.match(line)
        if match and match.group(1) in labels and labels[match.group(1)] < i:
            inside.update(range(labels[match.group(1)], i + 1))
    return inside


def main():
    files = sorted(glob.glob(os.path.join(RESULTS, "*DisassemblyBenchmarks-asm.md")))
    if not files:
        raise SystemExit("no *DisassemblyBenchmarks-asm.md in %s: run the DisassemblyBenchmarks first" % RESULTS)
    failures = []
    print("| job | method | instructions | calls | vector spills (in loops) |")
    print("| --- | --- | ---: | ---: | ---: |")
    seen = set()
    for path in files:
        with open(path, encoding="utf-8") as f:
            text = f.read()
        for heading, method, lines in sections(text):
            if not method.startswith("GenLstm."):
                continue  # the runtime's own methods (Memmove, …) that the diagnoser followed
            job_name = re.search(r"Job: (\w+)", heading)
            isa = re.search(r"x86-64-v\d", heading)
            job = "%s (%s)" % (job_name.group(1) if job_name else "?", isa.group(0) if isa else "?")
            # GenLstm.Benchmarks.Lstm1x40.Vector256Tile3(Single ByRef, …) -> Lstm1x40.Vector256Tile3
            short = ".".join(method.split("(")[0].split(".")[-2:])
            if (job, short) in seen:
                continue
            seen.add((job, short))
            instructions = [l for l in lines if not LABEL.match(l.strip())]
            calls = [l for l in instructions if re.match(r"^\s*call\b", l)]
            loops = loop_lines(lines)
            spills = [i for i, l in enumerate(lines) if VECTOR.search(l) and STACK.search(l)]
            in_loops = [i for i in spills if i in loops]
            kernel = bool(KERNEL.search(short))
            print("| %s | %s%s | %d | %d | %d (%d) |" % (job, short, " (kernel)" if kernel else "",
                                                       len(instructions), len(calls), len(spills), len(in_loops)))
            if kernel and (calls or in_loops):
                failures.append("%s / %s: %d call(s), %d spill(s) in loops" % (job, short, len(calls), len(in_loops)))
    if failures:
        print("\nFAILED:\n" + "\n".join(failures))
        return 1
    print("\nEvery kernel method: no calls, no vector spills in its loops.")
    return 0


if __name__ == "__main__":
    sys.exit(main())

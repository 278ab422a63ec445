using System.Collections.Generic;
using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The comment above a kernel type, rendered from the same plan and gate math the kernel is emitted from: the step's
    /// equations as <see cref="GateMath"/> has them, the packed rows as the plan lays them out, and only the paths and
    /// members the kernel has. A test reads it back against the emitted code.
    /// </summary>
    internal static partial class Emitter
    {
        private static void WriteKernelDescription(IndentedTextWriter writer, LstmSpec spec, KernelPlan plan, string name)
        {
            string role = plan.Role == KernelRole.Model ? $"the kernel of {spec.TypeName}, a one-layer {spec.CellName}" : "one layer of the stack";
            writer.WriteLine($"// {name}: {role}, with the semantics of PyTorch's {spec.TorchModule}{(plan.Math.IsStandardForm ? "" : " and the variant below")}.");
            writer.WriteLine($"//   sizes    I = {spec.InputSize} inputs, H = {spec.HiddenSize} hidden units, padded to {plan.PaddedHiddenSize} = {plan.BlockCount} block(s) of 8 units.");
            foreach (string line in GateEquations(plan.Math, spec.ProjectionSize > 0))
            {
                writer.WriteLine("//" + line);
            }
            foreach (string line in PackedLayout(spec, plan))
            {
                writer.WriteLine("//" + line);
            }
            foreach (string line in plan.Math.HasTwoPasses ? TwoPassKernelLines(plan) : TiledKernelLines(plan))
            {
                writer.WriteLine("//" + line);
            }
            string activations = plan.Precision == Precision.Fast
                ? "GenLstm.LstmMath's fast ones (Precision.Fast; max abs error vs float64: tanh 2e-4, sigmoid 1e-4)"
                : "GenLstm.LstmMath's (max abs error vs float64: tanh 3e-7, sigmoid 2e-7)";
            writer.WriteLine($"//            The activations are {activations}.");
        }

        /// <summary>
        /// The step's equations, gate by gate, with the decisions <see cref="WriteCellUpdate"/> emits: the activation of each
        /// gate, the peephole terms, the forget bias, the clips, the coupled input gate, added gates and declared expressions.
        /// </summary>
        internal static IEnumerable<string> GateEquations(GateMath math, bool projected)
        {
            if (math.IsGru)
            {
                foreach (string line in GruEquations(math))
                {
                    yield return line;
                }
                yield break;
            }
            // With layer norm the peepholes join z before the normalization (TFLite), p_o with c_t.
            string z = !math.LayerNorm ? "W_k x + U_k h + b_k" : math.Peepholes ? "γ_k * norm(W_k x + U_k h + p_k * c) + β_k" : "γ_k * norm(W_k x + U_k h) + β_k";
            bool peepholeInputs = math.Peepholes && !math.LayerNorm;
            yield return $"   gates    for each step t, with x = x_t, h = h_{{t-1}}, c = c_{{t-1}} and z_k = {z}:";
            string Input(Gate gate, string? peephole)
            {
                string input = $"z_{gate.Letter()}" + (peepholeInputs && peephole is not null ? $" + p_{gate.Letter()} * {peephole}" : "")
                    + (gate == Gate.Forget && math.ForgetBias != 0 ? $" + {GateFunction.Format(math.ForgetBias)}" : "");
                return math.ActivationClip > 0 ? $"clip({input}, ±{GateFunction.Format(math.ActivationClip)})" : input;
            }
            // Two spaces at least between the value and the role, which is how the equations read (and are read back by a test).
            string Equation(string name, string value, string role) => $"              {name,-3} = {value.PadRight(34)}  {role}";
            string GateEquation(Gate gate, GateFunction function, string? peephole)
                => Equation(gate.Letter(), $"{FunctionName(function)}({Input(gate, peephole)})", gate.Role());
            yield return math.CoupledInputForget
                ? Equation("i", "1 - f", $"{Gate.Input.Role()}, coupled to the forget gate")
                : GateEquation(Gate.Input, math.Gate, "c");
            yield return GateEquation(Gate.Forget, math.Gate, "c");
            yield return GateEquation(Gate.Candidate, math.Cell, null);
            yield return GateEquation(Gate.Output, math.Gate, "c_t");
            foreach (ExtraGate gate in math.ExtraGates)
            {
                const string sum = "W x + U h + b";
                string input = math.ActivationClip > 0 ? $"clip({sum}, ±{GateFunction.Format(math.ActivationClip)})" : sum;
                yield return Equation(gate.Name, $"{FunctionName(gate.Function)}({input})", $"[LstmGate(\"{gate.Name}\")], its own W, U and b");
            }
            string cell = math.CellExpression?.Text ?? "f * c + i * g";
            yield return Equation("c_t", math.CellClip > 0 ? $"clip({cell}, ±{GateFunction.Format(math.CellClip)})" : cell,
                math.CellExpression is null ? "(element-wise)" : "[LstmCell]");
            yield return Equation("h_t", math.HiddenExpression?.Text ?? $"o * {FunctionName(math.Hidden)}(c_t)",
                (math.HiddenExpression is null ? "the output" : "[LstmCell]") + (projected ? "; a stack projects it by W_hr" : ""));
            yield return math.LayerNorm
                ? "            norm: each gate's z over the H units, (z - mean) / sqrt(variance + 1e-8); γ, β: the layer-norm scales and biases."
                : "            b = bias_ih + bias_hh: PyTorch's two biases, summed when the weights are packed.";
        }

        /// <summary>The GRU's equations, as <see cref="WriteGruUpdate"/> emits them.</summary>
        private static IEnumerable<string> GruEquations(GateMath math)
        {
            string Clip(string input) => math.ActivationClip > 0 ? $"clip({input}, ±{GateFunction.Format(math.ActivationClip)})" : input;
            string Equation(string name, string value, string role) => $"              {name,-3} = {value.PadRight(34)}  {role}";
            yield return "   gates    for each step t, with x = x_t, h = h_{t-1}:";
            yield return Equation("r", $"{FunctionName(math.Gate)}({Clip("W_r x + U_r h + b_r")})", "reset gate");
            yield return Equation("z", $"{FunctionName(math.Gate)}({Clip("W_z x + U_z h + b_z")})", "update gate");
            yield return math.ResetAfter
                ? Equation("n", $"{FunctionName(math.Cell)}({Clip("W_n x + b_in + r * (U_n h + b_hn)")})", "new gate, reset after U_n h")
                : Equation("n", $"{FunctionName(math.Cell)}({Clip("W_n x + U_n (r * h) + b_n")})", "new gate, reset before U_n");
            yield return Equation("h_t", "n + z * (h - n)", "the output: (1 - z) * n + z * h");
            yield return "            b_r = b_ir + b_hr and b_z = b_iz + b_hz: PyTorch's two biases, summed when the weights are packed.";
        }

        /// <summary>An activation as the equations name it: sigmoid and tanh in lower case, the others with their α and β.</summary>
        private static string FunctionName(GateFunction function) => function.Activation switch
        {
            Activation.Sigmoid => "sigmoid",
            Activation.Tanh => "tanh",
            _ => function.ToString(),
        };

        /// <summary>The packed weights' rows, in the order <c>PackedLstmWeights</c> writes them and the kernel reads them.</summary>
        private static IEnumerable<string> PackedLayout(LstmSpec spec, KernelPlan plan)
        {
            int inputEnd = spec.InputSize, recurrentEnd = spec.InputSize + spec.RecurrentSize;
            double kib = (double)plan.BlockCount * plan.BlockStride * sizeof(float) / 1024;
            string type = WeightReader.PackedType(plan.WeightType).Substring("global::".Length);
            yield return $"   weights  packed once at load by {type}: {plan.BlockCount} block(s) of {plan.RowsPerBlock} rows x {plan.PackedRowLength} "
                + $"{WeightReader.ElementType(plan.WeightType)}s ({Format(kib, "0.0")} KiB, 64-byte aligned).";
            yield return $"            In each block, row 0 is the bias{(plan.Math.LayerNorm ? " (zero: layer norm adds β instead)" : "")}, rows 1..{inputEnd} the columns of W (one per input feature),";
            yield return $"            rows {inputEnd + 1}..{recurrentEnd} the columns of U (one per {(spec.ProjectionSize > 0 ? "value of the projected h" : "hidden unit")})"
                + (plan.Math.Peepholes ? $", row {recurrentEnd + 1} the peepholes p_i, p_f, p_o" : "")
                + (plan.Math.LayerNorm ? $", rows {plan.RowsPerBlock - 2}..{plan.RowsPerBlock - 1} the layer-norm γ and β" : "") + (plan.GruRows ? "," : ";");
            if (plan.GruRows && plan.Math.IsResetBeforeGru)
            {
                yield return $"            row {plan.RowsPerBlock - 1} zero (both biases of n are in row 0); a row holds r, z and n for the block's 8 units,";
                yield return "            8 floats each. The first pass reads n's column of W's rows, the second its column of U's rows.";
                yield break;
            }
            if (plan.GruRows)
            {
                yield return $"            row {plan.RowsPerBlock - 1} n's hidden bias b_hn (slot g); a row holds r, z and n for the block's 8 units, 8 floats each.";
                yield return "            The kernels keep n's input part (W_n x + b_in, the accumulators of slot g) apart from its hidden part";
                yield return "            (U_n h + b_hn, slot o), which reads the same column of U's rows: 3 multiply-adds per column where an LSTM has 4.";
                yield break;
            }
            if (plan.Math.IsGru)
            {
                yield return "            a row holds 16 words, each two bfloat16 slots of one unit: r|z for the 8 units, then n's input part|n's hidden";
                yield return "            part (W_n and b_in | U_n and b_hn; the input part is zero in U's rows, the hidden part in W's).";
                yield break;
            }
            yield return plan.WeightType == WeightType.BFloat16
                ? "            a row holds 16 words, each two bfloat16 gates of one unit: i|f for the 8 units, then g|o."
                : "            a row holds gates i, f, g, o for the block's 8 units, 8 floats each.";
        }

        /// <summary>The register-tiled kernel: what a step does, which members the kernel has, and each path's tiles.</summary>
        private static IEnumerable<string> TiledKernelLines(KernelPlan plan)
        {
            yield return "   kernel   for each block, z = b + sum_k W[:,k] x_k + sum_k U[:,k] h_k accumulates in registers (one broadcast and";
            yield return "            one multiply-add per accumulator and column, weights read sequentially); then the activations and the";
            yield return plan.Math.IsGru ? "            cell update run in registers and h_t is stored." : "            cell update run in registers and h_t, c_t are stored.";
            if (plan.Has(KernelMembers.Forward))
            {
                yield return $"            Forward hoists the input product: b + W x_t for a chunk of up to {plan.ChunkSteps} steps first (each weight row";
                yield return "            loaded once for several steps), then per step only U h.";
            }
            if (plan.Has(KernelMembers.Batch))
            {
                yield return "            StepBatch steps groups of streams that share each weight load.";
            }
            if (plan.Has(KernelMembers.Split))
            {
                yield return "            Step with a GenLstm.LstmWorker splits a step between two cores at block SplitBlock.";
            }
            if (plan.Has(KernelMembers.Sweep))
            {
                yield return "            The stack sweeps the layer over a sequence step by step, in either direction.";
            }
            yield return "            The path is chosen by checks the JIT folds to constants, so the other paths vanish.";
            if (plan.Vector512Path is { } wide)
            {
                string uses = plan.Has(KernelMembers.Forward) ? "Step and Forward's recurrence" : "Step";
                yield return $"            Vector512 holds two gates per register and runs {uses}; the next path runs the rest:";
                yield return $"              Vector512, {wide.Registers}: {DescribeTiles(plan, wide)}.";
            }
            foreach (VectorPath path in plan.Paths)
            {
                yield return $"              {path.TypeName}, {path.Registers}: {DescribeTiles(plan, path)}.";
            }
            yield return "              scalar: one unit at a time (no SIMD hardware).";
        }

        /// <summary>The layer-norm kernel: no tiles in registers, since the normalization needs every unit's z first.</summary>
        private static IEnumerable<string> TwoPassKernelLines(KernelPlan plan)
        {
            if (plan.Math.LayerNorm)
            {
                yield return "   kernel   for each block, z = sum_k W[:,k] x_k + sum_k U[:,k] h_k goes to the state's gate buffer; then each gate";
                yield return "            is normalized over the H units, and the activations and the cell update run block by block.";
            }
            else
            {
                yield return "   kernel   two passes over the blocks: r, z and n's input part of each block (r * h, z and W_n x + b_n go to the";
                yield return "            state's gate buffer), then n's product U_n (r * h) over that buffer, n and h_t, block by block.";
            }
            if (plan.Has(KernelMembers.Forward) || plan.Has(KernelMembers.Batch))
            {
                yield return "            Forward and StepBatch run these steps one after another (no hoisted input product, no shared weight loads).";
            }
            if (plan.Has(KernelMembers.Sweep))
            {
                yield return "            The stack sweeps the layer over a sequence step by step, in either direction.";
            }
            yield return "            The path is chosen by checks the JIT folds to constants, so the other paths vanish:";
            foreach ((string? typeName, int lanes) in TwoPassPaths)
            {
                yield return typeName is null
                    ? "              scalar: one unit at a time (no SIMD hardware)."
                    : $"              {typeName}: {lanes} units per register.";
            }
        }
    }
}

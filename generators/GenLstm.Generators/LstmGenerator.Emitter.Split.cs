using System.Linq;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>
    /// The emitter's part for <c>GenLstm.LstmWorker</c>: Step and Forward overloads that split every step between the
    /// calling thread and the worker, each computing whole blocks of one half of the hidden units.
    /// </summary>
    internal static partial class Emitter
    {
        private const string Worker = "global::GenLstm.LstmWorker";

        private static void WriteWorkerEntryPoints(IndentedTextWriter writer, KernelClass kernel)
        {
            string weights = WeightFields(kernel.Plan, "_packedWeights");
            writer.WriteLines($$"""
                /// <summary>
                /// <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/> on two cores: <paramref name="worker"/>'s thread
                /// computes the units from block <c>SplitBlock</c> on while this thread computes the others. Bit-identical to <c>Step</c>.
                /// Worth it when the weights outgrow one core's cache (see <see cref="global::GenLstm.LstmWorker"/>). Allocates nothing.
                /// </summary>
                /// <param name="input">x_t, length <see cref="InputSize"/>.</param>
                /// <param name="state">{{kernel.Spec.PreviousStateText}} on entry, {{kernel.Spec.NextStateText}} on return.</param>
                /// <param name="output">Receives h_t, length <see cref="OutputSize"/>.</param>
                /// <param name="worker">The second core; used by one thread at a time.</param>
                /// <exception cref="global::System.ArgumentException">A span has the wrong length.</exception>
                /// <exception cref="global::System.ArgumentNullException"><paramref name="worker"/> is null.</exception>
                {{PublicEntryPoint}}
                public void Step({{ReadOnlySpan}} input, ref State state, {{Span}} output, {{Worker}} worker)
                {
                    {{Arguments}}.RequireLength(input.Length, InputSize, nameof(input));
                    {{Arguments}}.RequireLength(output.Length, OutputSize, nameof(output));
                    global::System.ArgumentNullException.ThrowIfNull(worker);
                    worker.Run(this, ref {{GlobalMemoryMarshal}}.GetReference(input), ref state);
                    state._current ^= 1;
                    state.Hidden().CopyTo(output);
                }

                /// <summary>
                /// <see cref="Forward(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float})"/> on two cores: every step split as by
                /// <see cref="Step(global::System.ReadOnlySpan{float}, ref State, global::System.Span{float}, global::GenLstm.LstmWorker)"/> (the input product is
                /// not hoisted). Bit-identical to T calls of <c>Step</c>. Allocates nothing.
                /// </summary>
                /// <param name="inputs">x_0 … x_{T-1}, row-major: length T × <see cref="InputSize"/>.</param>
                /// <param name="state">The state before the first step on entry, after the last on return.</param>
                /// <param name="outputs">Receives h_0 … h_{T-1}, row-major: length T × <see cref="OutputSize"/>.</param>
                /// <param name="worker">The second core; used by one thread at a time.</param>
                /// <exception cref="global::System.ArgumentException">The lengths are not T × InputSize and T × OutputSize for one T.</exception>
                /// <exception cref="global::System.ArgumentNullException"><paramref name="worker"/> is null.</exception>
                {{PublicEntryPoint}}
                public void Forward({{ReadOnlySpan}} inputs, ref State state, {{Span}} outputs, {{Worker}} worker)
                {
                    int steps = {{Arguments}}.RequireSequence(
                        inputs.Length, InputSize, outputs.Length, OutputSize, nameof(inputs), nameof(outputs));
                    global::System.ArgumentNullException.ThrowIfNull(worker);
                    ref float firstInput = ref {{GlobalMemoryMarshal}}.GetReference(inputs);
                    for (int t = 0; t < steps; t++)
                    {
                        worker.Run(this, ref {{GlobalUnsafe}}.Add(ref firstInput, t * InputSize), ref state);
                        state._current ^= 1;
                        state.Hidden().CopyTo(outputs.Slice(t * OutputSize, OutputSize));
                    }
                }

                /// <summary>One half of a step for <see cref="global::GenLstm.LstmWorker"/>: the kernel's first or second half of the blocks.</summary>
                {{PublicEntryPoint}}
                void global::GenLstm.CompilerServices.ILstmSplitKernel<State>.RunPart(ref float input, ref State state, int part)
                    => {{kernel.Reference}}.RunPart({{weights}}, ref input, ref state, part);

                """);
        }

        /// <summary>The kernel's half of a split step: part 0 is blocks 0 … SplitBlock − 1, part 1 the rest.</summary>
        private static void WriteRunPart(IndentedTextWriter writer, KernelPlan plan)
        {
            writer.WriteLines($$"""
                /// <summary>One half of a step for <see cref="LstmWorker"/>: part 0 is blocks 0 … SplitBlock − 1, part 1 the rest.</summary>
                {{AggressiveOptimization}}
                internal static void RunPart({{WeightParameters(plan)}}, ref float input, ref State state, int part)
                    => StepBlocks({{WeightArguments(plan)}}, ref input, ref state, (nuint)(part == 0 ? 0 : SplitBlock), (nuint)(part == 0 ? SplitBlock : BlockCount));

                """);
        }

        /// <summary>
        /// StepBlocks: the blocks firstBlock … endBlock − 1 of one step, without flipping the state's halves. Each path runs
        /// full tiles, then one smaller tile for what is left; every block's sums are those of <c>StepCore</c>.
        /// </summary>
        private static void WriteStepBlocks(IndentedTextWriter writer, KernelPlan plan)
        {
            writer.WriteLines($$"""
                /// <summary>
                /// Blocks <paramref name="firstBlock"/> … <paramref name="endBlock"/> − 1 of one step: h_t and c_t of their units, summed exactly as
                /// <see cref="StepCore"/> sums them. Leaves the state's halves unflipped (the caller flips them once both halves are done).
                /// </summary>
                {{CompiledAtLoad}}
                private static void StepBlocks({{WeightParameters(plan)}}, ref float input, ref State state, nuint firstBlock, nuint endBlock)
                """);
            using (writer.OpenBlock(""))
            {
                writer.WriteLines($$"""
                        ref {{WeightReader.ElementType(plan.WeightType)}} weights = ref packedWeights.Start;
                        ref float hiddenPrevious = ref state.HiddenStart(state._current);
                        ref float hiddenNext = ref state.HiddenStart(state._current ^ 1);
                        """);
                writer.WriteLine(CellBinding(plan, "state"));
                writer.WriteLine("nuint block = firstBlock;");
                WritePathDispatch(writer, plan,
                    path =>
                    {
                        int tile = path.TileBlocks;
                        using (writer.OpenBlock($"for (; block + {tile} <= endBlock; block += {tile})"))
                        {
                            writer.WriteLines(TileCall(TileMethodName(path.TypeName, tile, TileSource.Input), "block", "ref input"));
                        }
                        if (tile > 1)
                        {
                            using (writer.OpenBlock("switch (endBlock - block)"))
                            {
                                foreach (int rest in Enumerable.Range(1, tile - 1).Reverse())
                                {
                                    writer.WriteLines($"case {rest}: {TileCall(TileMethodName(path.TypeName, rest, TileSource.Input), "block", "ref input")} break;");
                                }
                            }
                        }
                    },
                    () =>
                    {
                        using (writer.OpenBlock("for (; block < endBlock; block++)"))
                        {
                            writer.WriteLines(TileCall("ScalarBlock", "block", "ref input"));
                        }
                    });
            }
            writer.WriteLine();
        }
    }
}

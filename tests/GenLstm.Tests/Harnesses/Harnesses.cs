using System;
using System.Collections.Generic;

namespace GenLstm.Tests;

/// <summary>One line per generated test model: how to build its harness from a safetensors file or from PyTorch tensors.</summary>
internal static class Harnesses
{
    private static readonly Dictionary<string, Func<SafeTensorsFile, ModelHarness>> FromFile = new()
    {
        ["1x40"] = file => Of(Lstm1x40.FromSafeTensors(file)),
        ["3x20"] = file => Of(Lstm3x20.FromSafeTensors(file)),
        ["16x32"] = file => Of(Lstm16x32.FromSafeTensors(file)),
        ["64x64"] = file => Of(Lstm64x64.FromSafeTensors(file)),
        ["37x61"] = file => Of(Lstm37x61.FromSafeTensors(file)),
        ["128x256"] = file => Of(Lstm128x256.FromSafeTensors(file)),
        ["1x1"] = file => Of(Lstm1x1.FromSafeTensors(file)),
        ["5x24"] = file => Of(Lstm5x24.FromSafeTensors(file)),
        ["2x9"] = file => Of(Lstm2x9.FromSafeTensors(file)),
        ["4x17"] = file => Of(Outer.NestedModel.FromSafeTensors(file)),
    };

    /// <summary>The opt-in variants, by "variant IxH": "bf16" for WeightType.BFloat16, "fast" for Precision.Fast, "fast+bf16" for both.</summary>
    private static readonly Dictionary<string, Func<SafeTensorsFile, ModelHarness>> VariantsFromFile = new()
    {
        ["bf16 1x40"] = file => Of(BFloat16Lstm1x40.FromSafeTensors(file)),
        ["bf16 5x24"] = file => Of(BFloat16Lstm5x24.FromSafeTensors(file)),
        ["bf16 64x64"] = file => Of(BFloat16Lstm64x64.FromSafeTensors(file)),
        ["bf16 128x256"] = file => Of(BFloat16Lstm128x256.FromSafeTensors(file)),
        ["fast 1x40"] = file => Of(FastLstm1x40.FromSafeTensors(file)),
        ["fast 16x32"] = file => Of(FastLstm16x32.FromSafeTensors(file)),
        ["fast 5x24"] = file => Of(FastLstm5x24.FromSafeTensors(file)),
        ["fast+bf16 37x61"] = file => Of(FastBFloat16Lstm37x61.FromSafeTensors(file)),
    };

    /// <summary>The variant models, as "variant IxH".</summary>
    public static IEnumerable<string> Variants => VariantsFromFile.Keys;

    public static ModelHarness LoadVariant(string variant, SafeTensorsFile file) => VariantsFromFile[variant](file);

    /// <summary>The sizes with a generated model, as "IxH".</summary>
    public static IEnumerable<string> Sizes => FromFile.Keys;

    public static ModelHarness Load(string size, SafeTensorsFile file) => FromFile[size](file);

    private static ModelHarness Of(Lstm1x40 m) => ModelHarness.Create<Lstm1x40.State>("1x40", Lstm1x40.InputSize, Lstm1x40.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm1x40.State s) => s.Hidden(), (ref Lstm1x40.State s) => s.Cell());
    private static ModelHarness Of(Lstm3x20 m) => ModelHarness.Create<Lstm3x20.State>("3x20", Lstm3x20.InputSize, Lstm3x20.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm3x20.State s) => s.Hidden(), (ref Lstm3x20.State s) => s.Cell());
    private static ModelHarness Of(Lstm16x32 m) => ModelHarness.Create<Lstm16x32.State>("16x32", Lstm16x32.InputSize, Lstm16x32.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm16x32.State s) => s.Hidden(), (ref Lstm16x32.State s) => s.Cell());
    private static ModelHarness Of(Lstm64x64 m) => ModelHarness.Create<Lstm64x64.State>("64x64", Lstm64x64.InputSize, Lstm64x64.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm64x64.State s) => s.Hidden(), (ref Lstm64x64.State s) => s.Cell());
    private static ModelHarness Of(Lstm37x61 m) => ModelHarness.Create<Lstm37x61.State>("37x61", Lstm37x61.InputSize, Lstm37x61.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm37x61.State s) => s.Hidden(), (ref Lstm37x61.State s) => s.Cell());
    private static ModelHarness Of(Lstm128x256 m) => ModelHarness.Create<Lstm128x256.State>("128x256", Lstm128x256.InputSize, Lstm128x256.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm128x256.State s) => s.Hidden(), (ref Lstm128x256.State s) => s.Cell());
    private static ModelHarness Of(Lstm1x1 m) => ModelHarness.Create<Lstm1x1.State>("1x1", Lstm1x1.InputSize, Lstm1x1.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm1x1.State s) => s.Hidden(), (ref Lstm1x1.State s) => s.Cell());
    private static ModelHarness Of(Lstm5x24 m) => ModelHarness.Create<Lstm5x24.State>("5x24", Lstm5x24.InputSize, Lstm5x24.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm5x24.State s) => s.Hidden(), (ref Lstm5x24.State s) => s.Cell());
    private static ModelHarness Of(Lstm2x9 m) => ModelHarness.Create<Lstm2x9.State>("2x9", Lstm2x9.InputSize, Lstm2x9.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Lstm2x9.State s) => s.Hidden(), (ref Lstm2x9.State s) => s.Cell());
    private static ModelHarness Of(Outer.NestedModel m) => ModelHarness.Create<Outer.NestedModel.State>("4x17", Outer.NestedModel.InputSize, Outer.NestedModel.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref Outer.NestedModel.State s) => s.Hidden(), (ref Outer.NestedModel.State s) => s.Cell());
    private static ModelHarness Of(BFloat16Lstm1x40 m) => ModelHarness.Create<BFloat16Lstm1x40.State>("bf16 1x40", BFloat16Lstm1x40.InputSize, BFloat16Lstm1x40.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref BFloat16Lstm1x40.State s) => s.Hidden(), (ref BFloat16Lstm1x40.State s) => s.Cell());
    private static ModelHarness Of(BFloat16Lstm5x24 m) => ModelHarness.Create<BFloat16Lstm5x24.State>("bf16 5x24", BFloat16Lstm5x24.InputSize, BFloat16Lstm5x24.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref BFloat16Lstm5x24.State s) => s.Hidden(), (ref BFloat16Lstm5x24.State s) => s.Cell());
    private static ModelHarness Of(BFloat16Lstm64x64 m) => ModelHarness.Create<BFloat16Lstm64x64.State>("bf16 64x64", BFloat16Lstm64x64.InputSize, BFloat16Lstm64x64.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref BFloat16Lstm64x64.State s) => s.Hidden(), (ref BFloat16Lstm64x64.State s) => s.Cell());
    private static ModelHarness Of(BFloat16Lstm128x256 m) => ModelHarness.Create<BFloat16Lstm128x256.State>("bf16 128x256", BFloat16Lstm128x256.InputSize, BFloat16Lstm128x256.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref BFloat16Lstm128x256.State s) => s.Hidden(), (ref BFloat16Lstm128x256.State s) => s.Cell());
    private static ModelHarness Of(FastLstm1x40 m) => ModelHarness.Create<FastLstm1x40.State>("fast 1x40", FastLstm1x40.InputSize, FastLstm1x40.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref FastLstm1x40.State s) => s.Hidden(), (ref FastLstm1x40.State s) => s.Cell());
    private static ModelHarness Of(FastLstm16x32 m) => ModelHarness.Create<FastLstm16x32.State>("fast 16x32", FastLstm16x32.InputSize, FastLstm16x32.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref FastLstm16x32.State s) => s.Hidden(), (ref FastLstm16x32.State s) => s.Cell());
    private static ModelHarness Of(FastLstm5x24 m) => ModelHarness.Create<FastLstm5x24.State>("fast 5x24", FastLstm5x24.InputSize, FastLstm5x24.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref FastLstm5x24.State s) => s.Hidden(), (ref FastLstm5x24.State s) => s.Cell());
    private static ModelHarness Of(FastBFloat16Lstm37x61 m) => ModelHarness.Create<FastBFloat16Lstm37x61.State>("fast+bf16 37x61", FastBFloat16Lstm37x61.InputSize, FastBFloat16Lstm37x61.HiddenSize, m.Step, m.Forward, m.StepBatch, (ref FastBFloat16Lstm37x61.State s) => s.Hidden(), (ref FastBFloat16Lstm37x61.State s) => s.Cell());
}

using System;

namespace GenLstm.Runtime;

/// <summary>A declared type's compiled kernel behind <see cref="RecurrentModel"/>'s API: every call forwards to the generated code.</summary>
internal sealed class CompiledRecurrentModel<TModel, TState> : RecurrentModel
    where TModel : IRecurrentModel<TModel, TState>
    where TState : struct
{
    private readonly TModel _model;

    public CompiledRecurrentModel(TModel model)
        : base(TModel.Declaration, model.SampleRate)
    {
        _model = model;
    }

    public override RecurrentKernel Kernel => RecurrentKernel.Generated;

    public override string KernelDescription => $"generated kernel: {typeof(TModel).FullName}";

    public override RecurrentStream CreateStream() => new Stream(this);

    private sealed class Stream(CompiledRecurrentModel<TModel, TState> owner) : RecurrentStream
    {
        private TState _state = owner._model.InitialState;

        public override RecurrentModel Model => owner;

        public override void Step(ReadOnlySpan<float> input, Span<float> output) => owner._model.Step(input, ref _state, output);

        public override void Forward(ReadOnlySpan<float> inputs, Span<float> outputs) => owner._model.Forward(inputs, ref _state, outputs);

        public override void Reset() => owner._model.Reset(ref _state);

        public override void SetSampleRateRatio(double ratio, SampleRateCorrectionMode mode = SampleRateCorrectionMode.LinearInterpolation)
            => owner._model.SetSampleRateRatio(ref _state, ratio, mode);
    }
}

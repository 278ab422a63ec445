using System;

namespace GenLstm.Benchmarks;

[Lstm(inputSize: 1, hiddenSize: 40)] public sealed partial class Lstm1x40 { }
[Lstm(inputSize: 16, hiddenSize: 32)] public sealed partial class Lstm16x32 { }
[Lstm(inputSize: 64, hiddenSize: 64)] public sealed partial class Lstm64x64 { }
[Lstm(inputSize: 128, hiddenSize: 256)] public sealed partial class Lstm128x256 { }

/// <summary>A generated model behind plain delegates, so one benchmark class measures every size.</summary>
public sealed class GeneratedRunner(Action<float[], float[]> step, Action<float[], float[]> forward)
{
    public void Step(float[] input, float[] output) => step(input, output);

    public void Forward(float[] inputs, float[] outputs) => forward(inputs, outputs);

    /// <summary>Builds the runner for a size "IxH" from PyTorch tensors.</summary>
    public static GeneratedRunner Create(string size, float[] wih, float[] whh, float[] bih, float[] bhh) => size switch
    {
        "1x40" => Of(Lstm1x40.FromPyTorch(wih, whh, bih, bhh), new Box<Lstm1x40.State>(),
            static (m, box, x, y) => m.Step(x, ref box.Value, y), static (m, box, x, y) => m.Forward(x, y, ref box.Value)),
        "16x32" => Of(Lstm16x32.FromPyTorch(wih, whh, bih, bhh), new Box<Lstm16x32.State>(),
            static (m, box, x, y) => m.Step(x, ref box.Value, y), static (m, box, x, y) => m.Forward(x, y, ref box.Value)),
        "64x64" => Of(Lstm64x64.FromPyTorch(wih, whh, bih, bhh), new Box<Lstm64x64.State>(),
            static (m, box, x, y) => m.Step(x, ref box.Value, y), static (m, box, x, y) => m.Forward(x, y, ref box.Value)),
        "128x256" => Of(Lstm128x256.FromPyTorch(wih, whh, bih, bhh), new Box<Lstm128x256.State>(),
            static (m, box, x, y) => m.Step(x, ref box.Value, y), static (m, box, x, y) => m.Forward(x, y, ref box.Value)),
        _ => throw new ArgumentOutOfRangeException(nameof(size), size, "no generated model of that size"),
    };

    private static GeneratedRunner Of<TModel, TState>(TModel model, Box<TState> state,
        Action<TModel, Box<TState>, float[], float[]> step, Action<TModel, Box<TState>, float[], float[]> forward)
        => new((x, y) => step(model, state, x, y), (x, y) => forward(model, state, x, y));

    /// <summary>Holds a State where a lambda can pass it by reference.</summary>
    private sealed class Box<T>
    {
        public T Value = default!;
    }
}

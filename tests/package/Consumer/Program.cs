// What a user writes: declare the model, load PyTorch's weights (at run time, and baked in at compile time), run it, and
// read a Keras file through GenLstm.Keras. Exit code 0 only if everything matches PyTorch.
using GenLstm;
using GenLstm.Keras;

string path = args.Length > 1 ? args[0] : throw new ArgumentException("usage: Consumer <lstm_5x24.safetensors> <Formats folder>");
string formats = args[1];
var file = SafeTensorsFile.Open(path);
var model = MyModel.Load(path);

float[] inputs = file.ReadFloat32("input");
double[] expected = file.ReadFloat64("output_f64");
float[] Run(Action<ReadOnlySpan<float>, Span<float>, int> step)
{
    var outputs = new float[expected.Length];
    for (int t = 0; t < inputs.Length / MyModel.InputSize; t++)
    {
        step(inputs.AsSpan(t * MyModel.InputSize, MyModel.InputSize), outputs.AsSpan(t * MyModel.OutputSize, MyModel.OutputSize), t);
    }
    return outputs;
}
var state = new MyModel.State();
float[] loaded = Run((x, y, _) => model.Step(x, ref state, y));
var bakedState = new BakedModel.State();
float[] baked = Run((x, y, _) => BakedModel.Default.Step(x, ref bakedState, y));
double maxError = loaded.Select((value, k) => Math.Abs(value - expected[k])).Max();
Console.WriteLine($"package consumer: MyModel({MyModel.InputSize}, {MyModel.HiddenSize}), max |h - PyTorch| = {maxError:E2}; baked in: {(baked.SequenceEqual(loaded) ? "identical" : "DIFFERENT")}");

// A Keras 2 .h5 through GenLstm.Keras: the same two-layer model as the safetensors file, bit for bit.
KerasHdf5.Register();
float[] Stack(StackModel stack)
{
    var x = new float[3 * 20];
    for (int k = 0; k < x.Length; k++) x[k] = MathF.Sin(0.3f * k);
    var y = new float[2 * 20];
    var s = new StackModel.State();
    stack.Forward(x, ref s, y);
    return y;
}
bool kerasAgrees = Stack(StackModel.Load(Path.Combine(formats, "stack_keras.h5"))).SequenceEqual(Stack(StackModel.Load(Path.Combine(formats, "stack.safetensors"))));
Console.WriteLine($"package consumer: Keras .h5 through GenLstm.Keras {(kerasAgrees ? "matches" : "DIFFERS FROM")} the safetensors file");
return maxError <= 1e-5 && baked.SequenceEqual(loaded) && kerasAgrees ? 0 : 1;

[Lstm(inputSize: 5, hiddenSize: 24)]
public sealed partial class MyModel { }

[Lstm(inputSize: 5, hiddenSize: 24)]
[LstmWeights("model.safetensors")]
public sealed partial class BakedModel { }

[Lstm(inputSize: 3, hiddenSize: 12, Layers = 2)]
[OutputHead(size: 2)]
public sealed partial class StackModel { }

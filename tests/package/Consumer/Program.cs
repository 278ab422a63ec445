// What a user writes: declare the model, load PyTorch's weights, run it. Exit code 0 only if it matches PyTorch.
using GenLstm;

string path = args.Length > 0 ? args[0] : throw new ArgumentException("usage: Consumer <lstm_5x24.safetensors>");
var file = SafeTensorsFile.Open(path);
var model = MyModel.Load(path);

float[] inputs = file.ReadFloat32("input");
double[] expected = file.ReadFloat64("output_f64");
var state = new MyModel.State();
var output = new float[MyModel.OutputSize];
double maxError = 0;
for (int t = 0; t < inputs.Length / MyModel.InputSize; t++)
{
    model.Step(inputs.AsSpan(t * MyModel.InputSize, MyModel.InputSize), ref state, output);
    for (int j = 0; j < output.Length; j++)
    {
        maxError = Math.Max(maxError, Math.Abs(output[j] - expected[t * MyModel.OutputSize + j]));
    }
}

Console.WriteLine($"package consumer: MyModel({MyModel.InputSize}, {MyModel.HiddenSize}), max |h - PyTorch| = {maxError:E2}");
return maxError <= 1e-5 ? 0 : 1;

[Lstm(inputSize: 5, hiddenSize: 24)]
public sealed partial class MyModel { }

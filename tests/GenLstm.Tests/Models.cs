using GenLstm;

namespace GenLstm.Tests;

// The sizes DESIGN §6 says must always be covered, each a generated model.
[Lstm(inputSize: 1, hiddenSize: 40)] public sealed partial class Lstm1x40 { }
[Lstm(inputSize: 3, hiddenSize: 20)] public sealed partial class Lstm3x20 { }
[Lstm(inputSize: 16, hiddenSize: 32)] public sealed partial class Lstm16x32 { }
[Lstm(inputSize: 64, hiddenSize: 64)] public sealed partial class Lstm64x64 { }
[Lstm(inputSize: 37, hiddenSize: 61)] public sealed partial class Lstm37x61 { }
[Lstm(inputSize: 128, hiddenSize: 256)] public sealed partial class Lstm128x256 { }

// Odd shapes: a single unit, a hidden size one past a block, and a model nested in another type.
[Lstm(inputSize: 1, hiddenSize: 1)] public sealed partial class Lstm1x1 { }
[Lstm(inputSize: 5, hiddenSize: 24)] public sealed partial class Lstm5x24 { }
[Lstm(inputSize: 2, hiddenSize: 9)] public sealed partial class Lstm2x9 { }

public static partial class Outer
{
    [Lstm(hiddenSize: 17, inputSize: 4)]
    public sealed partial record NestedModel;
}

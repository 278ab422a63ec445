namespace GenLstm.Generators.Models;

/// <summary>The generator's copy of <c>GenLstm.Precision</c> (same names and values; a test checks them).</summary>
internal enum Precision
{
    Exact = 0,
    Fast = 1,
}

/// <summary>The generator's copy of <c>GenLstm.WeightType</c> (same names and values; a test checks them).</summary>
internal enum WeightType
{
    Float32 = 0,
    BFloat16 = 1,
}

/// <summary>The generator's copy of <c>GenLstm.LstmDirection</c> (same names and values; a test checks them).</summary>
internal enum LstmDirection
{
    Forward = 0,
    Reverse = 1,
    Bidirectional = 2,
}

/// <summary>The generator's copy of <c>GenLstm.Activation</c> (same names and values; a test checks them).</summary>
internal enum Activation
{
    None = 0,
    Sigmoid = 1,
    Tanh = 2,
    Relu = 3,
    Softmax = 4,
    HardSigmoid = 5,
    LeakyRelu = 6,
    ThresholdedRelu = 7,
    ScaledTanh = 8,
    Affine = 9,
    Elu = 10,
    Softsign = 11,
    Softplus = 12,
}

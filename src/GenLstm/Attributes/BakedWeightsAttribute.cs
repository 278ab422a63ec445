using System;

namespace GenLstm;

/// <summary>
/// Bakes a weights file into an <see cref="LstmAttribute"/> or <see cref="GruAttribute"/> model at compile time: the generator reads the file (listed as
/// <c>AdditionalFiles</c> in the project), checks every tensor against the declaration (a mismatch is a compile error naming
/// the tensor), and embeds the tensors the model reads as read-only data in the assembly. The type gets
/// <c>public static MyModel Default</c>: no file is read at run time.
/// </summary>
/// <remarks>
/// <para>
/// The file is safetensors (F32 or F64) or a NumPy <c>.npz</c> archive (<c>&lt;f4</c>, <c>&lt;f8</c>), with PyTorch's state-dict
/// names, as <c>Load</c> reads them; other formats convert with <c>genlstm convert &lt;file&gt; --to safetensors</c>. The path is
/// relative to the project, as in the <c>AdditionalFiles</c> item:
/// </para>
/// <code>
/// &lt;ItemGroup&gt;&lt;AdditionalFiles Include="models/amp.safetensors" /&gt;&lt;/ItemGroup&gt;
/// </code>
/// <para>
/// At most 262,144 weights (1 MiB of float32) are embedded; beyond that every build would slow down (measured on a 2-core
/// Zen 4: +0.6 s for 100 kB, +6.4 s and 480 MB of compiler memory for 1 MB, +18.5 s and 1.48 GB for 4 MB), and GLSTM016 asks
/// to load the file at run time instead.
/// </para>
/// </remarks>
/// <param name="path">The weights file, relative to the project (the <c>AdditionalFiles</c> item's path).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public class BakedWeightsAttribute(string path) : Attribute
{
    /// <summary>The weights file, relative to the project.</summary>
    public string Path { get; } = path;

    /// <summary>How the file names and shapes its tensors: <see cref="WeightLayout.PyTorch"/>, the only layout read at compile time.</summary>
    public WeightLayout Layout { get; set; } = WeightLayout.PyTorch;
}

/// <summary>
/// The LSTM-named spelling of <see cref="BakedWeightsAttribute"/>, kept so that declarations written before the GRU compile
/// unchanged: <c>[LstmWeights("amp.safetensors")]</c> and <c>[BakedWeights("amp.safetensors")]</c> bake the same file, on either
/// cell. A type takes one of them.
/// </summary>
/// <param name="path">The weights file, relative to the project (the <c>AdditionalFiles</c> item's path).</param>
[AttributeUsage(AttributeTargets.Class, AllowMultiple = false, Inherited = false)]
public sealed class LstmWeightsAttribute(string path) : BakedWeightsAttribute(path);

/// <summary>How a weights file baked in with <see cref="BakedWeightsAttribute"/> names and shapes its tensors.</summary>
public enum WeightLayout
{
    /// <summary>
    /// PyTorch's state-dict names and shapes (<c>weight_ih_l0</c> [4H, I], …), optionally under one module prefix: what
    /// <c>torch.nn.LSTM</c> saves and what <c>genlstm convert</c> writes from Keras, ONNX and JSON files.
    /// </summary>
    PyTorch = 0,
}

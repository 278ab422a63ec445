using System;
using System.Linq;
using System.Text;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>
/// Hostile JSON model files (RTNeural's Keras export, a PyTorch state dict, GuitarML's <c>model_data</c> + <c>state_dict</c>, NAM),
/// written in memory; each must be refused within the <see cref="HostileFile"/> contract.
/// </summary>
public sealed class HostileJsonTests
{
    private static void AssertParseRefused(string name, string json)
    {
        byte[] bytes = Utf8(json);
        AssertRefused(name, bytes.Length, () => WeightFile.Parse(bytes, name));
    }

    /// <summary>One PyTorch LSTM module of 1 × 1 (weight_ih [4, 1], weight_hh [4, 1], two biases [4]) under <paramref name="prefix"/>, layer <paramref name="layer"/>.</summary>
    private static void AppendModule(StringBuilder json, string prefix, int layer)
    {
        json.Append($"\"{prefix}weight_ih_l{layer}\":[[0],[0],[0],[0]],\"{prefix}weight_hh_l{layer}\":[[0],[0],[0],[0]],");
        json.Append($"\"{prefix}bias_ih_l{layer}\":[0,0,0,0],\"{prefix}bias_hh_l{layer}\":[0,0,0,0],");
    }

    // ---- over-deep structures ----

    [Fact]
    public void Arrays_nested_10000_deep()
        => AssertParseRefused("deep_arrays.json", "{\"w\":" + new string('[', 10_000) + "0" + new string(']', 10_000) + "}");

    [Fact]
    public void Objects_nested_10000_deep()
        => AssertParseRefused("deep_objects.json", Repeat("{\"a\":", 5 * 10_000) + "0" + new string('}', 10_000));

    [Fact]
    public void Layers_nested_10000_deep_in_RTNeural()
        => AssertParseRefused("deep_rtneural.json", "{\"layers\":[{\"type\":\"lstm\",\"weights\":" + new string('[', 10_000) + new string(']', 10_000) + "}]}");

    /// <summary>Objects nested past the parser's depth under 2,000-character keys with control characters: the error's JSON path must not echo them.</summary>
    [Fact]
    public void Deep_path_of_long_keys_is_not_echoed()
    {
        string key = JsonString(ControlName + Repeat("k", 2000));
        AssertParseRefused("deep_long_keys.json", Repeat("{" + key + ":", (key.Length + 2) * 100) + "0" + new string('}', 100));
    }

    // ---- quadratic name structures ----

    /// <summary>
    /// A state dict of 20,000 LSTM modules (<c>m0.weight_ih_l0</c>, <c>m1.weight_ih_l0</c>, …), then a name given twice. Chaining the
    /// modules must take linear time (or be refused at once: GenLstm runs at most 16 layers). Runs in a child process: a quadratic
    /// reader spins for minutes.
    /// </summary>
    internal static HostileInput TwentyThousandModules()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 20_000; i++)
        {
            AppendModule(json, $"m{i}.", 0);
        }
        json.Append("\"fc.weight\":[[0]],\"fc.weight\":[[0]]}");
        byte[] bytes = Utf8(json.ToString());
        return new HostileInput("modules_20000.json", bytes.Length, () => WeightFile.Parse(bytes, "modules_20000.json"));
    }

    [Fact]
    public void State_dict_of_20000_LSTM_modules() => AssertRefusedInChildProcess(typeof(HostileJsonTests), nameof(TwentyThousandModules));

    /// <summary>GuitarML's layout (<c>model_data</c> + <c>state_dict</c>) with 5,000 <c>lstmN</c> modules of 4 layers each, then a name given twice.</summary>
    internal static HostileInput GuitarMlModules()
    {
        var json = new StringBuilder("{\"model_data\":{\"model\":\"SimpleRNN\",\"input_size\":1,\"skip\":0,\"output_size\":1,\"unit_type\":\"LSTM\",\"num_layers\":1,\"hidden_size\":1},\"state_dict\":{");
        for (int i = 0; i < 5_000; i++)
        {
            for (int layer = 0; layer < 4; layer++)
            {
                AppendModule(json, $"lstm{i}.", layer);
            }
        }
        json.Append("\"lin.weight\":[[0]],\"lin.weight\":[[0]]}}");
        byte[] bytes = Utf8(json.ToString());
        return new HostileInput("guitarml_modules.json", bytes.Length, () => WeightFile.Parse(bytes, "guitarml_modules.json"));
    }

    [Fact]
    public void GuitarML_state_dict_of_5000_lstmN_modules() => AssertRefusedInChildProcess(typeof(HostileJsonTests), nameof(GuitarMlModules));

    // ---- huge counts of tiny elements ----

    /// <summary>One tensor of 4,000,000 zeros (8 MB of "0,") whose last element is a string: the tensor is not numbers.</summary>
    [Fact]
    public void Four_million_tiny_numbers_then_a_string()
        => AssertParseRefused("tiny_numbers.json", "{\"w\":[" + Repeat("0,", 2 * 4_000_000) + "\"x\"]}");

    /// <summary>1,000,000 scalar tensors (~11 MB), the first name given again at the end.</summary>
    [Fact]
    public void One_million_scalar_tensors_and_a_duplicate_name()
    {
        var json = new StringBuilder("{");
        for (int i = 0; i < 1_000_000; i++)
        {
            json.Append($"\"a{i}\":0,");
        }
        AssertParseRefused("tiny_tensors.json", json.Append("\"a0\":0}").ToString());
    }

    /// <summary>RTNeural's <c>layers</c> of 300,000 empty ReLU layers and no LSTM.</summary>
    [Fact]
    public void RTNeural_300000_tiny_layers_without_an_LSTM()
        => AssertParseRefused("tiny_layers.json", "{\"in_shape\":[null,null,1],\"layers\":[" + string.Join(",", Enumerable.Repeat("{\"type\":\"relu\",\"weights\":[]}", 300_000)) + "]}");

    /// <summary>A NAM LSTM of 3,000,000 weights whose config implies another count.</summary>
    [Fact]
    public void NAM_3000000_weights_not_fitting_the_config()
        => AssertParseRefused("tiny_weights.nam", "{\"version\":\"0.5.2\",\"architecture\":\"LSTM\",\"config\":{\"input_size\":1,\"hidden_size\":3,\"num_layers\":1},\"weights\":[" + Repeat("0,", 2 * 3_000_000) + "0]}");

    // ---- shapes claiming > 2 GiB ----

    private const string TinyLstmWeights = "[[[0,0,0,0]],[[0,0,0,0]],[0,0,0,0]]";

    [Fact]
    public void RTNeural_shape_claiming_int_MaxValue_units()
        => AssertParseRefused("shape_int_max.json", $"{{\"in_shape\":[null,null,1],\"layers\":[{{\"type\":\"lstm\",\"activation\":\"\",\"shape\":[null,null,2147483647],\"weights\":{TinyLstmWeights}}}]}}");

    [Fact]
    public void RTNeural_in_shape_and_shape_claiming_beyond_long()
        => AssertParseRefused("shape_beyond_long.json", $"{{\"in_shape\":[null,null,99999999999999999999999],\"layers\":[{{\"type\":\"lstm\",\"activation\":\"\",\"shape\":[null,null,99999999999999999999999],\"weights\":{TinyLstmWeights}}},{{\"type\":\"dense\",\"shape\":[null,null,3000000000],\"weights\":[[[0]],[0,0]]}}]}}");

    [Fact]
    public void NAM_config_claiming_17GB_of_weights()
        => AssertParseRefused("config_17gb.nam", "{\"version\":\"0.5.2\",\"architecture\":\"LSTM\",\"config\":{\"input_size\":65536,\"hidden_size\":2048,\"num_layers\":16,\"out_channels\":65536},\"weights\":[0,0,0]}");

    [Fact]
    public void GuitarML_model_data_claiming_huge_sizes()
    {
        var json = new StringBuilder("{\"model_data\":{\"unit_type\":\"LSTM\",\"input_size\":2147483647,\"hidden_size\":2147483647,\"num_layers\":2147483647,\"skip\":2147483647},\"state_dict\":{");
        AppendModule(json, "rec.", 0);
        json.Append("\"lin.weight\":[[0]],\"lin.weight\":[[0]]}}");
        AssertParseRefused("model_data_huge.json", json.ToString());
    }

    // ---- messages ----

    [Fact]
    public void State_dict_key_of_1MB_is_not_echoed()
        => AssertParseRefused("key_1mb.json", "{" + JsonString(Repeat("weight_ih_l0.", 1 << 20)) + ":[[0,0],[0]]}");

    [Fact]
    public void State_dict_key_with_control_characters_is_not_echoed_raw()
        => AssertParseRefused("key_control.json", "{" + JsonString(ControlName) + ":[[0,0],[0]]}");

    [Fact]
    public void Duplicate_key_with_control_characters_is_not_echoed_raw()
        => AssertParseRefused("duplicate_control.json", "{" + JsonString(ControlName) + ":0," + JsonString(ControlName) + ":0}");

    [Fact]
    public void RTNeural_layer_type_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("type_1mb.json", "{\"layers\":[{\"type\":" + JsonString(ControlName + Repeat("t", 1 << 20)) + "}]}");

    [Fact]
    public void GuitarML_unit_type_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("unit_type_1mb.json", "{\"model_data\":{\"unit_type\":" + JsonString(ControlName + Repeat("u", 1 << 20)) + "},\"state_dict\":{}}");

    [Fact]
    public void Syntax_error_after_a_1MB_key_is_not_echoed()
        => AssertParseRefused("syntax_1mb.json", "{" + JsonString(ControlName + Repeat("k", 1 << 20)) + ":[1,2,}");

    [Fact]
    public void NAM_architecture_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("architecture_1mb.nam", "{\"version\":" + JsonString(ControlName + Repeat("v", 1 << 20)) + ",\"architecture\":" + JsonString(ControlName + Repeat("a", 1 << 20)) + ",\"config\":{" + JsonString(ControlName + Repeat("c", 1 << 20)) + ":1},\"weights\":[0]}");
}

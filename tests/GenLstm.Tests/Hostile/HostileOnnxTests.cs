using System;
using System.Collections.Generic;
using System.Linq;
using Xunit;
using GenLstm.TestSupport;
using static GenLstm.Tests.Hostile.HostileFile;
using static GenLstm.TestSupport.HostileBytes;

namespace GenLstm.Tests.Hostile;

/// <summary>Hostile ONNX models, written with a minimal protobuf writer (<see cref="Proto"/>); each must be refused within the <see cref="HostileFile"/> contract.</summary>
public sealed class HostileOnnxTests
{
    private const int Hidden = 16, Input = 16;

    private static void AssertParseRefused(string name, byte[] bytes)
        => AssertRefused(name, bytes.Length, () => WeightFile.Parse(bytes, name));

    /// <summary>A graph: its initializers, then its nodes, with one graph input "x".</summary>
    private static Proto Graph(IEnumerable<Proto> initializers, IEnumerable<Proto> nodes)
    {
        var graph = new Proto();
        foreach (Proto node in nodes)
        {
            graph.Message(1, node);
        }
        graph.String(2, "hostile");
        foreach (Proto initializer in initializers)
        {
            graph.Message(5, initializer);
        }
        return graph.Message(11, new Proto().String(1, "x"));
    }

    /// <summary>W [1, 4H, I], R [1, 4H, H], B [1, 8H] of zeros.</summary>
    private static Proto[] LstmInitializers() =>
    [
        Proto.FloatTensor("W", [1, 4 * Hidden, Input], new byte[4 * 4 * Hidden * Input]),
        Proto.FloatTensor("R", [1, 4 * Hidden, Hidden], new byte[4 * 4 * Hidden * Hidden]),
        Proto.FloatTensor("B", [1, 8 * Hidden], new byte[4 * 8 * Hidden]),
    ];

    private static Proto Lstm(string name, string x, string w, string y)
        => Proto.Node(name, "LSTM", [x, w, "R", "B"], [y], Proto.IntAttribute("hidden_size", Hidden));

    // ---- overlapping and shared data ranges ----

    /// <summary>
    /// 20,000 chained LSTM nodes that share one W, R and B (a ~1 MB file); the last node's W is no constant. Converting the shared
    /// weights once per node allocates hundreds of megabytes before the defect (a correct reader refuses more than 16 layers at once).
    /// </summary>
    [Fact]
    public void Twenty_thousand_LSTM_nodes_sharing_one_initializer()
    {
        const int count = 20_000;
        IEnumerable<Proto> nodes = Enumerable.Range(0, count).Select(i =>
            Lstm($"n{i}", i == 0 ? "x" : $"y{i - 1}", i == count - 1 ? "not_a_constant" : "W", $"y{i}"));
        AssertParseRefused("nodes_20000.onnx", Proto.Model(Graph(LstmInitializers(), nodes)));
    }

    /// <summary>Two initializers of one name (each W of the LSTM).</summary>
    [Fact]
    public void Two_initializers_of_one_name()
        => AssertParseRefused("duplicate_initializer.onnx", Proto.Model(Graph(
            [.. LstmInitializers(), Proto.FloatTensor("W", [1, 4 * Hidden, Input], new byte[4 * 4 * Hidden * Input])],
            [Lstm("lstm", "x", "W", "y")])));

    // ---- huge counts of tiny elements ----

    /// <summary>400,000 one-float initializers (~9 MB) and no LSTM node.</summary>
    [Fact]
    public void Four_hundred_thousand_tiny_initializers()
        => AssertParseRefused("tiny_initializers.onnx", Proto.Model(Graph(
            Enumerable.Range(0, 400_000).Select(i => Proto.FloatTensor($"c{i}", [1], new byte[4])),
            [Proto.Node("relu", "Relu", ["x"], ["y"])])));

    /// <summary>A Relu node with an attribute of 8,000,000 packed one-byte ints (8 MB), and no LSTM node.</summary>
    [Fact]
    public void Attribute_of_eight_million_packed_ints()
    {
        var attribute = new Proto().String(1, "pads").PackedVarints(8, Enumerable.Repeat(1UL, 8_000_000)).Varint(20, 7);
        AssertParseRefused("tiny_ints.onnx", Proto.Model(Graph([], [Proto.Node("relu", "Relu", ["x"], ["y"], attribute)])));
    }

    // ---- rank and shape bombs ----

    /// <summary>The LSTM's W with 5,000,000 dimensions of 1 (5 MB of packed varints) and one float: a rank no tensor has; the message must not list them.</summary>
    [Fact]
    public void W_of_rank_five_million()
    {
        Proto w = new Proto().PackedVarints(1, Enumerable.Repeat(1UL, 5_000_000)).Varint(2, 1).String(8, "W").Bytes(9, new byte[4]);
        AssertParseRefused("rank_5m.onnx", Proto.Model(Graph([w, .. LstmInitializers().Skip(1)], [Lstm("lstm", "x", "W", "y")])));
    }

    /// <summary>W's dims claim 2^30 floats (4 GiB) over 16 bytes of raw_data.</summary>
    [Fact]
    public void W_dims_claiming_4GiB()
        => AssertParseRefused("dims_4gib.onnx", Proto.Model(Graph(
            [Proto.FloatTensor("W", [1, 1 << 28, 4], new byte[16]), .. LstmInitializers().Skip(1)], [Lstm("lstm", "x", "W", "y")])));

    /// <summary>W's dims claim 2^30 floats in external data (data_location = EXTERNAL).</summary>
    [Fact]
    public void W_dims_claiming_4GiB_externally()
    {
        Proto w = new Proto().Varint(1, 1).Varint(1, 1 << 28).Varint(1, 4).Varint(2, 1).String(8, "W")
            .Message(13, new Proto().String(1, "location").String(2, "weights.bin")).Varint(14, 1);
        AssertParseRefused("dims_external.onnx", Proto.Model(Graph([w, .. LstmInitializers().Skip(1)], [Lstm("lstm", "x", "W", "y")])));
    }

    /// <summary>W's dims overflow a long (2^62 · 2^62).</summary>
    [Fact]
    public void W_dims_overflowing_long()
        => AssertParseRefused("dims_overflow.onnx", Proto.Model(Graph(
            [Proto.FloatTensor("W", [1L << 62, 1L << 62], new byte[16]), .. LstmInitializers().Skip(1)], [Lstm("lstm", "x", "W", "y")])));

    /// <summary>A field whose length claims 3 GiB in a file of a few bytes.</summary>
    [Fact]
    public void Graph_field_claiming_3GiB()
    {
        byte[] bytes = [0x08, 0x08, 0x3A, 0x80, 0x80, 0x80, 0x80, 0x0C, 0x0A, 0x00];
        AssertParseRefused("field_3gib.onnx", bytes);
    }

    // ---- messages ----

    [Fact]
    public void Node_name_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("node_name.onnx", Proto.Model(Graph(LstmInitializers(),
            [Lstm(ControlName + Repeat("n", 1 << 20), "x", "not_a_constant", "y")])));

    [Fact]
    public void Initializer_name_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("initializer_name.onnx", Proto.Model(Graph(
            [Proto.FloatTensor(ControlName + Repeat("w", 1 << 20), [1, 4], new byte[4])], [Proto.Node("relu", "Relu", ["x"], ["y"])])));

    [Fact]
    public void Input_name_of_1MB_with_control_characters_is_not_echoed()
        => AssertParseRefused("input_name.onnx", Proto.Model(Graph(LstmInitializers(),
            [Lstm("lstm", "x", ControlName + Repeat("i", 1 << 20), "y")])));

    /// <summary>24 operators of 40,000 characters each (and control characters) beside an RNN node: the message lists operators.</summary>
    [Fact]
    public void Operator_names_of_40000_characters_are_not_echoed()
        => AssertParseRefused("op_types.onnx", Proto.Model(Graph([],
            [.. Enumerable.Range(0, 24).Select(i => Proto.Node($"n{i}", $"{ControlName}{i}" + Repeat("o", 40_000), ["x"], [$"y{i}"])), Proto.Node("rnn", "RNN", ["x"], ["h"])])));

    [Fact]
    public void Direction_attribute_of_1MB_is_not_echoed()
    {
        Proto direction = new Proto().String(1, "direction").String(4, ControlName + Repeat("d", 1 << 20)).Varint(20, 3);
        AssertParseRefused("direction.onnx", Proto.Model(Graph(LstmInitializers(),
            [Proto.Node("lstm", "LSTM", ["x", "W", "R", "B"], ["y"], Proto.IntAttribute("hidden_size", Hidden), direction)])));
    }
}

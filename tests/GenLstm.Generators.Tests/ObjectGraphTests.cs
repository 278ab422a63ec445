using System.Collections.Generic;
using Microsoft.CodeAnalysis;
using Xunit;
using Xunit.Sdk;

namespace GenLstm.Generators.Tests;

/// <summary>The walker behind the incrementality check finds what it looks for, however deep.</summary>
public sealed class ObjectGraphTests
{
    private sealed record Holder(object? Value);

    [Fact]
    public void FindsASyntaxTreeInsideACollectionInsideARecord()
    {
        SyntaxTree tree = GeneratorDriverHelper.ParseSource("class C { }", "C.cs");
        var graph = new Holder(new List<object> { 1, "text", new Holder(tree) });

        var failure = Assert.ThrowsAny<XunitException>(() => ObjectGraph.AssertHoldsNoCompilationObjects(graph, "graph"));
        Assert.Contains("graph.<Value>k__BackingField[2].<Value>k__BackingField", failure.Message);
    }

    [Fact]
    public void FindsASymbol()
    {
        INamedTypeSymbol symbol = GeneratorDriverHelper.CreateCompilation("class C { }").GetTypeByMetadataName("C")!;

        Assert.ThrowsAny<XunitException>(() => ObjectGraph.AssertHoldsNoCompilationObjects(new Holder(symbol), "holder"));
    }

    [Fact]
    public void AcceptsACycleOfPlainValues()
    {
        var list = new List<object> { 1, "text" };
        list.Add(list);

        ObjectGraph.AssertHoldsNoCompilationObjects(new Holder(list), "holder");
    }
}

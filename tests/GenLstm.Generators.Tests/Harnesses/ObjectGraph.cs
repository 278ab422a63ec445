using System;
using System.Collections;
using System.Collections.Generic;
using System.Reflection;
using Microsoft.CodeAnalysis;
using Xunit;

namespace GenLstm.Generators.Tests;

/// <summary>
/// Walks an object graph and fails on anything that must not be cached by an incremental pipeline: holding a
/// compilation, a symbol, a syntax node or tree, or a semantic model keeps the whole compilation alive and defeats
/// the cache, since such objects are never equal across runs.
/// </summary>
internal static class ObjectGraph
{
    private static readonly Type[] BannedTypes =
        [typeof(Compilation), typeof(ISymbol), typeof(SyntaxNode), typeof(SyntaxTree), typeof(SemanticModel)];

    public static void AssertHoldsNoCompilationObjects(object? root, string description)
    {
        var visited = new HashSet<object>(ReferenceEqualityComparer.Instance);
        Visit(root, description);

        void Visit(object? node, string path)
        {
            if (node is null || !visited.Add(node))
            {
                return;
            }

            Type type = node.GetType();
            foreach (Type banned in BannedTypes)
            {
                Assert.False(banned.IsAssignableFrom(type), $"{path} is a {type.FullName}, which is a {banned.Name}.");
            }

            // Leaves: values that cannot reach anything, and reflection objects that would walk the runtime.
            if (type.IsPrimitive || type.IsEnum || type.IsPointer || node is string or decimal or Type or MemberInfo or Delegate)
            {
                return;
            }

            if (node is IEnumerable items)
            {
                int index = 0;
                foreach (object? item in items)
                {
                    Visit(item, $"{path}[{index++}]");
                }
            }

            // Fields include the backing fields of auto-properties, so every property's state is seen too.
            for (Type? current = type; current is not null; current = current.BaseType)
            {
                foreach (FieldInfo field in current.GetFields(BindingFlags.Instance | BindingFlags.Public | BindingFlags.NonPublic | BindingFlags.DeclaredOnly))
                {
                    Visit(field.GetValue(node), $"{path}.{field.Name}");
                }
            }
        }
    }
}

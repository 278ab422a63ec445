using System.Collections.Generic;
using System.Collections.Immutable;
using System.Linq;
using System.Threading;
using GenLstm.Generators.Helpers;
using GenLstm.Generators.Models;
using Microsoft.CodeAnalysis;
using Microsoft.CodeAnalysis.CSharp;
using Microsoft.CodeAnalysis.CSharp.Syntax;

namespace GenLstm.Generators;

public sealed partial class LstmGenerator
{
    /// <summary>Reads one [Lstm] declaration into a spec, or into diagnostics that say what to fix.</summary>
    internal static class Parser
    {
        /// <summary>Must equal <c>GenLstm.LstmAttribute.MaxInputSize</c> (a test checks it).</summary>
        public const int MaxInputSize = 65536;

        /// <summary>Must equal <c>GenLstm.LstmAttribute.MaxHiddenSize</c> (a test checks it).</summary>
        public const int MaxHiddenSize = 2048;

        private static readonly string[] ConstructorParameterNames = ["inputSize", "hiddenSize"];

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();

            // [Lstm] on several partial declarations of one type is the compiler's CS0579; generate nothing for it.
            if (context.Attributes.Length != 1 || type.GetAttributes().Count(IsLstmAttribute) != 1)
            {
                return new ParseResult(null, default);
            }

            CheckDeclaration(type, declaration, diagnostics);
            cancellationToken.ThrowIfCancellationRequested();

            AttributeData attribute = context.Attributes[0];
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            ImmutableArray<TypedConstant> arguments = attribute.ConstructorArguments;
            if (arguments.Length != 2 || arguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is not int))
            {
                // Missing or ill-typed arguments are already compiler errors on the attribute.
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            int inputSize = (int)arguments[0].Value!;
            int hiddenSize = (int)arguments[1].Value!;
            CheckSize(syntax, 0, inputSize, MaxInputSize, diagnostics);
            CheckSize(syntax, 1, hiddenSize, MaxHiddenSize, diagnostics);

            if (diagnostics.Count > 0)
            {
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            var spec = new LstmSpec(
                HintName: FullyQualifiedMetadataName(type) + ".g.cs",
                Namespace: type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                Types: new EquatableArray<TypeDeclarationInfo>(DeclarationChain(declaration)),
                InputSize: inputSize,
                HiddenSize: hiddenSize);
            return new ParseResult(spec, default);
        }

        private static bool IsLstmAttribute(AttributeData attribute)
            => attribute.AttributeClass?.ToDisplayString() == LstmAttributeName;

        private static void CheckDeclaration(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            if (!declaration.Modifiers.Any(SyntaxKind.PartialKeyword))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNotPartial,
                    LocationInfo.From(declaration.Identifier.GetLocation()), type.Name));
            }

            for (var parent = declaration.Parent as TypeDeclarationSyntax; parent is not null; parent = parent.Parent as TypeDeclarationSyntax)
            {
                if (!parent.Modifiers.Any(SyntaxKind.PartialKeyword))
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ContainingTypeNotPartial,
                        LocationInfo.From(parent.Identifier.GetLocation()), parent.Identifier.ValueText, type.Name));
                }
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.TypeParameters.Length > 0)
                {
                    Location location = current.Equals(type, SymbolEqualityComparer.Default)
                        ? declaration.Identifier.GetLocation()
                        : current.Locations.FirstOrDefault() ?? declaration.Identifier.GetLocation();
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.GenericType, LocationInfo.From(location), current.Name));
                }
            }

            if (type.IsStatic || type.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticOrAbstract,
                    LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, type.IsStatic ? "static" : "abstract"));
            }

            foreach (string name in GeneratedNames.NonMethodMembers)
            {
                ISymbol? taken = type.GetMembers(name).FirstOrDefault(m => m.Kind != SymbolKind.Method);
                if (taken is not null)
                {
                    Location location = taken.Locations.FirstOrDefault(l => l.IsInSource) ?? declaration.Identifier.GetLocation();
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameConflict, LocationInfo.From(location), type.Name, name));
                }
            }
        }

        private static void CheckSize(AttributeSyntax? attribute, int parameterIndex, int value, int maximum, List<DiagnosticInfo> diagnostics)
        {
            if (value >= 1 && value <= maximum)
            {
                return;
            }

            string parameterName = ConstructorParameterNames[parameterIndex];
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeOutOfRange,
                LocationInfo.From((SyntaxNode?)FindArgument(attribute, parameterIndex) ?? attribute),
                parameterName, value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)));
        }

        /// <summary>The argument bound to a constructor parameter, by name (<c>hiddenSize: 24</c>) or else by position.</summary>
        private static AttributeArgumentSyntax? FindArgument(AttributeSyntax? attribute, int parameterIndex)
        {
            if (attribute?.ArgumentList is null)
            {
                return null;
            }

            SeparatedSyntaxList<AttributeArgumentSyntax> arguments = attribute.ArgumentList.Arguments;
            AttributeArgumentSyntax? named = arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == ConstructorParameterNames[parameterIndex]);
            if (named is not null)
            {
                return named;
            }
            return parameterIndex < arguments.Count && arguments[parameterIndex].NameColon is null && arguments[parameterIndex].NameEquals is null
                ? arguments[parameterIndex]
                : null;
        }

        private static IEnumerable<TypeDeclarationInfo> DeclarationChain(TypeDeclarationSyntax declaration)
        {
            var chain = new Stack<TypeDeclarationInfo>();
            for (TypeDeclarationSyntax? current = declaration; current is not null; current = current.Parent as TypeDeclarationSyntax)
            {
                chain.Push(new TypeDeclarationInfo(current.Identifier.ValueText, Keyword(current)));
            }
            return chain;
        }

        private static string Keyword(TypeDeclarationSyntax declaration) => declaration switch
        {
            RecordDeclarationSyntax record when record.ClassOrStructKeyword.IsKind(SyntaxKind.StructKeyword) => "record struct",
            RecordDeclarationSyntax => "record",
            StructDeclarationSyntax => "struct",
            InterfaceDeclarationSyntax => "interface",
            _ => "class",
        };

        private static string FullyQualifiedMetadataName(INamedTypeSymbol type)
        {
            var names = new Stack<string>();
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                names.Push(current.MetadataName);
            }
            string typePath = string.Join("+", names);
            return type.ContainingNamespace.IsGlobalNamespace ? typePath : type.ContainingNamespace.ToDisplayString() + "." + typePath;
        }
    }
}

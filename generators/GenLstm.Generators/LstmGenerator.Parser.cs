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
        /// <summary>The limits are the runtime's (<c>GenLstm.LstmAttribute.MaxInputSize</c>, …): one <see cref="Contract.LstmLimits"/> compiled into both.</summary>
        public const int MaxInputSize = Contract.LstmLimits.MaxInputSize;

        public const int MaxHiddenSize = Contract.LstmLimits.MaxHiddenSize;

        public const int MaxLayers = Contract.LstmLimits.MaxLayers;

        public const int MaxSampleRateRatio = Contract.LstmLimits.MaxSampleRateRatio;

        public const int MaxOutputSize = Contract.LstmLimits.MaxOutputSize;

        /// <summary>The attributes that add a dense output head: the cell-neutral name, and the LSTM name it had first.</summary>
        internal static readonly string[] OutputHeadAttributeNames = ["GenLstm.OutputHeadAttribute", "GenLstm.LstmOutputAttribute"];

        /// <summary>The attributes that bake a weights file into the model at compile time, as <see cref="OutputHeadAttributeNames"/>.</summary>
        internal static readonly string[] BakedWeightsAttributeNames = ["GenLstm.BakedWeightsAttribute", "GenLstm.LstmWeightsAttribute"];

        private static readonly string[] ConstructorParameterNames = ["inputSize", "hiddenSize"];

        public static ParseResult Parse(GeneratorAttributeSyntaxContext context, CancellationToken cancellationToken)
        {
            var type = (INamedTypeSymbol)context.TargetSymbol;
            var declaration = (TypeDeclarationSyntax)context.TargetNode;
            var diagnostics = new List<DiagnosticInfo>();

            // [Lstm] on several partial declarations of one type is the compiler's CS0579; generate nothing for it.
            AttributeData attribute = context.Attributes[0];
            RecurrentCell cell = attribute.AttributeClass?.ToDisplayString() == GruAttributeName ? RecurrentCell.Gru : RecurrentCell.Lstm;
            string cellAttributeName = cell == RecurrentCell.Gru ? GruAttributeName : LstmAttributeName;
            if (context.Attributes.Length != 1 || type.GetAttributes().Count(a => a.AttributeClass?.ToDisplayString() == cellAttributeName) != 1)
            {
                return new ParseResult(null, default);
            }
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            if (cell == RecurrentCell.Gru && type.GetAttributes().Any(IsLstmAttribute))
            {
                // Both cells: reported once, on [Gru], and neither is generated (the [Lstm] pipeline sees the same and stays quiet).
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>([DiagnosticInfo.Create(DiagnosticDescriptors.NotForThisCell, LocationInfo.From(syntax),
                    "Gru", type.Name + ", which is declared [Lstm] too", "a model has one recurrent cell; keep the one its weights were trained with")]));
            }
            if (cell == RecurrentCell.Lstm && type.GetAttributes().Any(a => a.AttributeClass?.ToDisplayString() == GruAttributeName))
            {
                return new ParseResult(null, default);
            }

            CheckDeclaration(type, declaration, diagnostics);
            cancellationToken.ThrowIfCancellationRequested();

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
            var precision = (Precision)ReadOption(attribute, syntax, nameof(Precision), typeof(Precision), diagnostics);
            var weightType = (WeightType)ReadOption(attribute, syntax, nameof(WeightType), typeof(WeightType), diagnostics);
            var direction = (LstmDirection)ReadOption(attribute, syntax, "Direction", typeof(LstmDirection), diagnostics);
            int layers = ReadInt(attribute, syntax, "Layers", 1, 1, MaxLayers, diagnostics);
            // A GRU has no projection ([Gru] has no such option), no gates to add and no cell to rewrite.
            int projectionSize = cell == RecurrentCell.Gru ? 0 : ReadInt(attribute, syntax, "ProjectionSize", 0, 1, hiddenSize - 1, diagnostics);
            OutputHead? head = ReadHead(type, inputSize, cancellationToken, diagnostics);
            RefuseTwoSpellings(type, BakedWeightsAttributeNames, "its baked weights file", cancellationToken, diagnostics);
            int maxSampleRateRatio = ReadInt(attribute, syntax, "MaxSampleRateRatio", 0, 2, MaxSampleRateRatio, diagnostics);
            if (maxSampleRateRatio > 0 && direction != LstmDirection.Forward)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue, LocationInfo.From((SyntaxNode?)NamedArgument(syntax, "MaxSampleRateRatio") ?? syntax),
                    "MaxSampleRateRatio", maxSampleRateRatio.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    "sample-rate correction delays a streaming model's recurrent state; a reverse or bidirectional model reads whole sequences"));
            }
            GateMath math = ReadGateMath(attribute, syntax, diagnostics);
            if (cell == RecurrentCell.Gru)
            {
                math = math with { Kind = RecurrentCell.Gru, ResetAfter = attribute.NamedArguments.FirstOrDefault(a => a.Key == "ResetAfter").Value.Value as bool? ?? true };
                RefuseLstmOnlyAttributes(type, cancellationToken, diagnostics);
            }
            else
            {
                math = math with { ExtraGates = ReadExtraGates(type, cancellationToken, diagnostics) };
                math = math with
                {
                    CellExpression = ReadExpression(type, "GenLstm.LstmCellAttribute", "LstmCell", CellNames(math), cancellationToken, diagnostics),
                    HiddenExpression = ReadExpression(type, "GenLstm.LstmHiddenAttribute", "LstmHidden", HiddenNames(math), cancellationToken, diagnostics),
                };
            }

            if (diagnostics.Count > 0)
            {
                return new ParseResult(null, new EquatableArray<DiagnosticInfo>(diagnostics));
            }

            var spec = new LstmSpec(
                HintName: FullyQualifiedMetadataName(type) + ".g.cs",
                Namespace: type.ContainingNamespace.IsGlobalNamespace ? "" : type.ContainingNamespace.ToDisplayString(),
                Types: new EquatableArray<TypeDeclarationInfo>(DeclarationChain(declaration)),
                InputSize: inputSize,
                HiddenSize: hiddenSize,
                Precision: precision,
                WeightType: weightType,
                Layers: layers,
                Direction: direction,
                Head: head,
                ProjectionSize: projectionSize,
                DeclaredMath: math.IsStandard ? null : math,
                MaxSampleRateRatio: maxSampleRateRatio,
                SkipLocalsInit: context.SemanticModel.Compilation.Options is CSharpCompilationOptions { AllowUnsafe: true });
            return new ParseResult(spec, default, ReadWeights(type, spec, cancellationToken));
        }

        /// <summary>
        /// The type's <c>[BakedWeights(path)]</c> (or <c>[LstmWeights(path)]</c>) as a request for the weights stage, or null without one. An ill-typed or
        /// missing path is a compiler error already.
        /// </summary>
        private static WeightsRequest? ReadWeights(INamedTypeSymbol type, LstmSpec spec, CancellationToken cancellationToken)
        {
            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => BakedWeightsAttributeNames.Contains(a.AttributeClass?.ToDisplayString()));
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string path)
            {
                return null;
            }
            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            return new WeightsRequest(spec, path, LocationInfo.From((SyntaxNode?)syntax?.ArgumentList?.Arguments.FirstOrDefault() ?? syntax));
        }

        /// <summary>
        /// GLSTM018 on the second of an attribute's two spellings (<c>[OutputHead]</c> and <c>[LstmOutput]</c>, <c>[BakedWeights]</c>
        /// and <c>[LstmWeights]</c>) on one type: each declares the same thing, once.
        /// </summary>
        private static void RefuseTwoSpellings(INamedTypeSymbol type, string[] names, string what, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
        {
            AttributeData[] found = type.GetAttributes().Where(a => names.Contains(a.AttributeClass?.ToDisplayString())).ToArray();
            if (found.Length > 1)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.DeclaredTwice,
                    LocationInfo.From(found[1].ApplicationSyntaxReference?.GetSyntax(cancellationToken)),
                    ShortName(found[1]), ShortName(found[0]), what, type.Name));
            }

            static string ShortName(AttributeData attribute)
                => attribute.AttributeClass!.Name.Substring(0, attribute.AttributeClass.Name.Length - "Attribute".Length);
        }

        private static bool IsLstmAttribute(AttributeData attribute)
            => attribute.AttributeClass?.ToDisplayString() == LstmAttributeName;

        /// <summary>GLSTM017 on each attribute that changes an LSTM's gates, cell or hidden output, on a [Gru] type.</summary>
        private static void RefuseLstmOnlyAttributes(INamedTypeSymbol type, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
        {
            foreach (AttributeData attribute in type.GetAttributes())
            {
                string? name = attribute.AttributeClass?.ToDisplayString() switch
                {
                    "GenLstm.LstmGateAttribute" => "LstmGate",
                    "GenLstm.LstmCellAttribute" => "LstmCell",
                    "GenLstm.LstmHiddenAttribute" => "LstmHidden",
                    _ => null,
                };
                if (name is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotForThisCell,
                        LocationInfo.From(attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken)), name, "a GRU",
                        "it changes an LSTM's gates, cell state or hidden output; a GRU has gates r, z, n and its state is h alone"));
                }
            }
        }

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

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.DeclaredAccessibility is Accessibility.Private or Accessibility.Protected or Accessibility.ProtectedAndInternal)
                {
                    Location location = current.Equals(type, SymbolEqualityComparer.Default)
                        ? declaration.Identifier.GetLocation()
                        : current.Locations.FirstOrDefault() ?? declaration.Identifier.GetLocation();
                    string accessibility = current.DeclaredAccessibility switch
                    {
                        Accessibility.Private => "private",
                        Accessibility.Protected => "protected",
                        _ => "private protected",
                    };
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InaccessibleType, LocationInfo.From(location), current.Name, accessibility, type.Name));
                }
            }

            if (type.IsStatic || type.IsAbstract)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.StaticOrAbstract,
                    LocationInfo.From(declaration.Identifier.GetLocation()), type.Name, type.IsStatic ? "static" : "abstract"));
            }

            CheckNames(type, declaration, diagnostics);
            CheckConstruction(type, declaration, diagnostics);
        }

        private static void CheckNames(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            if (GeneratedNames.IsGenerated(type.Name))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.TypeNameTaken,
                    LocationInfo.From(declaration.Identifier.GetLocation()), type.Name));
            }

            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                if (current.IsFileLocal)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.FileLocalType,
                        LocationInfo.From(current.Locations.FirstOrDefault() ?? declaration.Identifier.GetLocation()), current.Name));
                }
            }

            foreach (ISymbol member in type.GetMembers())
            {
                if (!member.IsImplicitlyDeclared && member is not IMethodSymbol { MethodKind: not MethodKind.Ordinary }
                    && GeneratedNames.Clashes(member.Name, isMethod: member.Kind == SymbolKind.Method))
                {
                    Location location = member.Locations.FirstOrDefault(l => l.IsInSource) ?? declaration.Identifier.GetLocation();
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.MemberNameConflict, LocationInfo.From(location), type.Name, member.Name));
                }
            }
        }

        /// <summary>The generated private constructor must be the type's only one, and able to call the base constructor.</summary>
        private static void CheckConstruction(INamedTypeSymbol type, TypeDeclarationSyntax declaration, List<DiagnosticInfo> diagnostics)
        {
            foreach (IMethodSymbol constructor in type.InstanceConstructors.Where(c => !c.IsImplicitlyDeclared))
            {
                // A primary constructor's location is the type name; an ordinary one's, its own name.
                Location location = constructor.Locations.FirstOrDefault(l => l.IsInSource) ?? declaration.Identifier.GetLocation();
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotConstructible, LocationInfo.From(location), type.Name,
                    IsPrimaryConstructor(constructor)
                        ? "it has a primary constructor (a parameter list after its name); remove the parameters"
                        : "it declares its own constructor; remove it"));
            }

            INamedTypeSymbol? baseType = type.BaseType;
            if (baseType is not null && baseType.SpecialType != SpecialType.System_Object && !type.IsRecord
                && !baseType.InstanceConstructors.Any(c => c.DeclaredAccessibility != Accessibility.Private
                    && c.Parameters.All(p => p.IsOptional || p.IsParams)))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.NotConstructible,
                    LocationInfo.From(declaration.Identifier.GetLocation()), type.Name,
                    $"its base class '{baseType.Name}' has no accessible constructor without arguments"));
            }
        }

        private static bool IsPrimaryConstructor(IMethodSymbol constructor)
            => constructor.DeclaringSyntaxReferences.Any(r => r.GetSyntax() is TypeDeclarationSyntax);

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

        /// <summary>
        /// The type's <c>[OutputHead(size, activation)]</c> (or <c>[LstmOutput(…)]</c>), or null. Ill-typed arguments are compiler
        /// errors already, and leave the head out (the compilation fails anyway).
        /// </summary>
        private static OutputHead? ReadHead(INamedTypeSymbol type, int inputSize, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
        {
            RefuseTwoSpellings(type, OutputHeadAttributeNames, "its output head", cancellationToken, diagnostics);
            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => OutputHeadAttributeNames.Contains(a.AttributeClass?.ToDisplayString()));
            if (attribute is null || attribute.ConstructorArguments.Length != 2
                || attribute.ConstructorArguments.Any(a => a.Kind == TypedConstantKind.Error || a.Value is not int))
            {
                return null;
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            int size = (int)attribute.ConstructorArguments[0].Value!;
            int activation = (int)attribute.ConstructorArguments[1].Value!;
            AttributeArgumentSyntax? Argument(int index, string name)
                => syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameColon?.Name.Identifier.ValueText == name)
                    ?? (syntax?.ArgumentList is { } list && index < list.Arguments.Count && list.Arguments[index].NameColon is null ? list.Arguments[index] : null);
            if (size < 1 || size > MaxOutputSize)
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.SizeOutOfRange, LocationInfo.From((SyntaxNode?)Argument(0, "size") ?? syntax),
                    "size", size.ToString(System.Globalization.CultureInfo.InvariantCulture), MaxOutputSize.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            if (!System.Enum.IsDefined(typeof(Activation), activation))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownOptionValue, LocationInfo.From((SyntaxNode?)Argument(1, "activation") ?? syntax),
                    "activation", activation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    string.Join(", ", System.Enum.GetNames(typeof(Activation)).Select(member => $"Activation.{member}"))));
            }
            else if ((Activation)activation is not (Activation.None or Activation.Sigmoid or Activation.Tanh or Activation.Relu or Activation.Softmax))
            {
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue, LocationInfo.From((SyntaxNode?)Argument(1, "activation") ?? syntax),
                    "activation", "Activation." + (Activation)activation, "a dense head's activation is None, Sigmoid, Tanh, Relu or Softmax"));
            }
            int inputSkip = ReadInt(attribute, syntax, "InputSkip", 0, 0, System.Math.Min(inputSize, System.Math.Max(size, 0)), diagnostics);
            return new OutputHead(size, (Activation)activation, inputSkip);
        }

        /// <summary>
        /// The type's [LstmGate] attributes in declaration order. A name that is not an identifier, or is one of the standard
        /// names, a function or a name used twice, is GLSTM012 on the name; so is an activation that is not element-wise.
        /// </summary>
        private static EquatableArray<ExtraGate> ReadExtraGates(INamedTypeSymbol type, CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
        {
            var gates = new List<ExtraGate>();
            foreach (AttributeData attribute in type.GetAttributes().Where(a => a.AttributeClass?.ToDisplayString() == "GenLstm.LstmGateAttribute"))
            {
                if (attribute.ConstructorArguments.Length != 2 || attribute.ConstructorArguments[0].Value is not string name
                    || attribute.ConstructorArguments[1].Value is not int activation)
                {
                    continue;
                }
                var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
                LocationInfo? At(int index) => LocationInfo.From((SyntaxNode?)(syntax?.ArgumentList is { } list && index < list.Arguments.Count ? list.Arguments[index] : null) ?? syntax);
                string? problem =
                    name.Length == 0 || !(char.IsLetter(name[0]) || name[0] == '_') || !name.All(ch => char.IsLetterOrDigit(ch) || ch == '_')
                        ? "a gate's name is an identifier: a letter or '_', then letters, digits or '_'"
                    : name is "i" or "f" or "g" or "o" or "c" or "c_prev" ? "i, f, g, o, c and c_prev are the standard names already"
                    : Expressions.CellExpression.Functions.ContainsKey(name) ? "that is the name of a function of the expression language"
                    : gates.Any(g => g.Name == name) ? "another [LstmGate] has that name"
                    : null;
                if (problem is not null)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue, At(0), "name", $"\"{name}\"", problem));
                    continue;
                }
                if (!System.Enum.IsDefined(typeof(Activation), activation) || (Activation)activation is Activation.None or Activation.Softmax)
                {
                    diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue, At(1), "activation",
                        System.Enum.IsDefined(typeof(Activation), activation) ? "Activation." + (Activation)activation : activation.ToString(System.Globalization.CultureInfo.InvariantCulture),
                        "a gate's activation is element-wise and not the identity (every Activation but None and Softmax)"));
                    continue;
                }
                float Named(string key) => attribute.NamedArguments.FirstOrDefault(a => a.Key == key).Value.Value is float value ? value : float.NaN;
                gates.Add(new ExtraGate(name, GateFunction.Create((Activation)activation, Named("Alpha"), Named("Beta"))));
            }
            return new EquatableArray<ExtraGate>(gates);
        }

        /// <summary>The names an [LstmCell] expression may read, with why a name is refused where it is.</summary>
        private static IReadOnlyDictionary<string, string?> CellNames(GateMath math) => WithExtraGates(math, new Dictionary<string, string?>
        {
            ["i"] = math.CoupledInputForget ? "with CoupledInputForget there is no input gate (i is 1 - f); write 1 - f" : null,
            ["f"] = null,
            ["g"] = null,
            ["o"] = math.Peepholes ? "with Peepholes the output gate reads the new cell c_t, so the cell update cannot read o" : null,
            ["c_prev"] = null,
            ["c"] = "c is the new cell that [LstmCell] computes; the previous cell is c_prev",
        });

        /// <summary>The names an [LstmHidden] expression may read: those of [LstmCell], and the new cell c.</summary>
        private static IReadOnlyDictionary<string, string?> HiddenNames(GateMath math)
        {
            if (math.LayerNorm && math.Peepholes)
            {
                // The output gate is normalized in a second pass over the units, after every c_t: only o and c are at hand there.
                const string why = "with LayerNorm and Peepholes, h_t is computed in a second pass where only o and c are at hand";
                var names = new Dictionary<string, string?> { ["i"] = why, ["f"] = why, ["g"] = why, ["o"] = null, ["c_prev"] = why, ["c"] = null };
                foreach (ExtraGate gate in math.ExtraGates)
                {
                    names[gate.Name] = why;
                }
                return names;
            }
            return WithExtraGates(math, new Dictionary<string, string?>
            {
                ["i"] = math.CoupledInputForget ? "with CoupledInputForget there is no input gate (i is 1 - f); write 1 - f" : null,
                ["f"] = null,
                ["g"] = null,
                ["o"] = null,
                ["c_prev"] = null,
                ["c"] = null,
            });
        }

        /// <summary>The names plus every [LstmGate]'s, which both expressions may read.</summary>
        private static Dictionary<string, string?> WithExtraGates(GateMath math, Dictionary<string, string?> names)
        {
            foreach (ExtraGate gate in math.ExtraGates)
            {
                names[gate.Name] = null;
            }
            return names;
        }

        /// <summary>
        /// The expression of an [LstmCell] or [LstmHidden] attribute on the type, parsed and checked, or null without one. An
        /// error is a diagnostic at its column inside the string literal (or on the argument, when it is not a plain literal).
        /// </summary>
        private static Expressions.DeclaredExpression? ReadExpression(INamedTypeSymbol type, string attributeName, string shortName, IReadOnlyDictionary<string, string?> names,
            CancellationToken cancellationToken, List<DiagnosticInfo> diagnostics)
        {
            AttributeData? attribute = type.GetAttributes().FirstOrDefault(a => a.AttributeClass?.ToDisplayString() == attributeName);
            if (attribute is null || attribute.ConstructorArguments.Length != 1 || attribute.ConstructorArguments[0].Value is not string text)
            {
                return null;
            }
            (Expressions.ExpressionNode? tree, Expressions.ExpressionError? error) = Expressions.CellExpression.Parse(text, names);
            if (error is null)
            {
                return new Expressions.DeclaredExpression(text.Trim(), tree ?? throw new System.InvalidOperationException("Parse returns a tree or an error"));
            }

            var syntax = attribute.ApplicationSyntaxReference?.GetSyntax(cancellationToken) as AttributeSyntax;
            ExpressionSyntax? argument = syntax?.ArgumentList?.Arguments.FirstOrDefault()?.Expression;
            Location? location = argument?.GetLocation();
            if (argument is LiteralExpressionSyntax literal && literal.Token.Text.Length >= 2)
            {
                // A plain "..." or @"..." literal without escapes maps columns one to one onto its text.
                string tokenText = literal.Token.Text;
                int quote = tokenText.StartsWith("@\"", System.StringComparison.Ordinal) ? 2 : tokenText.StartsWith("\"", System.StringComparison.Ordinal) ? 1 : -1;
                if (quote > 0 && tokenText.Substring(quote, tokenText.Length - quote - 1) == text)
                {
                    int start = literal.Token.SpanStart + quote + error.Column;
                    location = Location.Create(literal.SyntaxTree, new Microsoft.CodeAnalysis.Text.TextSpan(start, System.Math.Max(1, error.Length)));
                }
            }
            diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidExpression,
                location is null ? LocationInfo.From(syntax) : LocationInfo.From(location), shortName,
                (error.Column + 1).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message));
            return null;
        }

        /// <summary>The element-wise options: peepholes, coupling, clips, forget bias, activations with α and β.</summary>
        private static GateMath ReadGateMath(AttributeData attribute, AttributeSyntax? syntax, List<DiagnosticInfo> diagnostics)
        {
            T Named<T>(string name, T absent)
                => attribute.NamedArguments.FirstOrDefault(a => a.Key == name).Value.Value is T value ? value : absent;
            void Invalid(string name, string value, string why)
                => diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.InvalidOptionValue,
                    LocationInfo.From((SyntaxNode?)NamedArgument(syntax, name) ?? syntax), name, value, why));
            float Limit(string name)
            {
                float value = Named(name, 0f);
                if (!(value >= 0) || float.IsInfinity(value))
                {
                    Invalid(name, GateFunction.Format(value), "a clip is a finite limit > 0, or 0 for none");
                    return 0;
                }
                return value;
            }
            GateFunction Function(string prefix, Activation absent)
            {
                string name = prefix + "Activation";
                int value = (int)ReadOption(attribute, syntax, name, typeof(Activation), diagnostics, absent: (int)absent);
                var activation = (Activation)value;
                if (activation is Activation.None or Activation.Softmax)
                {
                    Invalid(name, "Activation." + activation, "a gate, cell or hidden activation is element-wise and not the identity; use Activation.Affine for the identity (α = 1, β = 0)");
                    activation = absent;
                }
                float alpha = Named(prefix + "Alpha", float.NaN), beta = Named(prefix + "Beta", float.NaN);
                foreach ((string parameter, float given) in new[] { (prefix + "Alpha", alpha), (prefix + "Beta", beta) })
                {
                    if (float.IsInfinity(given))
                    {
                        Invalid(parameter, GateFunction.Format(given), "α and β must be finite");
                    }
                }
                return GateFunction.Create(activation, alpha, beta);
            }

            float forgetBias = Named("ForgetBias", 0f);
            if (float.IsNaN(forgetBias) || float.IsInfinity(forgetBias))
            {
                Invalid("ForgetBias", GateFunction.Format(forgetBias), "the forget bias must be a finite number");
                forgetBias = 0;
            }
            bool layerNorm = Named("LayerNorm", false), peepholes = Named("Peepholes", false);
            return new GateMath(
                LayerNorm: layerNorm,
                Peepholes: peepholes,
                CoupledInputForget: Named("CoupledInputForget", false),
                CellClip: Limit("CellClip"),
                ActivationClip: Limit("ActivationClip"),
                ForgetBias: forgetBias,
                Gate: Function("Gate", Activation.Sigmoid),
                Cell: Function("Cell", Activation.Tanh),
                Hidden: Function("Hidden", Activation.Tanh));
        }

        /// <summary>
        /// An int-valued named argument (<c>Layers = 2</c>): its value, <paramref name="absent"/> when it is not given, or a
        /// diagnostic on the argument when it is outside [<paramref name="minimum"/>, <paramref name="maximum"/>].
        /// </summary>
        private static int ReadInt(AttributeData attribute, AttributeSyntax? syntax, string name, int absent, int minimum, int maximum,
            List<DiagnosticInfo> diagnostics)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != name || argument.Value.Value is not int value)
                {
                    continue;
                }
                if (value >= minimum && value <= maximum)
                {
                    return value;
                }
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.ValueOutOfRange,
                    LocationInfo.From((SyntaxNode?)NamedArgument(syntax, name) ?? syntax), name,
                    value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    minimum.ToString(System.Globalization.CultureInfo.InvariantCulture), maximum.ToString(System.Globalization.CultureInfo.InvariantCulture)));
            }
            return absent;
        }

        private static AttributeArgumentSyntax? NamedArgument(AttributeSyntax? syntax, string name)
            => syntax?.ArgumentList?.Arguments.FirstOrDefault(a => a.NameEquals?.Name.Identifier.ValueText == name);

        /// <summary>
        /// An enum-valued named argument (<c>Precision = Precision.Fast</c>): its value, <paramref name="absent"/> when it is not given, or a
        /// diagnostic on the argument when the value is not one of the enum's members (a cast such as <c>(Precision)7</c>).
        /// </summary>
        private static int ReadOption(AttributeData attribute, AttributeSyntax? syntax, string name, System.Type values, List<DiagnosticInfo> diagnostics,
            int absent = 0)
        {
            foreach (KeyValuePair<string, TypedConstant> argument in attribute.NamedArguments)
            {
                if (argument.Key != name || argument.Value.Value is not int value)
                {
                    continue;
                }
                if (System.Enum.IsDefined(values, value))
                {
                    return value;
                }
                diagnostics.Add(DiagnosticInfo.Create(DiagnosticDescriptors.UnknownOptionValue,
                    LocationInfo.From((SyntaxNode?)NamedArgument(syntax, name) ?? syntax), name, value.ToString(System.Globalization.CultureInfo.InvariantCulture),
                    string.Join(", ", System.Enum.GetNames(values).Select(member => $"{values.Name}.{member}"))));
            }
            return absent;
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
                // Identifier.Text keeps a verbatim '@' (class @event), so the emitted declaration stays valid C#.
                chain.Push(new TypeDeclarationInfo(current.Identifier.Text, Keyword(current)));
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

        /// <summary>Namespace.Outer+Model, from metadata names, which carry no '@' escapes (hint names reject them).</summary>
        private static string FullyQualifiedMetadataName(INamedTypeSymbol type)
        {
            var typeNames = new Stack<string>();
            for (INamedTypeSymbol? current = type; current is not null; current = current.ContainingType)
            {
                typeNames.Push(current.MetadataName);
            }
            var namespaceNames = new Stack<string>();
            for (INamespaceSymbol? ns = type.ContainingNamespace; ns is { IsGlobalNamespace: false }; ns = ns.ContainingNamespace)
            {
                namespaceNames.Push(ns.MetadataName);
            }
            string typePath = string.Join("+", typeNames);
            return namespaceNames.Count == 0 ? typePath : string.Join(".", namespaceNames) + "." + typePath;
        }
    }
}

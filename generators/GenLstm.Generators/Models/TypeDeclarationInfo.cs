namespace GenLstm.Generators.Models;

/// <summary>One type of the declared model's nesting chain, as the generated partial declaration must repeat it.</summary>
/// <param name="Name">The type's name.</param>
/// <param name="Keyword">The declaration keyword(s): <c>class</c>, <c>struct</c>, <c>record</c>, <c>record struct</c> or <c>interface</c>.</param>
internal sealed record TypeDeclarationInfo(string Name, string Keyword);

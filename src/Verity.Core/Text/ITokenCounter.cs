namespace Verity.Core.Text;

/// <summary>Counts tokens the way the models that read the chunks do, so that chunk sizes and context budgets
/// are measured in the unit that matters.</summary>
public interface ITokenCounter
{
    string Name { get; }

    int CountTokens(string text);
}

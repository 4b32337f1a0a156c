namespace Verity.Core.Routing;

/// <summary>Turns a long message (context, then the actual question) into a short query that searches well.</summary>
public interface IQueryCondenser
{
    /// <summary>A standalone search query for <paramref name="question"/>, never empty for a non-empty message.</summary>
    Task<string> CondenseAsync(string question, CancellationToken cancellationToken);
}

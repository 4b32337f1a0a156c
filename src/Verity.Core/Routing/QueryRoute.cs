namespace Verity.Core.Routing;

public enum RouteKind
{
    /// <summary>Search the documents with the message as it is.</summary>
    Retrieve,

    /// <summary>Answer with <see cref="QueryRoute.Reply"/>; no search.</summary>
    SmallTalk,

    /// <summary>The message is too long to search well: condense it (<see cref="IQueryCondenser"/>), then search.</summary>
    Condense,
}

public enum SmallTalkIntent
{
    Greeting,
    Thanks,
    Goodbye,
    Acknowledgement,

    /// <summary>"Who are you?", "are you a bot?"</summary>
    Identity,

    /// <summary>"What can you do?", "help".</summary>
    Capabilities,

    /// <summary>A configured <see cref="SmallTalkPattern"/>.</summary>
    Custom,
}

/// <summary>Where a message goes; <see cref="Reply"/> and <see cref="Intent"/> are set for small talk only.</summary>
public sealed record QueryRoute(RouteKind Kind, string? Reply = null, SmallTalkIntent? Intent = null)
{
    public static QueryRoute Retrieve { get; } = new(RouteKind.Retrieve);

    public static QueryRoute Condense { get; } = new(RouteKind.Condense);
}

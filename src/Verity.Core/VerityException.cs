namespace Verity.Core;

/// <summary>Base of every domain error. Hosts map the subclasses to status codes; the message is safe to show a caller.</summary>
public abstract class VerityException(string message, Exception? inner = null) : Exception(message, inner)
{
    /// <summary>True when retrying the same operation later may succeed.</summary>
    public virtual bool IsTransient => false;
}

/// <summary>The caller sent something that cannot be processed as given.</summary>
public sealed class InvalidRequestException(string message, string? field = null) : VerityException(message)
{
    public string? Field { get; } = field;
}

/// <summary>The addressed resource does not exist (or the caller may not know it exists).</summary>
public sealed class ResourceNotFoundException(string message) : VerityException(message);

/// <summary>A document could not be ingested; the reason is meant for the person who supplied it.</summary>
public sealed class DocumentRejectedException(string reason) : VerityException(reason)
{
    public string Reason { get; } = reason;
}

/// <summary>The store could not complete an operation; transient when the cause is contention or a timeout.</summary>
public sealed class StoreUnavailableException(string message, bool isTransient, Exception? inner = null)
    : VerityException(message, inner)
{
    public override bool IsTransient { get; } = isTransient;
}

/// <summary>The source a job item reads from cannot be reached from this process (e.g. a folder not mounted on this
/// worker's machine); transient, so the item is retried (possibly by another worker) rather than taken as deleted.</summary>
public sealed class SourceUnavailableException(string message) : VerityException(message)
{
    public override bool IsTransient => true;
}

/// <summary>A model endpoint (chat or embedding) could not answer: down, timing out, rate-limited, or its circuit is
/// open. Always transient. Callers degrade instead of failing: the next model of the chain, an extractive answer,
/// lexical search instead of dense. The message names the endpoint, never its key.</summary>
public sealed class ModelUnavailableException(string model, string message, Exception? inner = null)
    : VerityException(message, inner)
{
    /// <summary>The configured name of the endpoint that failed (e.g. <c>primary</c>, <c>embeddings</c>).</summary>
    public string Model { get; } = model;

    public override bool IsTransient => true;
}

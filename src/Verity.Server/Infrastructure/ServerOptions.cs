using System.ComponentModel.DataAnnotations;

namespace Verity.Server.Infrastructure;

/// <summary>Bound from <c>Verity:Server</c>.</summary>
public sealed class ServerOptions
{
    /// <summary>Largest request body accepted on any endpoint.</summary>
    [Range(1024, long.MaxValue)]
    public long MaxRequestBodyBytes { get; set; } = 12 * 1024 * 1024;
}

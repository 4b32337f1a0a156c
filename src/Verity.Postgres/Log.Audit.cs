using Microsoft.Extensions.Logging;

namespace Verity.Postgres;

internal static partial class Log
{
    [LoggerMessage(2150, LogLevel.Debug, "Appended audit record {Id} ({Action}) of tenant {TenantId}")]
    public static partial void AuditRecordAppended(ILogger logger, long id, string action, string tenantId);

    [LoggerMessage(2151, LogLevel.Information, "Created API key {KeyId} ({Name}) in tenant {TenantId} for {CreatedBy}")]
    public static partial void ApiKeyCreated(ILogger logger, string keyId, string name, string tenantId, string createdBy);

    [LoggerMessage(2152, LogLevel.Information, "Revoked API key {KeyId} of tenant {TenantId}")]
    public static partial void ApiKeyRevoked(ILogger logger, string keyId, string tenantId);

    [LoggerMessage(2153, LogLevel.Debug, "No API key has the id {KeyId}")]
    public static partial void ApiKeyNotFound(ILogger logger, string keyId);
}

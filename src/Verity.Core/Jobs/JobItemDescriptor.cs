using System.Text.Json;
using System.Text.Json.Serialization;
using Verity.Core.Ingestion;
using Verity.Core.Security;

namespace Verity.Core.Jobs;

/// <summary>What a job item needs, besides its content, to become a <see cref="DocumentInput"/>; stored with the item
/// as JSON, so that a resumed job ingests exactly what was enqueued.</summary>
public sealed record JobItemDescriptor
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public string? Title { get; init; }
    public string? FileName { get; init; }
    public string? MediaType { get; init; }
    public string? Uri { get; init; }
    public string? FallbackTitle { get; init; }
    public Dictionary<string, string>? Metadata { get; init; }
    public bool? AclPublic { get; init; }
    public IReadOnlyList<string>? AclUsers { get; init; }
    public IReadOnlyList<string>? AclGroups { get; init; }
    public IReadOnlyList<string>? AclRoles { get; init; }
    public long? SourceVersion { get; init; }
    public string? Author { get; init; }
    public DateTimeOffset? Created { get; init; }
    public DateTimeOffset? Modified { get; init; }

    /// <summary>The principals of the caller who enqueued the item (uploads). The worker checks them again before
    /// writing: another upload may have given the document an ACL that excludes this caller since.</summary>
    public IReadOnlyList<string>? WriterPrincipals { get; init; }

    public static JobItemDescriptor Parse(string json) =>
        JsonSerializer.Deserialize<JobItemDescriptor>(json, Json) ?? new JobItemDescriptor();

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public DocumentAcl? Acl => AclPublic is null
        ? null
        : AclPublic.Value
            ? DocumentAcl.Public
            : new DocumentAcl { Users = AclUsers ?? [], Groups = AclGroups ?? [], Roles = AclRoles ?? [] };

    public JobItemDescriptor WithAcl(DocumentAcl? acl) => acl is null
        ? this
        : this with { AclPublic = acl.IsPublic, AclUsers = acl.Users, AclGroups = acl.Groups, AclRoles = acl.Roles };

    /// <summary>The document input this item stands for, with its content (carried, or read from the locator).</summary>
    public DocumentInput ToInput(string tenantId, string documentId, string source, ReadOnlyMemory<byte> content) => new()
    {
        TenantId = tenantId,
        Id = documentId,
        Title = Title,
        Content = content,
        FileName = FileName,
        MediaType = MediaType,
        Uri = Uri,
        Source = source,
        FallbackTitle = FallbackTitle,
        Metadata = Metadata,
        Acl = Acl,
        SourceVersion = SourceVersion,
        Author = Author,
        Created = Created,
        Modified = Modified,
    };
}

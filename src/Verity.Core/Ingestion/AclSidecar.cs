using System.Text.Json;
using Verity.Core.Security;

namespace Verity.Core.Ingestion;

/// <summary>
/// Folder ingestion takes document ACLs from sidecar files: <c>report.md.acl.json</c> beside a file applies to
/// it; <c>.acl.json</c> in a folder applies to every file in it and below that has no closer one. Content:
/// <c>"public"</c>, or <c>{"users": [...], "groups": [...], "roles": [...]}</c>. Files without one anywhere above
/// are public within the tenant.
/// </summary>
public static class AclSidecar
{
    public const string FileName = ".acl.json";

    public static bool IsSidecar(string path) => path.EndsWith(FileName, StringComparison.OrdinalIgnoreCase);

    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    public static async Task<DocumentAcl> ForFileAsync(
        string root, string file, Dictionary<string, DocumentAcl?> cache, CancellationToken cancellationToken)
    {
        var own = file + FileName;
        if (File.Exists(own))
        {
            return Parse(await File.ReadAllTextAsync(own, cancellationToken).ConfigureAwait(false), own);
        }

        for (var dir = Path.GetDirectoryName(file); dir is not null && dir.StartsWith(root, StringComparison.Ordinal); dir = Path.GetDirectoryName(dir))
        {
            if (!cache.TryGetValue(dir, out var acl))
            {
                var path = Path.Combine(dir, FileName);
                acl = File.Exists(path) ? Parse(await File.ReadAllTextAsync(path, cancellationToken).ConfigureAwait(false), path) : null;
                cache[dir] = acl;
            }

            if (acl is not null)
            {
                return acl;
            }

            if (dir.Length <= root.Length)
            {
                break;
            }
        }

        return DocumentAcl.Public;
    }

    public static DocumentAcl Parse(string json, string path)
    {
        try
        {
            using var document = JsonDocument.Parse(json);
            if (document.RootElement.ValueKind == JsonValueKind.String && document.RootElement.GetString() == "public")
            {
                return DocumentAcl.Public;
            }

            var body = document.RootElement.Deserialize<AclBody>(Json)
                ?? throw new DocumentRejectedException($"{path} must hold \"public\" or an object with users, groups and roles.");
            return new DocumentAcl { IsPublic = false, Users = body.Users ?? [], Groups = body.Groups ?? [], Roles = body.Roles ?? [] };
        }
        catch (JsonException e)
        {
            throw new DocumentRejectedException($"{path} is not valid JSON: {e.Message}");
        }
    }

    private sealed record AclBody(string[]? Users, string[]? Groups, string[]? Roles);
}

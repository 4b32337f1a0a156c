using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core;
using Verity.Core.Audit;
using Verity.Core.Security;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

/// <summary>API keys for service accounts, managed by the admins of a tenant; always the caller's own tenant. Every
/// call is audited (refusals included) with the id of the key it created or revoked, never the key itself.</summary>
public static class ApiKeyEndpoints
{
    private const int MaxNameLength = 128;
    private const int MaxGroups = 64;
    private const int MaxGroupLength = 256;

    private static readonly string[] AssignableRoles = [VerityRoles.Reader, VerityRoles.Editor, VerityRoles.Admin];

    public static IEndpointRouteBuilder MapApiKeyEndpoints(this IEndpointRouteBuilder app)
    {
        var group = app.MapGroup("/v1/admin/keys").WithTags("API keys").RequireAuthorization(AuthSetup.AdminPolicy);
        group.MapPost("/", CreateKeyAsync)
            .WithName("CreateApiKey")
            .WithSummary("Create an API key for a service account of the caller's tenant; the key is shown only in this response (admin).")
            .Audited(AuditActions.KeyCreate);
        group.MapGet("/", ListKeysAsync)
            .WithName("ListApiKeys")
            .WithSummary("The API keys of the caller's tenant, revoked ones included, without secrets (admin).")
            .Audited(AuditActions.KeyList);
        group.MapDelete("/{id}", RevokeKeyAsync)
            .WithName("RevokeApiKey")
            .WithSummary("Revoke an API key of the caller's tenant; it stops authenticating at once (admin).")
            .ProducesProblem(StatusCodes.Status404NotFound)
            .Audited(AuditActions.KeyRevoke);
        return app;
    }

    public static async Task<Results<Created<ApiKeyCreatedResponse>, ValidationProblem>> CreateKeyAsync(
        CreateApiKeyRequestBody body, IApiKeyStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var errors = Validate(body);
        if (errors.Count > 0)
        {
            return TypedResults.ValidationProblem(errors, title: "Invalid API key request");
        }

        var caller = Caller.Of(context);
        var generated = ApiKeys.Generate();
        var record = new ApiKeyRecord
        {
            Id = generated.Id,
            TenantId = caller.TenantId,
            Name = body.Name!.Trim(),
            Groups = (body.Groups ?? []).Distinct(StringComparer.Ordinal).ToArray(),
            Roles = (body.Roles ?? [VerityRoles.Reader]).Distinct(StringComparer.Ordinal).ToArray(),
            CreatedAt = DateTimeOffset.UtcNow,
            CreatedBy = caller.UserId,
        };
        await store.CreateAsync(record, generated.SecretHash, cancellationToken);
        return TypedResults.Created(
            $"/v1/admin/keys/{record.Id}",
            new ApiKeyCreatedResponse(record.Id, generated.Key, record.Name, record.Roles, record.Groups, record.CreatedAt));
    }

    public static async Task<Ok<ApiKeyListResponse>> ListKeysAsync(IApiKeyStore store, HttpContext context, CancellationToken cancellationToken)
    {
        var keys = await store.ListAsync(Caller.Of(context).TenantId, cancellationToken);
        return TypedResults.Ok(new ApiKeyListResponse(keys.Select(ApiKeyDto.From).ToList()));
    }

    public static async Task<NoContent> RevokeKeyAsync(string id, IApiKeyStore store, HttpContext context, CancellationToken cancellationToken) =>
        ApiKeys.IsValidId(id) && await store.RevokeAsync(Caller.Of(context).TenantId, id, cancellationToken)
            ? TypedResults.NoContent()
            : throw new ResourceNotFoundException($"There is no API key with id '{id}'.");

    private static Dictionary<string, string[]> Validate(CreateApiKeyRequestBody body)
    {
        var errors = new Dictionary<string, string[]>(StringComparer.Ordinal);
        if (string.IsNullOrWhiteSpace(body.Name) || body.Name.Trim().Length > MaxNameLength || body.Name.Any(char.IsControl))
        {
            errors["name"] = [$"name is required: 1–{MaxNameLength} characters, no control characters."];
        }

        if (body.Groups is { } groups
            && (groups.Count > MaxGroups || groups.Any(g => string.IsNullOrEmpty(g) || g.Length > MaxGroupLength || g.Any(c => char.IsControl(c) || char.IsWhiteSpace(c) || c == ','))))
        {
            // Claims may carry several values separated by spaces or commas (see Caller): a name must not contain them.
            errors["groups"] = [$"groups must be at most {MaxGroups} names of 1–{MaxGroupLength} characters, without spaces or commas."];
        }

        if (body.Roles is { } roles && (roles.Count == 0 || roles.Any(r => !AssignableRoles.Contains(r, StringComparer.Ordinal))))
        {
            errors["roles"] = ["roles must be a non-empty subset of " + string.Join(", ", AssignableRoles) + " (default: reader)."];
        }

        return errors;
    }
}

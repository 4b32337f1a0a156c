using Verity.Core.Model;
using Verity.Core.Retrieval;

namespace Verity.Server.Contracts;

/// <summary>Bounds of a metadata value, compared as text: ISO 8601 dates (<c>2025-03-01</c>,
/// <c>2025-03-01T12:00:00Z</c>) order correctly. Either end may be left out.</summary>
public sealed record RangeDto(string? From, string? To);

public sealed record SourceDto(
    int Number,
    string Id,
    string DocumentId,
    string Title,
    string? Uri,
    string HeadingPath,
    double Score,
    string Excerpt,
    int? Page = null);

public sealed record SearchRequestBody(
    string? Query,
    SearchMode? Mode,
    int? TopK,
    Dictionary<string, string>? Filters,
    Dictionary<string, RangeDto>? Ranges = null);

public sealed record SearchHitDto(
    string Id,
    string DocumentId,
    string Title,
    string? Uri,
    string HeadingPath,
    double Score,
    string Excerpt,
    string Text,
    int? DenseRank,
    int? LexicalRank,
    int? Page = null);

public sealed record SearchResponseBody(string Query, SearchMode Mode, IReadOnlyList<SearchHitDto> Results, double LatencyMs);

public sealed record DocumentRequestBody(
    string? Id,
    string? Title,
    string? Text,
    string? Uri,
    string? MediaType,
    Dictionary<string, string>? Metadata,
    System.Text.Json.JsonElement? Acl = null,
    long? Version = null,
    string? Author = null,
    DateTimeOffset? Created = null,
    DateTimeOffset? Modified = null);

public sealed record DocumentWriteResponse(string Id, string Status, long Version, int Chunks);

public sealed record DocumentSummaryDto(
    string Id,
    string Title,
    string? Uri,
    string Source,
    string MediaType,
    IReadOnlyDictionary<string, string> Metadata,
    long Version,
    int ChunkCount,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt);

public sealed record AclDto(bool Public, IReadOnlyList<string> Users, IReadOnlyList<string> Groups, IReadOnlyList<string> Roles);

public sealed record DocumentDetailDto(
    string Id,
    string Title,
    string? Uri,
    string Source,
    string MediaType,
    IReadOnlyDictionary<string, string> Metadata,
    AclDto Acl,
    string ContentHash,
    long Version,
    int ChunkCount,
    string ChunkerVersion,
    string EmbeddingModel,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    string Text);

public sealed record DocumentListResponse(IReadOnlyList<DocumentSummaryDto> Documents, string? Next);

public static class Mapping
{
    /// <summary>Ranges from a request body, with the keys checked the way metadata filter keys are.</summary>
    public static IReadOnlyList<MetadataRange>? ToRanges(this Dictionary<string, RangeDto>? ranges) =>
        ranges?.Select(r => r.Value is null || (r.Value.From is null && r.Value.To is null)
                ? throw new Verity.Core.InvalidRequestException($"The range for '{r.Key}' needs from, to or both.", "ranges")
                : new MetadataRange(r.Key, r.Value.From, r.Value.To))
            .ToList();

    public static SourceDto ToSource(this SearchResult result, int number) => new(
        number,
        result.Chunk.Id,
        result.Chunk.DocumentId,
        result.Chunk.DocumentTitle,
        result.Chunk.DocumentUri,
        result.Chunk.HeadingPath,
        Math.Round(result.Score, 6),
        result.Excerpt,
        result.Chunk.Page);

    public static SearchHitDto ToHit(this SearchResult result) => new(
        result.Chunk.Id,
        result.Chunk.DocumentId,
        result.Chunk.DocumentTitle,
        result.Chunk.DocumentUri,
        result.Chunk.HeadingPath,
        Math.Round(result.Score, 6),
        result.Excerpt,
        result.Chunk.Text,
        result.DenseRank,
        result.LexicalRank,
        result.Chunk.Page);

    public static DocumentSummaryDto ToSummary(this DocumentRecord d) => new(
        d.Id, d.Title, d.Uri, d.Source, d.MediaType, d.Metadata, d.Version, d.ChunkCount, d.CreatedAt, d.UpdatedAt);

    public static DocumentDetailDto ToDetail(this DocumentRecord d, string text) => new(
        d.Id, d.Title, d.Uri, d.Source, d.MediaType, d.Metadata,
        new AclDto(d.Acl.IsPublic, d.Acl.Users, d.Acl.Groups, d.Acl.Roles), d.ContentHash, d.Version, d.ChunkCount,
        d.ChunkerVersion, d.EmbeddingModel, d.CreatedAt, d.UpdatedAt, text);
}

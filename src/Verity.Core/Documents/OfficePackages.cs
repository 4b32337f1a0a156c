using DocumentFormat.OpenXml.Packaging;

namespace Verity.Core.Documents;

/// <summary>What the DOCX, XLSX and PPTX loaders share: the archive is proven safe before the Office SDK opens it,
/// any failure inside the SDK becomes a <see cref="DocumentRejectedException"/> (<see cref="ReaderGuard"/>), and the
/// core properties become the title, author and dates.</summary>
internal static class OfficePackages
{
    public static ParsedDocument Load(
        ReadOnlyMemory<byte> content, DocumentLimits limits, string format, Func<Stream, OpenSettings, ParsedDocument> read,
        CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ArchiveGuard.Check(content, limits, format, cancellationToken);
        var settings = new OpenSettings
        {
            AutoSave = false,
            MaxCharactersInPart = limits.MaxExpandedBytes,
        };
        return ReaderGuard.Run(format, () => read(ArchiveGuard.AsStream(content), settings));
    }

    public static string? Title(OpenXmlPackage package) => Clean(package.PackageProperties.Title);

    public static DocumentProperties Properties(OpenXmlPackage package)
    {
        var properties = package.PackageProperties;
        return new DocumentProperties
        {
            Author = Clean(properties.Creator),
            Created = AsUtc(properties.Created),
            Modified = AsUtc(properties.Modified),
        };
    }

    internal static string? Clean(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    // Core properties are W3CDTF, normally in UTC; a value without a zone is taken as UTC rather than server time.
    private static DateTimeOffset? AsUtc(DateTime? value) => value switch
    {
        null => null,
        { Kind: DateTimeKind.Local } local => new DateTimeOffset(local.ToUniversalTime(), TimeSpan.Zero),
        { } other => new DateTimeOffset(DateTime.SpecifyKind(other, DateTimeKind.Utc), TimeSpan.Zero),
    };
}

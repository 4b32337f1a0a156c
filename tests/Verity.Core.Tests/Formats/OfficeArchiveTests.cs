using System.Buffers.Binary;
using System.Diagnostics;
using System.IO.Compression;
using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

/// <summary>What every Office loader must survive: zip bombs, too many parts, cut and corrupted archives. The
/// archive is checked before the Office SDK opens it, so all three loaders refuse the same way.</summary>
public sealed class OfficeArchiveTests
{
    private static readonly Lazy<byte[]> Bomb = new(() => FixtureFiles.ZipBomb());

    public static TheoryData<string> Formats => ["docx", "xlsx", "pptx"];

    private static (IDocumentLoader Loader, byte[] Bytes) Fixture(string format) => format switch
    {
        "docx" => (new DocxLoader(), FixtureFiles.StandardDocx()),
        "xlsx" => (new XlsxLoader(), FixtureFiles.StandardXlsx()),
        _ => (new PptxLoader(), FixtureFiles.StandardPptx()),
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public void Load_ZipBomb_RefusedQuicklyWithoutExpanding(string format)
    {
        var (loader, _) = Fixture(format);
        var bomb = Bomb.Value;
        var allocatedBefore = GC.GetAllocatedBytesForCurrentThread();
        var clock = Stopwatch.StartNew();

        var error = Assert.Throws<DocumentRejectedException>(() => loader.Load(bomb, DocumentLimits.Default, CancellationToken.None));

        Assert.Contains("zip bomb", error.Reason, StringComparison.Ordinal);
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(3), $"took {clock.Elapsed}");
        var allocated = GC.GetAllocatedBytesForCurrentThread() - allocatedBefore;
        Assert.True(allocated < 16 * 1024 * 1024, $"allocated {allocated:N0} bytes for a {bomb.Length:N0}-byte bomb");
    }

    [Fact]
    public void Load_ZipBombUnderTheTotalButOverTheRatio_RefusedByTheRatio()
    {
        var limits = DocumentLimits.Default with { MaxExpandedBytes = long.MaxValue };

        var error = Assert.Throws<DocumentRejectedException>(() => new DocxLoader().Load(Bomb.Value, limits, CancellationToken.None));

        Assert.Contains("MaxCompressionRatio", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ExpandedTotalOverTheLimit_RefusedNamingTheSetting()
    {
        var docx = FixtureFiles.StandardDocx();

        var error = Assert.Throws<DocumentRejectedException>(
            () => new DocxLoader().Load(docx, DocumentLimits.Default with { MaxExpandedBytes = 2048 }, CancellationToken.None));

        Assert.Contains("MaxExpandedBytes", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Load_ZipBombWhoseHeadersClaimASmallSize_StillRefused()
    {
        // Overwrite every uncompressed-size field with 1 KB: the guard counts what really comes out.
        var lying = (byte[])Bomb.Value.Clone();
        for (var i = 0; i + 46 <= lying.Length; i++)
        {
            var signature = BinaryPrimitives.ReadUInt32LittleEndian(lying.AsSpan(i));
            if (signature is 0x04034b50 or 0x02014b50)
            {
                BinaryPrimitives.WriteUInt32LittleEndian(lying.AsSpan(i + (signature == 0x04034b50 ? 22 : 24)), 1024);
            }
        }

        var error = Assert.Throws<DocumentRejectedException>(() => new DocxLoader().Load(lying, DocumentLimits.Default, CancellationToken.None));

        Assert.False(string.IsNullOrWhiteSpace(error.Reason));
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public void Load_MoreEntriesThanTheLimit_RefusedNamingTheSetting(string format)
    {
        var (loader, bytes) = Fixture(format);
        var entries = ZipFile(bytes).Entries.Count;

        var error = Assert.Throws<DocumentRejectedException>(
            () => loader.Load(bytes, DocumentLimits.Default with { MaxArchiveEntries = entries - 1 }, CancellationToken.None));

        Assert.Contains("MaxArchiveEntries", error.Reason, StringComparison.Ordinal);
        Assert.NotEmpty(loader.Load(bytes, DocumentLimits.Default with { MaxArchiveEntries = entries }, CancellationToken.None).Sections);
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Load_TruncatedAtAnyPoint_Refused(string format)
    {
        var (loader, bytes) = Fixture(format);

        foreach (var (label, truncated) in Damage.Truncations(bytes))
        {
            await Damage.AssertRejectedAsync(loader, truncated, because: label);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Load_FlippedByteInAnyPartsData_Refused(string format)
    {
        var (loader, bytes) = Fixture(format);

        foreach (var (name, start, length) in EntryData(bytes).Where(e => e.Length > 0))
        {
            await Damage.AssertRejectedAsync(loader, Damage.Flip(bytes, start + (length / 2)), because: name);
        }
    }

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Load_NotAZip_Refused(string format)
    {
        var (loader, _) = Fixture(format);

        var error = await Damage.AssertRejectedAsync(loader, "PK\u0003\u0004 but nothing after the signature"u8.ToArray());

        Assert.Contains(format.ToUpperInvariant(), error.Reason, StringComparison.Ordinal);
    }

    private static ZipArchive ZipFile(byte[] bytes) => new(new MemoryStream(bytes), ZipArchiveMode.Read);

    /// <summary>Where each entry's compressed data lies, read from the local file headers.</summary>
    private static List<(string Name, int Start, int Length)> EntryData(byte[] zip)
    {
        var entries = new List<(string, int, int)>();
        var position = 0;
        while (position + 30 <= zip.Length && BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position)) == 0x04034b50)
        {
            var compressed = (int)BinaryPrimitives.ReadUInt32LittleEndian(zip.AsSpan(position + 18));
            int nameLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 26));
            int extraLength = BinaryPrimitives.ReadUInt16LittleEndian(zip.AsSpan(position + 28));
            var start = position + 30 + nameLength + extraLength;
            entries.Add((System.Text.Encoding.UTF8.GetString(zip, position + 30, nameLength), start, compressed));
            position = start + compressed;
        }

        Assert.NotEmpty(entries);
        return entries;
    }
}

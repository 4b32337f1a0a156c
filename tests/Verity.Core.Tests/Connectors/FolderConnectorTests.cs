using Verity.Core.Connectors;
using Verity.Core.Jobs;

namespace Verity.Core.Tests.Connectors;

public sealed class FolderConnectorTests : IDisposable
{
    private static readonly Dictionary<string, DocumentFingerprint> Nothing = [];
    private readonly TempFolder _folder = new();

    [Fact]
    public void Id_IsFsAndTheFullPath()
    {
        var connector = new FolderConnector(_folder.Root);

        Assert.Equal("fs:" + Path.GetFullPath(_folder.Root), connector.Id);
        Assert.Equal("folder", connector.Kind);
    }

    [Fact]
    public async Task Scan_NestedTree_UpsertsSupportedFilesByRelativePath()
    {
        _folder.Write("guide.md", "# Guide");
        _folder.Write("sub/deep/notes.txt", "notes");
        _folder.Write(".hidden/secret.md", "hidden folder");
        _folder.Write("sub/.draft.md", "hidden file");
        _folder.Write("image.png", "not a document");
        _folder.Write("sub/archive.bin", "not a document");

        var scan = await Scan();

        Assert.Equal(["guide.md", "sub/deep/notes.txt"], scan.Items.Select(i => i.DocumentId));
        Assert.All(scan.Items, i => Assert.Equal(JobItemAction.Upsert, i.Action));
        Assert.Equal(Path.Combine(_folder.Root, "sub", "deep", "notes.txt"), scan.Items[1].Locator);
        Assert.All(scan.Items, i => Assert.Null(i.Content));
        Assert.Equal(2, scan.Ignored);
        Assert.Empty(scan.Failures);
    }

    [Fact]
    public async Task Scan_File_DescriptorCarriesNameUriTimeAndPublicAcl()
    {
        var written = new DateTime(2024, 3, 4, 5, 6, 7, DateTimeKind.Utc);
        var path = _folder.Write("docs/Release Notes.md", "# Notes", written);

        var descriptor = JobItemDescriptor.Parse(Assert.Single((await Scan()).Items).Descriptor);

        Assert.Equal("Release Notes.md", descriptor.FileName);
        Assert.Equal("Release Notes", descriptor.FallbackTitle);
        Assert.Equal(new Uri(path).AbsoluteUri, descriptor.Uri);
        Assert.Equal(new DateTimeOffset(written), descriptor.Modified);
        Assert.True(descriptor.AclPublic);
        Assert.Null(descriptor.Title);
        Assert.Null(descriptor.Metadata);
    }

    [Fact]
    public async Task Scan_Sidecars_GiveAclsTitlesAndMergedMetadataAndAreNotDocuments()
    {
        _folder.Write(".meta.json", """{"author": "Docs team", "metadata": {"team": "docs", "lang": "en"}}""");
        _folder.Write("hr/.acl.json", """{"groups": ["hr"]}""");
        _folder.Write("hr/.meta.json", """{"metadata": {"lang": "de", "confidential": true}}""");
        _folder.Write("hr/pay.md", "# Pay");
        _folder.Write("hr/pay.md.acl.json", """{"users": ["alice"]}""");
        _folder.Write("hr/pay.md.meta.json", """{"title": "Pay bands", "metadata": {"team": "people"}}""");
        _folder.Write("hr/leave.md", "# Leave");
        _folder.Write("readme.md", "# Readme");

        var scan = await Scan();

        Assert.Equal(["readme.md", "hr/leave.md", "hr/pay.md"], scan.Items.Select(i => i.DocumentId));
        Assert.Equal(0, scan.Ignored);
        var descriptors = scan.Items.ToDictionary(i => i.DocumentId, i => JobItemDescriptor.Parse(i.Descriptor));
        var pay = descriptors["hr/pay.md"];
        Assert.Equal("Pay bands", pay.Title);
        Assert.Equal("Docs team", pay.Author);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "people", ["lang"] = "de", ["confidential"] = "true" }, pay.Metadata);
        Assert.False(pay.AclPublic);
        Assert.Equal(["alice"], pay.AclUsers!);
        var leave = descriptors["hr/leave.md"];
        Assert.Null(leave.Title);
        Assert.Equal(["hr"], leave.AclGroups!);
        Assert.Equal(new Dictionary<string, string> { ["team"] = "docs", ["lang"] = "de", ["confidential"] = "true" }, leave.Metadata);
        Assert.True(descriptors["readme.md"].AclPublic);
        Assert.Equal("en", descriptors["readme.md"].Metadata!["lang"]);
    }

    [Fact]
    public async Task Scan_FolderSidecarWithTitle_FailsTheFilesBelowItWithTheReason()
    {
        _folder.Write("team/.meta.json", """{"title": "One title for all"}""");
        _folder.Write("team/a.md", "# A");
        _folder.Write("other.md", "# Other");

        var scan = await Scan();

        Assert.Equal("other.md", Assert.Single(scan.Items).DocumentId);
        var failure = Assert.Single(scan.Failures);
        Assert.Equal("team/a.md", failure.Locator);
        Assert.Contains("sets a title", failure.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scan_UnchangedKnownFiles_AreSkippedByTheCheckpoint()
    {
        _folder.Write("a.md", "# A");
        _folder.Write("b/c.txt", "c");
        _folder.Write("b/.acl.json", """{"groups": ["b"]}""");
        var first = await Scan();

        var second = await Scan(TempFolder.KnownAfter(first), first.Checkpoint);

        Assert.Empty(second.Items);
        Assert.Equal(2, second.Unchanged);
        Assert.Equal(first.Checkpoint, second.Checkpoint);
    }

    [Fact]
    public async Task Scan_CheckpointedFileTheIndexDoesNotHold_IsQueuedAgain()
    {
        _folder.Write("a.md", "# A");
        _folder.Write("b.md", "# B");
        var first = await Scan();
        var known = TempFolder.KnownAfter(first);
        known.Remove("b.md");

        var second = await Scan(known, first.Checkpoint);

        Assert.Equal("b.md", Assert.Single(second.Items).DocumentId);
        Assert.Equal(1, second.Unchanged);
    }

    [Theory]
    [InlineData("size")]
    [InlineData("time")]
    [InlineData("file sidecar")]
    [InlineData("folder sidecar")]
    public async Task Scan_ChangeSinceTheCheckpoint_QueuesTheFile(string change)
    {
        _folder.Write("docs/a.md", "# A");
        _folder.Write("docs/b.md", "# B");
        _folder.Write("c.md", "# C");
        var first = await Scan();

        switch (change)
        {
            case "size":
                _folder.Write("docs/a.md", "# A, longer now");
                break;
            case "time":
                _folder.Write("docs/a.md", "# A", new DateTime(2025, 6, 1, 0, 0, 0, DateTimeKind.Utc));
                break;
            case "file sidecar":
                _folder.Write("docs/a.md.meta.json", """{"author": "Ann"}""");
                break;
            default:
                _folder.Write("docs/.acl.json", """{"roles": ["staff"]}""");
                break;
        }

        var second = await Scan(TempFolder.KnownAfter(first), first.Checkpoint);

        var expected = change == "folder sidecar" ? new[] { "docs/a.md", "docs/b.md" } : ["docs/a.md"];
        Assert.Equal(expected, second.Items.Select(i => i.DocumentId));
        Assert.Equal(3 - expected.Length, second.Unchanged);
    }

    [Fact]
    public async Task Scan_FileGone_DeletesItsDocumentOnly()
    {
        _folder.Write("a.md", "# A");
        _folder.Write("sub/b.md", "# B");
        var first = await Scan();
        _folder.Delete("sub/b.md");

        var second = await Scan(TempFolder.KnownAfter(first), first.Checkpoint);

        var delete = Assert.Single(second.Items);
        Assert.Equal(("sub/b.md", JobItemAction.Delete), (delete.DocumentId, delete.Action));
        Assert.Equal(1, second.Unchanged);
    }

    [Fact]
    public async Task Scan_UnreadableSidecar_IsAFailureThatKeepsTheDocument()
    {
        _folder.Write("a.md", "# A");
        _folder.Write("b.md", "# B");
        var first = await Scan();
        var known = TempFolder.KnownAfter(first);
        _folder.Write("a.md.acl.json", "{ not json");

        var second = await Scan(known, first.Checkpoint);

        Assert.Empty(second.Items);
        var failure = Assert.Single(second.Failures);
        Assert.Equal("a.md", failure.Locator);
        Assert.Contains("not valid JSON", failure.Reason, StringComparison.Ordinal);

        // Once the sidecar is fixed, the file is queued again: the failure did not advance its checkpoint.
        _folder.Write("a.md.acl.json", "\"public\"");
        var third = await Scan(known, second.Checkpoint);
        Assert.Equal("a.md", Assert.Single(third.Items).DocumentId);
    }

    [Fact]
    public async Task Scan_MetadataSidecarWithUnknownProperty_NamesIt()
    {
        _folder.Write("a.md", "# A");
        _folder.Write("a.md.meta.json", """{"titel": "Typo"}""");

        var scan = await Scan();

        Assert.Contains("\"titel\"", Assert.Single(scan.Failures).Reason, StringComparison.Ordinal);
        Assert.Empty(scan.Items);
    }

    [Fact]
    public async Task Scan_MissingRoot_ThrowsInsteadOfDeletingEverything()
    {
        var connector = new FolderConnector(Path.Combine(_folder.Root, "gone"));
        var known = new Dictionary<string, DocumentFingerprint> { ["a.md"] = new("h", "c", "m") };

        await Assert.ThrowsAsync<InvalidRequestException>(() => connector.ScanAsync(new ScanContext("t", known, null), CancellationToken.None));
    }

    [Fact]
    public async Task Scan_UnreadableCheckpoint_ScansEverything()
    {
        _folder.Write("a.md", "# A");
        var first = await Scan();

        var second = await Scan(TempFolder.KnownAfter(first), "{ not a checkpoint");

        Assert.Equal("a.md", Assert.Single(second.Items).DocumentId);
    }

    [Fact]
    public async Task Scan_ReportsProgressEveryIntervalAndAtTheEnd()
    {
        for (var i = 0; i < 5; i++)
        {
            _folder.Write($"f{i}.txt", "text " + i);
        }

        var reports = new List<ScanProgress>();
        var connector = new FolderConnector(_folder.Root, new FolderConnectorOptions { ProgressInterval = 2 });
        await connector.ScanAsync(new ScanContext("t", Nothing, null, new SyncProgress(reports)), CancellationToken.None);

        Assert.Equal([new ScanProgress(2, "f1.txt"), new ScanProgress(4, "f3.txt"), new ScanProgress(5, "")], reports);
    }

    private Task<SourceScan> Scan(IReadOnlyDictionary<string, DocumentFingerprint>? known = null, string? checkpoint = null) =>
        new FolderConnector(_folder.Root).ScanAsync(new ScanContext("t", known ?? Nothing, checkpoint), CancellationToken.None);

    public void Dispose() => _folder.Dispose();

    private sealed class SyncProgress(List<ScanProgress> reports) : IProgress<ScanProgress>
    {
        public void Report(ScanProgress value) => reports.Add(value);
    }
}

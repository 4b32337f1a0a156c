using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

public sealed class JsonParserTests
{
    private static ParsedDocument Parse(string json, JsonFormatOptions? options = null) =>
        new JsonParser(options ?? new JsonFormatOptions()).Parse(json);

    [Fact]
    public void Parse_OneObject_TitleAndTextFromTheDefaultFields()
    {
        var document = Parse("""{ "title": "VPN access", "body": "Install the client first.", "id": 7 }""");

        Assert.Equal("VPN access", document.Title);
        var section = Assert.Single(document.Sections);
        Assert.Equal(["VPN access"], section.HeadingPath);
        Assert.Equal("Install the client first.", section.Text);
    }

    [Fact]
    public void Parse_ArrayOfRecords_OneSectionEachHeadedByItsTitle()
    {
        var document = Parse("""
            [
              { "title": "Lockers", "text": "Emptied every Friday." },
              { "title": "Bikes", "content": "Racks behind reception." },
              { "text": "Untitled record." }
            ]
            """);

        Assert.Null(document.Title);
        Assert.Equal([["Lockers"], ["Bikes"], []], document.Sections.Select(s => s.HeadingPath));
        Assert.Equal(["Emptied every Friday.", "Racks behind reception.", "Untitled record."], document.Sections.Select(s => s.Text));
    }

    [Fact]
    public void Parse_JsonLines_OneSectionPerLine()
    {
        var document = Parse("{\"title\":\"One\",\"text\":\"First.\"}\n\n{\"title\":\"Two\",\"text\":\"Second.\"}\r\n");

        Assert.Equal(["First.", "Second."], document.Sections.Select(s => s.Text));
        Assert.Equal([["One"], ["Two"]], document.Sections.Select(s => s.HeadingPath));
    }

    [Fact]
    public void Parse_NoTextField_EveryValueAsAPathLine()
    {
        var document = Parse("""
            { "title": "Plan", "name": "Growth", "limits": { "seats": 3000, "sso": true }, "regions": ["EU", "US"],
              "contacts": [ { "email": "ops@example.com" } ], "retired": null }
            """);

        Assert.Equal(
            "name: Growth\nlimits.seats: 3000\nlimits.sso: true\nregions: EU, US\ncontacts[0].email: ops@example.com",
            Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void Parse_ConfiguredFields_UsedInsteadOfTheDefaults()
    {
        var options = new JsonFormatOptions { TitleField = "headline" };
        options.TextFields.Add("fields.summary");
        options.TextFields.Add("fields.details");

        var document = Parse("""{ "headline": "Outage", "text": "ignored", "fields": { "Summary": "VPN down.", "details": ["Step one.", "Step two."] } }""", options);

        Assert.Equal("Outage", document.Title);
        Assert.Equal("VPN down.\n\nStep one.\nStep two.", Assert.Single(document.Sections).Text);
    }

    [Fact]
    public void Parse_MetadataFields_CopiedIntoTheProperties()
    {
        var options = new JsonFormatOptions();
        options.MetadataFields.Add("department");
        options.MetadataFields.Add("tags");
        options.MetadataFields.Add("missing");

        var document = Parse("""
            [ { "text": "a", "department": "IT", "tags": ["vpn", "network"] },
              { "text": "b", "department": "IT", "tags": ["vpn", "security"] } ]
            """, options);

        Assert.Equal("IT", document.Properties.Metadata["department"]);
        Assert.Equal("vpn, network, security", document.Properties.Metadata["tags"]);
        Assert.False(document.Properties.Metadata.ContainsKey("missing"));
    }

    [Fact]
    public void Parse_ArrayOfStrings_EachIsASection() =>
        Assert.Equal(["first", "second"], Parse("""["first", "second"]""").Sections.Select(s => s.Text));

    [Theory]
    [InlineData("{\n  \"title\": \"x\",\n  \"text\": \"y\"\n  \"body\": \"z\"\n}", 4)]
    [InlineData("{\"text\":\"a\"}\n{\"text\":\"b\"}\n{\"text\": oops}\n", 3)]
    [InlineData("[ {\"text\": \"unterminated ]", 1)]
    public void Parse_Malformed_RejectedWithTheLine(string json, int line)
    {
        var error = Assert.Throws<DocumentRejectedException>(() => Parse(json));

        Assert.Contains($"line {line},", error.Reason, StringComparison.Ordinal);
        Assert.Contains("position", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_MoreRecordsThanTheLimit_Rejected()
    {
        var jsonl = string.Join('\n', Enumerable.Range(0, 4).Select(i => $"{{\"text\":\"record {i}\"}}"));

        var error = Assert.Throws<DocumentRejectedException>(
            () => new JsonParser().Parse(jsonl, DocumentLimits.Default with { MaxRows = 3 }, CancellationToken.None));

        Assert.Contains("MaxRows", error.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_CancelledToken_ThrowsOperationCanceled()
    {
        using var cancelled = new CancellationTokenSource();
        cancelled.Cancel();

        Assert.ThrowsAny<OperationCanceledException>(() => new JsonParser().Parse("{\"text\":\"a\"}", DocumentLimits.Default, cancelled.Token));
    }
}

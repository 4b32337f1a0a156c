using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class ContentHashTests
{
    private static readonly Dictionary<string, string> Metadata = new() { ["team"] = "platform", ["lang"] = "en" };

    [Fact]
    public void Compute_SameInput_SameHash() =>
        Assert.Equal(
            ContentHash.Compute("Body text.", "Title", Metadata),
            ContentHash.Compute("Body text.", "Title", new Dictionary<string, string>(Metadata)));

    [Fact]
    public void Compute_Result_IsPrefixedLowercaseSha256Hex() =>
        Assert.Matches("^sha256:[0-9a-f]{64}$", ContentHash.Compute("Body text.", "Title", Metadata));

    [Fact]
    public void Compute_MetadataInAnyOrder_SameHash()
    {
        var forward = new Dictionary<string, string> { ["a"] = "1", ["b"] = "2", ["c"] = "3" };
        var backward = new Dictionary<string, string> { ["c"] = "3", ["b"] = "2", ["a"] = "1" };

        Assert.Equal(ContentHash.Compute("Body.", "Title", forward), ContentHash.Compute("Body.", "Title", backward));
    }

    [Theory]
    [InlineData("Body text!", "Title", "team", "platform")]
    [InlineData("Body text.", "Title 2", "team", "platform")]
    [InlineData("Body text.", "Title", "team", "security")]
    [InlineData("Body text.", "Title", "owner", "platform")]
    public void Compute_AnyPartChanged_DifferentHash(string text, string title, string key, string value)
    {
        var original = ContentHash.Compute("Body text.", "Title", new Dictionary<string, string> { ["team"] = "platform" });

        Assert.NotEqual(original, ContentHash.Compute(text, title, new Dictionary<string, string> { [key] = value }));
    }

    [Fact]
    public void Compute_ExtraMetadataEntry_DifferentHash() =>
        Assert.NotEqual(
            ContentHash.Compute("Body.", "Title", new Dictionary<string, string>()),
            ContentHash.Compute("Body.", "Title", new Dictionary<string, string> { ["team"] = "" }));

    [Fact]
    public void Compute_TextMovedBetweenDescriptorAndBody_DifferentHash() =>
        Assert.NotEqual(
            ContentHash.Compute("c", "ab", new Dictionary<string, string>()),
            ContentHash.Compute("bc", "a", new Dictionary<string, string>()));

    [Fact]
    public void Compute_TextMovedBetweenKeyAndValue_DifferentHash() =>
        Assert.NotEqual(
            ContentHash.Compute("Body.", "Title", new Dictionary<string, string> { ["ab"] = "c" }),
            ContentHash.Compute("Body.", "Title", new Dictionary<string, string> { ["a"] = "bc" }));
}

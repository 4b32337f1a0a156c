using Verity.Core.Caching;
using Verity.Core.Model;

namespace Verity.Core.Tests.Caching;

public sealed class AnswerCacheKeyTests
{
    private static readonly IndexVersion Version = new(3, 41);

    /// <summary>A key from a baseline request with one aspect changed.</summary>
    private static AnswerCacheKey Key(
        string question = "How do I reset my password?",
        string tenant = "acme",
        IReadOnlyCollection<string>? principals = null,
        bool system = false,
        IndexVersion? version = null,
        SearchMode mode = SearchMode.Hybrid,
        int topK = 5,
        IReadOnlyDictionary<string, string>? filters = null,
        IReadOnlyList<MetadataRange>? ranges = null,
        string configuration = "grounded@2|primary,secondary") =>
        AnswerCacheKey.Create(
            question, tenant, system ? null : principals ?? ["user:ann", "group:staff"], version ?? Version, mode, topK,
            filters, ranges, configuration);

    [Fact]
    public void Create_SameInputs_SameKeyWithPrefix()
    {
        var key = Key();

        Assert.Equal(key, Key());
        Assert.StartsWith("answer:", key.Value, StringComparison.Ordinal);
        Assert.Matches("^answer:[0-9a-f]{64}$", key.Value);
        Assert.Equal(key.Value, key.ToString());
    }

    [Theory]
    [InlineData("how do i reset my password")]
    [InlineData("  How do I   reset my PASSWORD?  ")]
    [InlineData("How do I reset my password???")]
    [InlineData("how do I reset my password ?!.")]
    [InlineData("How\tdo I\r\nreset my password?")]
    [InlineData("ＨＯＷ do I reset my password？")] // full-width letters and question mark (NFKC)
    public void Create_QuestionsEqualAfterNormalisation_ShareKey(string question) => Assert.Equal(Key(), Key(question));

    [Theory]
    [InlineData("How do I reset my passwords?")]
    [InlineData("How do I reset my password? Now")]
    [InlineData("password reset how do I")]
    [InlineData("How do I reset my pass word?")]
    [InlineData("¿How do I reset my password?")]
    public void Create_DifferentQuestions_DifferentKeys(string question) => Assert.NotEqual(Key(), Key(question));

    [Fact]
    public void NormalizeQuestion_AppliesEveryRule()
    {
        Assert.Equal("what is the vpn fix", AnswerCacheKey.NormalizeQuestion(" What\u00A0is the  VPN \uFB01x ?! "));
        Assert.Equal("", AnswerCacheKey.NormalizeQuestion("?!. "));
        Assert.Equal("v2.0 release", AnswerCacheKey.NormalizeQuestion("V2.0 release."));
    }

    [Fact]
    public void Create_OtherTenant_DifferentKey() => Assert.NotEqual(Key(), Key(tenant: "globex"));

    [Fact]
    public void Create_SamePrincipalSetReorderedOrRepeated_SameKey()
    {
        Assert.Equal(Key(principals: ["a", "b"]), Key(principals: ["b", "a"]));
        Assert.Equal(Key(principals: ["a", "b"]), Key(principals: ["b", "a", "b", "a"]));
        Assert.Equal(Key(principals: ["a", "b"]), Key(principals: new HashSet<string> { "b", "a" }));
    }

    [Fact]
    public void Create_PrincipalAddedRemovedOrChanged_DifferentKey()
    {
        var baseline = Key(principals: ["user:ann", "group:staff"]);

        Assert.NotEqual(baseline, Key(principals: ["user:ann", "group:staff", "group:hr"]));
        Assert.NotEqual(baseline, Key(principals: ["user:ann"]));
        Assert.NotEqual(baseline, Key(principals: ["user:bob", "group:staff"]));
        Assert.NotEqual(baseline, Key(principals: ["user:Ann", "group:staff"])); // ordinal, as the stores compare
        Assert.NotEqual(baseline, Key(principals: []));
        Assert.NotEqual(baseline, Key(system: true));
        Assert.NotEqual(Key(principals: []), Key(system: true));
    }

    [Fact]
    public void Create_PrincipalsThatWouldConcatenateAlike_DifferentKeys()
    {
        Assert.NotEqual(Key(principals: ["ab"]), Key(principals: ["a", "b"]));
        Assert.NotEqual(Key(principals: ["a,b"]), Key(principals: ["a", "b"]));
        Assert.NotEqual(Key(principals: ["a\0b"]), Key(principals: ["a", "b"]));
    }

    [Fact]
    public void Create_IndexVersionChanged_DifferentKey()
    {
        Assert.NotEqual(Key(), Key(version: new IndexVersion(3, 42)));
        Assert.NotEqual(Key(), Key(version: new IndexVersion(4, 41)));
        Assert.NotEqual(Key(version: new IndexVersion(1, 23)), Key(version: new IndexVersion(12, 3)));
        Assert.Equal(Key(), Key(version: new IndexVersion(3, 41)));

        // A rebuilt database restarts at the same generation and count; its generation's creation time differs.
        var rebuilt = new DateTimeOffset(2026, 11, 25, 8, 0, 0, TimeSpan.Zero);
        Assert.NotEqual(
            Key(version: new IndexVersion(3, 41) { GenerationCreatedAt = rebuilt }),
            Key(version: new IndexVersion(3, 41) { GenerationCreatedAt = rebuilt.AddSeconds(1) }));
    }

    [Fact]
    public void Create_ModeTopKOrConfigurationChanged_DifferentKey()
    {
        Assert.NotEqual(Key(), Key(mode: SearchMode.Dense));
        Assert.NotEqual(Key(mode: SearchMode.Dense), Key(mode: SearchMode.Lexical));
        Assert.NotEqual(Key(), Key(topK: 6));
        Assert.NotEqual(Key(), Key(configuration: "grounded@3|primary,secondary"));
        Assert.NotEqual(Key(), Key(configuration: ""));
    }

    [Fact]
    public void Create_Filters_OrderInsensitiveButValueSensitive()
    {
        var filters = new Dictionary<string, string> { ["department"] = "hr", ["lang"] = "en" };
        var reordered = new SortedDictionary<string, string>(StringComparer.Ordinal) { ["lang"] = "en", ["department"] = "hr" };

        Assert.Equal(Key(filters: filters), Key(filters: reordered));
        Assert.Equal(Key(filters: null), Key(filters: new Dictionary<string, string>()));
        Assert.NotEqual(Key(), Key(filters: filters));
        Assert.NotEqual(Key(filters: filters), Key(filters: new Dictionary<string, string> { ["department"] = "it", ["lang"] = "en" }));
        Assert.NotEqual(Key(filters: filters), Key(filters: new Dictionary<string, string> { ["department"] = "hr" }));
        Assert.NotEqual(
            Key(filters: new Dictionary<string, string> { ["ab"] = "c" }),
            Key(filters: new Dictionary<string, string> { ["a"] = "bc" }));
    }

    [Fact]
    public void Create_Ranges_CanonicalButBoundSensitive()
    {
        MetadataRange modified = new("modified", "2024-01-01", null);
        MetadataRange size = new("size", null, "0100");

        Assert.Equal(Key(ranges: [modified, size]), Key(ranges: [size, modified]));
        Assert.Equal(Key(ranges: [modified]), Key(ranges: [modified, modified]));
        Assert.Equal(Key(ranges: null), Key(ranges: []));
        Assert.NotEqual(Key(), Key(ranges: [modified]));
        Assert.NotEqual(Key(ranges: [modified]), Key(ranges: [new MetadataRange("modified", null, "2024-01-01")]));
        Assert.NotEqual(Key(ranges: [modified]), Key(ranges: [new MetadataRange("modified", "2024-01-01", "")]));
        Assert.NotEqual(Key(ranges: [modified]), Key(ranges: [new MetadataRange("modified", "2024-01-02", null)]));
    }

    [Fact]
    public void PermissionFingerprint_SystemDiffersFromEverySet()
    {
        var system = PermissionFingerprint.Of(null);

        Assert.Equal(PermissionFingerprint.Unrestricted, system);
        Assert.NotEqual(system, PermissionFingerprint.Of([]));
        Assert.NotEqual(system, PermissionFingerprint.Of([PermissionFingerprint.Unrestricted]));
        Assert.Matches("^[0-9a-f]{64}$", PermissionFingerprint.Of([]));
        Assert.Equal(PermissionFingerprint.Of(["x", "y"]), PermissionFingerprint.Of(["y", "x", "x"]));
        Assert.NotEqual(PermissionFingerprint.Of(["x"]), PermissionFingerprint.Of(["x", "y"]));
    }
}

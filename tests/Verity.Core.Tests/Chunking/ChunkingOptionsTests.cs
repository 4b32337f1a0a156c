using Verity.Core.Chunking;
using static Verity.Core.Tests.Chunking.ChunkingFixtures;

namespace Verity.Core.Tests.Chunking;

public sealed class ChunkingOptionsTests
{
    [Fact]
    public void Version_DefaultOptions_KeepsTheRecursiveVersionExistingIndexesCarry() =>
        Assert.Equal("recursive-v1/400/60", new ChunkingOptions().Version);

    [Theory]
    [InlineData(ChunkingStrategy.Recursive, typeof(RecursiveChunker))]
    [InlineData(ChunkingStrategy.Structured, typeof(StructuredChunker))]
    [InlineData(ChunkingStrategy.ParentChild, typeof(ParentChildChunker))]
    public void Create_EachStrategy_BuildsItsChunkerWithTheOptionsVersion(ChunkingStrategy strategy, Type expected)
    {
        var options = new ChunkingOptions { Strategy = strategy };

        var chunker = Chunkers.Create(Tokens, options);

        Assert.IsType(expected, chunker);
        Assert.Equal(options.Version, chunker.Version);
    }

    [Fact]
    public void Version_ThreeStrategiesWithDefaults_AllDiffer()
    {
        var versions = Enum.GetValues<ChunkingStrategy>().Select(s => new ChunkingOptions { Strategy = s }.Version).ToList();

        Assert.Equal(versions.Count, versions.Distinct().Count());
    }

    public static TheoryData<ChunkingStrategy, string> SettingsThatMatter() => new()
    {
        { ChunkingStrategy.Recursive, nameof(ChunkingOptions.MaxTokens) },
        { ChunkingStrategy.Recursive, nameof(ChunkingOptions.OverlapTokens) },
        { ChunkingStrategy.Structured, nameof(ChunkingOptions.MaxTokens) },
        { ChunkingStrategy.ParentChild, nameof(ChunkingOptions.ParentMaxTokens) },
        { ChunkingStrategy.ParentChild, nameof(ChunkingOptions.ChildMaxTokens) },
        { ChunkingStrategy.ParentChild, nameof(ChunkingOptions.ChildOverlapTokens) },
    };

    [Theory]
    [MemberData(nameof(SettingsThatMatter))]
    public void Version_SettingThatChangesTheOutput_ChangesTheVersion(ChunkingStrategy strategy, string setting)
    {
        var before = new ChunkingOptions { Strategy = strategy };
        var after = Changed(new ChunkingOptions { Strategy = strategy }, setting);
        var document = Mixed();

        var outputBefore = Chunkers.Create(Tokens, before).ChunkDocument(document);
        var outputAfter = Chunkers.Create(Tokens, after).ChunkDocument(document);

        Assert.NotEqual(Texts(outputBefore), Texts(outputAfter));
        Assert.NotEqual(before.Version, after.Version);
    }

    public static TheoryData<ChunkingStrategy, string> SettingsThatDoNotMatter() => new()
    {
        { ChunkingStrategy.Recursive, nameof(ChunkingOptions.ParentMaxTokens) },
        { ChunkingStrategy.Recursive, nameof(ChunkingOptions.ChildMaxTokens) },
        { ChunkingStrategy.Structured, nameof(ChunkingOptions.OverlapTokens) },
        { ChunkingStrategy.Structured, nameof(ChunkingOptions.ChildOverlapTokens) },
        { ChunkingStrategy.ParentChild, nameof(ChunkingOptions.MaxTokens) },
        { ChunkingStrategy.ParentChild, nameof(ChunkingOptions.OverlapTokens) },
    };

    // An unused setting must not re-chunk every document: the version stays, and so does the output.
    [Theory]
    [MemberData(nameof(SettingsThatDoNotMatter))]
    public void Version_SettingTheStrategyIgnores_KeepsTheVersionAndTheOutput(ChunkingStrategy strategy, string setting)
    {
        var before = new ChunkingOptions { Strategy = strategy };
        var after = Changed(new ChunkingOptions { Strategy = strategy }, setting);
        var document = Mixed();

        var outputBefore = Chunkers.Create(Tokens, before).ChunkDocument(document);
        var outputAfter = Chunkers.Create(Tokens, after).ChunkDocument(document);

        Assert.Equal(Texts(outputBefore), Texts(outputAfter));
        Assert.Equal(before.Version, after.Version);
    }

    [Theory]
    [InlineData(1200, 128, 20)]
    [InlineData(256, 128, 0)]
    [InlineData(8192, 32, 15)]
    public void Validate_ConsistentParentChildSettings_Accepts(int parentMax, int childMax, int childOverlap)
    {
        var options = new ChunkingOptions { ParentMaxTokens = parentMax, ChildMaxTokens = childMax, ChildOverlapTokens = childOverlap };

        Assert.Null(Record.Exception(options.Validate));
    }

    [Theory]
    [InlineData(1200, 1200, 20, "ParentMaxTokens")]
    [InlineData(200, 128, 20, "ParentMaxTokens")]
    [InlineData(1200, 16, 0, "ChildMaxTokens")]
    [InlineData(1200, 128, 64, "ChildOverlapTokens")]
    [InlineData(1200, 128, -1, "ChildOverlapTokens")]
    public void Validate_InconsistentParentChildSettings_ThrowsNamingTheSetting(int parentMax, int childMax, int childOverlap, string setting)
    {
        var options = new ChunkingOptions { ParentMaxTokens = parentMax, ChildMaxTokens = childMax, ChildOverlapTokens = childOverlap };

        var error = Assert.Throws<InvalidOperationException>(options.Validate);

        Assert.StartsWith($"Chunking:{setting} ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_UnknownStrategy_Throws() =>
        Assert.Throws<InvalidOperationException>(new ChunkingOptions { Strategy = (ChunkingStrategy)42 }.Validate);

    private static ChunkingOptions Changed(ChunkingOptions options, string setting)
    {
        switch (setting)
        {
            case nameof(ChunkingOptions.MaxTokens): options.MaxTokens = 96; break;
            case nameof(ChunkingOptions.OverlapTokens): options.OverlapTokens = 10; break;
            case nameof(ChunkingOptions.ParentMaxTokens): options.ParentMaxTokens = 300; break;
            case nameof(ChunkingOptions.ChildMaxTokens): options.ChildMaxTokens = 64; break;
            case nameof(ChunkingOptions.ChildOverlapTokens): options.ChildOverlapTokens = 5; break;
            default: throw new ArgumentOutOfRangeException(nameof(setting), setting, null);
        }

        return options;
    }

    private static List<string> Texts(ChunkedDocument chunked) =>
        [.. chunked.Chunks.Select(c => $"{c.Parent}|{c.HeadingPath}|{c.Text}"), .. chunked.Parents];
}

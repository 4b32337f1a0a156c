using Verity.Core.Retrieval;

namespace Verity.Core.Tests;

public sealed class SmokeTests
{
    [Fact]
    public void Fuse_EmptyRankings_ReturnsNothing() => Assert.Empty(ReciprocalRankFusion.Fuse([]));
}

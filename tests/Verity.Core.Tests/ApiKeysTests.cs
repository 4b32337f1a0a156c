using System.Security.Cryptography;
using System.Text;
using Verity.Core.Security;

namespace Verity.Core.Tests;

public sealed class ApiKeysTests
{
    [Fact]
    public void Generate_Key_HasPrefixTwelveCharIdAndBase64UrlSecretOf32Bytes()
    {
        var generated = ApiKeys.Generate();

        Assert.Matches("^vk_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$", generated.Key);
        Assert.True(ApiKeys.TryParse(generated.Key, out var id, out var secret));
        Assert.Equal(generated.Id, id);
        Assert.Equal(32, Convert.FromBase64String(secret.Replace('-', '+').Replace('_', '/') + "=").Length);
        Assert.True(ApiKeys.IsValidId(id));
    }

    [Fact]
    public void Generate_ManyKeys_AllDistinct()
    {
        var keys = Enumerable.Range(0, 1000).Select(_ => ApiKeys.Generate()).ToList();

        Assert.Equal(1000, keys.Select(k => k.Id).Distinct(StringComparer.Ordinal).Count());
        Assert.Equal(1000, keys.Select(k => k.Key[^43..]).Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void Generate_SecretHash_IsSha256OfTheSecretAndNotTheSecret()
    {
        var generated = ApiKeys.Generate();
        Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));

        Assert.Equal(SHA256.HashData(Encoding.UTF8.GetBytes(secret)), generated.SecretHash);
        Assert.Equal(generated.SecretHash, ApiKeys.HashSecret(secret));
        Assert.DoesNotContain(secret, Encoding.Latin1.GetString(generated.SecretHash), StringComparison.Ordinal);
    }

    [Fact]
    public void Verify_RightSecret_True()
    {
        var generated = ApiKeys.Generate();
        Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));

        Assert.True(ApiKeys.Verify(secret, generated.SecretHash));
    }

    [Fact]
    public void Verify_WrongSecretOrHash_False()
    {
        var generated = ApiKeys.Generate();
        var other = ApiKeys.Generate();
        Assert.True(ApiKeys.TryParse(other.Key, out _, out var otherSecret));
        Assert.True(ApiKeys.TryParse(generated.Key, out _, out var secret));

        Assert.False(ApiKeys.Verify(otherSecret, generated.SecretHash));
        Assert.False(ApiKeys.Verify(secret, new byte[32]));
        Assert.False(ApiKeys.Verify(secret, generated.SecretHash[..16]));
        Assert.False(ApiKeys.Verify(secret[..^1] + (secret[^1] == 'A' ? 'B' : 'A'), generated.SecretHash));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("vk_")]
    [InlineData("vk_abcdefghijkl_")]
    [InlineData("garbage")]
    [InlineData("Bearer vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("xk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_ABCDEFGHIJKL_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijk1_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijkl-AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA=")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA+")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA/")]
    [InlineData("vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA\u00e9")]
    [InlineData(" vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA")]
    public void TryParse_Malformed_ReturnsFalseWithoutThrowing(string? key)
    {
        Assert.False(ApiKeys.TryParse(key, out var id, out var secret));
        Assert.Equal("", id);
        Assert.Equal("", secret);
    }

    [Fact]
    public void TryParse_WellFormed_SplitsIdAndSecret()
    {
        const string Key = "vk_abcdefghijkl_AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA";

        Assert.True(ApiKeys.TryParse(Key, out var id, out var secret));
        Assert.Equal("abcdefghijkl", id);
        Assert.Equal(new string('A', 43), secret);
    }

    [Theory]
    [InlineData("abcdefghijkl", true)]
    [InlineData("abcdefghijk", false)]
    [InlineData("ABCDEFGHIJKL", false)]
    [InlineData("abcdefghijk0", false)]
    [InlineData(null, false)]
    public void IsValidId_Shapes_Classified(string? id, bool valid) => Assert.Equal(valid, ApiKeys.IsValidId(id));

    [Fact]
    public void UserIdOf_Id_PrefixedWithKey() => Assert.Equal("key:abcdefghijkl", ApiKeys.UserIdOf("abcdefghijkl"));
}

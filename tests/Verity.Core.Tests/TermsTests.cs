using Verity.Core.Text;

namespace Verity.Core.Tests;

public sealed class TermsTests
{
    [Fact]
    public void Words_Text_LowerCasedLetterAndDigitRunsInOrder() =>
        Assert.Equal(["hello", "world", "error", "809", "x2", "café"], Terms.Words("Hello, World! Error-809 (x2) Café."));

    [Theory]
    [InlineData("")]
    [InlineData(" ?!... -- ")]
    public void Words_NoLettersOrDigits_Empty(string text) => Assert.Empty(Terms.Words(text));

    [Fact]
    public void ContentTerms_Question_DropsStopWordsAndStems()
    {
        var terms = Terms.ContentTerms("How do I rotate the certificates of the VPN gateways?");

        Assert.Equal([Terms.Stem("rotate"), Terms.Stem("certificate"), "vpn", Terms.Stem("gateway")], terms);
        Assert.DoesNotContain("the", terms);
        Assert.DoesNotContain("how", terms);
    }

    [Theory]
    [InlineData("the")]
    [InlineData("how")]
    [InlineData("please")]
    [InlineData("would")]
    public void IsStopWord_CommonWord_True(string word) => Assert.True(Terms.IsStopWord(word));

    [Theory]
    [InlineData("vpn")]
    [InlineData("certificate")]
    [InlineData("809")]
    public void IsStopWord_ContentWord_False(string word) => Assert.False(Terms.IsStopWord(word));

    [Theory]
    [InlineData("rotate", "rotates", "rotated", "rotating")]
    [InlineData("certificate", "certificates", "certificate", "certificates")]
    [InlineData("cache", "caches", "cached", "caching")]
    [InlineData("stop", "stops", "stopped", "stopping")]
    [InlineData("run", "runs", "running", "run")]
    [InlineData("policy", "policies", "policy", "policies")]
    [InlineData("class", "classes", "class", "classes")]
    [InlineData("box", "boxes", "box", "boxes")]
    [InlineData("size", "sizes", "sized", "sizing")]
    [InlineData("make", "makes", "making", "make")]
    public void Stem_InflectionsOfOneWord_Meet(string a, string b, string c, string d)
    {
        var stem = Terms.Stem(a);

        Assert.Equal(stem, Terms.Stem(b));
        Assert.Equal(stem, Terms.Stem(c));
        Assert.Equal(stem, Terms.Stem(d));
    }

    [Theory]
    [InlineData("rotate", "rotor")]
    [InlineData("certificate", "certify")]
    [InlineData("class", "clash")]
    [InlineData("status", "state")]
    public void Stem_DifferentWords_StayApart(string a, string b) => Assert.NotEqual(Terms.Stem(a), Terms.Stem(b));

    [Theory]
    [InlineData("bus")]
    [InlineData("vpn")]
    [InlineData("status")]
    [InlineData("analysis")]
    [InlineData("class")]
    [InlineData("2024")]
    [InlineData("mp3")]
    [InlineData("string")]
    [InlineData("speed")]
    [InlineData("need")]
    public void Stem_WordsWithoutAnInflection_Unchanged(string word) => Assert.Equal(word, Terms.Stem(word));
}

using System.Text;
using Verity.Core.Documents;

namespace Verity.Core.Tests;

public sealed class TextDecoderTests
{
    private const string Sample = "Grüße aus 東京 — café 🎉\nSecond line.";

    private static byte[] Concat(byte[] prefix, byte[] body) => [.. prefix, .. body];

    [Fact]
    public void Decode_Utf8WithoutBom_ReturnsText() =>
        Assert.Equal(Sample, TextDecoder.Decode(Encoding.UTF8.GetBytes(Sample)));

    [Fact]
    public void Decode_Utf8WithBom_ReturnsTextWithoutBom() =>
        Assert.Equal(Sample, TextDecoder.Decode(Concat([0xEF, 0xBB, 0xBF], Encoding.UTF8.GetBytes(Sample))));

    [Fact]
    public void Decode_Utf16LittleEndianWithBom_ReturnsText() =>
        Assert.Equal(Sample, TextDecoder.Decode(Concat([0xFF, 0xFE], Encoding.Unicode.GetBytes(Sample))));

    [Fact]
    public void Decode_Utf16BigEndianWithBom_ReturnsText() =>
        Assert.Equal(Sample, TextDecoder.Decode(Concat([0xFE, 0xFF], Encoding.BigEndianUnicode.GetBytes(Sample))));

    [Fact]
    public void Decode_Empty_ReturnsEmpty() => Assert.Equal("", TextDecoder.Decode([]));

    [Fact]
    public void Decode_TabsAndFormFeeds_AreText() =>
        Assert.Equal("a\tb\fc\r\nd", TextDecoder.Decode("a\tb\fc\r\nd"u8));

    [Theory]
    [InlineData(new byte[] { 0x63, 0x61, 0x66, 0xE9 }, "café")]
    [InlineData(new byte[] { 0x61, 0xC3, 0x28, 0x62 }, "aÃ(b")]
    [InlineData(new byte[] { 0x93, 0x51, 0x94, 0x20, 0x80, 0x35 }, "\u201CQ\u201D \u20AC5")]
    public void Decode_NotUtf8_ReadAsWindows1252(byte[] bytes, string expected) =>
        Assert.Equal(expected, TextDecoder.Decode(bytes));

    [Fact]
    public void Decode_Latin1Text_ReturnsText()
    {
        const string text = "Un café crème, s'il vous plaît, à la terrasse.";

        Assert.Equal(text, TextDecoder.Decode(Encoding.Latin1.GetBytes(text)));
    }

    [Fact]
    public void Decode_Utf8BomThenInvalidBytes_RejectedWithReason()
    {
        var exception = Assert.Throws<DocumentRejectedException>(() => TextDecoder.Decode(new byte[] { 0xEF, 0xBB, 0xBF, 0x61, 0xFF }));

        Assert.Contains("not valid UTF-8", exception.Reason, StringComparison.Ordinal);
        Assert.Equal(exception.Reason, exception.Message);
    }

    [Fact]
    public void Decode_Utf16LittleEndianWithoutBom_ReturnsText() =>
        Assert.Equal(Sample, TextDecoder.Decode(Encoding.Unicode.GetBytes(Sample)));

    [Fact]
    public void Decode_Utf16BigEndianWithoutBom_ReturnsText() =>
        Assert.Equal(Sample, TextDecoder.Decode(Encoding.BigEndianUnicode.GetBytes(Sample)));

    [Fact]
    public void Decode_Utf32WithBom_ReturnsText()
    {
        Assert.Equal(Sample, TextDecoder.Decode(Concat([0xFF, 0xFE, 0x00, 0x00], new UTF32Encoding(false, false).GetBytes(Sample))));
        Assert.Equal(Sample, TextDecoder.Decode(Concat([0x00, 0x00, 0xFE, 0xFF], new UTF32Encoding(true, false).GetBytes(Sample))));
    }

    [Fact]
    public void Decode_Utf16WithOddByteCount_Rejected()
    {
        var exception = Assert.Throws<DocumentRejectedException>(() => TextDecoder.Decode(new byte[] { 0xFF, 0xFE, 0x41, 0x00, 0x42 }));

        Assert.Contains("UTF-16", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_PngHeader_RejectedAsBinary()
    {
        byte[] png = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0x00, 0x00, 0x00, 0x0D, 0x49, 0x48, 0x44, 0x52];

        var exception = Assert.Throws<DocumentRejectedException>(() => TextDecoder.Decode(png));

        Assert.Contains("binary", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_TextWithNulBytes_RejectedAsBinary()
    {
        var bytes = Concat(Encoding.UTF8.GetBytes("Looks like text at first"), [0x00, 0x01, 0x00]);

        var exception = Assert.Throws<DocumentRejectedException>(() => TextDecoder.Decode(bytes));

        Assert.Contains("binary", exception.Reason, StringComparison.Ordinal);
        Assert.Contains("NUL", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_ManyControlCharacters_RejectedAsBinary()
    {
        var bytes = Concat([0xEF, 0xBB, 0xBF], Enumerable.Range(0, 100).Select(i => (byte)(i % 2 == 0 ? 0x61 : 0x01)).ToArray());

        var exception = Assert.Throws<DocumentRejectedException>(() => TextDecoder.Decode(bytes));

        Assert.Contains("binary", exception.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void Decode_FewControlCharacters_Accepted()
    {
        var text = new string('a', 100) + "\u0007";

        Assert.Equal(text, TextDecoder.Decode(Encoding.UTF8.GetBytes(text)));
    }
}

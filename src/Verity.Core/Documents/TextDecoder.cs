using System.Text;
using System.Text.Unicode;

namespace Verity.Core.Documents;

/// <summary>Bytes to text. Byte-order marks are honoured (UTF-8, UTF-16, UTF-32); UTF-16 without a mark is
/// recognised by its pattern of NUL bytes; valid UTF-8 is read as UTF-8, and anything else as Windows-1252, the
/// encoding of most older Western text files. Content that looks binary is refused with a reason.</summary>
public static class TextDecoder
{
    private const int ProbeLength = 8192;

    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);
    private static readonly Encoding Windows1252 = CreateWindows1252();

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return DecodeStrict(StrictUtf8, bytes[3..], "UTF-8");
        }

        // UTF-32LE's mark begins with UTF-16LE's, so it is tested first.
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE, 0x00, 0x00]))
        {
            return DecodeStrict(new UTF32Encoding(false, false, true), bytes[4..], "UTF-32LE");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0x00, 0x00, 0xFE, 0xFF]))
        {
            return DecodeStrict(new UTF32Encoding(true, false, true), bytes[4..], "UTF-32BE");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return DecodeStrict(new UnicodeEncoding(false, false, true), bytes[2..], "UTF-16LE");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return DecodeStrict(new UnicodeEncoding(true, false, true), bytes[2..], "UTF-16BE");
        }

        switch (DetectUtf16(bytes))
        {
            case Utf16Order.LittleEndian:
                return DecodeStrict(new UnicodeEncoding(false, false, true), bytes, "UTF-16LE");
            case Utf16Order.BigEndian:
                return DecodeStrict(new UnicodeEncoding(true, false, true), bytes, "UTF-16BE");
        }

        if (bytes[..Math.Min(bytes.Length, ProbeLength)].Contains((byte)0))
        {
            throw new DocumentRejectedException("The file looks binary (it contains NUL bytes); only text formats are supported.");
        }

        if (Utf8.IsValid(bytes))
        {
            return DecodeStrict(StrictUtf8, bytes, "UTF-8");
        }

        // Not UTF-8: a legacy 8-bit file. Windows-1252 is a superset of Latin-1's printable range, so either reads right.
        return DecodeStrict(Windows1252, bytes, "Windows-1252");
    }

    /// <summary>Recognises UTF-16 without a byte-order mark: text that is mostly ASCII has a NUL in every other byte,
    /// on the odd positions for little-endian and the even positions for big-endian.</summary>
    internal static Utf16Order DetectUtf16(ReadOnlySpan<byte> bytes)
    {
        var probe = bytes[..(Math.Min(bytes.Length, ProbeLength) & ~1)];
        if (probe.Length < 4)
        {
            return Utf16Order.None;
        }

        int evenNuls = 0, oddNuls = 0;
        for (var i = 0; i < probe.Length; i += 2)
        {
            evenNuls += probe[i] == 0 ? 1 : 0;
            oddNuls += probe[i + 1] == 0 ? 1 : 0;
        }

        var pairs = probe.Length / 2;
        if (oddNuls * 10 >= pairs * 7 && evenNuls * 20 <= pairs)
        {
            return Utf16Order.LittleEndian;
        }

        return evenNuls * 10 >= pairs * 7 && oddNuls * 20 <= pairs ? Utf16Order.BigEndian : Utf16Order.None;
    }

    private static string DecodeStrict(Encoding encoding, ReadOnlySpan<byte> bytes, string name)
    {
        string text;
        try
        {
            text = encoding.GetString(bytes);
        }
        catch (DecoderFallbackException)
        {
            throw new DocumentRejectedException($"The file is not valid {name} text; save it as UTF-8 and upload it again.");
        }

        if (LooksBinary(text))
        {
            throw new DocumentRejectedException("The file looks binary (too many control characters); only text formats are supported.");
        }

        return text;
    }

    private static bool LooksBinary(string text)
    {
        var sample = text.AsSpan(0, Math.Min(text.Length, ProbeLength));
        var control = 0;
        foreach (var c in sample)
        {
            if (char.IsControl(c) && c is not ('\n' or '\r' or '\t' or '\f'))
            {
                control++;
            }
        }

        return sample.Length > 0 && control > sample.Length / 20;
    }

    private static Encoding CreateWindows1252()
    {
        // The code-page provider ships with .NET but must be registered before its encodings can be created.
        Encoding.RegisterProvider(CodePagesEncodingProvider.Instance);
        return Encoding.GetEncoding(1252, EncoderFallback.ReplacementFallback, DecoderFallback.ReplacementFallback);
    }
}

internal enum Utf16Order
{
    None,
    LittleEndian,
    BigEndian,
}

using System.Text;

namespace Verity.Core.Documents;

/// <summary>Bytes to text: honours UTF-8 and UTF-16 byte-order marks, otherwise demands valid UTF-8, and
/// refuses content that looks binary, with a reason a person can act on.</summary>
public static class TextDecoder
{
    private static readonly UTF8Encoding StrictUtf8 = new(encoderShouldEmitUTF8Identifier: false, throwOnInvalidBytes: true);

    public static string Decode(ReadOnlySpan<byte> bytes)
    {
        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xEF, 0xBB, 0xBF]))
        {
            return DecodeStrict(StrictUtf8, bytes[3..], "UTF-8");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFF, 0xFE]))
        {
            return DecodeStrict(new UnicodeEncoding(false, false, true), bytes[2..], "UTF-16LE");
        }

        if (bytes.StartsWith((ReadOnlySpan<byte>)[0xFE, 0xFF]))
        {
            return DecodeStrict(new UnicodeEncoding(true, false, true), bytes[2..], "UTF-16BE");
        }

        var probe = bytes[..Math.Min(bytes.Length, 8192)];
        if (probe.Contains((byte)0))
        {
            throw new DocumentRejectedException("The file looks binary (it contains NUL bytes); only text formats are supported.");
        }

        return DecodeStrict(StrictUtf8, bytes, "UTF-8");
    }

    private static string DecodeStrict(Encoding encoding, ReadOnlySpan<byte> bytes, string name)
    {
        try
        {
            var text = encoding.GetString(bytes);
            if (LooksBinary(text))
            {
                throw new DocumentRejectedException("The file looks binary (too many control characters); only text formats are supported.");
            }

            return text;
        }
        catch (DecoderFallbackException)
        {
            throw new DocumentRejectedException($"The file is not valid {name} text.");
        }
    }

    private static bool LooksBinary(string text)
    {
        var sample = text.AsSpan(0, Math.Min(text.Length, 8192));
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
}

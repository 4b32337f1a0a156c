using System.Security.Cryptography;
using System.Text;

namespace Verity.Core.Text;

public static class ContentHash
{
    /// <summary>SHA-256 over the normalised text, a description of how it is read (title, media type, …) and the
    /// metadata: everything that shapes the document's index entry.</summary>
    public static string Compute(string normalizedText, string descriptor, IReadOnlyDictionary<string, string> metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, descriptor);
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(hash, key);
            Append(hash, value);
        }

        Append(hash, normalizedText);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    /// <summary>SHA-256 over a file's bytes (formats that are not text are hashed before they are read), the
    /// description of how it is read and the metadata.</summary>
    public static string Compute(ReadOnlySpan<byte> content, string descriptor, IReadOnlyDictionary<string, string> metadata)
    {
        using var hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);
        Append(hash, "bytes\n" + descriptor);
        foreach (var (key, value) in metadata.OrderBy(p => p.Key, StringComparer.Ordinal))
        {
            Append(hash, key);
            Append(hash, value);
        }

        hash.AppendData(BitConverter.GetBytes(content.Length));
        hash.AppendData(content);
        return "sha256:" + Convert.ToHexStringLower(hash.GetHashAndReset());
    }

    private static void Append(IncrementalHash hash, string value)
    {
        var bytes = Encoding.UTF8.GetBytes(value);
        hash.AppendData(BitConverter.GetBytes(bytes.Length));
        hash.AppendData(bytes);
    }
}

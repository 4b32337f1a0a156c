using System.Buffers;
using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;

namespace Verity.Core.Security;

/// <summary>A freshly generated key: <see cref="Key"/> is shown to its creator once; only <see cref="SecretHash"/>
/// is stored.</summary>
public sealed record GeneratedApiKey(string Id, string Key, byte[] SecretHash);

/// <summary>
/// API keys for service accounts: <c>vk_&lt;id&gt;_&lt;secret&gt;</c>, where the id is 12 random lower-case base32
/// characters (the lookup key, safe to show and log) and the secret is 32 random bytes in base64url (43 characters).
/// </summary>
public static class ApiKeys
{
    public const string Prefix = "vk_";
    public const int IdLength = 12;
    public const int SecretBytes = 32;

    private const string IdAlphabet = "abcdefghijklmnopqrstuvwxyz234567";
    private static readonly SearchValues<char> IdChars = SearchValues.Create(IdAlphabet);
    private static readonly SearchValues<char> SecretChars =
        SearchValues.Create("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_");
    private static readonly int SecretLength = Base64Url.GetEncodedLength(SecretBytes);
    private static readonly int KeyLength = Prefix.Length + IdLength + 1 + SecretLength;

    public static GeneratedApiKey Generate()
    {
        var id = RandomNumberGenerator.GetString(IdAlphabet, IdLength);
        var secret = Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(SecretBytes));
        return new GeneratedApiKey(id, Prefix + id + "_" + secret, HashSecret(secret));
    }

    /// <summary>Splits a key into id and secret; false (never an exception) for anything not shaped like a key.</summary>
    public static bool TryParse(string? key, out string id, out string secret)
    {
        id = "";
        secret = "";
        if (key is null || key.Length != KeyLength || !key.StartsWith(Prefix, StringComparison.Ordinal) || key[Prefix.Length + IdLength] != '_')
        {
            return false;
        }

        var idPart = key.AsSpan(Prefix.Length, IdLength);
        var secretPart = key.AsSpan(Prefix.Length + IdLength + 1);
        if (idPart.ContainsAnyExcept(IdChars) || !IsBase64Url(secretPart))
        {
            return false;
        }

        id = idPart.ToString();
        secret = secretPart.ToString();
        return true;
    }

    /// <summary>SHA-256 of the secret's text. A plain, fast hash is enough here: the secret is 256 random bits, so
    /// unlike a password it cannot be guessed or brute-forced from a leaked hash, and a slow KDF (bcrypt, PBKDF2)
    /// would only add cost to every request.</summary>
    public static byte[] HashSecret(string secret)
    {
        ArgumentNullException.ThrowIfNull(secret);
        return SHA256.HashData(Encoding.UTF8.GetBytes(secret));
    }

    /// <summary>Whether <paramref name="secret"/> hashes to <paramref name="secretHash"/>, in constant time.</summary>
    public static bool Verify(string secret, byte[] secretHash)
    {
        ArgumentNullException.ThrowIfNull(secret);
        ArgumentNullException.ThrowIfNull(secretHash);
        return CryptographicOperations.FixedTimeEquals(HashSecret(secret), secretHash);
    }

    /// <summary>Whether <paramref name="id"/> could be a key id (length and alphabet).</summary>
    public static bool IsValidId(string? id) => id is { Length: IdLength } && !id.AsSpan().ContainsAnyExcept(IdChars);

    /// <summary>The user id that requests authenticated with key <paramref name="id"/> carry.</summary>
    public static string UserIdOf(string id) => "key:" + id;

    private static bool IsBase64Url(ReadOnlySpan<char> text) =>
        !text.ContainsAnyExcept(SecretChars) && Base64Url.IsValid(text, out var length) && length == SecretBytes;
}

using System.Buffers.Binary;
using System.Runtime.InteropServices;
using System.Security.Cryptography;

namespace Verity.Core.Caching;

/// <summary>
/// SHA-256 over a sequence of typed, length-prefixed fields, so that no two different field sequences can produce
/// the same input bytes ("ab" + "c" never meets "a" + "bc", a null never meets an empty string). Strings are hashed
/// as their UTF-16 code units, which is exact even for unpaired surrogates.
/// </summary>
internal sealed class CanonicalHash : IDisposable
{
    private const byte NullTag = 0;
    private const byte StringTag = 1;
    private const byte IntegerTag = 2;

    private readonly IncrementalHash _hash = IncrementalHash.CreateHash(HashAlgorithmName.SHA256);

    public CanonicalHash Add(string? value)
    {
        if (value is null)
        {
            _hash.AppendData([NullTag]);
            return this;
        }

        Span<byte> header = stackalloc byte[5];
        header[0] = StringTag;
        BinaryPrimitives.WriteInt32LittleEndian(header[1..], value.Length);
        _hash.AppendData(header);
        _hash.AppendData(MemoryMarshal.AsBytes(value.AsSpan()));
        return this;
    }

    public CanonicalHash Add(long value)
    {
        Span<byte> bytes = stackalloc byte[9];
        bytes[0] = IntegerTag;
        BinaryPrimitives.WriteInt64LittleEndian(bytes[1..], value);
        _hash.AppendData(bytes);
        return this;
    }

    /// <summary>The digest as 64 lower-case hex digits.</summary>
    public string ToHex()
    {
        Span<byte> digest = stackalloc byte[SHA256.HashSizeInBytes];
        _hash.GetHashAndReset(digest);
        return Convert.ToHexStringLower(digest);
    }

    public void Dispose() => _hash.Dispose();
}

using System.Buffers.Binary;
using System.Security.Cryptography;
using System.Text;

namespace Verity.Testing.OpenAi;

/// <summary>Deterministic pseudo-random unit vectors: the SHA-256 of the text seeds a SplitMix64 sequence.</summary>
internal static class FakeVectors
{
    public static float[] For(string text, int dimensions)
    {
        ArgumentOutOfRangeException.ThrowIfNegativeOrZero(dimensions);
        var seed = BinaryPrimitives.ReadUInt64LittleEndian(SHA256.HashData(Encoding.UTF8.GetBytes(text)));
        var vector = new float[dimensions];
        double norm = 0;
        for (var i = 0; i < dimensions; i++)
        {
            seed += 0x9E3779B97F4A7C15UL;
            var z = seed;
            z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9UL;
            z = (z ^ (z >> 27)) * 0x94D049BB133111EBUL;
            z ^= z >> 31;
            // Top 24 bits to [-1, 1): exact in a float.
            vector[i] = ((z >> 40) / (float)(1 << 23)) - 1f;
            norm += vector[i] * (double)vector[i];
        }

        var scale = norm > 0 ? (float)(1 / Math.Sqrt(norm)) : 0f;
        for (var i = 0; i < dimensions; i++)
        {
            vector[i] *= scale;
        }

        return vector;
    }
}

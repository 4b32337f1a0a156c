using Verity.Core.Documents;

namespace Verity.Core.Tests.Formats;

/// <summary>Ways to break a file, and the check that a loader refuses a broken file the right way: with a
/// <see cref="DocumentRejectedException"/> carrying a reason, promptly, and never with another exception type.</summary>
internal static class Damage
{
    /// <summary>The file cut at several points, from just past its signature to its last byte.</summary>
    public static IEnumerable<(string Label, byte[] Bytes)> Truncations(byte[] bytes) =>
        new[] { 0.02, 0.25, 0.5, 0.75, 0.95 }
            .Select(f => (int)(bytes.Length * f))
            .Append(bytes.Length - 1)
            .Where(length => length > 8)
            .Distinct()
            .Select(length => ($"cut at {length} of {bytes.Length}", bytes[..length]));

    /// <summary>A copy with the byte at <paramref name="position"/> inverted.</summary>
    public static byte[] Flip(byte[] bytes, int position)
    {
        var copy = (byte[])bytes.Clone();
        copy[position] ^= 0xFF;
        return copy;
    }

    /// <summary>A copy with <paramref name="count"/> bytes from <paramref name="position"/> overwritten by noise.</summary>
    public static byte[] Scramble(byte[] bytes, int position, int count)
    {
        var copy = (byte[])bytes.Clone();
        var random = new Random(position);
        for (var i = position; i < Math.Min(copy.Length, position + count); i++)
        {
            copy[i] = (byte)random.Next(256);
        }

        return copy;
    }

    /// <summary>Loads and expects a refusal with a reason, within a few seconds (a hang fails instead of blocking).</summary>
    public static async Task<DocumentRejectedException> AssertRejectedAsync(
        IDocumentLoader loader, byte[] bytes, DocumentLimits? limits = null, string because = "")
    {
        var load = Task.Run(() => loader.Load(bytes, limits ?? DocumentLimits.Default, CancellationToken.None));
        var finished = await Task.WhenAny(load, Task.Delay(TimeSpan.FromSeconds(10)));
        Assert.True(finished == load, $"the load did not finish within 10 s ({because})");
        Assert.True(load.IsFaulted, $"expected a refusal but the load succeeded ({because})");
        var rejected = Assert.IsType<DocumentRejectedException>(load.Exception!.InnerException, exactMatch: true);
        Assert.False(string.IsNullOrWhiteSpace(rejected.Reason), because);
        return rejected;
    }
}

using System.Collections;
using Verity.Core.Model;

namespace Verity.Storage.Conformance;

/// <summary>A chunk list that cancels <paramref name="source"/> when the store reaches element
/// <paramref name="cancelAt"/>, i.e. in the middle of writing the document.</summary>
public sealed class CancellingChunkList(IReadOnlyList<ChunkRecord> inner, int cancelAt, CancellationTokenSource source)
    : IReadOnlyList<ChunkRecord>
{
    public int Count => inner.Count;

    public ChunkRecord this[int index]
    {
        get
        {
            if (index >= cancelAt)
            {
                source.Cancel();
            }

            return inner[index];
        }
    }

    public IEnumerator<ChunkRecord> GetEnumerator()
    {
        for (var i = 0; i < inner.Count; i++)
        {
            if (i >= cancelAt)
            {
                source.Cancel();
            }

            yield return inner[i];
        }
    }

    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

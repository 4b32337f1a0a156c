namespace Verity.Core.Documents;

internal static class TableRows
{
    /// <summary>Renders a table one line per row, each cell prefixed by its column header ("Plan: Growth; Limit:
    /// 3,000"), so a row cut from its table by chunking or quoted alone in an answer still says what it means.</summary>
    public static IEnumerable<string> Render(IReadOnlyList<string>? header, IEnumerable<IReadOnlyList<string>> rows)
    {
        foreach (var row in rows)
        {
            if (header is null || header.Count == 0)
            {
                yield return string.Join(" | ", row);
                continue;
            }

            var cells = new List<string>(row.Count);
            for (var i = 0; i < row.Count; i++)
            {
                if (row[i].Length == 0)
                {
                    continue;
                }

                var name = i < header.Count ? header[i] : "";
                cells.Add(name.Length > 0 && name != row[i] ? $"{name}: {row[i]}" : row[i]);
            }

            yield return string.Join("; ", cells);
        }
    }
}

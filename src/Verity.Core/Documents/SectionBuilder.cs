using System.Text;

namespace Verity.Core.Documents;

/// <summary>Collects text under a stack of headings, for parsers of any format with a heading hierarchy.</summary>
internal sealed class SectionBuilder
{
    private readonly List<(int Level, string Text)> _headings = [];
    private readonly List<DocumentSection> _sections = [];
    private readonly StringBuilder _current = new();

    public void StartSection(int level, string heading)
    {
        Flush();
        while (_headings.Count > 0 && _headings[^1].Level >= level)
        {
            _headings.RemoveAt(_headings.Count - 1);
        }

        if (heading.Length > 0)
        {
            _headings.Add((level, heading));
        }
    }

    public void Append(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return;
        }

        if (_current.Length > 0)
        {
            _current.Append("\n\n");
        }

        _current.Append(text.Trim());
    }

    public IReadOnlyList<DocumentSection> Build()
    {
        Flush();
        return _sections;
    }

    private void Flush()
    {
        if (_current.Length == 0)
        {
            return;
        }

        _sections.Add(new DocumentSection(_headings.Select(h => h.Text).ToArray(), _current.ToString()));
        _current.Clear();
    }
}

using System.Text;

namespace Verity.Core.Documents;

/// <summary>Splits CSV text into records by RFC 4180, leniently where files commonly stray from it: any line
/// break (LF, CRLF, CR) ends a record, and a stray quote inside an unquoted field is kept as text. A quoted field
/// that never closes would swallow the rest of the file, so it is refused with its line number.</summary>
internal sealed class CsvReader(string text, char delimiter)
{
    private readonly StringBuilder _field = new();
    private int _position;
    private int _line = 1;

    public IEnumerable<List<string>> Records(CancellationToken cancellationToken)
    {
        while (_position < text.Length)
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return ReadRecord();
        }
    }

    private List<string> ReadRecord()
    {
        var record = new List<string>();
        while (true)
        {
            record.Add(ReadField().Trim());
            if (_position < text.Length && text[_position] == delimiter)
            {
                _position++;
                continue;
            }

            SkipLineBreak();
            return record;
        }
    }

    private string ReadField()
    {
        _field.Clear();
        if (_position < text.Length && text[_position] == '"')
        {
            ReadQuoted();
        }

        // Unquoted text, or whatever follows a closing quote before the delimiter (kept rather than lost).
        while (_position < text.Length && text[_position] != delimiter && text[_position] is not ('\n' or '\r'))
        {
            _field.Append(text[_position++]);
        }

        return _field.ToString();
    }

    private void ReadQuoted()
    {
        var startLine = _line;
        _position++;
        while (_position < text.Length)
        {
            var c = text[_position++];
            if (c != '"')
            {
                _line += c == '\n' ? 1 : 0;
                _field.Append(c);
                continue;
            }

            if (_position < text.Length && text[_position] == '"')
            {
                _field.Append('"');
                _position++;
                continue;
            }

            return;
        }

        throw new DocumentRejectedException(
            $"The CSV file has a quoted field that starts on line {startLine} and is never closed; add the missing quote (\").");
    }

    private void SkipLineBreak()
    {
        if (_position < text.Length && text[_position] == '\r')
        {
            _position++;
        }

        if (_position < text.Length && text[_position] == '\n')
        {
            _position++;
        }

        _line++;
    }
}

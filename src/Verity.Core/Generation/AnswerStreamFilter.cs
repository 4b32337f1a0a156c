using System.Text;
using System.Text.RegularExpressions;
using Verity.Core.Guardrails;

namespace Verity.Core.Generation;

/// <summary>
/// Cleans a streamed answer as it arrives: removes citation markers that point to no source (as
/// <see cref="CitationChecker.StripInvalid"/> does on the whole text, even when a marker is split across deltas) and,
/// with a redactor, redacts personal data before any of it is emitted. Whatever the deltas, the concatenated output
/// equals the cleaning of the whole answer.
/// </summary>
/// <remarks>
/// Held back: trailing whitespace and citation markers (the group may go on, or be removed with the space before it)
/// and a final <c>[</c> with up to four digits. With a redactor, text is further held until a sentence end (<c>.</c>,
/// <c>!</c>, <c>?</c> or <c>…</c> followed by whitespace) or a line break and each such segment is redacted as a
/// whole: the built-in kinds never span a sentence end followed by whitespace. A run of more than
/// <see cref="MaxHeldCharacters"/> characters without one is released up to a whitespace that no detector match
/// spans and that leaves <see cref="HeldTail"/> characters held (longer than any spaced-out card, IBAN or phone number).
/// </remarks>
public sealed class AnswerStreamFilter
{
    public const int MaxHeldCharacters = 1024;
    public const int HeldTail = 64;

    private readonly int _sourceCount;
    private readonly PiiRedactor? _redactor;
    private readonly List<int> _removed = [];
    private readonly Dictionary<string, int> _redactions = new(StringComparer.Ordinal);
    private readonly List<string> _timedOut = [];
    private string _pending = "";
    private string _unredacted = "";
    private int _nextCutAttempt;
    private bool _started;
    private bool _completed;

    public AnswerStreamFilter(int sourceCount, PiiRedactor? redactor)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(sourceCount);
        _sourceCount = sourceCount;
        _redactor = redactor;
    }

    /// <summary>Numbers of the invalid citation markers removed so far, each once, in first-use order.</summary>
    public IReadOnlyList<int> Removed => _removed;

    /// <summary>Redactions so far per PII kind (only kinds with at least one).</summary>
    public IReadOnlyDictionary<string, int> Redactions => _redactions;

    /// <summary>PII kinds whose scan ran out of time on some segment; that text may still contain them.</summary>
    public IReadOnlyList<string> TimedOut => _timedOut;

    /// <summary>Takes the next delta; returns the text that is safe to emit now (possibly empty).</summary>
    public string Push(string delta)
    {
        ArgumentNullException.ThrowIfNull(delta);
        ThrowIfCompleted();
        if (delta.Length == 0)
        {
            return "";
        }

        var text = _pending + delta;
        var cut = CitationChecker.HoldbackStart(text);
        if (cut == 0)
        {
            _pending = text;
            return "";
        }

        var stripped = CitationChecker.Strip(text[..cut], _sourceCount, atStart: !_started, _removed);
        _started = true;
        _pending = text[cut..];
        return Redact(stripped, final: false);
    }

    /// <summary>Ends the answer; returns everything still held, cleaned.</summary>
    public string Complete()
    {
        ThrowIfCompleted();
        _completed = true;
        var stripped = CitationChecker.Strip(_pending, _sourceCount, atStart: !_started, _removed);
        _pending = "";
        return Redact(stripped, final: true);
    }

    private string Redact(string text, bool final)
    {
        if (_redactor is null)
        {
            return text;
        }

        var held = _unredacted + text;
        var cut = final ? held.Length : LastBoundary(held);
        // Scanning for a safe cut runs every detector: retried only every half MaxHeldCharacters of new text, so
        // that a long run with no usable whitespace (a URL, an encoded blob) does not cost a scan per delta.
        if (cut == 0 && held.Length > Math.Max(MaxHeldCharacters, _nextCutAttempt))
        {
            cut = SafeCut(held);
            _nextCutAttempt = cut == 0 ? held.Length + (MaxHeldCharacters / 2) : 0;
        }
        else if (cut > 0)
        {
            _nextCutAttempt = 0;
        }

        _unredacted = held[cut..];
        if (cut == 0)
        {
            return "";
        }

        var redaction = _redactor.Redact(held[..cut]);
        foreach (var (kind, count) in redaction.Counts)
        {
            _redactions[kind] = _redactions.GetValueOrDefault(kind) + count;
        }

        _timedOut.AddRange(redaction.TimedOut.Except(_timedOut));
        return redaction.Text;
    }

    private void ThrowIfCompleted()
    {
        if (_completed)
        {
            throw new InvalidOperationException("The answer is complete: use a new filter for the next one.");
        }
    }

    // Just after the last line break, or the last whitespace that follows a sentence end.
    private static int LastBoundary(string text)
    {
        for (var i = text.Length - 1; i > 0; i--)
        {
            if (text[i] == '\n' || (char.IsWhiteSpace(text[i]) && text[i - 1] is '.' or '!' or '?' or '…'))
            {
                return i + 1;
            }
        }

        return text.Length > 0 && text[0] == '\n' ? 1 : 0;
    }

    // The last whitespace, at least HeldTail characters from the end, inside no detector's match.
    private int SafeCut(string text)
    {
        var taken = new bool[text.Length];
        foreach (var detector in _redactor!.Detectors)
        {
            try
            {
                foreach (var match in detector.Find(text).Where(m => m.Index >= 0 && m.Length > 0 && m.Index + m.Length <= text.Length))
                {
                    taken.AsSpan(match.Index, match.Length).Fill(true);
                }
            }
            catch (RegexMatchTimeoutException)
            {
                return 0;
            }
        }

        for (var i = text.Length - HeldTail; i > 0; i--)
        {
            if (char.IsWhiteSpace(text[i - 1]) && !taken[i - 1] && !taken[i])
            {
                return i;
            }
        }

        return 0;
    }
}

using System.Globalization;
using System.Text;

namespace Verity.Core.Connectors;

/// <summary>
/// The rules of a robots.txt (RFC 9309) for one crawler. The groups naming the crawler's product token
/// (<c>VerityBot</c> of <c>VerityBot/1.0</c>, case-insensitive, versions ignored) apply, merged when there are
/// several; without one, the <c>*</c> groups. Among the rules that match a path the longest pattern wins, and an
/// Allow wins a tie; <c>*</c> matches any characters and a final <c>$</c> anchors the end. No matching rule allows.
/// </summary>
public sealed class RobotsTxt
{
    private readonly IReadOnlyList<Rule> _rules;

    private RobotsTxt(IReadOnlyList<Rule> rules, TimeSpan? crawlDelay, IReadOnlyList<string> sitemaps)
    {
        _rules = rules;
        CrawlDelay = crawlDelay;
        Sitemaps = sitemaps;
    }

    /// <summary>What a missing robots.txt (a 4xx answer) means: everything may be crawled.</summary>
    public static RobotsTxt AllowAll { get; } = new([], null, []);

    /// <summary>What an unreadable robots.txt (5xx, no answer) means: nothing may be crawled, since the site may
    /// have meant to forbid it.</summary>
    public static RobotsTxt DisallowAll { get; } = new([new Rule("/", Allow: false)], null, []);

    /// <summary>The <c>Crawl-delay</c> of the applicable group, if it has one.</summary>
    public TimeSpan? CrawlDelay { get; }

    /// <summary>Every <c>Sitemap</c> line, whatever group it stands in.</summary>
    public IReadOnlyList<string> Sitemaps { get; }

    public static RobotsTxt Parse(string content, string userAgent)
    {
        var token = ProductToken(userAgent);
        var groups = new List<Group>();
        var sitemaps = new List<string>();
        Group? current = null;
        var inAgentLines = false;
        foreach (var rawLine in content.TrimStart('\uFEFF').Split('\n'))
        {
            var line = rawLine.Split('#', 2)[0].Trim();
            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                continue;
            }

            var key = line[..colon].Trim().ToLowerInvariant();
            var value = line[(colon + 1)..].Trim();
            switch (key)
            {
                case "user-agent":
                    if (current is null || !inAgentLines)
                    {
                        current = new Group();
                        groups.Add(current);
                    }

                    current.Agents.Add(ProductToken(value));
                    inAgentLines = true;
                    break;
                case "allow" or "disallow":
                    if (current is not null && value.Length > 0)
                    {
                        current.Rules.Add(new Rule(NormalizePattern(value), Allow: key == "allow"));
                    }

                    inAgentLines = false;
                    break;
                case "crawl-delay":
                    if (current is not null && current.CrawlDelay is null
                        && double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0)
                    {
                        current.CrawlDelay = TimeSpan.FromSeconds(Math.Min(seconds, TimeSpan.FromDays(1).TotalSeconds));
                    }

                    inAgentLines = false;
                    break;
                case "sitemap":
                    sitemaps.Add(value);
                    break;
            }
        }

        var applicable = groups.Where(g => g.Agents.Contains(token, StringComparer.OrdinalIgnoreCase)).ToList();
        if (applicable.Count == 0)
        {
            applicable = groups.Where(g => g.Agents.Contains("*")).ToList();
        }

        return new RobotsTxt(
            [.. applicable.SelectMany(g => g.Rules)],
            applicable.Select(g => g.CrawlDelay).FirstOrDefault(d => d is not null),
            sitemaps);
    }

    public bool IsAllowed(Uri url) => IsAllowed(url.PathAndQuery);

    /// <summary>Whether a path (with its query, percent-encoded as in a URL) may be fetched.</summary>
    public bool IsAllowed(string pathAndQuery)
    {
        var path = NormalizePath(pathAndQuery);
        if (path == "/robots.txt")
        {
            return true;
        }

        Rule? best = null;
        foreach (var rule in _rules)
        {
            if (Matches(rule.Pattern, path) && (best is null || rule.Pattern.Length > best.Pattern.Length
                || (rule.Pattern.Length == best.Pattern.Length && rule.Allow)))
            {
                best = rule;
            }
        }

        return best?.Allow ?? true;
    }

    /// <summary><c>VerityBot</c> of <c>VerityBot/1.0 (+https://…)</c>.</summary>
    internal static string ProductToken(string userAgent)
    {
        var end = userAgent.AsSpan().IndexOfAny('/', ' ');
        return (end < 0 ? userAgent : userAgent[..end]).Trim();
    }

    // '*' for any run of characters; the pattern matches a prefix of the path unless it ends in '$'.
    internal static bool Matches(string pattern, string path)
    {
        var anchored = pattern.EndsWith('$');
        var p = anchored ? pattern.AsSpan(0, pattern.Length - 1) : pattern.AsSpan();
        int pi = 0, si = 0, star = -1, mark = 0;
        while (si < path.Length)
        {
            if (pi < p.Length && p[pi] == '*')
            {
                star = pi++;
                mark = si;
            }
            else if (pi < p.Length && p[pi] == path[si])
            {
                pi++;
                si++;
            }
            else if (pi == p.Length && !anchored)
            {
                return true;
            }
            else if (star >= 0)
            {
                pi = star + 1;
                si = ++mark;
            }
            else
            {
                return false;
            }
        }

        while (pi < p.Length && p[pi] == '*')
        {
            pi++;
        }

        return pi == p.Length;
    }

    private static string NormalizePattern(string pattern) => NormalizePath(pattern);

    // Patterns and paths are compared in one percent-encoded form: non-ASCII as UTF-8 escapes, hex digits upper
    // case, escapes of unreserved characters decoded ("%7E" and "~" are the same path).
    internal static string NormalizePath(string value)
    {
        var builder = new StringBuilder(value.Length);
        Span<byte> utf8 = stackalloc byte[4];
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            if (c == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                var decoded = (char)Convert.ToByte(value.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~')
                {
                    builder.Append(decoded);
                }
                else
                {
                    builder.Append('%').Append(char.ToUpperInvariant(value[i + 1])).Append(char.ToUpperInvariant(value[i + 2]));
                }

                i += 2;
            }
            else if (c > 0x7F)
            {
                var length = char.IsHighSurrogate(c) && i + 1 < value.Length
                    ? Encoding.UTF8.GetBytes(value.AsSpan(i++, 2), utf8)
                    : Encoding.UTF8.GetBytes(value.AsSpan(i, 1), utf8);
                foreach (var b in utf8[..length])
                {
                    builder.Append('%').Append(b.ToString("X2", CultureInfo.InvariantCulture));
                }
            }
            else
            {
                builder.Append(c);
            }
        }

        return builder.ToString();
    }

    private sealed class Group
    {
        public List<string> Agents { get; } = [];
        public List<Rule> Rules { get; } = [];
        public TimeSpan? CrawlDelay { get; set; }
    }

    private sealed record Rule(string Pattern, bool Allow);
}

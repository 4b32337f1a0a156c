using System.Globalization;
using System.Text;
using Verity.Core;

namespace Verity.Postgres;

public sealed partial class PostgresAuditLog
{
    // The keyset of the last record of a page: its time (ISO 8601 UTC) and id, base64url so it travels in a query
    // string. The token carries no tenant: the next page is read in the asking tenant's scope whatever it says.
    private static string EncodeCursor(DateTimeOffset at, long id) =>
        Convert.ToBase64String(Encoding.UTF8.GetBytes(
                at.UtcDateTime.ToString("O", CultureInfo.InvariantCulture) + "|" + id.ToString(CultureInfo.InvariantCulture)))
            .TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static (DateTimeOffset At, long Id) DecodeCursor(string cursor)
    {
        try
        {
            var padded = cursor.Replace('-', '+').Replace('_', '/');
            padded += new string('=', (4 - (padded.Length % 4)) % 4);
            var parts = Encoding.UTF8.GetString(Convert.FromBase64String(padded)).Split('|');
            if (parts.Length == 2
                && DateTimeOffset.TryParseExact(parts[0], "O", CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
                && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return (at.ToUniversalTime(), id);
            }
        }
        catch (FormatException)
        {
        }

        throw new InvalidRequestException("The page cursor is invalid.", "after");
    }
}

using System.Net.Http.Json;
using System.Text.Json;

namespace Verity.Server.Tests;

/// <summary>A small corpus with distinct, checkable facts, plus filler so that BM25 statistics behave as in a
/// real index.</summary>
internal static class TestDocuments
{
    public static readonly (string Id, string Title, string Text, string Team)[] All =
    [
        ("kb/vpn", "VPN access", """
            # VPN access

            ## Connecting
            Staff connect to the corporate VPN with the Pangolin client. The VPN gateway is vpn.example.test and sessions expire after 12 hours.

            ## Troubleshooting
            If the Pangolin client shows error 809, restart the network adapter and try again.
            """, "it"),
        ("kb/expenses", "Expense policy", """
            # Expense policy

            Employees submit receipts within 30 days of purchase. Meals while travelling are reimbursed up to 45 euros per day.
            Taxi rides after 22:00 are always reimbursed.
            """, "finance"),
        ("kb/oncall", "On-call rotation", """
            # On-call rotation

            The on-call engineer acknowledges a page within 5 minutes. Rotations change every Monday at 10:00 UTC.
            Escalate to the incident commander when an outage lasts longer than 30 minutes.
            """, "sre"),
        ("kb/kitchen", "Office kitchen", """
            # Office kitchen

            The kitchen on the third floor has two coffee machines. Please empty the dishwasher when it finishes.
            Fruit is delivered on Tuesdays and Thursdays.
            """, "facilities"),
        ("kb/parking", "Parking", """
            # Parking

            The garage under the building has forty spaces for bicycles and twelve for cars. Car spaces are booked through the facilities desk.
            """, "facilities"),
        ("kb/printing", "Printing", """
            # Printing

            Printers on every floor release jobs when you badge in. Colour printing is limited to 200 pages per month.
            """, "it"),
    ];

    public static async Task SeedAsync(HttpClient client)
    {
        foreach (var (id, title, text, team) in All)
        {
            var response = await client.PostAsJsonAsync("/v1/documents", new
            {
                id,
                title,
                text,
                media_type = "text/markdown",
                uri = $"https://wiki.example.test/{id}",
                metadata = new Dictionary<string, string> { ["team"] = team },
            });
            response.EnsureSuccessStatusCode();
        }
    }

    public static async Task<JsonElement> ReadJsonAsync(this HttpResponseMessage response) =>
        await response.Content.ReadFromJsonAsync<JsonElement>();
}

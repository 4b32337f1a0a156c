using System.Text;
using Verity.Core.Jobs;

namespace Verity.Postgres.Tests.Jobs;

/// <summary>
/// A queue of small text uploads over a few hundred documents of two tenants, where most documents are updated
/// several times and some deleted (and re-added), so the index is right at the end only if every document's items
/// ran in enqueue order. Each version carries its number as the source version and in its text.
/// </summary>
internal sealed class FleetQueuePlan
{
    public static readonly string[] Tenants = ["tenant-a", "tenant-b"];

    private FleetQueuePlan(List<(string Tenant, NewJobItem[] Items)> jobs, Dictionary<(string Tenant, string Document), long?> expected)
    {
        Jobs = jobs;
        Expected = expected;
    }

    public IReadOnlyList<(string Tenant, NewJobItem[] Items)> Jobs { get; }

    /// <summary>Every document the plan touches: the version it ends at, or null when its last item deletes it.</summary>
    public IReadOnlyDictionary<(string Tenant, string Document), long?> Expected { get; }

    public int ItemCount => Jobs.Sum(j => j.Items.Length);

    public static FleetQueuePlan Create(int jobs, int itemsPerJob, int documentsPerTenant, int seed)
    {
        var random = new Random(seed);
        var versions = new Dictionary<(string, string), long>();
        var expected = new Dictionary<(string Tenant, string Document), long?>();
        var plan = new List<(string, NewJobItem[])>();
        for (var j = 0; j < jobs; j++)
        {
            var tenant = Tenants[j % Tenants.Length];
            var items = new NewJobItem[itemsPerJob];
            for (var k = 0; k < itemsPerJob; k++)
            {
                var document = $"doc-{random.Next(documentsPerTenant):000}.txt";
                var key = (tenant, document);
                if (expected.GetValueOrDefault(key) is not null && random.Next(100) < 15)
                {
                    items[k] = new NewJobItem { DocumentId = document, Action = JobItemAction.Delete };
                    expected[key] = null;
                    continue;
                }

                var version = versions[key] = versions.GetValueOrDefault(key) + 1;
                expected[key] = version;
                items[k] = new NewJobItem
                {
                    DocumentId = document,
                    Content = Encoding.UTF8.GetBytes(Text(tenant, document, version)),
                    Descriptor = new JobItemDescriptor { FileName = document, MediaType = "text/plain", SourceVersion = version }.ToJson(),
                };
            }

            plan.Add((tenant, items));
        }

        return new FleetQueuePlan(plan, expected);
    }

    public static string Marker(long version) => $"version {version} of";

    private static string Text(string tenant, string document, long version) =>
        $"This is {Marker(version)} {document} in {tenant}. The quarterly report lists revenue, staffing and the " +
        $"projects that shipped; revision {version} corrects the figures of the previous one.";
}

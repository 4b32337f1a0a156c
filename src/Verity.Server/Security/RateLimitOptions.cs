using System.ComponentModel.DataAnnotations;

namespace Verity.Server.Security;

/// <summary>Bound from <c>Verity:RateLimits</c>. Two budgets — queries (chat, search) and ingestion (document
/// writes) — each limited per user and per tenant, so one noisy user cannot starve their tenant, and one tenant
/// cannot starve the others.</summary>
public sealed class RateLimitOptions
{
    public bool Enabled { get; set; } = true;

    public Budget Query { get; set; } = new() { PerUserPerMinute = 120, PerTenantPerMinute = 1200 };

    public Budget Ingest { get; set; } = new() { PerUserPerMinute = 60, PerTenantPerMinute = 600 };

    public sealed class Budget
    {
        [Range(1, 1_000_000)]
        public int PerUserPerMinute { get; set; }

        [Range(1, 10_000_000)]
        public int PerTenantPerMinute { get; set; }
    }
}

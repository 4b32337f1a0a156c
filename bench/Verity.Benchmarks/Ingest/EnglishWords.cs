namespace Verity.Benchmarks.Ingest;

/// <summary>
/// The word lists the mixed corpus is written from: ordinary English words of the kind found in a company's
/// handbooks, reports and tickets, grouped by part of speech so that sentences read as grammatical English. Each
/// list is in rough order of frequency (the sampler favours the front). Written for this benchmark; the invented
/// product and place names in <see cref="ProseGenerator"/> give the long tail of rare terms real corpora have.
/// </summary>
internal static class EnglishWords
{
    public static readonly string[] Nouns =
    [
        "team", "customer", "system", "process", "policy", "service", "report", "project", "request", "account",
        "user", "data", "change", "order", "product", "update", "review", "invoice", "contract", "budget",
        "manager", "employee", "office", "meeting", "schedule", "release", "server", "network", "device", "license",
        "payment", "incident", "ticket", "deadline", "quarter", "region", "market", "price", "cost", "risk",
        "issue", "feature", "document", "record", "file", "folder", "password", "access", "permission", "role",
        "vendor", "supplier", "shipment", "warehouse", "delivery", "route", "vehicle", "site", "building", "floor",
        "desk", "laptop", "printer", "application", "database", "backup", "storage", "cluster", "zone", "plan",
        "goal", "target", "metric", "result", "trend", "forecast", "estimate", "figure", "total", "balance",
        "expense", "revenue", "margin", "discount", "tax", "audit", "control", "standard", "rule", "guideline",
        "procedure", "step", "task", "owner", "approver", "reviewer", "partner", "client", "visitor", "training",
        "course", "session", "workshop", "handbook", "manual", "guide", "checklist", "template", "form", "question",
        "answer", "decision", "proposal", "agreement", "renewal", "notice", "period", "week", "month", "year",
        "day", "hour", "minute", "shift", "holiday", "leave", "benefit", "salary", "bonus", "candidate",
        "interview", "offer", "position", "department", "division", "unit", "branch", "committee", "board", "director",
        "engineer", "analyst", "designer", "operator", "technician", "administrator", "contractor", "consultant", "version", "commit",
        "build", "test", "pipeline", "deployment", "environment", "configuration", "setting", "alert", "outage", "latency",
        "throughput", "capacity", "load", "queue", "job", "worker", "thread", "message", "email", "call",
        "channel", "comment", "note", "summary", "draft", "copy", "inventory", "stock", "item", "batch",
        "sample", "measurement", "inspection", "defect", "repair", "maintenance", "upgrade", "migration", "integration", "interface",
        "endpoint", "certificate", "key", "token", "safety", "security", "privacy", "compliance", "regulation", "law",
        "claim", "case", "dispute", "complaint", "feedback", "survey", "score", "rating", "level", "tier",
        "package", "bundle", "subscription", "warranty", "return", "refund", "credit", "loan", "asset", "liability",
        "equity", "fund", "grant", "community", "event", "conference", "presentation", "slide", "chart", "table",
        "column", "row", "cell", "morning", "afternoon", "evening", "weekend", "calendar", "room", "kitchen",
        "parking", "badge", "lobby",
    ];

    public static readonly string[] Verbs =
    [
        "review", "update", "approve", "send", "check", "create", "include", "require", "support", "provide",
        "follow", "manage", "handle", "track", "record", "report", "share", "store", "process", "complete",
        "submit", "confirm", "request", "assign", "schedule", "prepare", "deliver", "measure", "reduce", "improve",
        "increase", "replace", "remove", "restore", "install", "configure", "deploy", "monitor", "test", "verify",
        "validate", "document", "describe", "explain", "define", "list", "mention", "cover", "affect", "change",
        "extend", "renew", "cancel", "close", "open", "start", "finish", "pause", "resume", "restart",
        "escalate", "resolve", "investigate", "analyse", "compare", "estimate", "calculate", "forecast", "budget", "invoice",
        "receive", "collect", "return", "exchange", "order", "purchase", "sell", "ship", "load", "inspect",
        "clean", "repair", "maintain", "upgrade", "migrate", "connect", "export", "import", "sync", "archive",
        "protect", "encrypt", "rotate", "revoke", "grant", "limit", "allow", "block", "notify", "remind",
        "train", "hire", "interview", "onboard", "welcome", "plan", "organise", "host", "attend", "present",
    ];

    public static readonly string[] Adjectives =
    [
        "new", "current", "annual", "monthly", "weekly", "daily", "final", "first", "last", "next",
        "main", "shared", "internal", "external", "public", "private", "local", "remote", "regional", "global",
        "standard", "custom", "default", "optional", "required", "approved", "pending", "open", "closed", "active",
        "critical", "major", "minor", "urgent", "routine", "scheduled", "planned", "unplanned", "temporary", "permanent",
        "secure", "encrypted", "signed", "valid", "expired", "existing", "previous", "original", "revised", "updated",
        "large", "small", "short", "long", "early", "late", "high", "low", "full", "partial",
        "simple", "complex", "clear", "detailed", "brief", "accurate", "reliable", "stable", "flexible", "efficient",
        "financial", "technical", "legal", "operational", "commercial", "strategic", "quarterly", "seasonal", "additional", "separate",
    ];

    public static readonly string[] Adverbs =
    [
        "quickly", "carefully", "usually", "often", "always", "never", "rarely", "again", "already", "still",
        "together", "separately", "automatically", "manually", "directly", "immediately", "promptly", "regularly", "only", "also",
    ];

    public static readonly string[] Prepositions =
    [
        "for", "in", "on", "with", "from", "to", "by", "after", "before", "during",
        "under", "across", "within", "without", "through", "between", "against", "about", "into", "per",
    ];

    public static readonly string[] Connectives =
    [
        "However", "In practice", "For example", "As a result", "In most cases", "Since last year", "At the moment",
        "Where possible", "In addition", "For this reason", "Until further notice", "By default",
    ];

    public static readonly string[] Subordinators = ["because", "while", "although", "so that", "unless", "once", "when", "after", "before"];

    public static readonly string[] Modals = ["should", "must", "can", "may", "will", "could", "would"];

    public static readonly string[] Determiners = ["the", "the", "the", "a", "each", "every", "this", "that", "our", "your", "their", "any"];

    public static readonly string[] Pronouns = ["we", "you", "they", "the team", "the owner", "everyone", "nobody", "someone"];

    public static readonly string[] FirstNames =
    [
        "Alice", "Ben", "Carla", "David", "Elena", "Farid", "Grace", "Hiro", "Ines", "Jonas",
        "Kemal", "Lena", "Marco", "Nadia", "Oskar", "Priya", "Quentin", "Rosa", "Samir", "Tessa",
    ];

    public static readonly string[] LastNames =
    [
        "Adams", "Brandt", "Costa", "Duval", "Eriksen", "Fischer", "Garcia", "Hansen", "Ito", "Jensen",
        "Keller", "Lopez", "Moreau", "Novak", "Okafor", "Peters", "Rossi", "Schmidt", "Tanaka", "Weber",
    ];

    public static readonly string[] Months =
    [
        "January", "February", "March", "April", "May", "June", "July", "August", "September", "October", "November", "December",
    ];
}

using System.ComponentModel.DataAnnotations;

namespace Verity.Core.Chat;

/// <summary>When an answer counts as grounded, bound from <c>Verity:Grounding</c>.</summary>
public sealed class GroundingOptions
{
    /// <summary>Share of the answer's sentences that must carry a valid citation. A model's answer below it is
    /// returned, but marked not grounded and with <see cref="UnsupportedNotice"/>.</summary>
    [Range(0.0, 1.0)]
    public double MinCitedShare { get; set; } = 0.5;

    public string UnsupportedNotice { get; set; } =
        "This answer does not cite the documents it was given for most of what it says; it may not be supported by them.";
}

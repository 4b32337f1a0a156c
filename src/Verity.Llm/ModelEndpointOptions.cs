namespace Verity.Llm;

/// <summary>One chat model endpoint of the generation chain (the primary is <see cref="LlmOptions"/> itself; the
/// others are <see cref="LlmOptions.Fallbacks"/>).</summary>
public class ModelEndpointOptions : RemoteEndpointOptions
{
    /// <summary>Longest pause allowed between two updates of a streamed answer once it has started.</summary>
    public TimeSpan StreamIdleTimeout { get; set; } = TimeSpan.FromSeconds(20);

    /// <summary>Upper bound on the answer's length, in tokens.</summary>
    public int MaxOutputTokens { get; set; } = 1024;

    /// <summary>Low by default: a grounded answer should restate its sources, not improvise.</summary>
    public float Temperature { get; set; } = 0.1f;

    internal override void CollectProblems(string section, List<string> problems)
    {
        base.CollectProblems(section, problems);
        EndpointValidation.CheckChat(this, section, problems);
    }

    /// <summary>A plain copy of these settings under another name.</summary>
    internal ModelEndpointOptions CopyAs(string name)
    {
        var copy = new ModelEndpointOptions
        {
            StreamIdleTimeout = StreamIdleTimeout,
            MaxOutputTokens = MaxOutputTokens,
            Temperature = Temperature,
        };
        CopyEndpointTo(copy);
        copy.Name = name;
        return copy;
    }
}

using Microsoft.Extensions.Configuration;

namespace Verity.Llm.Tests;

public sealed class LlmOptionsTests
{
    private static LlmOptions Configured() => new()
    {
        Endpoint = "https://api.openai.com/v1/",
        Model = "gpt-4o-mini",
        ApiKey = TestEndpoints.Key,
    };

    private static string Problems(LlmOptions options) =>
        Assert.Throws<InvalidOperationException>(options.Validate).Message;

    [Fact]
    public void Validate_NothingConfigured_IsValidAndEmpty()
    {
        var options = new LlmOptions();

        options.Validate();

        Assert.False(options.IsConfigured);
        Assert.Empty(options.GetChain());
    }

    [Fact]
    public void Validate_CompleteConfiguration_Passes()
    {
        var options = Configured();
        options.Fallbacks.Add(new ModelEndpointOptions { Endpoint = "http://localhost:11434/v1", Model = "llama3.2" });
        options.Embeddings = new EmbeddingEndpointOptions { Endpoint = "https://api.openai.com/v1/", Model = "text-embedding-3-small", Dimensions = 1536 };

        options.Validate();
    }

    [Fact]
    public void Validate_ModelWithoutEndpoint_NamesTheMissingKey()
    {
        var options = new LlmOptions { Model = "gpt-4o-mini" };

        Assert.Contains("Llm:Endpoint is required", Problems(options), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("api.openai.com/v1", "Llm:Endpoint must be an absolute http or https URL")]
    [InlineData("ftp://models.local/v1/", "Llm:Endpoint must be an absolute http or https URL")]
    [InlineData("https://user:pw@models.local/v1/", "Llm:Endpoint must not contain credentials")]
    [InlineData("https://res.openai.azure.com/openai/deployments/x?api-version=2024-02-01", "Llm:Endpoint must not have a query string")]
    public void Validate_BadEndpoint_SaysWhatIsExpected(string endpoint, string expected)
    {
        var options = Configured();
        options.Endpoint = endpoint;

        var message = Problems(options);

        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("pw@", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_SeveralProblems_ListsEachWithItsKey()
    {
        var options = Configured();
        options.Timeout = TimeSpan.Zero;
        options.BreakDuration = TimeSpan.FromMilliseconds(100);
        options.MinimumThroughput = 1;
        options.FailureRatio = 0;
        options.Temperature = 3;
        options.MaxRetries = 11;
        options.Fallbacks.Add(new ModelEndpointOptions { Endpoint = "http://localhost:8000/v1/" });
        options.Fallbacks.Add(new ModelEndpointOptions { Model = "x" });
        options.Embeddings = new EmbeddingEndpointOptions { Endpoint = "http://localhost:8000/v1/", Model = "e5", BatchSize = 0 };

        var message = Problems(options);

        foreach (var key in new[]
        {
            "Llm:Timeout", "Llm:BreakDuration", "Llm:MinimumThroughput", "Llm:FailureRatio", "Llm:Temperature", "Llm:MaxRetries",
            "Llm:Fallbacks:0:Model is required", "Llm:Fallbacks:1:Endpoint is required",
            "Llm:Embeddings:Dimensions is required", "Llm:Embeddings:BatchSize",
        })
        {
            Assert.Contains(key, message, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Validate_TotalTimeoutShorterThanOneAttempt_IsReported()
    {
        var options = Configured();
        options.Timeout = TimeSpan.FromSeconds(30);
        options.TotalTimeout = TimeSpan.FromSeconds(10);

        var message = Problems(options);

        Assert.Contains("Llm:TotalTimeout (00:00:10) must be at least Timeout (00:00:30)", message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_KeyWithALineBreak_IsReportedWithoutTheKey()
    {
        var options = Configured();
        options.ApiKey = TestEndpoints.Key + "\n";

        var message = Problems(options);

        Assert.Contains("Llm:ApiKey contains white space", message, StringComparison.Ordinal);
        Assert.DoesNotContain(TestEndpoints.Key, message, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_DuplicateNames_AreRefused()
    {
        var options = Configured();
        options.Fallbacks.Add(new ModelEndpointOptions { Name = "Primary", Endpoint = "http://localhost:8000/v1/", Model = "m" });

        Assert.Contains("'primary' is used twice", Problems(options), StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void GetChain_DefaultNames_PrimaryThenNumberedFallbacks()
    {
        var options = Configured();
        options.Fallbacks.Add(new ModelEndpointOptions { Endpoint = "http://a/v1/", Model = "a" });
        options.Fallbacks.Add(new ModelEndpointOptions { Name = "cheap", Endpoint = "http://b/v1/", Model = "b", MaxOutputTokens = 200 });
        options.Fallbacks.Add(new ModelEndpointOptions { Endpoint = "http://c/v1/", Model = "c" });

        var chain = options.GetChain();

        Assert.Equal(["primary", "fallback-1", "cheap", "fallback-3"], chain.Select(m => m.Name));
        Assert.Equal(["gpt-4o-mini", "a", "b", "c"], chain.Select(m => m.Model));
        Assert.Equal(200, chain[2].MaxOutputTokens);
        Assert.IsNotType<LlmOptions>(chain[0]);
        Assert.Equal(TestEndpoints.Key, chain[0].ApiKey);
    }

    [Fact]
    public void Bind_FromConfigurationKeys_FillsEveryLevel()
    {
        var configuration = new ConfigurationBuilder().AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Llm:Endpoint"] = "http://localhost:11434/v1/",
            ["Llm:Model"] = "llama3.2",
            ["Llm:Timeout"] = "00:00:10",
            ["Llm:Fallbacks:0:Endpoint"] = "https://api.openai.com/v1/",
            ["Llm:Fallbacks:0:Model"] = "gpt-4o-mini",
            ["Llm:Fallbacks:0:ApiKey"] = "sk-x",
            ["Llm:Embeddings:Endpoint"] = "http://localhost:11434/v1/",
            ["Llm:Embeddings:Model"] = "nomic-embed-text",
            ["Llm:Embeddings:Dimensions"] = "768",
            ["Llm:Embeddings:RequestDimensions"] = "false",
        }).Build();

        var options = configuration.GetSection(LlmOptions.SectionName).Get<LlmOptions>()!;
        options.Validate();

        Assert.Equal("primary", options.Name);
        Assert.Equal(TimeSpan.FromSeconds(10), options.Timeout);
        Assert.Equal(["primary", "fallback-1"], options.GetChain().Select(m => m.Name));
        Assert.Equal("sk-x", options.Fallbacks[0].ApiKey);
        Assert.Equal("embeddings", options.Embeddings!.Name);
        Assert.Equal(768, options.Embeddings.Dimensions);
        Assert.False(options.Embeddings.RequestDimensions);
        Assert.Equal(64, options.Embeddings.BatchSize);
    }

    [Fact]
    public void ToString_WithKey_ShowsNameModelAndEndpointButNotTheKey()
    {
        var options = Configured();
        options.Endpoint = "https://api.openai.com/v1/";

        var text = options.ToString();

        Assert.Equal("primary: gpt-4o-mini at https://api.openai.com/v1/ (API key set)", text);
        Assert.DoesNotContain(TestEndpoints.Key, options.GetChain()[0].ToString(), StringComparison.Ordinal);
        Assert.DoesNotContain(TestEndpoints.Key, new EmbeddingEndpointOptions { ApiKey = TestEndpoints.Key }.ToString(), StringComparison.Ordinal);
    }
}

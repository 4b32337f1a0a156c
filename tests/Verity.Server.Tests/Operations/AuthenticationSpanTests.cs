using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;

namespace Verity.Server.Tests.Operations;

/// <summary>Authentication as a traced stage: a <c>verity.auth</c> span under the server span that says how the
/// caller was (or was not) authenticated and for which tenant, and never holds the credential.</summary>
public sealed class AuthenticationSpanTests : IDisposable
{
    private readonly TelemetryFactory _factory = new();

    public AuthenticationSpanTests()
    {
        _factory.Settings.Remove("Auth:Anonymous");
        _factory.Settings["Auth:SigningKey"] = TestTokens.SigningKey;
    }

    [Fact]
    public async Task Auth_ValidToken_SpanSaysBearerAuthenticatedForTheTenant()
    {
        var token = TestTokens.Create(user: "erin", tenant: "acme");

        var span = await AuthSpanAsync(token, HttpStatusCode.OK);

        Assert.Equal("authenticated", span.GetTagItem("verity.auth.outcome"));
        Assert.Equal("Bearer", span.GetTagItem("verity.auth.scheme"));
        Assert.Equal("acme", span.GetTagItem("verity.tenant.id"));
        Assert.DoesNotContain(span.TagObjects, t => (t.Value as string)?.Contains(token[..20], StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Auth_UnsignedToken_SpanSaysRejectedWithoutTheToken()
    {
        var token = TestTokens.Unsigned();

        var span = await AuthSpanAsync(token, HttpStatusCode.Unauthorized);

        Assert.Equal("rejected", span.GetTagItem("verity.auth.outcome"));
        Assert.Null(span.GetTagItem("verity.tenant.id"));
        Assert.DoesNotContain(span.TagObjects, t => (t.Value as string)?.Contains(token[..20], StringComparison.Ordinal) == true);
    }

    [Fact]
    public async Task Auth_NoCredential_SpanSaysNone()
    {
        var span = await AuthSpanAsync(null, HttpStatusCode.Unauthorized);

        Assert.Equal("none", span.GetTagItem("verity.auth.outcome"));
    }

    public void Dispose() => _factory.Dispose();

    private async Task<Activity> AuthSpanAsync(string? token, HttpStatusCode expected)
    {
        using var client = _factory.CreateClient();
        if (token is not null)
        {
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        using var response = await client.GetAsync("/v1/documents");
        Assert.Equal(expected, response.StatusCode);
        var traceId = Assert.Single(response.Headers.GetValues("X-Trace-Id"));
        var spans = await _factory.Spans.TraceAsync(traceId, s => s.Kind == ActivityKind.Server);
        var auth = Assert.Single(spans, s => s.OperationName == "verity.auth");
        var parent = Assert.Single(spans, s => s.SpanId == auth.ParentSpanId);
        Assert.Equal(ActivityKind.Server, parent.Kind);
        // The stage ends when authentication does, long before the request.
        Assert.True(auth.Duration < parent.Duration, $"auth {auth.Duration} vs request {parent.Duration}");
        return auth;
    }
}

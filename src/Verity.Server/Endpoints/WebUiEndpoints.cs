namespace Verity.Server.Endpoints;

public static class WebUiEndpoints
{
    private static readonly Lazy<string> Page = new(() =>
    {
        using var stream = typeof(WebUiEndpoints).Assembly.GetManifestResourceStream("Verity.Server.Web.index.html")
            ?? throw new InvalidOperationException("The web UI resource is missing from the build.");
        using var reader = new StreamReader(stream);
        return reader.ReadToEnd();
    });

    public static IEndpointRouteBuilder MapWebUi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/", () => TypedResults.Content(Page.Value, "text/html; charset=utf-8"))
            .WithName("WebUi").WithSummary("A page to ask questions and read cited answers.").ExcludeFromDescription();
        return app;
    }
}

using Microsoft.AspNetCore.Http.HttpResults;
using Verity.Core.Audit;
using Verity.Core.Model;
using Verity.Core.Retrieval;
using Verity.Server.Contracts;
using Verity.Server.Security;

namespace Verity.Server.Endpoints;

public static class SearchEndpoints
{
    public static IEndpointRouteBuilder MapSearchEndpoints(this IEndpointRouteBuilder app)
    {
        app.MapPost("/v1/search", SearchAsync)
            .WithName("Search")
            .WithSummary("Hybrid (default), dense or lexical search over the indexed chunks.")
            .WithTags("Search")
            .RequireAuthorization(AuthSetup.ReadPolicy)
            .Audited(AuditActions.Search)
            .ProducesProblem(StatusCodes.Status400BadRequest);
        return app;
    }

    public static async Task<Ok<SearchResponseBody>> SearchAsync(
        SearchRequestBody body, Retriever retriever, HttpContext context, CancellationToken cancellationToken)
    {
        var caller = Caller.Of(context);
        var response = await retriever.SearchAsync(
            new SearchRequest
            {
                Query = body.Query ?? "",
                TenantId = caller.TenantId,
                Principals = caller.Principals,
                Mode = body.Mode ?? SearchMode.Hybrid,
                TopK = body.TopK,
                Filters = body.Filters,
                Ranges = body.Ranges.ToRanges(),
            },
            cancellationToken);

        return TypedResults.Ok(new SearchResponseBody(
            response.Query,
            response.Mode,
            response.Results.Select(r => r.ToHit()).ToList(),
            Math.Round(response.ElapsedMs, 2)));
    }
}

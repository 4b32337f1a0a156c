using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Verity.Server.Contracts;

namespace Verity.Server.Endpoints;

/// <summary>
/// Errors of the OpenAI-compatible endpoints stay Verity ProblemDetails (status, title, detail, trace id) and also
/// carry OpenAI's <c>error: {message, type, param, code}</c>, which is what OpenAI SDKs and chat front ends read and
/// show. Applies to every error of those routes: bad bodies, authentication, rate limits, domain errors.
/// </summary>
public static class OpenAiErrors
{
    /// <summary>Adds the OpenAI error member to ProblemDetails written for the OpenAI-compatible routes.</summary>
    public static IServiceCollection AddOpenAiErrors(this IServiceCollection services) =>
        services.PostConfigure<ProblemDetailsOptions>(options =>
        {
            var customize = options.CustomizeProblemDetails;
            options.CustomizeProblemDetails = context =>
            {
                customize?.Invoke(context);
                Decorate(context);
            };
        });

    internal static void Decorate(ProblemDetailsContext context)
    {
        var http = context.HttpContext;
        // The exception handler clears the endpoint before it writes; its feature keeps the one that failed.
        var endpoint = http.GetEndpoint() ?? http.Features.Get<IExceptionHandlerFeature>()?.Endpoint;
        if (endpoint?.Metadata.GetMetadata<OpenAiProtocolEndpoint>() is not null)
        {
            context.ProblemDetails.Extensions["error"] = For(context.ProblemDetails);
        }
    }

    internal static OpenAiError For(ProblemDetails problem)
    {
        var status = problem.Status ?? StatusCodes.Status500InternalServerError;
        var (type, code) = status switch
        {
            StatusCodes.Status401Unauthorized => ("authentication_error", "invalid_api_key"),
            StatusCodes.Status403Forbidden => ("permission_error", "forbidden"),
            StatusCodes.Status404NotFound => ("not_found_error", "not_found"),
            StatusCodes.Status413PayloadTooLarge => ("invalid_request_error", "request_too_large"),
            StatusCodes.Status429TooManyRequests => ("rate_limit_error", "rate_limit_exceeded"),
            StatusCodes.Status503ServiceUnavailable => ("server_error", "service_unavailable"),
            >= 500 => ("server_error", "internal_error"),
            _ => ("invalid_request_error", "invalid_request"),
        };
        var message = problem.Detail ?? (status == StatusCodes.Status401Unauthorized
            ? "Authentication failed: send a Verity API key (vk_...) or an access token as the bearer token."
            : problem.Title ?? "The request failed.");
        var param = (problem as HttpValidationProblemDetails)?.Errors.Keys.FirstOrDefault();
        return new OpenAiError(message, type, param, code);
    }
}

using System.Diagnostics;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;
using Verity.Core.Telemetry;
using Verity.Server.Security;

namespace Verity.Server.Telemetry;

/// <summary>
/// Authentication as a stage of the trace: a <c>verity.auth</c> span around the authentication middleware alone
/// (not the endpoint after it), tagged with the scheme, the outcome and, once known, the tenant. The credential itself
/// is never read here beyond whether one was presented.
/// </summary>
internal static class AuthenticationTracing
{
    public const string SpanName = "verity.auth";

    /// <summary>Replaces <c>UseAuthentication()</c>.</summary>
    public static IApplicationBuilder UseTracedAuthentication(this IApplicationBuilder app)
    {
        app.Use(async (context, next) =>
        {
            using var span = VerityTelemetry.Source.StartActivity(SpanName);
            if (span is null)
            {
                await next(context);
                return;
            }

            var stage = new AuthStage(span);
            context.Features.Set(stage);
            try
            {
                await next(context);
            }
            finally
            {
                // Authentication threw or answered by itself (a challenge): the span still ends with what is known.
                stage.End(context);
            }
        });
        app.UseAuthentication();
        // Right after authentication: ending the span here makes the server span current again for the endpoint.
        app.Use((context, next) =>
        {
            context.Features.Get<AuthStage>()?.End(context);
            return next(context);
        });
        return app;
    }

    private sealed class AuthStage(Activity span)
    {
        public void End(HttpContext context)
        {
            if (span.IsStopped)
            {
                return;
            }

            var presented = context.Request.Headers.Authorization.Count > 0 || ApiKeyAuthenticationHandler.HasKey(context.Request);
            var ticket = context.Features.Get<IAuthenticateResultFeature>()?.AuthenticateResult?.Ticket;
            if (ticket is not null && context.User.Identity?.IsAuthenticated == true)
            {
                span.SetTag("verity.auth.scheme", ticket.AuthenticationScheme);
                span.SetTag("verity.auth.outcome", "authenticated");
                var claims = context.RequestServices.GetRequiredService<IOptions<AuthOptions>>().Value.Claims;
                span.SetTag("verity.tenant.id", context.User.FindFirst(claims.Tenant)?.Value);
            }
            else
            {
                // A presented credential that did not authenticate is refused later (401); none at all may be fine
                // for an open endpoint such as the health checks.
                span.SetTag("verity.auth.outcome", presented ? "rejected" : "none");
            }

            span.Stop();
        }
    }
}

using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Verity.Core.Generation;
using Verity.Core.Text;

namespace Verity.Core.Routing;

/// <summary>
/// Asks a chat model to rewrite a long message as one standalone search query. The model's reply is only trusted
/// when it is short enough and shares at least one content term with the message; otherwise, and whenever the model
/// is unavailable, the <see cref="ExtractiveQueryCondenser"/> answers, so condensing never fails a question.
/// </summary>
public sealed class ModelQueryCondenser(
    ChatModel model, ExtractiveQueryCondenser fallback, ILogger<ModelQueryCondenser> logger) : IQueryCondenser
{
    public async Task<string> CondenseAsync(string question, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(question);
        var maxWords = Math.Max(4, fallback.MaxTokens * 2 / 3);
        List<ChatMessage> messages =
        [
            new(ChatRole.System,
                "Rewrite the user's message as one standalone search query for a search engine over the organisation's " +
                "documents. Keep names, product terms, numbers and error codes exactly as written. " +
                $"Output only the query, at most {maxWords} words, with no quotes, labels or explanation."),
            new(ChatRole.User, question),
        ];
        var chatOptions = new ChatOptions
        {
            ModelId = model.Model,
            Temperature = 0f,
            // Room to notice an overlong reply rather than receive a truncated one.
            MaxOutputTokens = fallback.MaxTokens + 16,
        };

        string reply;
        try
        {
            var response = await model.Client.GetResponseAsync(messages, chatOptions, cancellationToken).ConfigureAwait(false);
            reply = Clean(response.Text);
        }
        catch (Exception e) when (!cancellationToken.IsCancellationRequested)
        {
            // ModelUnavailableException is the expected case; any other failure of an optimisation degrades the same way.
            Log.CondenserModelFailed(logger, model.Name, e);
            return fallback.Condense(question);
        }

        var problem = Check(reply, question);
        if (problem is not null)
        {
            Log.CondenserReplyRejected(logger, model.Name, problem);
            return fallback.Condense(question);
        }

        return reply;
    }

    private string? Check(string reply, string question)
    {
        if (reply.Length == 0)
        {
            return "empty";
        }

        if (fallback.Tokens.CountTokens(reply) > fallback.MaxTokens)
        {
            return "too long";
        }

        // A query about something the user never mentioned is a hallucination, not a condensation.
        var asked = Terms.ContentTerms(question).ToHashSet(StringComparer.Ordinal);
        return Terms.ContentTerms(reply).Any(asked.Contains) ? null : "no term of the question";
    }

    private static string Clean(string text) =>
        string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
            .Trim('"', '\'', '`', '\u201C', '\u201D', ' ');
}

using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Verity.Server.Tests.Ingest;

/// <summary>A file part of a multipart upload.</summary>
internal sealed record UploadPart(string FileName, byte[] Bytes, string? ContentType = null);

/// <summary>The ingestion endpoints as the tests call them: multipart uploads, job polling, searches.</summary>
internal static class IngestApi
{
    private static readonly TimeSpan PollDelay = TimeSpan.FromMilliseconds(50);

    public static MultipartFormDataContent Multipart(IEnumerable<UploadPart> files, IReadOnlyDictionary<string, string>? fields = null)
    {
        var content = new MultipartFormDataContent();
        foreach (var (name, value) in fields ?? new Dictionary<string, string>())
        {
            content.Add(new StringContent(value), name);
        }

        foreach (var file in files)
        {
            var part = new ByteArrayContent(file.Bytes);
            if (file.ContentType is not null)
            {
                part.Headers.ContentType = MediaTypeHeaderValue.Parse(file.ContentType);
            }

            content.Add(part, "files", file.FileName);
        }

        return content;
    }

    public static async Task<HttpResponseMessage> UploadAsync(
        this HttpClient client, IEnumerable<UploadPart> files, IReadOnlyDictionary<string, string>? fields = null, bool wait = false)
    {
        using var content = Multipart(files, fields);
        return await client.PostAsync(wait ? "/v1/ingest/uploads?wait=true" : "/v1/ingest/uploads", content);
    }

    /// <summary>Uploads with <c>?wait=true</c>, expects 200, and returns the body.</summary>
    public static async Task<JsonElement> UploadAndWaitAsync(
        this HttpClient client, IEnumerable<UploadPart> files, IReadOnlyDictionary<string, string>? fields = null)
    {
        using var response = await client.UploadAsync(files, fields, wait: true);
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task<JsonElement> GetJobAsync(this HttpClient client, string id)
    {
        using var response = await client.GetAsync($"/v1/ingest/jobs/{id}");
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body;
    }

    public static async Task<List<JsonElement>> GetJobListAsync(this HttpClient client)
    {
        using var response = await client.GetAsync("/v1/ingest/jobs");
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body.GetProperty("jobs").EnumerateArray().ToList();
    }

    /// <summary>Polls a job until it has finished; every state seen along the way goes to <paramref name="seen"/>.</summary>
    public static async Task<JsonElement> WaitForJobAsync(this HttpClient client, string id, List<JsonElement>? seen = null, int timeoutSeconds = 20)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (true)
        {
            var job = (await client.GetJobAsync(id)).GetProperty("job");
            seen?.Add(job);
            if (job.GetProperty("finished_at").ValueKind != JsonValueKind.Null)
            {
                return job;
            }

            Assert.True(DateTime.UtcNow < deadline, $"job {id} did not finish within {timeoutSeconds} s: {job}");
            await Task.Delay(PollDelay);
        }
    }

    public static async Task<List<JsonElement>> SearchAsync(
        this HttpClient client, string query, IReadOnlyDictionary<string, string>? filters = null)
    {
        using var response = await client.PostAsJsonAsync("/v1/search", new { query, mode = "lexical", top_k = 10, filters });
        var body = await response.ReadJsonAsync();
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"{(int)response.StatusCode}: {body}");
        return body.GetProperty("results").EnumerateArray().ToList();
    }

    public static async Task<bool> FindsAsync(this HttpClient client, string query, string documentId) =>
        (await client.SearchAsync(query)).Any(r => r.GetProperty("document_id").GetString() == documentId);

    /// <summary>Polls until <paramref name="condition"/> holds, failing with <paramref name="because"/> after the timeout.</summary>
    public static async Task EventuallyAsync(Func<Task<bool>> condition, string because, int timeoutSeconds = 10)
    {
        var deadline = DateTime.UtcNow.AddSeconds(timeoutSeconds);
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"{because} (waited {timeoutSeconds} s)");
            await Task.Delay(PollDelay);
        }
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static int Int(this JsonElement element, string property) => element.GetProperty(property).GetInt32();
}

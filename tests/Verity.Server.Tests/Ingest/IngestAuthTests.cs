using System.Net;

namespace Verity.Server.Tests.Ingest;

/// <summary>Who may upload, and what one caller's uploads and jobs reveal to another: nothing across tenants, and
/// nothing an ACL keeps from a user of the same tenant.</summary>
public sealed class IngestAuthTests : IDisposable
{
    private readonly VerityServerFactory _factory = TestTokens.AuthenticatedFactory();

    [Fact]
    public async Task Upload_ReaderRole_Returns403AndQueuesNothing()
    {
        using var reader = _factory.CreateClient().WithToken(TestTokens.Create(user: "rita", roles: ["reader"]));

        using var response = await reader.UploadAsync([new UploadPart("r.md", UploadFiles.Utf8("Readers cannot upload."))]);

        await ProblemAssert.IsProblemAsync(response, HttpStatusCode.Forbidden);
        using var editor = _factory.CreateClient().WithToken(TestTokens.Create(user: "ed", roles: ["editor"]));
        Assert.Empty(await editor.GetJobListAsync());
    }

    [Fact]
    public async Task Jobs_OtherTenant_AreNotFoundAndNotListed()
    {
        using var acme = _factory.CreateClient().WithToken(TestTokens.Create(user: "ann", tenant: "acme", roles: ["editor"]));
        using var globex = _factory.CreateClient().WithToken(TestTokens.Create(user: "gus", tenant: "globex", roles: ["admin"]));
        var upload = await acme.UploadAndWaitAsync(
        [
            new UploadPart("plan.md", UploadFiles.Utf8("# Plan\n\nThe acme launch date is the ninth of June.\n")),
            new UploadPart("bad.docx", UploadFiles.CorruptDocx()),
        ]);
        var jobId = upload.GetProperty("job").Text("id");

        await ProblemAssert.IsProblemAsync(await globex.GetAsync($"/v1/ingest/jobs/{jobId}"), HttpStatusCode.NotFound);
        await ProblemAssert.IsProblemAsync(await globex.DeleteAsync($"/v1/ingest/jobs/{jobId}"), HttpStatusCode.NotFound);
        Assert.Empty(await globex.GetJobListAsync());
        var quarantine = await (await globex.GetAsync("/v1/ingest/quarantine")).ReadJsonAsync();
        Assert.Empty(quarantine.GetProperty("items").EnumerateArray());
        Assert.Empty(await globex.SearchAsync("acme launch"));

        // The owner sees all of it: the checks above could fail.
        Assert.Equal(jobId, Assert.Single(await acme.GetJobListAsync()).Text("id"));
        Assert.Equal(jobId, (await acme.GetJobAsync(jobId)).GetProperty("job").Text("id"));
        var own = await (await acme.GetAsync("/v1/ingest/quarantine")).ReadJsonAsync();
        Assert.Equal("bad.docx", Assert.Single(own.GetProperty("items").EnumerateArray()).Text("document_id"));
        Assert.True(await acme.FindsAsync("acme launch", "plan.md"));
    }

    [Fact]
    public async Task Upload_WithAcl_IsHiddenFromOtherUsersOfTheTenant()
    {
        using var alice = _factory.CreateClient().WithToken(TestTokens.Create(user: "alice", roles: ["editor"]));
        using var bob = _factory.CreateClient().WithToken(TestTokens.Create(user: "bob", roles: ["editor"]));
        await alice.UploadAndWaitAsync(
            [new UploadPart("salary.md", UploadFiles.Utf8("# Salary\n\nAlice's salary review is in October.\n"))],
            new Dictionary<string, string> { ["acl"] = """{"users":["alice"]}""" });
        await bob.UploadAndWaitAsync([new UploadPart("public.md", UploadFiles.Utf8("# Public\n\nThe salary bands are published in October.\n"))]);

        Assert.Equal(["public.md", "salary.md"], (await alice.SearchAsync("salary October")).Select(r => r.Text("document_id")).Order());
        Assert.Equal(["public.md"], (await bob.SearchAsync("salary October")).Select(r => r.Text("document_id")));
        Assert.Equal(HttpStatusCode.NotFound, (await bob.GetAsync("/v1/documents/salary.md")).StatusCode);

        // Bob cannot overwrite it by uploading under its name either.
        using var overwrite = await bob.UploadAsync([new UploadPart("salary.md", UploadFiles.Utf8("Bob was here."))]);
        await ProblemAssert.IsProblemAsync(overwrite, HttpStatusCode.BadRequest);
        var document = await (await alice.GetAsync("/v1/documents/salary.md")).ReadJsonAsync();
        Assert.Contains("review is in October", document.Text("text"), StringComparison.Ordinal);
        Assert.Equal(["alice"], document.GetProperty("acl").GetProperty("users").EnumerateArray().Select(u => u.GetString()));
    }

    public void Dispose() => _factory.Dispose();
}

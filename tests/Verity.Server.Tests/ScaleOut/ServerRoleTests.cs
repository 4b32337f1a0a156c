using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Verity.Server.Infrastructure;

namespace Verity.Server.Tests.ScaleOut;

/// <summary>What each role of <c>verity serve</c> runs besides HTTP.</summary>
public sealed class ServerRoleTests
{
    [Theory]
    [InlineData(null, true)]
    [InlineData("all", true)]
    [InlineData("API", false)]
    public void Build_Role_RunsTheIngestionWorkerAndFolderSourcesOnlyInRoleAll(string? role, bool runsWorker)
    {
        using var factory = new VerityServerFactory();
        if (role is not null)
        {
            factory.Settings[ServerRoles.ConfigurationKey] = role;
        }

        var hosted = factory.Services.GetServices<IHostedService>().Select(s => s.GetType()).ToList();

        Assert.Contains(typeof(IndexInitializer), hosted);
        Assert.Equal(runsWorker, hosted.Contains(typeof(IngestionWorkerService)));
        Assert.Equal(runsWorker, hosted.Contains(typeof(FolderSourcesService)));
    }

    [Fact]
    public void Build_WorkerRole_RefusesToServeHttpAndSaysWhatToRun()
    {
        using var factory = new VerityServerFactory();
        factory.Settings[ServerRoles.ConfigurationKey] = "worker";

        var error = Assert.Throws<InvalidOperationException>(() => factory.Services);

        Assert.Contains("verity worker", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("", ServerRole.All)]
    [InlineData(" Worker ", ServerRole.Worker)]
    [InlineData("api", ServerRole.Api)]
    public void Parse_KnownRole_ReturnsIt(string value, ServerRole expected) => Assert.Equal(expected, ServerRoles.Parse(value));

    [Theory]
    [InlineData("1")]
    [InlineData("apis")]
    [InlineData("all,api")]
    public void Parse_UnknownRole_ThrowsNamingTheSetting(string value)
    {
        var error = Assert.Throws<InvalidOperationException>(() => ServerRoles.Parse(value));

        Assert.Contains("Verity:Role", error.Message, StringComparison.Ordinal);
    }
}

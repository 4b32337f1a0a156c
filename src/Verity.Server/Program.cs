namespace Verity.Server;

public sealed class Program
{
    public static Task Main(string[] args) => VerityServer.Build(args).RunAsync();
}

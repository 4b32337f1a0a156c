namespace Verity.Server.Infrastructure;

public static class DataDirectory
{
    public const string EnvironmentVariable = "VERITY_DATA";
    public const string ConfigurationKey = "Verity:DataDirectory";
    public const string DatabaseFileName = "verity.db";

    /// <summary><c>Verity:DataDirectory</c>, else <c>VERITY_DATA</c>, else <c>.verity</c> in the working directory.</summary>
    public static string Resolve(IConfiguration configuration) =>
        Path.GetFullPath(
            configuration[ConfigurationKey]
            ?? Environment.GetEnvironmentVariable(EnvironmentVariable)
            ?? ".verity");
}

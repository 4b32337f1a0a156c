namespace Verity.Evaluation;

internal static class AssemblyInfo;

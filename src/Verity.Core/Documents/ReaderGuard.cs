namespace Verity.Core.Documents;

/// <summary>Runs a document library (PdfPig, the Open XML SDK) on untrusted bytes. Whatever a malformed file makes
/// it throw becomes a <see cref="DocumentRejectedException"/> with a reason a person can act on; rejections and
/// cancellation pass through unchanged.</summary>
internal static class ReaderGuard
{
    public static T Run<T>(string format, Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception e) when (e is not (DocumentRejectedException or OperationCanceledException))
        {
            throw new DocumentRejectedException(
                $"The {format} file is damaged or not a valid {format} file, so its text cannot be read; " +
                "open and save it again in its application, then upload the new copy.");
        }
    }
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace Verity.Core.Documents;

/// <summary>PowerPoint presentations: one section per slide, numbered like the slide (so a citation can say
/// "slide 7"), the title placeholder as its heading, the other text boxes and tables as its text, and the speaker
/// notes after them.</summary>
public sealed class PptxLoader : IDocumentLoader
{
    private const string Format = "PPTX";

    public IReadOnlyCollection<string> MediaTypes { get; } = [Documents.MediaTypes.Pptx];

    public ParsedDocument Load(ReadOnlyMemory<byte> content, DocumentLimits limits, CancellationToken cancellationToken) =>
        OfficePackages.Load(content, limits, Format, (stream, settings) => Read(stream, settings, cancellationToken), cancellationToken);

    private static ParsedDocument Read(Stream stream, OpenSettings settings, CancellationToken cancellationToken)
    {
        using var document = PresentationDocument.Open(stream, false, settings);
        var presentation = document.PresentationPart
            ?? throw new DocumentRejectedException("The PPTX file has no presentation part; it is not a PowerPoint presentation.");
        var sections = new List<DocumentSection>();
        string? firstTitle = null;
        var number = 0;
        foreach (var slideId in presentation.Presentation?.SlideIdList?.Elements<P.SlideId>() ?? [])
        {
            cancellationToken.ThrowIfCancellationRequested();
            number++;
            if (slideId.RelationshipId?.Value is not { } relationship
                || !presentation.TryGetPartById(relationship, out var part) || part is not SlidePart slide)
            {
                continue;
            }

            var (title, blocks) = SlideText(slide.Slide?.CommonSlideData?.ShapeTree);
            if (NotesText(slide.NotesSlidePart) is { Length: > 0 } notes)
            {
                blocks.Add("Notes: " + notes);
            }

            firstTitle ??= title;
            var text = blocks.Count > 0 ? string.Join("\n\n", blocks) : title ?? "";
            if (text.Length > 0)
            {
                sections.Add(new DocumentSection(title is null ? [] : [title], text) { Page = number });
            }
        }

        return new ParsedDocument(OfficePackages.Title(document) ?? firstTitle, sections)
        {
            Properties = OfficePackages.Properties(document),
        };
    }

    private static (string? Title, List<string> Blocks) SlideText(P.ShapeTree? shapes)
    {
        string? title = null;
        var blocks = new List<string>();
        foreach (var element in shapes?.Descendants() ?? [])
        {
            if (element is P.Shape shape && TextOf(shape.TextBody) is { Length: > 0 } text)
            {
                if (title is null && IsTitle(shape))
                {
                    title = string.Join(' ', text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries));
                }
                else
                {
                    blocks.Add(text);
                }
            }
            else if (element is A.Table table)
            {
                var rows = table.Elements<A.TableRow>()
                    .Select(r => (IReadOnlyList<string>)r.Elements<A.TableCell>().Select(c => TextOf(c.TextBody).Replace('\n', ' ')).ToList())
                    .Where(r => r.Any(c => c.Length > 0))
                    .ToList();
                blocks.AddRange(rows.Count > 1 ? TableRows.Render(rows[0], rows.Skip(1)) : TableRows.Render(null, rows));
            }
        }

        return (title, blocks);
    }

    private static bool IsTitle(P.Shape shape) =>
        shape.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value is { } type
        && (type == P.PlaceholderValues.Title || type == P.PlaceholderValues.CenteredTitle);

    private static string? NotesText(NotesSlidePart? notes)
    {
        var bodies = notes?.NotesSlide?.CommonSlideData?.ShapeTree?.Descendants<P.Shape>()
            .Where(s => s.NonVisualShapeProperties?.ApplicationNonVisualDrawingProperties?.PlaceholderShape?.Type?.Value is { } type
                && type == P.PlaceholderValues.Body)
            .Select(s => TextOf(s.TextBody))
            .Where(t => t.Length > 0)
            .ToList();
        return bodies is { Count: > 0 } ? string.Join("\n", bodies) : null;
    }

    private static string TextOf(OpenXmlElement? body)
    {
        if (body is null)
        {
            return "";
        }

        var lines = body.Elements<A.Paragraph>().Select(paragraph => string.Concat(paragraph.ChildElements.Select(child => child switch
        {
            A.Run run => run.Text?.Text,
            A.Field field => field.Text?.Text,
            A.Break => "\n",
            _ => null,
        })).Trim());
        return string.Join("\n", lines.Where(l => l.Length > 0));
    }
}

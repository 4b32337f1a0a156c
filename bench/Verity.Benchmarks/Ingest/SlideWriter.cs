using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using static Verity.Benchmarks.Ingest.ProseGenerator;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace Verity.Benchmarks.Ingest;

/// <summary>Writes a slide deck as PPTX: a title slide, then one slide per point with a title placeholder, a text box
/// of bullet lines, now and then a table, and speaker notes. Only the parts a reader follows are written (no slide
/// masters or layouts), which keeps the files small but makes them valid packages.</summary>
internal static class SlideWriter
{
    public static byte[] Write(Random random, int slides)
    {
        var deckTitle = DocumentTitle(random);
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentation = document.AddPresentationPart();
            presentation.Presentation = new P.Presentation(new P.SlideIdList());
            for (var i = 0; i < slides; i++)
            {
                var part = presentation.AddNewPart<SlidePart>();
                var shapes = new List<OpenXmlElement>();
                if (i == 0)
                {
                    shapes.Add(TextShape(2, P.PlaceholderValues.Title, [deckTitle]));
                    shapes.Add(TextShape(3, null, [PersonName(random), MonthYear(random)]));
                }
                else
                {
                    shapes.Add(TextShape(2, P.PlaceholderValues.Title, [Heading(random)]));
                    shapes.Add(TextShape(3, null, Enumerable.Range(0, random.Next(3, 7)).Select(_ => Sentence(random)).ToArray()));
                    if (random.Next(4) == 0)
                    {
                        var table = TableData.Create(random, random.Next(3, 7));
                        shapes.Add(TableFrame(4, [table.Header, .. table.Rows]));
                    }
                }

                part.Slide = new P.Slide(new P.CommonSlideData(ShapeTree(shapes)));
                if (i > 0 && random.Next(3) > 0)
                {
                    part.AddNewPart<NotesSlidePart>().NotesSlide = new P.NotesSlide(new P.CommonSlideData(ShapeTree(
                    [
                        TextShape(2, P.PlaceholderValues.SlideImage, []),
                        TextShape(3, P.PlaceholderValues.Body, Paragraphs(random, random.Next(30, 90)).ToArray()),
                    ])));
                }

                presentation.Presentation.SlideIdList!.Append(new P.SlideId { Id = (uint)(256 + i), RelationshipId = presentation.GetIdOfPart(part) });
            }

            document.PackageProperties.Title = deckTitle;
            document.PackageProperties.Creator = PersonName(random);
            document.PackageProperties.Modified = Date(random).ToDateTime(TimeOnly.MinValue, DateTimeKind.Utc);
        }

        return stream.ToArray();
    }

    private static P.ShapeTree ShapeTree(IEnumerable<OpenXmlElement> shapes) => new(
        new OpenXmlElement[]
        {
            new P.NonVisualGroupShapeProperties(
                new P.NonVisualDrawingProperties { Id = 1, Name = "" },
                new P.NonVisualGroupShapeDrawingProperties(),
                new P.ApplicationNonVisualDrawingProperties()),
            new P.GroupShapeProperties(),
        }.Concat(shapes));

    private static P.Shape TextShape(uint id, P.PlaceholderValues? placeholder, string[] lines)
    {
        var application = new P.ApplicationNonVisualDrawingProperties();
        if (placeholder is { } type)
        {
            application.Append(new P.PlaceholderShape { Type = type });
        }

        return new P.Shape(
            new P.NonVisualShapeProperties(
                new P.NonVisualDrawingProperties { Id = id, Name = $"Shape {id}" },
                new P.NonVisualShapeDrawingProperties(),
                application),
            new P.ShapeProperties(),
            new P.TextBody(new OpenXmlElement[] { new A.BodyProperties(), new A.ListStyle() }.Concat(DrawingParagraphs(lines))));
    }

    private static P.GraphicFrame TableFrame(uint id, IEnumerable<string[]> rows) => new(
        new P.NonVisualGraphicFrameProperties(
            new P.NonVisualDrawingProperties { Id = id, Name = $"Table {id}" },
            new P.NonVisualGraphicFrameDrawingProperties(),
            new P.ApplicationNonVisualDrawingProperties()),
        new P.Transform(),
        new A.Graphic(new A.GraphicData(new A.Table(
            new OpenXmlElement[] { new A.TableGrid() }.Concat(rows.Select(cells => new A.TableRow(cells.Select(cell => new A.TableCell(
                new A.TextBody(new OpenXmlElement[] { new A.BodyProperties(), new A.ListStyle() }.Concat(DrawingParagraphs([cell]))),
                new A.TableCellProperties())))
            { Height = 370840 }))))
        {
            Uri = "http://schemas.openxmlformats.org/drawingml/2006/table",
        }));

    private static IEnumerable<A.Paragraph> DrawingParagraphs(string[] lines) =>
        lines.Length == 0 ? [new A.Paragraph()] : lines.Select(line => new A.Paragraph(new A.Run(new A.Text(line))));
}

using DocumentFormat.OpenXml;
using DocumentFormat.OpenXml.Packaging;
using A = DocumentFormat.OpenXml.Drawing;
using P = DocumentFormat.OpenXml.Presentation;

namespace Verity.Core.Tests.Formats;

internal sealed record SlideContent(string? Title, string[] Body, string[][]? Table = null, string? Notes = null);

internal static partial class FixtureFiles
{
    /// <summary>A presentation with one slide per entry: a title placeholder, a text box of body lines, an optional
    /// table and optional speaker notes. Only the parts a reader follows are written (no masters or layouts).</summary>
    public static byte[] Pptx(IEnumerable<SlideContent> slides, string? title = "Quarterly review")
    {
        using var stream = new MemoryStream();
        using (var document = PresentationDocument.Create(stream, PresentationDocumentType.Presentation))
        {
            var presentation = document.AddPresentationPart();
            presentation.Presentation = new P.Presentation(new P.SlideIdList());
            uint slideId = 256;
            foreach (var slide in slides)
            {
                var part = presentation.AddNewPart<SlidePart>();
                var shapes = new List<OpenXmlElement>();
                if (slide.Title is not null)
                {
                    shapes.Add(TextShape(2, P.PlaceholderValues.Title, [slide.Title]));
                }

                shapes.Add(TextShape(3, null, slide.Body));
                if (slide.Table is not null)
                {
                    shapes.Add(TableFrame(4, slide.Table));
                }

                part.Slide = new P.Slide(new P.CommonSlideData(ShapeTree(shapes)));
                if (slide.Notes is not null)
                {
                    part.AddNewPart<NotesSlidePart>().NotesSlide = new P.NotesSlide(new P.CommonSlideData(ShapeTree(
                    [
                        TextShape(2, P.PlaceholderValues.SlideImage, []),
                        TextShape(3, P.PlaceholderValues.Body, [slide.Notes]),
                    ])));
                }

                presentation.Presentation.SlideIdList!.Append(new P.SlideId { Id = slideId++, RelationshipId = presentation.GetIdOfPart(part) });
            }

            document.PackageProperties.Title = title;
            document.PackageProperties.Creator = "Ada Lovelace";
            document.PackageProperties.Modified = Modified;
        }

        return stream.ToArray();
    }

    /// <summary>The standard presentation: three slides, one with a table and notes, one without a title.</summary>
    public static byte[] StandardPptx() => Pptx(
    [
        new SlideContent("Agenda", ["Results", "Hiring plan"]),
        new SlideContent("Results", ["Revenue grew in every region."], [["Region", "Revenue"], ["EU", "1,200"], ["US", "3,400"]], "Mention the EU launch."),
        new SlideContent(null, ["Questions welcome."]),
    ]);

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

    private static P.GraphicFrame TableFrame(uint id, string[][] rows) => new(
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

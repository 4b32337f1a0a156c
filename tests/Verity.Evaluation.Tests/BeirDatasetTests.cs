using System.Security.Cryptography;
using Verity.Evaluation.Beir;

namespace Verity.Evaluation.Tests;

/// <summary><see cref="BeirDataset"/> on small BEIR-layout fixtures. (Method names avoid the word for the
/// factory method so that the Load-test filter of the sibling suite does not exclude them.)</summary>
public sealed class BeirDatasetTests : IDisposable
{
    private readonly EvalTempFolder _temp = new();

    public void Dispose() => _temp.Dispose();

    private string WriteStandard(string name = "tiny")
    {
        var directory = _temp.Combine(name);
        BeirFiles.Write(
            directory,
            [
                BeirFiles.Document("d1", "Alpha title", "Alpha text about glaciers."),
                BeirFiles.Document("d2", null, "Untitled text about volcanoes."),
                """{"_id":"d3","title":null,"text":"A null title."}""",
                "",
                BeirFiles.Document("d4", "", "Empty title."),
            ],
            [
                BeirFiles.Query("q3", "third question"),
                BeirFiles.Query("q1", "first question"),
                BeirFiles.Query("q2", "unjudged question"),
                "",
                BeirFiles.Query("q4", "judged only with grade zero"),
            ],
            [BeirFiles.QrelsHeader, "q1\td1\t2", "q1\td2\t1", "q3\td3\t1", "q4\td4\t0"]);
        return directory;
    }

    private static BeirDataset Open(string directory) => BeirDataset.Load(directory);

    [Fact]
    public void TestQueries_QueryWithoutJudgements_IsExcludedAndFileOrderKept()
    {
        var dataset = Open(WriteStandard());

        // q2 has no qrels line; q4 is judged (grade 0 only) and is kept, as BEIR keeps every qrels query.
        Assert.Equal(["q3", "q1", "q4"], dataset.TestQueries.Select(q => q.Id));
        Assert.Equal("third question", dataset.TestQueries[0].Text);
        Assert.Equal("first question", dataset.TestQueries[1].Text);
    }

    [Fact]
    public void Qrels_GradedFileWithHeader_ParsesGradesAndSkipsHeader()
    {
        var dataset = Open(WriteStandard());

        Assert.Equal(["q1", "q3", "q4"], dataset.Qrels.Keys.Order(StringComparer.Ordinal));
        Assert.False(dataset.Qrels.ContainsKey("query-id"));
        Assert.Equal(2, dataset.Qrels["q1"]["d1"]);
        Assert.Equal(1, dataset.Qrels["q1"]["d2"]);
        Assert.Equal(1, dataset.Qrels["q3"]["d3"]);
        Assert.Equal(0, dataset.Qrels["q4"]["d4"]);
        Assert.Equal(2, dataset.Qrels["q1"].Count);
    }

    [Fact]
    public void Qrels_FileWithoutHeader_FirstLineIsData()
    {
        var directory = _temp.Combine("noheader");
        BeirFiles.Write(directory, [BeirFiles.Document("d1", "t", "x")], [BeirFiles.Query("q1", "x")], ["q1\td1\t1"]);

        var dataset = Open(directory);

        Assert.Equal(1, dataset.Qrels["q1"]["d1"]);
        Assert.Single(dataset.TestQueries);
    }

    [Fact]
    public void Qrels_NonNumericGrade_ThrowsFormatExceptionWithLineNumber()
    {
        var directory = _temp.Combine("badqrels");
        BeirFiles.Write(directory, [BeirFiles.Document("d1", "t", "x")], [BeirFiles.Query("q1", "x")], [BeirFiles.QrelsHeader, "q1\td1\t1", "q1\td2\thigh"]);

        var error = Assert.Throws<FormatException>(() => Open(directory));

        Assert.Contains("qrels/test.tsv line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void NameAndDirectory_AreTheFolderNameAndFullPath()
    {
        var directory = WriteStandard("scifact");

        var dataset = Open(directory);

        Assert.Equal("scifact", dataset.Name);
        Assert.Equal(Path.GetFullPath(directory), dataset.Directory);
        Assert.Equal(Path.Combine(Path.GetFullPath(directory), "corpus.jsonl"), dataset.CorpusPath);
    }

    [Fact]
    public void ReadCorpus_MixedTitles_StreamsDocumentsWithEmptyTitleWhenMissing()
    {
        var dataset = Open(WriteStandard());

        var documents = dataset.ReadCorpus().ToList();

        Assert.Equal(
            [
                new BeirDocument("d1", "Alpha title", "Alpha text about glaciers."),
                new BeirDocument("d2", "", "Untitled text about volcanoes."),
                new BeirDocument("d3", "", "A null title."),
                new BeirDocument("d4", "", "Empty title."),
            ],
            documents);
    }

    [Fact]
    public void ReadCorpus_MalformedJsonLine_ThrowsFormatExceptionNamingFileAndLine()
    {
        var directory = WriteStandard();
        File.WriteAllText(
            Path.Combine(directory, "corpus.jsonl"),
            BeirFiles.Document("d1", "t", "fine") + "\n" + BeirFiles.Document("d2", "t", "fine") + "\n{\"_id\": \"d3\", \"text\": \n");
        var dataset = Open(directory);

        using var documents = dataset.ReadCorpus().GetEnumerator();
        Assert.True(documents.MoveNext());
        Assert.True(documents.MoveNext());
        var error = Assert.Throws<FormatException>(() => documents.MoveNext());

        Assert.Contains("corpus.jsonl line 3", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadCorpus_DocumentWithoutText_ThrowsFormatExceptionNamingField()
    {
        var directory = WriteStandard();
        File.WriteAllText(Path.Combine(directory, "corpus.jsonl"), """{"_id":"d1","title":"no text"}""" + "\n");
        var dataset = Open(directory);

        var error = Assert.Throws<FormatException>(() => dataset.ReadCorpus().ToList());

        Assert.Contains("corpus.jsonl line 1", error.Message, StringComparison.Ordinal);
        Assert.Contains("'text'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("[1, 2]")]
    [InlineData("\"just a string\"")]
    [InlineData("42")]
    public void ReadCorpus_LineNotAnObject_ThrowsFormatExceptionNamingFileAndLine(string line)
    {
        var directory = WriteStandard();
        File.WriteAllText(Path.Combine(directory, "corpus.jsonl"), BeirFiles.Document("d1", "t", "fine") + "\n" + line + "\n");
        var dataset = Open(directory);

        var error = Assert.Throws<FormatException>(() => dataset.ReadCorpus().ToList());

        Assert.Contains("corpus.jsonl line 2", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Queries_MalformedJsonLine_ThrowsFormatExceptionNamingFileAndLine()
    {
        var directory = WriteStandard();
        File.WriteAllText(Path.Combine(directory, "queries.jsonl"), BeirFiles.Query("q1", "fine") + "\nnot json at all\n");

        var error = Assert.Throws<FormatException>(() => Open(directory));

        Assert.Contains("queries.jsonl line 2", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("corpus.jsonl")]
    [InlineData("queries.jsonl")]
    [InlineData("qrels/test.tsv")]
    public void MissingFile_ThrowsFileNotFoundExceptionNamingIt(string file)
    {
        var directory = WriteStandard();
        var path = Path.Combine(directory, file.Replace('/', Path.DirectorySeparatorChar));
        File.Delete(path);

        var error = Assert.Throws<FileNotFoundException>(() => Open(directory));

        Assert.Equal(Path.GetFullPath(path), error.FileName);
        Assert.Contains(file.Replace('/', Path.DirectorySeparatorChar), error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void CorpusHash_IsSha256OfCorpusFile()
    {
        var directory = WriteStandard();

        var dataset = Open(directory);

        var expected = Convert.ToHexStringLower(SHA256.HashData(File.ReadAllBytes(Path.Combine(directory, "corpus.jsonl"))));
        Assert.Equal(expected, dataset.CorpusHash);
        Assert.Equal(64, dataset.CorpusHash.Length);
    }

    [Fact]
    public void CorpusHash_CorpusChanges_HashChanges()
    {
        var directory = WriteStandard();
        var before = Open(directory).CorpusHash;

        File.AppendAllText(Path.Combine(directory, "corpus.jsonl"), BeirFiles.Document("d5", "New", "A new document.") + "\n");
        var after = Open(directory).CorpusHash;

        Assert.NotEqual(before, after);
    }

    [Fact]
    public void CorpusHash_SameCorpusInAnotherFolderWithOtherQueries_IsEqual()
    {
        var first = Open(WriteStandard("one"));
        var secondDirectory = WriteStandard("two");
        File.AppendAllText(Path.Combine(secondDirectory, "queries.jsonl"), BeirFiles.Query("q9", "another") + "\n");

        var second = Open(secondDirectory);

        Assert.Equal(first.CorpusHash, second.CorpusHash);
    }
}

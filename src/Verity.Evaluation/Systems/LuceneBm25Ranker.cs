using Lucene.Net.Analysis;
using Lucene.Net.Analysis.En;
using Lucene.Net.Analysis.TokenAttributes;
using Lucene.Net.Documents;
using Lucene.Net.Index;
using Lucene.Net.Search;
using Lucene.Net.Search.Similarities;
using Lucene.Net.Store;
using Lucene.Net.Util;
using Verity.Evaluation.Beir;

namespace Verity.Evaluation.Systems;

/// <summary>
/// The peer: Lucene.NET 4.8 with BM25 (k1 = 0.9, b = 0.4, the Anserini defaults behind most published BEIR BM25
/// runs), English analysis (possessives, stop words, Porter stemming), title and text indexed as one field,
/// the query's terms OR-ed.
/// </summary>
public sealed class LuceneBm25Ranker : IDocumentRanker, IDisposable
{
    private const LuceneVersion Version = LuceneVersion.LUCENE_48;
    private const string Contents = "contents";
    private const string Id = "id";

    private readonly RAMDirectory _directory = new();
    private readonly Analyzer _analyzer = new EnglishAnalyzer(Version);
    private readonly Similarity _similarity = new BM25Similarity(0.9f, 0.4f);
    private DirectoryReader? _reader;
    private IndexSearcher? _searcher;

    public string Name => "lucene-bm25";

    public string Kind => "peer";

    public void Build(IEnumerable<BeirDocument> corpus)
    {
        using (var writer = new IndexWriter(_directory, new IndexWriterConfig(Version, _analyzer) { Similarity = _similarity }))
        {
            foreach (var document in corpus)
            {
                writer.AddDocument(new Document
                {
                    new StringField(Id, document.Id, Field.Store.YES),
                    new TextField(Contents, document.Title + "\n" + document.Text, Field.Store.NO),
                });
            }

            writer.Commit();
        }

        _reader = DirectoryReader.Open(_directory);
        _searcher = new IndexSearcher(_reader) { Similarity = _similarity };
    }

    public Task<IReadOnlyList<string>> RankAsync(string query, int depth, CancellationToken cancellationToken)
    {
        var searcher = _searcher ?? throw new InvalidOperationException("Build the index first.");
        var boolean = new BooleanQuery();
        foreach (var term in Analyze(query).Distinct(StringComparer.Ordinal).Take(BooleanQuery.MaxClauseCount))
        {
            boolean.Add(new TermQuery(new Term(Contents, term)), Occur.SHOULD);
        }

        if (boolean.Clauses.Count == 0)
        {
            return Task.FromResult<IReadOnlyList<string>>([]);
        }

        var hits = searcher.Search(boolean, depth).ScoreDocs;
        IReadOnlyList<string> ids = hits.Select(h => searcher.Doc(h.Doc).Get(Id)).ToList();
        return Task.FromResult(ids);
    }

    private List<string> Analyze(string text)
    {
        var terms = new List<string>();
        using var stream = _analyzer.GetTokenStream(Contents, new StringReader(text));
        var attribute = stream.AddAttribute<ICharTermAttribute>();
        stream.Reset();
        while (stream.IncrementToken())
        {
            terms.Add(attribute.ToString());
        }

        stream.End();
        return terms;
    }

    public void Dispose()
    {
        _reader?.Dispose();
        _analyzer.Dispose();
        _directory.Dispose();
    }
}

//! Full-text search over the catalogue with tantivy: BM25 relevance over titles,
//! descriptions and facet/category names, English stemming, prefix matching of the word
//! being typed, and typo tolerance (Levenshtein distance 1 for words of 4 to 7 letters,
//! 2 from 8 letters, a swap of two letters counting as one edit). Chinese titles and
//! category names are indexed as overlapping character pairs (and single characters), the
//! usual way to search text without spaces: a query's Chinese run must match all of its
//! pairs (a single character, itself), so "燈籠" finds "苔綠燈籠".
//!
//! The index lives in memory and is rebuilt with each catalogue snapshot (a few thousand
//! documents index in well under a second), so every server process has its own and none
//! needs a shared disk.

use tantivy::collector::TopDocs;
use tantivy::query::{BooleanQuery, BoostQuery, FuzzyTermQuery, Occur, Query, TermQuery};
use tantivy::schema::{
    Field, IndexRecordOption, Schema, TextFieldIndexing, TextOptions, Value, FAST, STORED,
};
use tantivy::tokenizer::{
    Language, LowerCaser, RemoveLongFilter, SimpleTokenizer, Stemmer, StopWordFilter, TextAnalyzer,
};
use tantivy::{doc, Index, IndexReader, TantivyDocument, Term};

use super::model::Catalog;

const ANALYZER: &str = "shop_en";
/// The Chinese field's analyzer: it only splits the pairs `cjk_grams` made.
const ANALYZER_ZH: &str = "shop_zh";
/// Words of a query beyond this many are ignored.
pub const MAX_TERMS: usize = 8;

struct Inner {
    reader: IndexReader,
    title: Field,
    body: Field,
    extra: Field,
    zh: Field,
    idx: Field,
}

/// The search index of one catalogue snapshot.
pub struct SearchIndex(Option<Inner>);

fn analyzer() -> TextAnalyzer {
    let builder = TextAnalyzer::builder(SimpleTokenizer::default())
        .filter(RemoveLongFilter::limit(40))
        .filter(LowerCaser);
    match StopWordFilter::new(Language::English) {
        Some(stop) => builder
            .filter(stop)
            .filter(Stemmer::new(Language::English))
            .build(),
        None => builder.filter(Stemmer::new(Language::English)).build(),
    }
}

/// Whether `c` is a CJK ideograph (or kana/hangul): text without spaces between words.
fn is_cjk(c: char) -> bool {
    matches!(c as u32,
        0x3040..=0x30FF | 0x3400..=0x4DBF | 0x4E00..=0x9FFF | 0xAC00..=0xD7AF | 0xF900..=0xFAFF | 0x20000..=0x2FFFF)
}

/// The runs of CJK characters in `text`.
fn cjk_runs(text: &str) -> Vec<Vec<char>> {
    let mut runs = Vec::new();
    let mut run = Vec::new();
    for c in text.chars() {
        if is_cjk(c) {
            run.push(c);
        } else if !run.is_empty() {
            runs.push(std::mem::take(&mut run));
        }
    }
    if !run.is_empty() {
        runs.push(run);
    }
    runs
}

/// What the Chinese field indexes of `text`: every character and every pair of
/// neighbours in each run, space-separated.
fn cjk_grams(text: &str) -> String {
    let mut out = String::new();
    for run in cjk_runs(text) {
        for (i, c) in run.iter().enumerate() {
            out.push(*c);
            out.push(' ');
            if let Some(next) = run.get(i + 1) {
                out.push(*c);
                out.push(*next);
                out.push(' ');
            }
        }
    }
    out
}

/// A query's Chinese terms: the pairs of each run (a one-character run, itself).
fn cjk_query_terms(query: &str) -> Vec<String> {
    let mut terms = Vec::new();
    for run in cjk_runs(query) {
        let grams: Vec<String> = if run.len() == 1 {
            vec![run[0].to_string()]
        } else {
            run.windows(2).map(|w| w.iter().collect()).collect()
        };
        for g in grams {
            if !terms.contains(&g) {
                terms.push(g);
            }
        }
    }
    terms.truncate(MAX_TERMS * 2);
    terms
}

impl SearchIndex {
    pub fn empty() -> Self {
        SearchIndex(None)
    }

    pub fn build(catalog: &Catalog) -> tantivy::Result<Self> {
        let text = TextOptions::default().set_indexing_options(
            TextFieldIndexing::default()
                .set_tokenizer(ANALYZER)
                .set_index_option(IndexRecordOption::WithFreqsAndPositions),
        );
        let mut builder = Schema::builder();
        let title = builder.add_text_field("title", text.clone());
        let body = builder.add_text_field("body", text.clone());
        let extra = builder.add_text_field("extra", text);
        let zh = builder.add_text_field(
            "zh",
            TextOptions::default().set_indexing_options(
                TextFieldIndexing::default()
                    .set_tokenizer(ANALYZER_ZH)
                    .set_index_option(IndexRecordOption::WithFreqs),
            ),
        );
        let idx = builder.add_u64_field("idx", FAST | STORED);
        let index = Index::create_in_ram(builder.build());
        index.tokenizers().register(ANALYZER, analyzer());
        index.tokenizers().register(
            ANALYZER_ZH,
            TextAnalyzer::builder(tantivy::tokenizer::WhitespaceTokenizer::default()).build(),
        );

        let mut writer = index.writer_with_num_threads(1, 50_000_000)?;
        for (i, p) in catalog.products.iter().enumerate() {
            let mut extra_text = String::new();
            for &c in &p.categories {
                let names = &catalog.categories[c].names;
                extra_text.push_str(&names.en);
                extra_text.push(' ');
            }
            for (defs, set) in [
                (&catalog.colours, &p.colours),
                (&catalog.materials, &p.materials),
                (&catalog.themes, &p.themes),
            ] {
                for &d in set {
                    extra_text.push_str(&defs[d].names.en);
                    extra_text.push(' ');
                }
            }
            for label in &p.sku_names {
                extra_text.push_str(label);
                extra_text.push(' ');
            }
            extra_text.push_str(&p.card.id);
            let mut zh_text = p.title_zh.clone();
            for &c in &p.categories {
                zh_text.push(' ');
                zh_text.push_str(&catalog.categories[c].names.zh);
            }
            writer.add_document(doc!(
                title => p.card.title.as_str(),
                body => p.description_en.as_str(),
                extra => extra_text,
                zh => cjk_grams(&zh_text),
                idx => i as u64,
            ))?;
        }
        writer.commit()?;
        let reader = index.reader()?;
        Ok(SearchIndex(Some(Inner {
            reader,
            title,
            body,
            extra,
            zh,
            idx,
        })))
    }

    /// The words of a query as the index stores them (lower case, stemmed, no stop words).
    pub fn terms(&self, query: &str) -> Vec<String> {
        let mut analyzer = analyzer();
        let mut stream = analyzer.token_stream(query);
        let mut terms = Vec::new();
        while stream.advance() {
            let t = stream.token().text.clone();
            if !terms.contains(&t) {
                terms.push(t);
            }
            if terms.len() == MAX_TERMS {
                break;
            }
        }
        terms
    }

    /// Products matching every word of `query` (exactly, by prefix for the last word, or
    /// within the typo distance), best first: (product index, score).
    pub fn search(&self, query: &str, limit: usize) -> Vec<(usize, f32)> {
        let Some(inner) = &self.0 else {
            return Vec::new();
        };
        // Chinese runs are matched by their pairs; the rest of the query by words.
        let latin: String = query
            .chars()
            .map(|c| if is_cjk(c) { ' ' } else { c })
            .collect();
        let terms = self.terms(&latin);
        let zh_terms = cjk_query_terms(query);
        if (terms.is_empty() && zh_terms.is_empty()) || limit == 0 {
            return Vec::new();
        }
        // Whether the shopper is still typing the last word (no space after it).
        let typing_last = !query.ends_with(char::is_whitespace);
        let fields = [(inner.title, 3.0f32), (inner.extra, 1.5), (inner.body, 1.0)];
        let mut must: Vec<(Occur, Box<dyn Query>)> = Vec::new();
        for (n, word) in terms.iter().enumerate() {
            let is_last = n + 1 == terms.len();
            let chars = word.chars().count();
            let distance = match chars {
                0..=3 => 0,
                4..=7 => 1,
                _ => 2,
            };
            let mut any: Vec<(Occur, Box<dyn Query>)> = Vec::new();
            for (field, boost) in fields {
                let term = Term::from_field_text(field, word);
                any.push((
                    Occur::Should,
                    Box::new(BoostQuery::new(
                        Box::new(TermQuery::new(term.clone(), IndexRecordOption::WithFreqs)),
                        boost,
                    )),
                ));
                if distance > 0 {
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new(term.clone(), distance, true)),
                            boost * 0.5,
                        )),
                    ));
                }
                if is_last && typing_last && chars >= 2 {
                    any.push((
                        Occur::Should,
                        Box::new(BoostQuery::new(
                            Box::new(FuzzyTermQuery::new_prefix(term, 0, true)),
                            boost * 0.7,
                        )),
                    ));
                }
            }
            must.push((Occur::Must, Box::new(BooleanQuery::new(any))));
        }
        for gram in &zh_terms {
            let term = Term::from_field_text(inner.zh, gram);
            must.push((
                Occur::Must,
                Box::new(BoostQuery::new(
                    Box::new(TermQuery::new(term, IndexRecordOption::WithFreqs)),
                    3.0,
                )),
            ));
        }
        let query = BooleanQuery::new(must);
        let searcher = inner.reader.searcher();
        let top = match searcher.search(&query, &TopDocs::with_limit(limit).order_by_score()) {
            Ok(top) => top,
            Err(e) => {
                tracing::error!(error = %e, "search failed");
                return Vec::new();
            }
        };
        top.into_iter()
            .filter_map(|(score, addr)| {
                let doc: TantivyDocument = searcher.doc(addr).ok()?;
                let i = doc.get_first(inner.idx)?.as_u64()?;
                Some((i as usize, score))
            })
            .collect()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn chinese_text_is_indexed_by_characters_and_pairs_and_queried_by_pairs() {
        assert_eq!(cjk_grams("苔綠燈籠 lantern"), "苔 苔綠 綠 綠燈 燈 燈籠 籠 ");
        assert_eq!(cjk_grams("red 燈"), "燈 ");
        assert_eq!(cjk_query_terms("燈籠"), ["燈籠"]);
        assert_eq!(cjk_query_terms("綠燈籠 x 燈"), ["綠燈", "燈籠", "燈"]);
        assert!(cjk_query_terms("red lantern").is_empty());
        // Every pair a query asks for is one the title indexed.
        let indexed = cjk_grams("苔綠燈籠");
        for t in cjk_query_terms("綠燈籠") {
            assert!(indexed.split(' ').any(|g| g == t), "{t}");
        }
    }
}

//! The report as PDF, made natively and offline with Typst as a library: no browser, no
//! network, fonts embedded in the binary (Typst's own: Libertinus Serif and DejaVu Sans Mono).
//!
//! The document is a static Typst template (`pdf/report.typ`) that reads the [`Report`] as JSON
//! from a virtual file, with the diagram as a virtual SVG file that Typst draws as vector
//! graphics. Model text therefore only ever reaches Typst as string values, never as markup: a
//! name cannot inject Typst code. The world serves those three files and nothing else (no file
//! system, no packages, no clock).
//!
//! Rule pages are Markdown; [`blocks`] turns them into a small block structure the template
//! draws.

use std::sync::LazyLock;

use typst::diag::{FileError, FileResult, SourceDiagnostic};
use typst::foundations::{Bytes, Datetime};
use typst::layout::{Frame, FrameItem};
use typst::syntax::{FileId, RootedPath, Source, VirtualPath, VirtualRoot};
use typst::text::{Font, FontBook};
use typst::utils::LazyHash;
use typst::{Library, LibraryExt as _, World};
use typst_layout::PagedDocument;

use crate::report::Report;

const TEMPLATE: &str = include_str!("pdf/report.typ");

/// Why a PDF could not be made: Typst's errors, in words.
#[derive(Debug, thiserror::Error)]
#[error("cannot typeset the PDF report: {0}")]
pub struct Error(String);

/// The fonts, read once per process.
struct Fonts {
    book: LazyHash<FontBook>,
    fonts: Vec<Font>,
}

static FONTS: LazyLock<Fonts> = LazyLock::new(|| {
    let fonts: Vec<Font> = typst_assets::fonts()
        .flat_map(|data| Font::iter(Bytes::new(data)))
        .collect();
    Fonts {
        book: LazyHash::new(FontBook::from_fonts(&fonts)),
        fonts,
    }
});

static LIBRARY: LazyLock<LazyHash<Library>> = LazyLock::new(|| LazyHash::new(Library::default()));

fn file_id(path: &str) -> FileId {
    RootedPath::new(
        VirtualRoot::Project,
        VirtualPath::new(path).expect("the report's virtual paths are valid"),
    )
    .intern()
}

/// The report's world: the template, the report as JSON, the diagram, and embedded fonts.
struct ReportWorld {
    main: Source,
    data: Bytes,
    docs: Bytes,
    diagram: Bytes,
}

impl World for ReportWorld {
    fn library(&self) -> &LazyHash<Library> {
        &LIBRARY
    }

    fn book(&self) -> &LazyHash<FontBook> {
        &FONTS.book
    }

    fn main(&self) -> FileId {
        self.main.id()
    }

    fn source(&self, id: FileId) -> FileResult<Source> {
        if id == self.main.id() {
            Ok(self.main.clone())
        } else {
            Err(FileError::NotSource)
        }
    }

    fn file(&self, id: FileId) -> FileResult<Bytes> {
        if id == file_id("/report.json") {
            Ok(self.data.clone())
        } else if id == file_id("/rules.json") {
            Ok(self.docs.clone())
        } else if id == file_id("/diagram.svg") {
            Ok(self.diagram.clone())
        } else {
            Err(FileError::AccessDenied)
        }
    }

    fn font(&self, index: usize) -> Option<Font> {
        FONTS.fonts.get(index).cloned()
    }

    fn today(&self, _offset: Option<typst::foundations::Duration>) -> Option<Datetime> {
        None
    }
}

/// The typeset document (for tests that read its text without a PDF reader).
pub fn document(report: &Report) -> Result<PagedDocument, Error> {
    let mut value = serde_json::to_value(report).map_err(|e| Error(e.to_string()))?;
    breakable(&mut value);
    let data = serde_json::to_vec(&value).map_err(|e| Error(e.to_string()))?;
    let docs: Vec<serde_json::Value> = report
        .appendix
        .iter()
        .map(|r| serde_json::json!({ "code": r.code, "threats": r.threats, "blocks": blocks(&r.markdown) }))
        .collect();
    let docs = serde_json::to_vec(&docs).map_err(|e| Error(e.to_string()))?;
    let world = ReportWorld {
        main: Source::new(file_id("/report.typ"), TEMPLATE.to_owned()),
        data: Bytes::new(data),
        docs: Bytes::new(docs),
        diagram: Bytes::new(report.diagram_svg.clone().into_bytes()),
    };
    typst::compile::<PagedDocument>(&world)
        .output
        .map_err(|errors| Error(messages(&errors)))
}

/// Runs of text longer than this with nowhere to break a line get break opportunities.
const LONGEST_RUN: usize = 60;

/// Gives every very long unbroken run of characters in the data (a hostile or generated name)
/// zero-width break opportunities, so that it wraps inside its table cell instead of running off
/// the page. Hashes are left whole.
fn breakable(value: &mut serde_json::Value) {
    match value {
        serde_json::Value::String(s) if !s.starts_with("sha256:") => {
            let mut run = 0usize;
            if s.split_whitespace()
                .all(|w| w.chars().count() <= LONGEST_RUN)
            {
                return;
            }
            let mut out = String::with_capacity(s.len() + s.len() / 10);
            for c in s.chars() {
                if c.is_whitespace() {
                    run = 0;
                } else {
                    run += 1;
                    if run > 30 {
                        out.push('\u{200b}');
                        run = 1;
                    }
                }
                out.push(c);
            }
            *s = out;
        }
        serde_json::Value::Array(items) => items.iter_mut().for_each(breakable),
        serde_json::Value::Object(map) => map.values_mut().for_each(breakable),
        _ => {}
    }
}

fn messages(errors: &[SourceDiagnostic]) -> String {
    errors
        .iter()
        .map(|e| e.message.to_string())
        .collect::<Vec<_>>()
        .join("; ")
}

/// The PDF: A4, tagged (accessible), with the document's title and a creation date from the
/// report's date so the same report gives the same bytes.
pub fn render(report: &Report) -> Result<Vec<u8>, Error> {
    let document = document(report)?;
    let d = report.cover.date;
    let timestamp = Datetime::from_ymd(d.year, d.month, d.day).map(typst_pdf::Timestamp::new_utc);
    let options = typst_pdf::PdfOptions {
        ident: typst::foundations::Smart::Custom(format!("palisade:{}", report.cover.system)),
        creator: typst::foundations::Smart::Custom(Some(format!(
            "Palisade {}",
            report.cover.palisade_version
        ))),
        timestamp,
        ..typst_pdf::PdfOptions::default()
    };
    typst_pdf::pdf(&document, &options).map_err(|errors| Error(messages(&errors)))
}

/// The text of every page, in layout order, one string per page (text runs joined by spaces).
pub fn page_texts(document: &PagedDocument) -> Vec<String> {
    fn walk(frame: &Frame, out: &mut String) {
        for (_, item) in frame.items() {
            match item {
                FrameItem::Group(g) => walk(&g.frame, out),
                FrameItem::Text(t) => {
                    out.push_str(&t.text);
                    out.push(' ');
                }
                _ => {}
            }
        }
    }
    document
        .pages()
        .iter()
        .map(|p| {
            let mut s = String::new();
            walk(&p.frame, &mut s);
            s
        })
        .collect()
}

/// How many images each page draws (the diagram is one, as vectors).
pub fn page_images(document: &PagedDocument) -> Vec<usize> {
    fn walk(frame: &Frame) -> usize {
        frame
            .items()
            .map(|(_, item)| match item {
                FrameItem::Group(g) => walk(&g.frame),
                FrameItem::Image(..) => 1,
                _ => 0,
            })
            .sum()
    }
    document.pages().iter().map(|p| walk(&p.frame)).collect()
}

/// A rule page's Markdown as blocks for the template: headings (`h`, `level`), paragraphs
/// (`p`), code blocks (`code`, `lang`), lists (`list` of items) and tables (`table` of rows of
/// cells). Paragraphs, items and cells are lists of spans `{ t, code?, strong?, em? }`.
pub fn blocks(md: &str) -> Vec<serde_json::Value> {
    use pulldown_cmark::{CodeBlockKind, Event, Options, Parser, Tag, TagEnd};
    use serde_json::{Value, json};

    #[derive(Default)]
    struct State {
        blocks: Vec<Value>,
        spans: Vec<Value>,
        strong: bool,
        em: bool,
        heading: Option<u8>,
        code: Option<(String, String)>,
        items: Vec<Value>,
        list_depth: usize,
        rows: Vec<Value>,
        row: Vec<Value>,
        in_table: bool,
    }
    impl State {
        fn span(&mut self, text: &str, code: bool) {
            let mut s = serde_json::Map::new();
            s.insert("t".into(), text.into());
            if code {
                s.insert("code".into(), true.into());
            }
            if self.strong {
                s.insert("strong".into(), true.into());
            }
            if self.em {
                s.insert("em".into(), true.into());
            }
            self.spans.push(Value::Object(s));
        }
        fn take(&mut self) -> Value {
            Value::Array(std::mem::take(&mut self.spans))
        }
    }

    let mut st = State::default();
    for event in Parser::new_ext(md, Options::ENABLE_TABLES) {
        match event {
            Event::Start(Tag::Heading { level, .. }) => st.heading = Some(level as u8),
            Event::End(TagEnd::Heading(_)) => {
                let spans = st.take();
                st.blocks
                    .push(json!({ "h": spans, "level": st.heading.unwrap_or(1) }));
                st.heading = None;
            }
            Event::End(TagEnd::Paragraph) => {
                if st.list_depth == 0 && !st.in_table {
                    let spans = st.take();
                    st.blocks.push(json!({ "p": spans }));
                } else {
                    st.span(" ", false);
                }
            }
            Event::Start(Tag::CodeBlock(kind)) => {
                let lang = match kind {
                    CodeBlockKind::Fenced(l) => l.to_string(),
                    CodeBlockKind::Indented => String::new(),
                };
                st.code = Some((lang, String::new()));
            }
            Event::End(TagEnd::CodeBlock) => {
                if let Some((lang, text)) = st.code.take() {
                    st.blocks.push(json!({ "code": text, "lang": lang }));
                }
            }
            Event::Start(Tag::List(_)) => st.list_depth += 1,
            Event::End(TagEnd::List(_)) => {
                st.list_depth = st.list_depth.saturating_sub(1);
                if st.list_depth == 0 {
                    let items = std::mem::take(&mut st.items);
                    st.blocks.push(json!({ "list": items }));
                }
            }
            Event::End(TagEnd::Item) => {
                let spans = st.take();
                st.items.push(spans);
            }
            Event::Start(Tag::Table(_)) => st.in_table = true,
            Event::End(TagEnd::Table) => {
                st.in_table = false;
                let rows = std::mem::take(&mut st.rows);
                st.blocks.push(json!({ "table": rows }));
            }
            Event::End(TagEnd::TableHead | TagEnd::TableRow) => {
                let row = std::mem::take(&mut st.row);
                st.rows.push(Value::Array(row));
            }
            Event::End(TagEnd::TableCell) => {
                let spans = st.take();
                st.row.push(spans);
            }
            Event::Start(Tag::Strong) => st.strong = true,
            Event::End(TagEnd::Strong) => st.strong = false,
            Event::Start(Tag::Emphasis) => st.em = true,
            Event::End(TagEnd::Emphasis) => st.em = false,
            Event::Text(t) => match &mut st.code {
                Some((_, text)) => text.push_str(&t),
                None => st.span(&t, false),
            },
            Event::Code(t) => st.span(&t, true),
            Event::Html(t) | Event::InlineHtml(t) => st.span(&t, false),
            Event::SoftBreak | Event::HardBreak => st.span(" ", false),
            _ => {}
        }
    }
    st.blocks
}

//! Source files, byte spans, and the map from byte offsets to lines and columns.
//!
//! Every syntax node carries a [`Span`]: the file it came from and a half-open byte range.
//! The standard library's files and the user's file share one [`SourceMap`], so a
//! diagnostic or a hover can point into either.

use std::sync::Arc;

/// Identifies one file of a [`SourceMap`]. The standard library's files come first.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Default)]
pub struct FileId(pub u32);

/// A half-open byte range `start..end` in one file.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Default)]
pub struct Span {
    pub file: FileId,
    pub start: u32,
    pub end: u32,
}

impl Span {
    pub fn new(file: FileId, start: usize, end: usize) -> Span {
        Span {
            file,
            start: to_u32(start),
            end: to_u32(end),
        }
    }

    /// The smallest span covering both (they must be in the same file).
    pub fn to(self, other: Span) -> Span {
        Span {
            file: self.file,
            start: self.start.min(other.start),
            end: self.end.max(other.end),
        }
    }

    pub fn range(self) -> std::ops::Range<usize> {
        self.start as usize..self.end as usize
    }

    pub fn contains(self, offset: usize) -> bool {
        (self.start as usize) <= offset && offset <= (self.end as usize)
    }
}

/// A 1-based line and column; the column counts Unicode scalar values.
#[derive(Debug, Clone, Copy, PartialEq, Eq, serde::Serialize)]
pub struct LineCol {
    pub line: u32,
    pub column: u32,
}

/// One source file: its name as the user gave it and its text.
#[derive(Debug, Clone)]
pub struct SourceFile {
    pub name: String,
    pub text: Arc<str>,
    line_starts: Vec<u32>,
}

impl SourceFile {
    pub fn new(name: impl Into<String>, text: impl Into<Arc<str>>) -> SourceFile {
        let text: Arc<str> = text.into();
        let mut line_starts = vec![0u32];
        line_starts.extend(memchr::memchr_iter(b'\n', text.as_bytes()).map(|idx| to_u32(idx).saturating_add(1)));
        SourceFile {
            name: name.into(),
            text,
            line_starts,
        }
    }

    /// The 0-based line that holds `offset`.
    pub fn line_of(&self, offset: usize) -> usize {
        match self.line_starts.binary_search(&to_u32(offset)) {
            Ok(line) => line,
            Err(next) => next.saturating_sub(1),
        }
    }

    /// The byte offset where 0-based `line` starts.
    pub fn line_start(&self, line: usize) -> usize {
        self.line_starts
            .get(line)
            .map_or(self.text.len(), |&start| start as usize)
    }

    /// 1-based line and column (in characters) of a byte offset.
    pub fn line_col(&self, offset: usize) -> LineCol {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column = self.text[start..offset].chars().count();
        LineCol {
            line: to_u32(line).saturating_add(1),
            column: to_u32(column).saturating_add(1),
        }
    }

    /// 0-based line and UTF-16 column, as the language server protocol counts them.
    pub fn line_utf16(&self, offset: usize) -> (u32, u32) {
        let offset = self.clamp(offset);
        let line = self.line_of(offset);
        let start = self.line_start(line);
        let column: usize = self.text[start..offset].chars().map(char::len_utf16).sum();
        (to_u32(line), to_u32(column))
    }

    /// The byte offset of a 0-based line and UTF-16 column (clamped to the line).
    pub fn offset_of_utf16(&self, line: u32, column: u32) -> usize {
        let line = line as usize;
        if line >= self.line_starts.len() {
            return self.text.len();
        }
        let start = self.line_start(line);
        let end = self.line_start(line + 1).min(self.text.len());
        let mut units = 0u32;
        for (idx, ch) in self.text[start..end].char_indices() {
            if units >= column || ch == '\n' {
                return start + idx;
            }
            units += to_u32(ch.len_utf16());
        }
        end
    }

    /// Moves an offset back onto a character boundary inside the text.
    fn clamp(&self, offset: usize) -> usize {
        let mut offset = offset.min(self.text.len());
        while !self.text.is_char_boundary(offset) {
            offset -= 1;
        }
        offset
    }
}

/// Every file a compilation knows: the standard library's, then the user's.
#[derive(Debug, Clone, Default)]
pub struct SourceMap {
    files: Vec<SourceFile>,
}

impl SourceMap {
    pub fn add(&mut self, file: SourceFile) -> FileId {
        self.files.push(file);
        FileId(to_u32(self.files.len()).saturating_sub(1))
    }

    pub fn get(&self, id: FileId) -> Option<&SourceFile> {
        self.files.get(id.0 as usize)
    }

    pub fn name(&self, id: FileId) -> &str {
        self.get(id).map_or("<unknown>", |file| file.name.as_str())
    }

    pub fn text(&self, span: Span) -> &str {
        self.get(span.file)
            .and_then(|file| file.text.get(span.range()))
            .unwrap_or("")
    }
}

/// A byte offset, line, column or count as the `u32` spans hold. Sources are at most
/// [`MAX_SOURCE_BYTES`] long (the commands refuse longer files), so nothing saturates in
/// practice.
pub fn to_u32(value: usize) -> u32 {
    u32::try_from(value).unwrap_or(u32::MAX)
}

/// The longest source file k8sc reads: spans hold `u32` offsets.
pub const MAX_SOURCE_BYTES: u64 = u32::MAX as u64;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn line_and_column_are_one_based_and_count_characters() {
        let file = SourceFile::new("t", "ab\nçd\n");
        assert_eq!(file.line_col(0), LineCol { line: 1, column: 1 });
        assert_eq!(file.line_col(3), LineCol { line: 2, column: 1 });
        // `ç` is two bytes but one column.
        assert_eq!(file.line_col(5), LineCol { line: 2, column: 2 });
        assert_eq!(file.line_col(100), LineCol { line: 3, column: 1 });
    }

    #[test]
    fn utf16_positions_round_trip() {
        let file = SourceFile::new("t", "x\n😀y = 1\n");
        let offset = file.text.find('y').unwrap();
        let (line, column) = file.line_utf16(offset);
        assert_eq!((line, column), (1, 2));
        assert_eq!(file.offset_of_utf16(line, column), offset);
    }
}

//! Opening a trace file safely: only regular files (a device such as `/dev/zero` or a
//! FIFO would never end, or block), read through a guard that refuses absurdly long
//! lines, so that a wrong `path` (a model's weights, a binary) costs an error, not the
//! machine's memory.

use std::fs::File;
use std::io::{self, Read};
use std::path::Path;

use csv::{ByteRecord, Reader, ReaderBuilder, Trim};

use super::TraceError;

/// The longest line a trace may have. Real records are tens of bytes; a per-minute row
/// of the Azure Functions trace is a few kilobytes.
pub const MAX_LINE_BYTES: usize = 1 << 20;

/// A trace file whose lines are at most `MAX_LINE_BYTES` long (checked as it is read).
pub struct TraceFile {
    file: File,
    /// Bytes read since the last newline.
    run: usize,
}

impl TraceFile {
    pub fn open(path: &Path) -> Result<TraceFile, TraceError> {
        let meta = std::fs::metadata(path).map_err(|e| TraceError::io(path, &e))?;
        if !meta.is_file() {
            let kind = if meta.is_dir() {
                "a directory"
            } else {
                "a device, socket or FIFO"
            };
            return Err(TraceError::file(
                path,
                format!("expected a regular file, found {kind}"),
            ));
        }
        let file = File::open(path).map_err(|e| TraceError::io(path, &e))?;
        Ok(TraceFile { file, run: 0 })
    }
}

/// A trace's CSV reader (fields trimmed, rows of any width) and its first row, the header;
/// an empty file is an error.
pub fn open_csv(path: &Path) -> Result<(Reader<TraceFile>, ByteRecord), TraceError> {
    let mut reader = ReaderBuilder::new()
        .has_headers(false)
        .flexible(true)
        .trim(Trim::All)
        .from_reader(TraceFile::open(path)?);
    let mut header = ByteRecord::new();
    if !reader
        .read_byte_record(&mut header)
        .map_err(|e| csv_error(path, e))?
    {
        return Err(TraceError::file(
            path,
            "expected a header line, found an empty file",
        ));
    }
    Ok((reader, header))
}

/// A CSV error at its line, when it has one.
pub fn csv_error(path: &Path, e: csv::Error) -> TraceError {
    match e.position() {
        Some(p) => TraceError::line(path, p.line(), e.to_string()),
        None => TraceError::file(path, e.to_string()),
    }
}

impl Read for TraceFile {
    fn read(&mut self, buf: &mut [u8]) -> io::Result<usize> {
        let n = self.file.read(buf)?;
        // One backwards scan per buffer fill (kilobytes), not per byte read by the parser.
        match buf[..n].iter().rposition(|&b| b == b'\n') {
            Some(i) => self.run = n - i - 1,
            None => self.run += n,
        }
        if self.run > MAX_LINE_BYTES {
            return Err(io::Error::new(
                io::ErrorKind::InvalidData,
                format!(
                    "expected lines of at most {MAX_LINE_BYTES} bytes, found a longer one (is this a trace file?)"
                ),
            ));
        }
        Ok(n)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_line_longer_than_the_limit_is_an_error_not_an_allocation() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("long.csv");
        let mut text = b"timestamp_s\n".to_vec();
        text.resize(text.len() + MAX_LINE_BYTES + 10, b'1');
        std::fs::write(&path, &text).unwrap();
        let mut sink = Vec::new();
        let err = TraceFile::open(&path)
            .unwrap()
            .read_to_end(&mut sink)
            .unwrap_err();
        assert!(
            err.to_string().contains("expected lines of at most"),
            "{err}"
        );
        // Many short lines of the same total size are fine.
        let short: Vec<u8> = b"1\n".repeat(MAX_LINE_BYTES);
        std::fs::write(&path, &short).unwrap();
        sink.clear();
        let n = TraceFile::open(&path).unwrap().read_to_end(&mut sink);
        assert_eq!(n.unwrap(), short.len());
    }

    #[test]
    fn devices_and_directories_are_refused() {
        let err = TraceFile::open(Path::new("/dev/zero")).err().unwrap();
        assert!(
            err.to_string()
                .contains("expected a regular file, found a device"),
            "{err}"
        );
        let dir = tempfile::tempdir().unwrap();
        let err = TraceFile::open(dir.path()).err().unwrap();
        assert!(err.to_string().ends_with("found a directory"), "{err}");
    }
}

//! Writing the results into `BENCHMARKS.md` between two markers, so the hand-written prose
//! around them (what each implementation does, how to read the figures) survives every run.

use std::path::Path;

use crate::error::BenchError;

/// Where the generated results start.
pub const BEGIN: &str = "<!-- results:begin (written by oxygram-bench; edits are overwritten) -->";
/// Where they end.
pub const END: &str = "<!-- results:end -->";

/// Replaces the results section of `path` with `results` (appending one if the file has
/// none, creating the file if missing).
pub fn update(path: &Path, results: &str) -> Result<(), BenchError> {
    let current = match std::fs::read_to_string(path) {
        Ok(text) => text,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => "# Benchmarks\n".to_owned(),
        Err(e) => return Err(BenchError::io(format!("read {}", path.display()))(e)),
    };
    std::fs::write(path, splice(&current, results))
        .map_err(BenchError::io(format!("write {}", path.display())))
}

/// `document` with the text between the markers replaced by `results`.
pub fn splice(document: &str, results: &str) -> String {
    let block = format!("{BEGIN}\n\n{}\n{END}", results.trim_end());
    match (document.find(BEGIN), document.find(END)) {
        (Some(begin), Some(end)) if end > begin => format!(
            "{}{block}{}",
            &document[..begin],
            &document[end + END.len()..]
        ),
        _ => format!("{}\n\n{block}\n", document.trim_end()),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn replaces_only_the_results() {
        let doc = format!("# B\n\nintro\n\n{BEGIN}\nold\n{END}\n\nafter\n");
        let new = splice(&doc, "new figures\n");
        assert_eq!(
            new,
            format!("# B\n\nintro\n\n{BEGIN}\n\nnew figures\n{END}\n\nafter\n")
        );
        assert_eq!(splice(&new, "new figures\n"), new);
    }

    #[test]
    fn appends_when_there_are_no_markers() {
        let new = splice("# B\n", "x");
        assert_eq!(new, format!("# B\n\n{BEGIN}\n\nx\n{END}\n"));
    }
}

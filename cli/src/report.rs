//! How findings reach the terminal: errors in full, warnings counted by
//! kind (each one with `--verbose`).

use std::fmt::Write as _;

use codegen::Diagnostics;

/// How much to say.
#[derive(Clone, Copy, Debug, Default)]
pub struct Output {
    /// Every warning, not only their count by kind.
    pub verbose: bool,
}

impl Output {
    /// Prints the errors of `diagnostics` in full and its warnings as
    /// [`Output::warnings`] does, for the spec or model named `what`.
    pub fn findings(&self, what: &str, diagnostics: &Diagnostics) {
        for error in diagnostics.errors() {
            eprintln!("{error}\n");
        }
        self.warnings(what, diagnostics);
    }

    /// Prints the warnings of `diagnostics`, for `what`: each one if
    /// verbose, then a line counting them by kind.
    pub fn warnings(&self, what: &str, diagnostics: &Diagnostics) {
        if self.verbose {
            for warning in diagnostics.warnings() {
                eprintln!("{warning}\n");
            }
        }
        if let Some(summary) = summary(what, diagnostics, self.verbose) {
            eprintln!("{summary}");
        }
    }
}

/// `warning: specs/ssm: 3 warnings (2 UnknownTrait, 1 NameConflict); ...`,
/// or nothing when there is nothing to say.
fn summary(what: &str, diagnostics: &Diagnostics, verbose: bool) -> Option<String> {
    let counts = diagnostics.warning_counts();
    let total: usize = counts.values().sum();
    let suppressed = diagnostics.suppressed();
    if total == 0 && suppressed == 0 {
        return None;
    }
    let mut line = format!("warning: {what}: {total} warning{}", plural(total));
    if total > 0 {
        let mut by_kind: Vec<(&str, usize)> = counts.into_iter().collect();
        // The commonest first; ties by name, so the line is stable.
        by_kind.sort_by(|a, b| b.1.cmp(&a.1).then(a.0.cmp(b.0)));
        let kinds: Vec<String> = by_kind.iter().map(|(kind, n)| format!("{n} {kind}")).collect();
        let _ = write!(line, " ({})", kinds.join(", "));
    }
    if suppressed > 0 {
        let _ = write!(line, ", {suppressed} suppressed by the model");
    }
    if total > 0 && !verbose {
        line.push_str("; --verbose prints each");
    }
    Some(line)
}

pub fn plural(n: usize) -> &'static str {
    if n == 1 { "" } else { "s" }
}

#[cfg(test)]
mod tests {
    use codegen::{Diagnostic, Diagnostics, WarningKind};

    #[test]
    fn warnings_are_counted_by_kind_commonest_first() {
        let mut found = Diagnostics::default();
        found.push(Diagnostic::warning(WarningKind::NameConflict, "a"));
        found.push(Diagnostic::warning(WarningKind::UnknownTrait, "b"));
        found.push(Diagnostic::warning(WarningKind::UnknownTrait, "c"));
        found.push(Diagnostic::error("not counted"));
        assert_eq!(
            super::summary("specs/x", &found, false).unwrap(),
            "warning: specs/x: 3 warnings (2 UnknownTrait, 1 NameConflict); --verbose prints each"
        );
        found.suppress(|w| w.id == Some(WarningKind::NameConflict));
        assert_eq!(
            super::summary("specs/x", &found, true).unwrap(),
            "warning: specs/x: 2 warnings (2 UnknownTrait), 1 suppressed by the model"
        );
        assert_eq!(super::summary("specs/x", &Diagnostics::default(), false), None);
    }
}

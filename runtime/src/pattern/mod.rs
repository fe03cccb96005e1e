//! `@pattern` matchers. Each pattern was parsed and checked when the crate
//! was generated, and given the engine that runs it safely; it is compiled
//! on first use, once per process.
//!
//! A linear-time pattern runs, fastest first: as anchored runs of ASCII
//! classes ([`runs`]: most AWS ids and names), as a dense DFA when one fits
//! in [`DFA_SIZE_LIMIT`], else on the `regex` crate, whose lazy DFA handles
//! large Unicode classes.

mod runs;

use std::sync::OnceLock;

use regex_automata::dfa::{Automaton, dense};
use regex_automata::{Input, MatchKind};

/// The most memory one pattern's dense DFA may take.
const DFA_SIZE_LIMIT: usize = 256 << 10;

/// A compiled-on-demand `@pattern`, matched with search semantics (Smithy
/// patterns are not anchored implicitly).
pub struct Pattern {
    source: &'static str,
    engine: Engine,
    compiled: OnceLock<Compiled>,
}

enum Engine {
    /// A translation for the `regex` crate: linear time on any input.
    Linear(&'static str),
    /// `^C*$` for the `regex` crate and a count of characters: `^C{min,max}$`
    /// where the repetition is too large to compile as written.
    Counted(&'static str, usize, usize),
    /// The ECMA-262 pattern and flags for `regress`, for look-around and
    /// back-references; it only sees input that passed the length limit.
    Backtracking(&'static str, &'static str),
}

enum Compiled {
    Runs(runs::Runs),
    // Boxed: the DFA's header is large, and a pattern holds one engine.
    Dense(Box<dense::DFA<Vec<u32>>>),
    Linear(regex::Regex),
    Backtracking(regress::Regex),
}

/// `translated` as a dense DFA for unanchored searches, if it fits.
fn dense_dfa(translated: &str) -> Option<dense::DFA<Vec<u32>>> {
    let config = dense::Config::new()
        .match_kind(MatchKind::All)
        .dfa_size_limit(Some(DFA_SIZE_LIMIT))
        .determinize_size_limit(Some(DFA_SIZE_LIMIT));
    dense::Builder::new().configure(config).build(translated).ok()
}

impl Pattern {
    /// A pattern that runs as `translated` on the `regex` crate.
    pub const fn linear(source: &'static str, translated: &'static str) -> Self {
        Pattern { source, engine: Engine::Linear(translated), compiled: OnceLock::new() }
    }

    /// A pattern that matches when `each` (`^C*$`) does and the text has
    /// `min..=max` characters.
    pub const fn counted(source: &'static str, each: &'static str, min: usize, max: usize) -> Self {
        Pattern { source, engine: Engine::Counted(each, min, max), compiled: OnceLock::new() }
    }

    /// A pattern that runs as `ecma` with `flags` on `regress`.
    pub const fn backtracking(source: &'static str, ecma: &'static str, flags: &'static str) -> Self {
        Pattern { source, engine: Engine::Backtracking(ecma, flags), compiled: OnceLock::new() }
    }

    /// The pattern as written in the model.
    pub fn source(&self) -> &'static str {
        self.source
    }

    /// Whether `text` contains a match.
    #[inline]
    pub fn is_match(&self, text: &str) -> bool {
        let compiled = self.compiled.get_or_init(|| match self.engine {
            Engine::Linear(translated) | Engine::Counted(translated, ..) => {
                if let Some(runs) = runs::Runs::of(translated) {
                    Compiled::Runs(runs)
                } else if let Some(dfa) = dense_dfa(translated) {
                    Compiled::Dense(Box::new(dfa))
                } else {
                    Compiled::Linear(regex::Regex::new(translated).expect("checked when the crate was generated"))
                }
            }
            Engine::Backtracking(ecma, flags) => Compiled::Backtracking(
                regress::Regex::with_flags(ecma, flags).expect("checked when the crate was generated"),
            ),
        });
        if let Engine::Counted(_, min, max) = self.engine {
            // Count no further than needed: a long text costs at most max + 1 steps.
            let count = text.chars().take(max + 1).count();
            if count < min || count > max {
                return false;
            }
        }
        match compiled {
            Compiled::Runs(runs) => runs.is_match(text),
            // Any match will do: stop at the first.
            Compiled::Dense(dfa) => {
                matches!(dfa.try_search_fwd(&Input::new(text).earliest(true)), Ok(Some(_)))
            }
            Compiled::Linear(regex) => regex.is_match(text),
            Compiled::Backtracking(regex) => regex.find(text).is_some(),
        }
    }
}

impl std::fmt::Debug for Pattern {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_tuple("Pattern").field(&self.source).finish()
    }
}

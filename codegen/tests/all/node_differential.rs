//! Our pattern matching against Node's `RegExp`, on strings generated from
//! every pattern in AWS's SSM model and in Smithy's validation suite.
//!
//! For each pattern, strings are generated from its syntax tree (so many
//! match) and then mutated with characters chosen where ECMA-262 and other
//! engines differ: Unicode white space, line terminators, non-ASCII
//! letters and digits, case-folding oddities (`ſ`, the Kelvin sign). Our
//! side is the runtime's own matcher (`awsgen_runtime::validate::Pattern`)
//! fed what the generator emits; Node's side is `new RegExp(ecma, flags)`.
//!
//! Only what ECMA-262 defines is compared: patterns read as Java (which
//! ECMA-262 refuses or reads otherwise, such as SSM's `^(?i)all|...`) are
//! skipped, and counted. The one deliberate reading of ECMA-262 patterns,
//! `\p{..}` as a Unicode property, is passed to Node as the `u` flag.
//! Strings stay in the Basic Multilingual Plane: outside it, ECMA-262
//! without `u` counts UTF-16 code units while we, like `@length` and Java,
//! count code points.

use crate::common;

use std::collections::BTreeSet;
use std::io::Write;
use std::process::{Command, Stdio};

use codegen::model::pattern::parse::{ClassItem, Node, Set};
use codegen::model::pattern::{Dialect, Engine, Pattern};
use serde_json::{Value, json};

// What generated crates run.
use awsgen_runtime::validate::Pattern as Matcher;

/// Every `smithy.api#pattern` value in a JSON AST document.
fn patterns_in(value: &Value, out: &mut BTreeSet<String>) {
    match value {
        Value::Object(map) => {
            for (key, item) in map {
                match (key.as_str(), item) {
                    ("smithy.api#pattern", Value::String(p)) => {
                        out.insert(p.clone());
                    }
                    _ => patterns_in(item, out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|i| patterns_in(i, out)),
        _ => {}
    }
}

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// Characters where engines tend to disagree, plus plain ones.
const ALPHABET: &[char] = &[
    'a', 'z', 'A', 'Z', 'k', 'K', 's', 'S', 'i', 'l', '0', '5', '9', '_', '-', '.', ':', '/', '%', '$', '@', '+', '=',
    ' ', '\t', '\n', '\r', '\u{b}', '\u{c}', '\u{a0}', '\u{85}', '\u{1680}', '\u{2000}', '\u{2028}', '\u{2029}',
    '\u{202f}', '\u{3000}', '\u{feff}', 'é', 'É', 'ß', 'ſ', '\u{212a}', 'ı', 'İ', '٣', '５', 'Ω', '中', '\\', '[', ']',
];

fn sample_set(set: &Set, rng: &mut Rng) -> char {
    let candidates: &[char] = match set {
        Set::Digit { negated: false } => &['0', '7', '9'],
        Set::Word { negated: false } => &['a', 'Z', '_', '4'],
        Set::Space { negated: false } => &[' ', '\t', '\u{a0}', '\u{feff}', '\u{2028}'],
        _ => ALPHABET,
    };
    *rng.pick(candidates)
}

/// A string built to follow `node` (look-arounds and back-references are
/// skipped, so not every string matches; mutations cover the rest).
fn generate(node: &Node, rng: &mut Rng, out: &mut String) {
    match node {
        Node::Empty
        | Node::Start
        | Node::End
        | Node::LineStart
        | Node::LineEnd
        | Node::WordBoundary { .. }
        | Node::Look { .. }
        | Node::Backreference(_) => {}
        Node::Literal(c) => out.push(*c),
        Node::Any => out.push(*rng.pick(&['a', 'Q', '7', ' ', '-', 'é', '\u{a0}'])),
        Node::Set(set) => out.push(sample_set(set, rng)),
        Node::Class(class) if class.negated || class.items.is_empty() => out.push(*rng.pick(ALPHABET)),
        Node::Class(class) => match rng.pick(&class.items) {
            ClassItem::Char(c) => out.push(*c),
            ClassItem::Range(a, b) => {
                let span = (*b as u32 - *a as u32 + 1) as usize;
                out.push(char::from_u32(*a as u32 + rng.below(span) as u32).unwrap_or(*a));
            }
            ClassItem::Set(Set::Property { .. }) => out.push(*rng.pick(&['a', 'é', '中', ' ', '5', '٣'])),
            ClassItem::Set(set) => out.push(sample_set(set, rng)),
            // Java's nested classes and intersections: not in ECMA-262 patterns.
            ClassItem::Class(_) | ClassItem::Intersection(_) => out.push(*rng.pick(ALPHABET)),
        },
        Node::Group { node, .. } => generate(node, rng, out),
        Node::Repeat { node, min, max, .. } => {
            let max = max.unwrap_or(min + 3).min(min + 3);
            let count = *min as usize + rng.below((max - min) as usize + 1);
            for _ in 0..count.min(300) {
                generate(node, rng, out);
            }
        }
        Node::Concat(nodes) => nodes.iter().for_each(|n| generate(n, rng, out)),
        Node::Alternation(nodes) => generate(rng.pick(nodes), rng, out),
    }
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(2) {
        let at = if chars.is_empty() { 0 } else { rng.below(chars.len() + 1) };
        match rng.below(3) {
            0 => chars.insert(at, *rng.pick(ALPHABET)),
            1 if at < chars.len() => {
                chars.remove(at);
            }
            _ if at < chars.len() => chars[at] = *rng.pick(ALPHABET),
            _ => chars.push(*rng.pick(ALPHABET)),
        }
    }
    chars.into_iter().collect()
}

fn inputs_for(pattern: &Pattern, seed: u64) -> Vec<String> {
    let parsed = codegen::model::pattern::parse::parse(&pattern.ecma).unwrap();
    let mut rng = Rng(seed | 1);
    let mut inputs: Vec<String> =
        ["", " ", "a", "\n", "\u{a0}", "ALL", "all", "allow-anything"].map(String::from).to_vec();
    for _ in 0..40 {
        let mut text = String::new();
        generate(&parsed.node, &mut rng, &mut text);
        inputs.push(mutate(&text, &mut rng));
        inputs.push(text);
    }
    // Counted patterns: the repetition's bounds, and a line terminator at the end.
    if let Engine::Counted { min, max, .. } = &pattern.engine {
        let (min, max) = (*min as usize, *max as usize);
        for n in [min.saturating_sub(1), min, max, max + 1] {
            inputs.push("é".repeat(n));
        }
        inputs.push(format!("{}\n", "a".repeat(max - 1)));
        inputs.push(format!("{}\u{2028}", "a".repeat(min)));
    }
    inputs.sort();
    inputs.dedup();
    inputs
}

/// Our verdicts, with the matcher the generated crate uses.
fn ours(pattern: &Pattern, inputs: &[String]) -> Vec<bool> {
    let matcher = match &pattern.engine {
        Engine::Linear(translated) => Matcher::linear(leak(&pattern.source), leak(translated)),
        Engine::Counted { each, min, max } => {
            Matcher::counted(leak(&pattern.source), leak(each), *min as usize, *max as usize)
        }
        Engine::Backtracking => Matcher::backtracking(leak(&pattern.source), leak(&pattern.ecma), leak(&pattern.flags)),
    };
    inputs.iter().map(|input| matcher.is_match(input)).collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

const NODE_SCRIPT: &str = r#"
let data = '';
// Decoded as a stream: a chunk may end inside a character.
process.stdin.setEncoding('utf8');
process.stdin.on('data', chunk => data += chunk);
process.stdin.on('end', () => {
  const out = JSON.parse(data).map(({ecma, flags, inputs}) => {
    const re = new RegExp(ecma, flags);
    return inputs.map(s => re.test(s));
  });
  process.stdout.write(JSON.stringify(out));
});
"#;

/// Node's verdicts for each (ecma, flags, inputs).
fn node(batches: &[Value]) -> Vec<Vec<bool>> {
    let mut child = Command::new("node")
        .args(["-e", NODE_SCRIPT])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .spawn()
        .expect("node must be installed (.ci/run installs it): this test compares our matcher with Node's RegExp");
    child.stdin.take().unwrap().write_all(serde_json::to_string(batches).unwrap().as_bytes()).unwrap();
    let output = child.wait_with_output().unwrap();
    assert!(output.status.success(), "node failed: {}", String::from_utf8_lossy(&output.stderr));
    serde_json::from_slice(&output.stdout).unwrap()
}

#[test]
fn our_matcher_agrees_with_node_regexp() {
    let mut sources = BTreeSet::new();
    let ssm: Value = serde_json::from_str(&common::model("ssm/smithy-ssm-2014-11-06.json.gz")).unwrap();
    patterns_in(&ssm, &mut sources);
    let ssm = sources.len();
    let mut suite = BTreeSet::new();
    // Smithy's validation suite, as the conformance crate loads it from its IDL sources.
    let validation =
        codegen::model::load::load_dir(&common::root().join("conformance/specs/rest_json_validation")).unwrap();
    patterns_in(&serde_json::from_str(&codegen::model::load::to_json_ast(&validation)).unwrap(), &mut suite);
    let suite_count = suite.len();
    sources.extend(suite);
    assert_eq!(ssm, 53, "the SSM model has 53 distinct patterns");
    assert_eq!(suite_count, 3);

    let mut batches = Vec::new();
    let mut ours_all = Vec::new();
    let mut java = Vec::new();
    for (i, source) in sources.iter().enumerate() {
        let pattern = Pattern::parse(source).unwrap_or_else(|e| panic!("{source}: {e}"));
        // ECMA-262 refuses these or reads them otherwise; Node has nothing to say.
        if pattern.dialect == Dialect::Java {
            java.push(source.clone());
            continue;
        }
        let inputs = inputs_for(&pattern, 0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
        ours_all.push(ours(&pattern, &inputs));
        batches.push(json!({"source": source, "ecma": pattern.ecma, "flags": pattern.flags, "inputs": inputs}));
    }
    println!("{} patterns read as Java, not compared: {java:?}", java.len());
    assert_eq!(java, [r"^(?i)all|[0-9]{12}$"], "only SSM's AccountId is read as Java");
    let theirs = node(&batches);
    let mut mismatches = Vec::new();
    let mut compared = 0;
    let mut matched = 0;
    for ((batch, ours), theirs) in batches.iter().zip(&ours_all).zip(&theirs) {
        for ((input, a), b) in batch["inputs"].as_array().unwrap().iter().zip(ours).zip(theirs) {
            compared += 1;
            matched += usize::from(*a);
            if a != b {
                mismatches.push(format!("{} on {input}: ours {a}, Node {b}", batch["source"]));
            }
        }
    }
    println!("{} patterns, {compared} strings compared, {matched} matching", batches.len());
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    // The generated strings must exercise both outcomes.
    assert!(matched > compared / 5 && matched < compared * 4 / 5, "{matched} of {compared} matched");
}

//! Every pattern in AWS's models that needs Java's reading
//! (`fixtures/java-patterns.txt`): each parses, is read as Java with a
//! warning, and runs on the engine listed. The engine's verdicts, as the
//! runtime's own matcher gives them, must agree with `regress` running the
//! ECMA-262 form of the reading, on strings generated from each pattern.

use crate::common;

use codegen::model::pattern::parse::{ClassItem, Node, Set, parse_in};
use codegen::model::pattern::{Dialect, Engine, Pattern};

// What generated crates run.
use awsgen_runtime::validate::Pattern as Matcher;

fn fixtures() -> Vec<(String, String)> {
    let path = common::root().join("codegen/tests/fixtures/java-patterns.txt");
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    text.lines()
        .filter(|line| !line.starts_with('#') && !line.is_empty())
        .map(|line| {
            let (engine, source) = line.split_once('\t').unwrap_or_else(|| panic!("no tab in {line:?}"));
            (engine.to_string(), source.to_string())
        })
        .collect()
}

fn leak(s: &str) -> &'static str {
    Box::leak(s.to_string().into_boxed_str())
}

fn kind(engine: &Engine) -> &'static str {
    match engine {
        Engine::Linear(_) => "linear",
        Engine::Counted { .. } => "counted",
        Engine::Backtracking => "backtracking",
    }
}

#[test]
fn every_java_pattern_in_aws_models_is_read_as_java() {
    let fixtures = fixtures();
    assert_eq!(fixtures.len(), 97);
    let mut wrong = Vec::new();
    for (expected, source) in &fixtures {
        match Pattern::parse(source) {
            Ok(pattern) if pattern.dialect != Dialect::Java => wrong.push(format!("{source}: read as ECMA-262")),
            Ok(pattern) if kind(&pattern.engine) != expected => {
                wrong.push(format!("{source}: runs {}, not {expected}", kind(&pattern.engine)));
            }
            Ok(pattern) if pattern.warnings.is_empty() => wrong.push(format!("{source}: no warning")),
            Ok(_) => {}
            Err(e) => wrong.push(format!("{source}: {e}")),
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
    let backtracking = fixtures.iter().filter(|(engine, _)| engine == "backtracking").count();
    println!(
        "{} patterns read as Java: {} linear, {backtracking} backtracking",
        fixtures.len(),
        fixtures.len() - backtracking
    );
}

/// Characters where readings tend to differ.
const ALPHABET: &[char] = &[
    'a',
    'z',
    'A',
    'Z',
    's',
    'S',
    'k',
    '0',
    '9',
    '_',
    '-',
    '.',
    ':',
    '/',
    '|',
    '`',
    '"',
    '!',
    '~',
    '<',
    '>',
    '@',
    '=',
    ' ',
    '\t',
    '\n',
    '\r',
    '\u{b}',
    '\u{85}',
    '\u{a0}',
    '\u{2028}',
    '\u{3000}',
    'é',
    'ß',
    '\u{212a}',
    '٣',
    '中',
    'Ω',
    '\u{7f}',
    '\u{e000}',
    '\u{fffd}',
    '\u{1f600}',
    '\u{10ffff}',
];

/// A small deterministic generator (xorshift64*).
struct Rng(u64);

impl Rng {
    fn below(&mut self, n: usize) -> usize {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        (self.0.wrapping_mul(0x2545_F491_4F6C_DD1D) % n as u64) as usize
    }

    fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

/// A string following `node`, roughly (assertions are skipped; mutations
/// cover the rest).
fn generate(node: &Node, rng: &mut Rng, out: &mut String) {
    match node {
        Node::Literal(c) => out.push(*c),
        Node::Class(class) if !class.negated && rng.below(4) > 0 => match rng.pick(&class.items) {
            ClassItem::Char(c) => out.push(*c),
            ClassItem::Range(a, b) => {
                let span = *b as u32 - *a as u32 + 1;
                let c = char::from_u32(*a as u32 + rng.below(span.min(200) as usize) as u32);
                out.push(c.unwrap_or(*a));
            }
            ClassItem::Set(Set::Digit { negated: false }) => out.push('7'),
            _ => out.push(*rng.pick(ALPHABET)),
        },
        Node::Any | Node::Class(_) | Node::Set(_) => out.push(*rng.pick(ALPHABET)),
        Node::Group { node, .. } => generate(node, rng, out),
        Node::Repeat { node, min, max, .. } => {
            let max = max.unwrap_or(min + 3).min(min + 3);
            for _ in 0..(*min + rng.below((max - min) as usize + 1) as u32).min(300) {
                generate(node, rng, out);
            }
        }
        Node::Concat(nodes) => nodes.iter().for_each(|n| generate(n, rng, out)),
        Node::Alternation(nodes) => generate(rng.pick(nodes), rng, out),
        _ => {}
    }
}

fn mutate(text: &str, rng: &mut Rng) -> String {
    let mut chars: Vec<char> = text.chars().collect();
    for _ in 0..=rng.below(2) {
        let at = rng.below(chars.len() + 1);
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

#[test]
fn the_engines_agree_with_the_ecma_form_of_the_reading() {
    let mut compared = 0;
    let mut matched = 0;
    let mut mismatches = Vec::new();
    for (i, (_, source)) in fixtures().iter().enumerate() {
        let pattern = Pattern::parse(source).unwrap();
        let node = parse_in(source, Dialect::Java).unwrap().node;
        let matcher = match &pattern.engine {
            Engine::Linear(translated) => Matcher::linear(leak(source), leak(translated)),
            Engine::Counted { each, min, max } => {
                Matcher::counted(leak(source), leak(each), *min as usize, *max as usize)
            }
            Engine::Backtracking => Matcher::backtracking(leak(source), leak(&pattern.ecma), leak(&pattern.flags)),
        };
        let ecma = regress::Regex::with_flags(&pattern.ecma, pattern.flags.as_str()).unwrap();
        let mut rng = Rng(0x9E37_79B9_7F4A_7C15 ^ (i as u64 + 1));
        let mut inputs = vec![String::new(), "a".to_string(), "\n".to_string()];
        for _ in 0..40 {
            let mut text = String::new();
            generate(&node, &mut rng, &mut text);
            inputs.push(mutate(&text, &mut rng));
            inputs.push(text);
        }
        for input in &inputs {
            let (ours, theirs) = (matcher.is_match(input), ecma.find(input).is_some());
            compared += 1;
            matched += usize::from(ours);
            if ours != theirs {
                mismatches.push(format!("{source} on {input:?}: engine {ours}, ECMA form {:?} {theirs}", pattern.ecma));
            }
        }
    }
    println!("{compared} strings compared, {matched} matching");
    assert!(mismatches.is_empty(), "{} mismatches:\n{}", mismatches.len(), mismatches.join("\n"));
    assert!(matched > compared / 5 && matched < compared * 4 / 5, "{matched} of {compared} matched");
}

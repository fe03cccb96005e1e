//! Lints on patterns that are valid but probably do not mean what they say.

use super::parse::Node;

/// A warning when the pattern anchors some top-level alternatives and not
/// others: Smithy patterns are not implicitly anchored, so in
/// `^(?i)all|[0-9]{12}$` the first alternative matches any string that
/// starts with `all` and the second any that ends with twelve digits.
pub fn partial_anchors(node: &Node) -> Option<String> {
    let Node::Alternation(alternatives) = node else { return None };
    let anchors: Vec<(bool, bool)> = alternatives.iter().map(|a| (starts_anchored(a), ends_anchored(a))).collect();
    if anchors.iter().all(|a| *a == anchors[0]) {
        return None;
    }
    let loose: Vec<String> = anchors
        .iter()
        .enumerate()
        .filter(|(_, (start, end))| !(*start && *end))
        .map(|(i, (start, end))| {
            let missing = match (start, end) {
                (false, false) => "`^` or `$`",
                (false, true) => "`^`",
                _ => "`$`",
            };
            format!("alternative {} has no {missing}", i + 1)
        })
        .collect();
    Some(format!(
        "anchors only some of its alternatives ({}); Smithy patterns are not anchored implicitly, so such an \
         alternative accepts any string that merely contains a match. Wrap the alternatives in a group, `^(...|...)$`, \
         if the whole value must match",
        loose.join(", ")
    ))
}

fn starts_anchored(node: &Node) -> bool {
    match node {
        Node::Start => true,
        Node::Concat(nodes) => nodes.first().is_some_and(starts_anchored),
        Node::Group { node, .. } => starts_anchored(node),
        Node::Alternation(nodes) => nodes.iter().all(starts_anchored),
        _ => false,
    }
}

fn ends_anchored(node: &Node) -> bool {
    match node {
        Node::End => true,
        Node::Concat(nodes) => nodes.last().is_some_and(ends_anchored),
        Node::Group { node, .. } => ends_anchored(node),
        Node::Alternation(nodes) => nodes.iter().all(ends_anchored),
        _ => false,
    }
}

#[cfg(test)]
mod tests {
    use super::super::parse::parse;
    use super::*;

    fn lint(source: &str) -> Option<String> {
        partial_anchors(&parse(source).unwrap().node)
    }

    #[test]
    fn flags_partly_anchored_alternations() {
        assert!(
            lint("^all|[0-9]{12}$").unwrap().starts_with(
                "anchors only some of its alternatives (alternative 1 has no `$`, alternative 2 has no `^`)"
            )
        );
        assert!(lint("^tag:.+|Name|Type$").is_some());
        assert!(lint("^([$]LATEST)|([1-9][0-9]*)$").is_some());
    }

    #[test]
    fn accepts_consistent_anchoring() {
        assert_eq!(lint("^https://.+$|^s3://([^/]+)/(.*?([^/]+))$"), None);
        assert_eq!(lint(r"^(^i-(\w{8}|\w{17})$)|(^mi-\w{17}$)$"), None);
        assert_eq!(lint("^(a|b)$"), None);
        assert_eq!(lint("^arn:"), None);
        assert_eq!(lint("a|b"), None);
    }
}

//! A matcher for the digit patterns of libphonenumber's metadata.
//!
//! The numbering plans are copied verbatim from libphonenumber (`nationalNumberPattern`), so that they can be
//! compared with the source line by line. Those patterns use a small subset of regular expressions: digits,
//! `\d`, classes such as `[1-35-9]`, non-capturing groups with alternatives, and the quantifiers `?`, `{n}` and
//! `{n,m}`. This module matches exactly that subset (whole input, with backtracking), which keeps the browser
//! bundle free of a regular-expression engine.

use std::cell::RefCell;
use std::rc::Rc;

/// A pattern's nodes, `None` when it is malformed.
type Compiled = Rc<Option<Vec<Node>>>;

#[derive(Debug)]
enum Node {
    /// One digit among the allowed ones.
    Digit([bool; 10]),
    /// Alternatives, each a sequence.
    Group(Vec<Vec<Node>>),
    Repeat(Box<Node>, usize, usize),
}

/// True when `digits` matches `pattern` as a whole. A malformed pattern matches nothing. Each pattern is
/// compiled once per thread (the browser checks the number at every keystroke).
pub fn full_match(pattern: &'static str, digits: &str) -> bool {
    thread_local! {
        static COMPILED: RefCell<Vec<(&'static str, Compiled)>> = const { RefCell::new(Vec::new()) };
    }
    let nodes = COMPILED.with(|compiled| {
        let known = compiled
            .borrow()
            .iter()
            .find(|(p, _)| *p == pattern)
            .map(|(_, nodes)| Rc::clone(nodes));
        known.unwrap_or_else(|| {
            let nodes = Rc::new(parse(pattern));
            compiled.borrow_mut().push((pattern, Rc::clone(&nodes)));
            nodes
        })
    });
    let Some(nodes) = nodes.as_ref() else {
        return false;
    };
    match_seq(nodes, digits.as_bytes(), 0, &mut |end| end == digits.len())
}

fn parse(pattern: &str) -> Option<Vec<Node>> {
    let mut parser = Parser {
        bytes: pattern.as_bytes(),
        pos: 0,
    };
    let alternatives = parser.alternatives()?;
    (parser.pos == parser.bytes.len()).then(|| vec![Node::Group(alternatives)])
}

struct Parser<'a> {
    bytes: &'a [u8],
    pos: usize,
}

impl Parser<'_> {
    fn peek(&self) -> Option<u8> {
        self.bytes.get(self.pos).copied()
    }

    fn alternatives(&mut self) -> Option<Vec<Vec<Node>>> {
        let mut alternatives = vec![self.sequence()?];
        while self.peek() == Some(b'|') {
            self.pos += 1;
            alternatives.push(self.sequence()?);
        }
        Some(alternatives)
    }

    fn sequence(&mut self) -> Option<Vec<Node>> {
        let mut nodes = Vec::new();
        while let Some(b) = self.peek() {
            let atom = match b {
                b'|' | b')' => break,
                b'(' => {
                    if self.bytes.get(self.pos..self.pos + 3) != Some(b"(?:") {
                        return None;
                    }
                    self.pos += 3;
                    let group = self.alternatives()?;
                    (self.peek() == Some(b')')).then_some(())?;
                    self.pos += 1;
                    Node::Group(group)
                }
                b'[' => self.class()?,
                b'\\' => {
                    (self.bytes.get(self.pos + 1) == Some(&b'd')).then_some(())?;
                    self.pos += 2;
                    Node::Digit([true; 10])
                }
                b'0'..=b'9' => {
                    self.pos += 1;
                    let mut set = [false; 10];
                    set[usize::from(b - b'0')] = true;
                    Node::Digit(set)
                }
                _ => return None,
            };
            nodes.push(self.quantified(atom)?);
        }
        Some(nodes)
    }

    fn class(&mut self) -> Option<Node> {
        self.pos += 1;
        let mut set = [false; 10];
        loop {
            let b = self.peek()?;
            self.pos += 1;
            match b {
                b']' => return Some(Node::Digit(set)),
                b'0'..=b'9' => {
                    let mut last = b;
                    if self.peek() == Some(b'-') {
                        last = *self.bytes.get(self.pos + 1)?;
                        self.pos += 2;
                    }
                    for d in b..=last {
                        set[usize::from(d.checked_sub(b'0')?).min(9)] = true;
                    }
                }
                _ => return None,
            }
        }
    }

    fn quantified(&mut self, atom: Node) -> Option<Node> {
        match self.peek() {
            Some(b'?') => {
                self.pos += 1;
                Some(Node::Repeat(Box::new(atom), 0, 1))
            }
            Some(b'{') => {
                let close = self.bytes[self.pos..].iter().position(|&b| b == b'}')? + self.pos;
                let inside = std::str::from_utf8(&self.bytes[self.pos + 1..close]).ok()?;
                let (min, max) = match inside.split_once(',') {
                    Some((a, b)) => (a.parse().ok()?, b.parse().ok()?),
                    None => {
                        let n = inside.parse().ok()?;
                        (n, n)
                    }
                };
                self.pos = close + 1;
                Some(Node::Repeat(Box::new(atom), min, max))
            }
            _ => Some(atom),
        }
    }
}

/// Matches `nodes` from `pos`, calling `k` with each possible end until it accepts.
fn match_seq(nodes: &[Node], input: &[u8], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    let Some((first, rest)) = nodes.split_first() else {
        return k(pos);
    };
    match_node(first, input, pos, &mut |next| {
        match_seq(rest, input, next, k)
    })
}

fn match_node(node: &Node, input: &[u8], pos: usize, k: &mut dyn FnMut(usize) -> bool) -> bool {
    match node {
        Node::Digit(set) => match input.get(pos) {
            Some(b @ b'0'..=b'9') if set[usize::from(b - b'0')] => k(pos + 1),
            _ => false,
        },
        Node::Group(alternatives) => alternatives.iter().any(|seq| match_seq(seq, input, pos, k)),
        Node::Repeat(inner, min, max) => match_repeat(inner, *min, *max, input, pos, k),
    }
}

fn match_repeat(
    inner: &Node,
    min: usize,
    max: usize,
    input: &[u8],
    pos: usize,
    k: &mut dyn FnMut(usize) -> bool,
) -> bool {
    if min > 0 {
        return match_node(inner, input, pos, &mut |next| {
            match_repeat(inner, min - 1, max - 1, input, next, k)
        });
    }
    // Greedy: try one more repetition first, then stop here.
    (max > 0
        && match_node(inner, input, pos, &mut |next| {
            next != pos && match_repeat(inner, 0, max - 1, input, next, k)
        }))
        || k(pos)
}

#[cfg(test)]
mod tests {
    use super::full_match;

    #[test]
    fn subset_of_regular_expressions() {
        let cases = [
            (r"\d{3}", "123", true),
            (r"\d{3}", "12", false),
            (r"\d{3}", "1234", false),
            (r"[1-35-9]", "4", false),
            (r"[1-35-9]", "5", true),
            (r"(?:26[013-9]|59[1-35-9])\d{6}", "261123456", true),
            (r"(?:26[013-9]|59[1-35-9])\d{6}", "262123456", false),
            (r"4\d{5}(?:\d{2})?", "412345", true),
            (r"4\d{5}(?:\d{2})?", "41234567", true),
            (r"4\d{5}(?:\d{2})?", "4123456", false),
            (r"8\d{7,8}", "81234567", true),
            (r"8\d{7,8}", "812345678", true),
            (r"8\d{7,8}", "8123456789", false),
            (
                r"(?:6(?:[0-24-8]\d|3[0-8]|9[589])|7[3-9]\d)\d{6}",
                "639123456",
                false,
            ),
            (
                r"(?:6(?:[0-24-8]\d|3[0-8]|9[589])|7[3-9]\d)\d{6}",
                "638123456",
                true,
            ),
        ];
        for (pattern, input, expected) in cases {
            assert_eq!(full_match(pattern, input), expected, "{pattern} ~ {input}");
        }
    }

    #[test]
    fn malformed_patterns_match_nothing() {
        for pattern in ["(12", "[12", r"\w", "a", "(?=1)"] {
            assert!(!full_match(pattern, "12"), "{pattern}");
        }
    }
}

//! The order functions and views are created in, each after what it needs:
//! the DDL script ([`crate::ddl`]) and `build()`, which refuses a cycle.
//!
//! A function needs a table or view it declares in
//! [`Function::depends_on`](crate::model::Function) (its body reads it) or
//! whose row type its arguments or result use (`RETURNS SETOF public.v`,
//! `r public.v`: PostgreSQL looks the type up at creation, 42704), and, a
//! SQL-language one, the functions its body calls: PostgreSQL checks the
//! body at creation (42883), and records no dependency between functions
//! (only for a `BEGIN ATOMIC` body), so introspection gives the caller none;
//! a function that needs one created after the tables is created after
//! them too. Other languages' bodies are not checked at creation (and may
//! call each other). A view needs what its `depends_on` names and the
//! functions its query calls (42883 otherwise), and the views (plain or
//! materialized) its query names (42P01 otherwise), whether or not its
//! `depends_on` lists them: qualified, or bare for one of `public` or of the
//! view's schema, not before `(` nor after `AS`. The calls are found by words, as the planner finds
//! them: a name followed by `(`, qualified or bare (a bare one stands for a
//! function of `public`, or of the caller's own schema), strings and
//! comments left out. A word that is no call of that function (or no read of
//! that view) only orders the two, unless it closes a cycle, which `build()` reports.

use crate::model::{Function, QualifiedName, View};
use crate::schema::Schema;
use crate::validate::sql::{tokens, Token, Word};

/// A function or a view, by its position in the lists given to [`order`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Node {
    Function(usize),
    View(usize),
}

/// The function calls of `sql`: each word followed by `(`, with the word
/// before its `.` when it is qualified.
fn calls(sql: &str) -> Vec<(Option<Word<'_>>, Word<'_>)> {
    let toks: Vec<Token> = tokens(sql).collect();
    toks.iter()
        .enumerate()
        .filter_map(|(i, t)| {
            let Token::Word(w) = t else { return None };
            if !w.before_paren {
                return None;
            }
            if !w.after_dot {
                return Some((None, *w));
            }
            match i.checked_sub(2).map(|j| &toks[j]) {
                Some(Token::Word(s)) if !s.after_dot => Some((Some(*s), *w)),
                // `a.b.f(`, `(x).f(`: no function of the schema.
                _ => None,
            }
        })
        .collect()
}

/// Whether one of `calls` calls the function `name`: qualified, or bare when
/// it is in `public` or in `own_schema` (the caller's, which its
/// `search_path` may name).
fn calls_name(calls: &[(Option<Word<'_>>, Word<'_>)], name: &QualifiedName, own_schema: Option<&str>) -> bool {
    calls.iter().any(|(schema, w)| {
        w.is_identifier(&name.name)
            && match schema {
                Some(s) => s.is_identifier(&name.schema),
                None => name.schema == "public" || own_schema == Some(name.schema.as_str()),
            }
    })
}

/// Whether `sql` calls the function `name`: by its qualified name, or by
/// its bare name when it is in `public` (found through the search path).
#[cfg_attr(not(feature = "migrate"), allow(dead_code))]
pub(crate) fn calls_function(sql: &str, name: &QualifiedName) -> bool {
    calls_name(&calls(sql), name, None)
}

/// Whether the query of `view` names the relation `name` (another view, or
/// a materialized one): by its qualified name, or by its bare name when it
/// is in `public` or in the view's schema, but not as a function's name
/// (followed by `(`), an alias (after `AS`) or a column of a row
/// (`(r).name`); strings and comments are left out. The view's own name
/// names nothing (an alias of another relation).
pub(crate) fn reads_view(view: &View, name: &QualifiedName) -> bool {
    if &view.name == name {
        return false;
    }
    let bare = name.schema == "public" || name.schema == view.name.schema;
    let toks: Vec<Token> = tokens(&view.query).collect();
    toks.iter().enumerate().any(|(i, t)| {
        let Token::Word(w) = t else { return false };
        if w.before_paren || !w.is_identifier(&name.name) {
            return false;
        }
        if w.after_dot {
            return i >= 2 && matches!(&toks[i - 2], Token::Word(s) if !s.after_dot && s.is_identifier(&name.schema));
        }
        let alias = i >= 1 && matches!(&toks[i - 1], Token::Word(k) if k.is_keyword("as"));
        bare && !alias
    })
}

/// Whether the arguments or the result of `f` use the row type of
/// `relation` (or an array of it): named with its schema, or bare when the
/// relation is in `public` or in the function's schema (found through the
/// search path). A bare name followed by another word (but `DEFAULT`) is an
/// argument's name.
pub(crate) fn uses_row_type(f: &Function, relation: &QualifiedName) -> bool {
    let bare = relation.schema == "public" || relation.schema == f.name.schema;
    [&f.arguments, &f.returns].into_iter().any(|text| {
        let toks: Vec<Token> = tokens(text).collect();
        toks.iter().enumerate().any(|(i, t)| {
            let Token::Word(w) = t else { return false };
            if !w.is_identifier(&relation.name) {
                return false;
            }
            if w.after_dot {
                return i >= 2 && matches!(&toks[i - 2], Token::Word(s) if !s.after_dot && s.is_identifier(&relation.schema));
            }
            let named = matches!(toks.get(i + 1), Some(Token::Word(next)) if !next.is_keyword("default"));
            bare && !named && toks.get(i + 1) != Some(&Token::Punct("."))
        })
    })
}

/// Functions and views in an order that creates each after what it needs.
#[derive(Debug, Default)]
pub(crate) struct Order {
    /// The functions needing no table or view, directly or through the
    /// functions they need (created before the tables), in creation order.
    pub early: Vec<usize>,
    /// The other functions and the views, in creation order (after the tables).
    pub late: Vec<Node>,
    /// Every node in creation order (`early` and `late` merged as visited).
    pub sequence: Vec<Node>,
    /// Per function, whether it needs one of the views, directly or through
    /// the functions it needs (the plan's ranks).
    #[cfg_attr(not(feature = "migrate"), allow(dead_code))]
    pub after_view: Vec<bool>,
    /// Each cycle found, as the nodes around it (each needing the next, the
    /// last the first); its nodes are still in `early` or `late`, in an order
    /// that cannot be created.
    pub cycles: Vec<Vec<Node>>,
}

/// What each node needs: the nodes, and whether it needs a table or view.
struct Needs {
    nodes: Vec<Vec<Node>>,
    relation: Vec<bool>,
}

fn needs(functions: &[&Function], views: &[&View], tables: &[&QualifiedName]) -> Needs {
    let view_at = |name: &QualifiedName| views.iter().position(|v| &v.name == name);
    let is_table = |name: &QualifiedName| tables.contains(&name);
    // The functions `sql` calls (those of its caller's name aside: a
    // recursive function, or one overload calling another).
    let callees = |sql: &str, own: Option<&QualifiedName>, own_schema: Option<&str>| -> Vec<Node> {
        let calls = calls(sql);
        if calls.is_empty() {
            return Vec::new();
        }
        (0..functions.len()).filter(|&j| Some(&functions[j].name) != own && calls_name(&calls, &functions[j].name, own_schema)).map(Node::Function).collect()
    };
    let mut nodes = Vec::with_capacity(functions.len() + views.len());
    let mut relation = Vec::with_capacity(functions.len() + views.len());
    for f in functions {
        let mut mine: Vec<Node> = if f.language.eq_ignore_ascii_case("sql") { callees(&f.body, Some(&f.name), Some(f.name.schema.as_str())) } else { Vec::new() };
        let mut reads = false;
        let row_types = tables.iter().copied().chain(views.iter().map(|v| &v.name)).filter(|r| uses_row_type(f, r));
        for name in f.depends_on.iter().chain(row_types) {
            reads |= is_table(name);
            if let Some(j) = view_at(name) {
                reads = true;
                if !mine.contains(&Node::View(j)) {
                    mine.push(Node::View(j));
                }
            }
        }
        nodes.push(mine);
        relation.push(reads);
    }
    for v in views {
        let mut mine = callees(&v.query, None, Some(v.name.schema.as_str()));
        let read = views.iter().map(|w| &w.name).filter(|w| reads_view(v, w));
        for name in v.depends_on.iter().chain(read) {
            if let Some(j) = view_at(name) {
                if !mine.contains(&Node::View(j)) {
                    mine.push(Node::View(j));
                }
            }
        }
        nodes.push(mine);
        relation.push(true);
    }
    Needs { nodes, relation }
}

/// The creation order of `functions` and `views` (see the module docs):
/// each node after those it needs, visiting the functions in their order,
/// then the views in theirs, so an order that already creates each after
/// what it needs is kept. `tables` are created before the late nodes.
pub(crate) fn order(functions: &[&Function], views: &[&View], tables: &[&QualifiedName]) -> Order {
    let visit: Vec<Node> = (0..functions.len()).map(Node::Function).chain((0..views.len()).map(Node::View)).collect();
    order_visiting(functions, views, tables, &visit)
}

/// [`order`], visiting the nodes in the order of `visit` (each once).
pub(crate) fn order_visiting(functions: &[&Function], views: &[&View], tables: &[&QualifiedName], visit: &[Node]) -> Order {
    let Needs { nodes: needs, relation } = needs(functions, views, tables);
    let index = |n: Node| match n {
        Node::Function(i) => i,
        Node::View(i) => functions.len() + i,
    };
    #[derive(Clone, Copy, PartialEq)]
    enum State {
        New,
        Open,
        Done,
    }
    struct Walk<'n> {
        needs: &'n [Vec<Node>],
        state: Vec<State>,
        stack: Vec<Node>,
        order: Vec<Node>,
        cycles: Vec<Vec<Node>>,
    }
    impl Walk<'_> {
        fn visit(&mut self, n: Node, index: &dyn Fn(Node) -> usize) {
            match self.state[index(n)] {
                State::Done => return,
                State::Open => {
                    let from = self.stack.iter().position(|&m| m == n).expect("an open node is on the stack");
                    let cycle = self.stack[from..].to_vec();
                    let mut members = cycle.clone();
                    members.sort();
                    if !self.cycles.iter().any(|c| {
                        let mut m = c.clone();
                        m.sort();
                        m == members
                    }) {
                        self.cycles.push(cycle);
                    }
                    return;
                }
                State::New => {}
            }
            self.state[index(n)] = State::Open;
            self.stack.push(n);
            for &m in &self.needs[index(n)] {
                self.visit(m, index);
            }
            self.stack.pop();
            self.state[index(n)] = State::Done;
            self.order.push(n);
        }
    }
    let mut walk = Walk { needs: &needs, state: vec![State::New; needs.len()], stack: Vec::new(), order: Vec::with_capacity(needs.len()), cycles: Vec::new() };
    for &n in visit {
        walk.visit(n, &index);
    }
    // Late: needing a table or view, or calling a function that is late.
    let mut late = relation;
    loop {
        let more: Vec<usize> = (0..needs.len()).filter(|&i| !late[i] && needs[i].iter().any(|&m| late[index(m)])).collect();
        if more.is_empty() {
            break;
        }
        for i in more {
            late[i] = true;
        }
    }
    let mut after_view: Vec<bool> = (0..functions.len()).map(|i| needs[i].iter().any(|m| matches!(m, Node::View(_)))).collect();
    loop {
        let more: Vec<usize> = (0..functions.len()).filter(|&i| !after_view[i] && needs[i].iter().any(|&m| matches!(m, Node::Function(j) if after_view[j]))).collect();
        if more.is_empty() {
            break;
        }
        for i in more {
            after_view[i] = true;
        }
    }
    let mut out = Order { cycles: walk.cycles, after_view, ..Order::default() };
    for &n in &walk.order {
        match n {
            Node::Function(i) if !late[i] => out.early.push(i),
            _ => out.late.push(n),
        }
    }
    out.sequence = walk.order;
    out
}

/// [`order`] for the functions and views of `schema`.
pub(crate) fn schema_order(schema: &Schema) -> Order {
    let functions: Vec<&Function> = schema.functions().iter().collect();
    let views: Vec<&View> = schema.views().iter().collect();
    let tables: Vec<&QualifiedName> = schema.tables().iter().map(|t| &t.name).collect();
    order(&functions, &views, &tables)
}

/// How a node is named in a cycle's report.
pub(crate) fn describe(n: Node, functions: &[Function], views: &[View]) -> String {
    match n {
        Node::Function(i) => format!("function {}({})", functions[i].name, crate::ddl_objects::signature(&functions[i].arguments)),
        Node::View(i) if views[i].materialized => format!("materialized view {}", views[i].name),
        Node::View(i) => format!("view {}", views[i].name),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn f(name: &str, arguments: &str, returns: &str, body: &str) -> Function {
        Function::new(QualifiedName::public(name), returns, "sql", body).arguments(arguments)
    }

    #[test]
    fn functions_on_views_come_after_them_and_views_calling_them_after_those() {
        let t = QualifiedName::public("t");
        let functions = [
            f("v_rows", "", "SETOF public.v", "SELECT * FROM public.v").depends_on(QualifiedName::public("v")),
            f("doubled", "r v", "bigint", "SELECT r.x * 2"),
            f("plain", "a integer", "integer", "SELECT a"),
            f("named", "v integer", "integer", "SELECT v"),
        ];
        let views = [
            View::new(QualifiedName::public("w"), "SELECT doubled(v) FROM public.v").depends_on(QualifiedName::public("v")),
            View::new(QualifiedName::public("v"), "SELECT x FROM public.t").depends_on(t.clone()),
        ];
        let o = order(&functions.iter().collect::<Vec<_>>(), &views.iter().collect::<Vec<_>>(), &[&t]);
        assert_eq!(o.early, [2, 3], "no table or view: before the tables (an argument named v is no row type)");
        assert_eq!(o.late, [Node::View(1), Node::Function(0), Node::Function(1), Node::View(0)]);
        assert!(o.cycles.is_empty());
    }

    #[test]
    fn sql_functions_come_after_the_functions_they_call() {
        let t = QualifiedName::public("t");
        let mut plpgsql = f("loop_a", "", "bigint", "BEGIN RETURN public.loop_b(); END");
        plpgsql.language = "plpgsql".into();
        let mut other = f("loop_b", "", "bigint", "BEGIN RETURN public.loop_a(); END");
        other.language = "plpgsql".into();
        let functions = [
            f("twice", "", "bigint", "SELECT 2 * public.counted()"),
            f("counted", "", "bigint", "SELECT count(*) FROM t").depends_on(t.clone()),
            f("plus_one", "n integer", "integer", "SELECT one() + n -- not 'twice()'"),
            f("one", "", "integer", "SELECT 1"),
            f("fact", "n integer", "integer", "SELECT CASE WHEN n < 2 THEN 1 ELSE n * fact(n - 1) END"),
            plpgsql,
            other,
        ];
        let o = order(&functions.iter().collect::<Vec<_>>(), &[], &[&t]);
        assert_eq!(o.early, [3, 2, 4, 5, 6], "calls in strings and comments, recursion and plpgsql bodies order nothing");
        assert_eq!(o.late, [Node::Function(1), Node::Function(0)], "a caller of a function reading a table reads it too");
        assert!(o.cycles.is_empty());
    }

    #[test]
    fn an_order_that_works_is_kept_and_a_cycle_is_reported() {
        let t = QualifiedName::public("t");
        let functions = [f("a", "", "bigint", "SELECT count(*) FROM t").depends_on(t.clone())];
        let views = [
            View::new(QualifiedName::public("x"), "SELECT 1").depends_on(QualifiedName::public("y")),
            View::new(QualifiedName::public("y"), "SELECT 1"),
            View::new(QualifiedName::public("z"), "SELECT public.a()"),
        ];
        let o = order(&functions.iter().collect::<Vec<_>>(), &views.iter().collect::<Vec<_>>(), &[&t]);
        assert_eq!(o.late, [Node::Function(0), Node::View(1), Node::View(0), Node::View(2)]);
        assert!(o.cycles.is_empty());

        let functions = [f("a", "", "SETOF public.z", "SELECT * FROM public.z")];
        let o = order(&functions.iter().collect::<Vec<_>>(), &views.iter().collect::<Vec<_>>(), &[&t]);
        assert_eq!(o.cycles, [vec![Node::Function(0), Node::View(2)]]);
        assert_eq!(o.late.len(), 4, "every node is still there");
    }
    #[test]
    fn views_come_after_the_views_their_queries_name() {
        let t = QualifiedName::public("t");
        let app = |name: &str| QualifiedName::new("app", name);
        let views = [
            View::materialized(QualifiedName::public("m"), "SELECT * FROM public.a"),
            View::new(QualifiedName::public("a"), "SELECT id, 'c' AS note /* c */ FROM b JOIN \"C\" USING (id)"),
            View::new(QualifiedName::public("b"), "SELECT id, 1 AS a FROM public.t"),
            View::new(QualifiedName::public("c"), "SELECT id FROM public.t"),
            View::new(app("d"), "SELECT id FROM e"),
            View::new(app("e"), "SELECT id FROM public.t e"),
            View::new(QualifiedName::public("f"), "SELECT d.id FROM app.d d"),
        ];
        let o = order(&[], &views.iter().collect::<Vec<_>>(), &[&t]);
        assert_eq!(
            o.late,
            [Node::View(2), Node::View(1), Node::View(0), Node::View(3), Node::View(5), Node::View(4), Node::View(6)],
            "a string, a comment, an alias or a quoted other name orders nothing; a bare name is of the view's schema"
        );
        assert!(o.cycles.is_empty());
        assert!(!reads_view(&views[6], &app("f")) && reads_view(&views[6], &app("d")) && !reads_view(&views[2], &QualifiedName::public("a")));

        let looped = [View::new(QualifiedName::public("x"), "SELECT * FROM y"), View::new(QualifiedName::public("y"), "SELECT * FROM public.x")];
        let o = order(&[], &looped.iter().collect::<Vec<_>>(), &[]);
        assert_eq!(o.cycles, [vec![Node::View(0), Node::View(1)]]);
    }
}

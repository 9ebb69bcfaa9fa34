// Borrowed fields: lifetime parameters are supported (type parameters are not).
use pgarchitect::{Domain, PgType, Table};

/// A slug, borrowed.
#[derive(Debug, Domain)]
#[domain(check = "VALUE ~ '^[a-z0-9-]+$'")]
struct Slug<'a>(&'a str);

#[derive(Table)]
struct Tag<'a> {
    #[column(primary_key)]
    slug: &'a str,
    label: std::borrow::Cow<'a, str>,
}

#[derive(Table)]
struct Tagging<'a> {
    #[column(primary_key)]
    id: i64,
    #[column(references = Tag)]
    tag_slug: &'a str,
    alias: Option<Slug<'a>>,
}

fn main() {
    assert_eq!(<Tag<'static> as Table>::PRIMARY_KEY, ["slug"]);
    let _ = <Tagging<'static> as Table>::definition();
    assert_eq!(<Slug<'static> as PgType>::sql_type().to_string(), "public.slug");
}

// Borrowed fields: lifetime parameters are supported (type parameters are not).
use pgarchitect::Table;

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
}

fn main() {
    assert_eq!(<Tag<'static> as Table>::PRIMARY_KEY, ["slug"]);
    let _ = <Tagging<'static> as Table>::definition();
}

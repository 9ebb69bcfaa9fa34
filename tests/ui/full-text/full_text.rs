use pgarchitect::Table;

#[derive(Table)]
#[table(
    full_text(column = "search", config = "english", source(title, weight = "E"), source(bdy), source(title)),
    full_text(source(title)),
    full_text(column = "title", config = "simple"),
    full_text(column = "search", config = "simple", source(body)),
    full_text(config = "simple", source(title, body)),
    full_text(config = "simple", source(weight = "A"))
)]
struct Article {
    #[column(primary_key)]
    id: i64,
    title: String,
    body: Option<String>,
}

fn main() {}

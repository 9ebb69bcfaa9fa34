use pgarchitect::Table;

#[derive(Table)]
struct PostTag {
    #[column(primary_key)]
    post_id: i64,
    #[column(primary_key)]
    tag_id: i64,
}

fn main() {}

use pgarchitect::Table;

#[derive(Table)]
#[table(primary_key(post_id, tag_id))]
struct PostTag {
    post_id: i64,
    tag_id: i32,
}

// A single column cannot reference a composite key.
#[derive(Table)]
struct Vote {
    #[column(primary_key)]
    id: i64,
    #[column(references = PostTag)]
    post_tag: i64,
}

// The columns pair up with the key in order: `tag_id` must be an `i32`.
#[derive(Table)]
#[table(foreign_key(columns(post_id, tag_id), references = PostTag))]
struct Flag {
    #[column(primary_key)]
    id: i64,
    post_id: i64,
    tag_id: i64,
}

fn main() {}

use pgarchitect::Table;

#[derive(Table)]
struct User {
    #[column(primary_key)]
    id: i64,
}

#[derive(Table)]
struct Post {
    #[column(primary_key)]
    id: i64,
    #[column(references = User, on_delete = "set_null")]
    author_id: i64,
}

// An alias is what it names: still NOT NULL.
type UserId = i64;

#[derive(Table)]
#[table(foreign_key(columns(editor_id), references = User, on_update = "set_null"))]
struct Draft {
    #[column(primary_key)]
    id: i64,
    #[column(references = User, on_delete = "set_null")]
    author_id: UserId,
    editor_id: UserId,
}

fn main() {}

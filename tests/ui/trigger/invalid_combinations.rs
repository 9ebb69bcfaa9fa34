use pgarchitect::Table;

#[derive(Table)]
#[table(
    timestamps,
    trigger(name = "posts_truncated", timing = "after", events("truncate"), function = "log_truncate"),
    trigger(name = "posts_truncated_row", timing = "after", events("truncate"), for_each = "row", function = "log_truncate"),
    trigger(name = "posts_instead", timing = "instead_of", events("insert"), function = "f"),
    trigger(name = "posts_empty", timing = "before", events(), function = "f"),
    trigger(name = "posts_title", timing = "before", events("insert", "insert"), update_of(title), function = "f"),
    trigger(name = "posts_stmt", timing = "after", events("update"), for_each = "statement", when = "NEW.title <> OLD.title", function = "f"),
    trigger(name = "posts_new", timing = "before", events("insert", "update"), when = "OLD.title IS NULL", function = "f"),
    trigger(name = "post_set_updated_at", timing = "before", events("update"), function = "f")
)]
struct Post {
    #[column(primary_key)]
    id: i64,
    title: String,
}

fn main() {}

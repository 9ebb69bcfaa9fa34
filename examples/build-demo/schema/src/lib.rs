//! The schema of the build.rs demo, in a crate of its own so that the app's
//! `build.rs` can use it as a build-dependency (and the app's code as a normal one).
//!
//! Declared with the hand builders; a real project would use `#[derive(Table)]`
//! structs here, with `Schema::builder().table::<User>()`.

use pgarchitect::docs::{Finding, Level, MarkdownOptions};
use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};

/// The demo schema: accounts and their notes, isolated per user by row-level security.
pub fn schema() -> Schema {
    let owner = session_setting_equals("owner_id", &SqlType::BigInt, "app.user_id");
    Schema::builder()
        .enum_type(EnumType::new("note_visibility", ["private", "shared"]).comment("Who can read a note"))
        .role(Role::group("notes_app").comment("The application's privileges"))
        .add_table(
            Table::new("accounts")
                .comment("People who keep notes")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(
                    Column::new("email", SqlType::Varchar(Some(255)))
                        .personal_data()
                        .protection("visible to its owner only")
                        .comment("Sign-in address"),
                )
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["email"]))
                .volume("10k rows")
                .timestamps(),
        )
        .add_table(
            Table::new("notes")
                .comment("A note and who owns it")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("owner_id", SqlType::BigInt))
                .column(Column::new("visibility", SqlType::Named(QualifiedName::public("note_visibility"))).default_text("private"))
                .column(Column::new("body", SqlType::Text).comment("Markdown text"))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["owner_id"], QualifiedName::public("accounts"), ["id"]).on_delete(ReferentialAction::Cascade))
                .index(Index::on(["owner_id"]))
                .row_level_security(true)
                .policy(Policy::new("notes_owner").roles(["notes_app"]).using(owner.clone()).with_check(owner))
                .volume("1M rows")
                .retention("until the owner deletes it")
                .timestamps(),
        )
        .grant(Grant::new(
            [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete],
            GrantTarget::AllTablesInSchema("public".into()),
            ["notes_app"],
        ))
        .version("1", "Build demo")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// How `SCHEMA.md` is titled and what it says the database is for.
pub fn markdown_options() -> MarkdownOptions {
    MarkdownOptions::new().title("Notes database").purpose("The build.rs demo of pgarchitect: accounts and their notes.").database_name("notes")
}

/// A project-specific lint step, standing in for the built-in linter: every
/// table needs a comment.
pub fn lint(schema: &Schema) -> Vec<Finding> {
    schema
        .tables()
        .iter()
        .filter(|t| t.comment.is_none())
        .map(|t| Finding::new(Level::Warn, "table-without-comment", "the table has no comment").object(t.name.to_string()))
        .collect()
}

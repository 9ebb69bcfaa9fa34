//! Schemas for the documentation and diagram tests (`tests/docs.rs`,
//! `tests/diagrams.rs`), built by hand so they do not depend on the derive.

#![allow(dead_code)]

use pgarchitect::model::*;
use pgarchitect::{Schema, SqlType};

fn public(name: &str) -> QualifiedName {
    QualifiedName::public(name)
}

/// A blog with billing: every feature the docs describe.
pub fn blog() -> Schema {
    let mut current_user_id = Function::new(
        public("current_app_user"),
        "bigint",
        "sql",
        "SELECT CASE WHEN current_setting('app.user_id', true) ~ '^[0-9]{1,18}$' THEN current_setting('app.user_id', true)::bigint END",
    )
    .comment("The application user of this session (app.user_id), or NULL");
    current_user_id.volatility = Some(Volatility::Stable);
    let user_id = session_setting_equals("id", &SqlType::BigInt, "app.user_id");

    Schema::builder()
        .namespace("billing")
        .extension(Extension::new("pgcrypto"))
        .enum_type(EnumType::new("post_status", ["draft", "published", "archived"]).comment("Publication state of a post"))
        .domain(
            Domain::new("email_address", SqlType::Varchar(Some(255)))
                .check(CheckConstraint::new(r"VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'"))
                .comment("An e-mail address (checked shape, stored as typed)"),
        )
        .role(Role::group("app_readonly").comment("Reporting: reads everything"))
        .role(Role::group("app_readwrite").comment("The application's privileges"))
        .role(Role::login("app_user").member_of("app_readwrite").comment("The application connects as this role"))
        .role(Role::group("billing_admin"))
        .function(current_user_id)
        .function(
            Function::trigger(public("set_published_at"), "\nBEGIN\n    NEW.published_at := coalesce(NEW.published_at, now());\n    RETURN NEW;\nEND\n")
                .comment("Stamps published_at when a post is published"),
        )
        .add_table(
            Table::new("users")
                .comment("Registered accounts; the application user sees and edits only their own row")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("public_id", SqlType::Uuid).default_expr("gen_random_uuid()").comment("Public identifier: use this one in URLs and APIs"))
                .column(
                    Column::new("email", SqlType::Named(public("email_address")))
                        .personal_data()
                        .protection("RLS: own row only; encrypted at rest")
                        .comment("Login and contact address"),
                )
                .column(Column::new("username", SqlType::Varchar(Some(50))).comment("Unique handle | shown *publicly*"))
                .column(Column::new("password_hash", SqlType::Text).personal_data().protection("argon2id hash, never the password"))
                .column(Column::new("first_name", SqlType::Varchar(Some(100))).nullable().personal_data())
                .column(Column::new("last_name", SqlType::Varchar(Some(100))).nullable().personal_data())
                .column(
                    Column::new("full_name", SqlType::Varchar(Some(201)))
                        .nullable()
                        .generated("CASE WHEN first_name IS NOT NULL AND last_name IS NOT NULL THEN first_name || ' ' || last_name ELSE coalesce(first_name, last_name) END")
                        .comment("Computed from first_name and last_name"),
                )
                .column(Column::new("metadata", SqlType::Jsonb).default_expr("'{}'::jsonb").comment("Preferences; keys are documented in the `settings` module"))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["public_id"]))
                .unique(UniqueConstraint::new(["username"]))
                .check(CheckConstraint::new("email = lower(email)").named("users_email_lowercase"))
                .index(Index::with_keys([IndexKey::expression("lower(email)")]).unique().live_rows().comment("One live account per address; sign-in lookups"))
                .index(Index::on(["metadata"]).using(IndexMethod::Gin))
                .index(Index::with_keys([IndexKey::column("full_name").opclass("gin_trgm_ops")]).using(IndexMethod::Gin))
                .row_level_security(true)
                .policy(Policy::new("users_select_own").command(PolicyCommand::Select).roles(["app_readwrite"]).using(user_id.clone()).comment("Users read their own row."))
                .policy(Policy::new("users_update_own").command(PolicyCommand::Update).roles(["app_readwrite"]).using(user_id.clone()).with_check(user_id))
                .policy(Policy::new("users_reporting").command(PolicyCommand::Select).roles(["app_readonly"]).using("deleted_at IS NULL"))
                .volume("100k rows, +5k/month")
                .retention("until the account is deleted; anonymised 30 days after")
                .timestamps()
                .soft_delete()
                .audited(),
        )
        .add_table(
            Table::new("profiles")
                .comment("Optional public profile, at most one per user")
                .column(Column::new("user_id", SqlType::BigInt))
                .column(Column::new("bio", SqlType::Text).nullable())
                .column(Column::new("website", SqlType::Text).nullable())
                .primary_key(["user_id"])
                .foreign_key(ForeignKey::new(["user_id"], public("users"), ["id"]).on_delete(ReferentialAction::Cascade)),
        )
        .add_table(
            Table::new("posts")
                .comment("Blog posts")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("user_id", SqlType::BigInt).comment("Author"))
                .column(Column::new("title", SqlType::Varchar(Some(200))))
                .column(Column::new("body", SqlType::Text))
                .column(Column::new("status", SqlType::Named(public("post_status"))).default_text("draft"))
                .column(Column::new("published_at", SqlType::Timestamptz).nullable())
                .column(Column::new("tags_cache", SqlType::Text.array()).default_expr("'{}'").comment("Denormalised tag slugs for listing pages"))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["user_id"], public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
                .index(Index::with_keys([IndexKey::column("user_id"), IndexKey::column("created_at").desc()]).comment("An author's posts, newest first"))
                .index(Index::with_keys([IndexKey::column("published_at").desc()]).where_("status = 'published'").include(["title"]))
                .full_text_search("search_vector", "english", &[("title", 'A'), ("body", 'B')])
                .trigger(
                    Trigger::new("posts_set_published_at", TriggerTiming::Before, [TriggerEvent::Update(vec!["status".into()])], public("set_published_at"))
                        .when("NEW.status = 'published' AND OLD.status IS DISTINCT FROM 'published'")
                        .comment("Stamps published_at on publication"),
                )
                .volume("1M rows/year")
                .timestamps()
                .allow("wide-text-column", "post bodies are unbounded by design"),
        )
        .add_table(
            Table::new("comments")
                .comment("Threaded comments on posts")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("post_id", SqlType::BigInt))
                .column(Column::new("parent_id", SqlType::BigInt).nullable().comment("The comment this one answers"))
                .column(Column::new("author_id", SqlType::BigInt).nullable().comment("NULL once the author's account is deleted"))
                .column(Column::new("body", SqlType::Text))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["post_id"], public("posts"), ["id"]).on_delete(ReferentialAction::Cascade))
                .foreign_key(ForeignKey::new(["parent_id"], public("comments"), ["id"]).on_delete(ReferentialAction::Cascade))
                .foreign_key(ForeignKey::new(["author_id"], public("users"), ["id"]).on_delete(ReferentialAction::SetNull).on_update(ReferentialAction::Cascade))
                .index(Index::on(["post_id"]))
                .index(Index::on(["parent_id"]))
                .allow("foreign-key-without-index", "author_id is only set NULL in bulk by the nightly anonymiser")
                .timestamps(),
        )
        .add_table(
            Table::new("tags")
                .column(Column::new("id", SqlType::Integer).identity(Identity::ByDefault))
                .column(Column::new("slug", SqlType::Varchar(Some(40))))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["slug"])),
        )
        .add_table(
            Table::new("post_tags")
                .comment("Which tags a post has")
                .column(Column::new("post_id", SqlType::BigInt))
                .column(Column::new("tag_id", SqlType::Integer))
                .primary_key(["post_id", "tag_id"])
                .foreign_key(ForeignKey::new(["post_id"], public("posts"), ["id"]).on_delete(ReferentialAction::Cascade))
                .foreign_key(ForeignKey::new(["tag_id"], public("tags"), ["id"]).on_delete(ReferentialAction::Restrict))
                .index(Index::on(["tag_id"])),
        )
        .add_table(
            Table::in_schema("billing", "invoices")
                .comment("Invoices, partitioned by month of issue")
                .column(Column::new("id", SqlType::Uuid).default_expr("gen_random_uuid()"))
                .column(Column::new("user_id", SqlType::BigInt))
                .column(Column::new("issued_on", SqlType::Date))
                .column(Column::new("amount", SqlType::Numeric(Some((12, Some(2))))))
                .column(Column::new("currency", SqlType::Char(Some(3))).default_text("EUR"))
                .primary_key(["id", "issued_on"])
                .foreign_key(ForeignKey::new(["user_id"], public("users"), ["id"]).on_delete(ReferentialAction::Restrict))
                .check(CheckConstraint::on_column("amount", "amount >= 0"))
                .index(Index::on(["user_id"]))
                .index(Index::on(["issued_on"]).using(IndexMethod::Brin))
                .partition_by(Partitioning::range(["issued_on"]).monthly(CivilDate::new(2026, 1, 1).unwrap(), 2).ahead(3).with_default())
                .volume("50k rows/month")
                .retention("10 years (tax law)"),
        )
        .add_table(
            Table::new("page_views")
                .comment("Raw page views by region")
                .column(Column::new("id", SqlType::BigInt).identity(Identity::Always))
                .column(Column::new("region", SqlType::Text))
                .column(Column::new("path", SqlType::Text))
                .column(Column::new("viewed_at", SqlType::Timestamptz).default_expr("now()"))
                .primary_key(["id", "region"])
                .partition_by(Partitioning::list("region").values("page_views_eu", ["'eu'"]).values("page_views_us", ["'us'", "'ca'"]).with_default()),
        )
        .add_table(
            Table::new("sessions")
                .column(Column::new("id", SqlType::Uuid))
                .column(Column::new("user_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .partition_by(Partitioning::hash(["id"], 4))
                .foreign_key(ForeignKey::new(["user_id"], public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
                .index(Index::on(["user_id"]).using(IndexMethod::Hash)),
        )
        .view(
            View::materialized(
                public("post_stats"),
                "SELECT date_trunc('day', published_at) AS day, count(*) AS posts\nFROM public.posts\nWHERE status = 'published'\nGROUP BY 1",
            )
            .depends_on(public("posts"))
            .index(Index::on(["day"]).unique())
            .comment("Published posts per day; refreshed nightly"),
        )
        .view({
            let mut v = View::new(public("published_posts"), "SELECT id, user_id, title, published_at FROM public.posts WHERE status = 'published'")
                .depends_on(public("posts"));
            v.security_invoker = true;
            v
        })
        .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["app_readonly"]))
        .grant(Grant::new(
            [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete],
            GrantTarget::Table { table: public("posts"), columns: vec![] },
            ["app_readwrite"],
        ))
        .grant(Grant::new([Privilege::Select], GrantTarget::Table { table: public("users"), columns: vec![] }, ["app_readwrite"]))
        .grant(Grant::new(
            [Privilege::Update],
            GrantTarget::Table { table: public("users"), columns: vec!["first_name".into(), "last_name".into()] },
            ["app_readwrite"],
        ))
        .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("billing".into()), ["billing_admin"]))
        .grant(Grant::new([Privilege::All], GrantTarget::Table { table: QualifiedName::new("billing", "invoices"), columns: vec![] }, ["billing_admin"]))
        .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["app_readonly"]))
        .version("2026.11.25", "Blog with billing")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// Names and comments that are hard to write in Markdown, Mermaid and DOT:
/// keywords of each, spaces, quotes, pipes, backticks, markup, non-ASCII.
pub fn awkward() -> Schema {
    Schema::builder()
        .namespace("Odd Space")
        .enum_type(EnumType::new("pk", ["a", "b"]))
        .add_table(
            Table::new("end")
                .comment("A table named with a keyword of SQL and of Mermaid; \"quoted\" | piped `ticked` <b>bold</b> & {braced} %% not a comment")
                .column(Column::new("pk", SqlType::Named(public("pk"))).comment("A column named like a Mermaid key, of an enum named like one"))
                .column(Column::new("My Column", SqlType::DoublePrecision).nullable().comment("Spaces \"and quotes\"\nand a second line"))
                .column(Column::new("1st", SqlType::Numeric(Some((10, Some(-2))))).nullable())
                .column(Column::new("café", SqlType::Text.array()).nullable().comment("Non-ASCII; ends with a backslash \\"))
                .column(Column::new("to", SqlType::Timestamptz).nullable())
                .primary_key(["pk"]),
        )
        .add_table(
            Table::in_schema("Odd Space", "one")
                .comment("{starts with a brace")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("end_pk", SqlType::Named(public("pk"))))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["end_pk"]))
                .foreign_key(ForeignKey::new(["end_pk"], public("end"), ["pk"])),
        )
        .add_table(
            Table::new("odd_space_one")
                .comment("Its Mermaid id would collide with \"Odd Space\".one")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("one_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["one_id"], QualifiedName::new("Odd Space", "one"), ["id"])),
        )
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

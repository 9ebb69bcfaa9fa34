//! `SCHEMA.md`: snapshots, GitHub-rendering invariants (table shapes, fences,
//! links), the facts it derives, the design-review inputs, the per-table DDL
//! and diff helpers, and a live check that the commands and queries it gives
//! run on PostgreSQL.

#[path = "docs/fixture.rs"]
mod fixture;
mod support;

use pgarchitect::docs::{assert_ddl_eq, ddl_diff, monitoring_queries, Finding, Level, MarkdownOptions, OpenQuestion, Section};
use pgarchitect::model::QualifiedName;

fn options() -> MarkdownOptions {
    MarkdownOptions::new()
        .title("Blog database")
        .purpose("Accounts, posts and comments of the blog, and the invoices of paying members.")
        .database_name("blog")
        .findings(vec![
            Finding::new(Level::Warn, "missing-timestamps", "table has no created_at/updated_at").object("public.tags").help("call `.timestamps()`"),
            Finding::new(Level::Note, "text-without-limit", "body | text has no length limit").object("public.posts.body"),
        ])
        .open_question(OpenQuestion::new("Retention", "How long are page views kept before they are aggregated?"))
        .open_question(OpenQuestion::new("public.sessions", "Is hash partitioning needed at the expected volume?"))
        .section(Section::new("Seed data", "- One admin account, created by the deploy script.\n- The `draft` / `published` workflow needs no rows."))
}

#[test]
fn markdown_snapshot() {
    insta::assert_snapshot!(fixture::blog().to_markdown_with(&options()));
}

#[test]
fn awkward_markdown_snapshot() {
    insta::assert_snapshot!(fixture::awkward().to_markdown());
}

#[test]
fn markdown_is_deterministic() {
    assert_eq!(fixture::blog().to_markdown_with(&options()), fixture::blog().to_markdown_with(&options()));
}

/// Table cells of a Markdown row: splits on `|` not escaped by a backslash.
fn cells(row: &str) -> usize {
    let mut n = 0;
    let mut escaped = false;
    for c in row.trim().chars() {
        match c {
            '\\' if !escaped => {
                escaped = true;
                continue;
            }
            '|' if !escaped => n += 1,
            _ => {}
        }
        escaped = false;
    }
    n - 1
}

fn check_github_rendering(md: &str) {
    // Tables: every row has as many cells as the header.
    let mut in_fence: Option<String> = None;
    let mut table_width: Option<usize> = None;
    for (i, line) in md.lines().enumerate() {
        let trimmed = line.trim_start();
        if let Some(fence) = &in_fence {
            if trimmed == fence.as_str() {
                in_fence = None;
            }
            continue;
        }
        if trimmed.starts_with("```") {
            let fence: String = trimmed.chars().take_while(|c| *c == '`').collect();
            in_fence = Some(fence);
            table_width = None;
            continue;
        }
        if line.starts_with('|') {
            let n = cells(line);
            match table_width {
                None => table_width = Some(n),
                Some(w) => assert_eq!(n, w, "line {}: {n} cells in a table of {w}:\n{line}", i + 1),
            }
        } else {
            table_width = None;
        }
    }
    assert!(in_fence.is_none(), "unclosed code fence");

    // Links to headings resolve (GitHub's anchors, computed independently here).
    let mut anchors = std::collections::HashMap::<String, usize>::new();
    let mut known = std::collections::HashSet::new();
    let mut fence = false;
    for line in md.lines() {
        if line.starts_with("```") {
            fence = !fence;
        }
        if fence || !line.starts_with('#') {
            continue;
        }
        let text = line.trim_start_matches('#').trim().replace(['`', '\\'], "");
        let slug: String = text
            .to_lowercase()
            .chars()
            .filter(|c| c.is_alphanumeric() || *c == ' ' || *c == '-' || *c == '_')
            .map(|c| if c == ' ' { '-' } else { c })
            .collect();
        let n = anchors.entry(slug.clone()).or_insert(0);
        known.insert(if *n == 0 { slug.clone() } else { format!("{slug}-{n}") });
        *n += 1;
    }
    let mut rest = md;
    while let Some(i) = rest.find("](#") {
        let after = &rest[i + 3..];
        let end = after.find(')').expect("link end");
        assert!(known.contains(&after[..end]), "link to missing heading #{}", &after[..end]);
        rest = &after[end..];
    }
}

#[test]
fn markdown_renders_on_github() {
    check_github_rendering(&fixture::blog().to_markdown_with(&options()));
    check_github_rendering(&fixture::blog().to_markdown());
    check_github_rendering(&fixture::awkward().to_markdown());
}

#[test]
fn markdown_states_derived_facts() {
    let md = fixture::blog().to_markdown_with(&options());
    let expect = [
        // Key features, from what the schema uses.
        "- Row-level security on 1 table (`public.users`), with 3 policies",
        "- Partitioning: `billing.invoices` (range by month), `public.audit_logs` (range by month), `public.page_views` (list), `public.sessions` (hash)",
        "- Audit log: every change to `public.users` is written to `public.audit_logs` by a trigger",
        "- Full-text search: `tsvector` columns `posts.search_vector`",
        "- Materialized views: `public.post_stats`",
        "- Schema version tracking in `public.schema_migrations` (this version: `2026.11.25`)",
        // Columns: constraints, escaping, personal data.
        "| `user_id` | `bigint` | no |  | FK → `public.users.id` | Author |",
        "Unique handle \\| shown \\*publicly\\*",
        "| yes: argon2id hash, never the password |",
        "| yes: **protection not recorded** |",
        // Relationships with actions, cardinality and the covering index.
        "| `comments_author_id_fkey` | `public.comments` (`author_id`) | `public.users` (`id`) | SET NULL | CASCADE | many-to-one: each `users` row has any number of `comments` rows; the reference is optional (NULL) | none (allowed, see [Accepted lint exceptions](#accepted-lint-exceptions)) |",
        "one-to-one: each `users` row has at most one `profiles` row; the reference is required | `profiles_pkey` |",
        // Indexes and what they serve.
        "covers foreign key `posts.user_id` → `public.users`",
        "partial: live rows only (`deleted_at IS NULL`)",
        "jsonb containment and key lookups (`@>`, `?`) on `metadata`",
        "covering: index-only scans also read `title`",
        "| `post_tags_pkey` | `public.post_tags` | btree | `post_id`, `tag_id` |  |  | yes (primary key) | primary key; covers foreign key `post_tags.post_id` → `public.posts` |",
        // Policies in words.
        "- `users_update_own` (permissive, FOR UPDATE): `app_readwrite` may UPDATE rows where `id` equals the session setting `app.user_id` (no row when it is unset or malformed); the updated rows must satisfy the same condition.",
        "- `users_reporting` (permissive, FOR SELECT): `app_readonly` may SELECT rows where `deleted_at IS NULL`.",
        // Privilege matrix: direct, ALL TABLES IN SCHEMA, column grants, membership.
        "| `public.users` | SELECT | SELECT; UPDATE (`first_name`, `last_name`) | SELECT; UPDATE (`first_name`, `last_name`) via `app_readwrite` |  |",
        "| `billing.invoices` |  |  |  | ALL |",
        "- USAGE on schema `billing` to `billing_admin`",
        "- tables created in `public` by the role that applies the script: SELECT to `app_readonly`",
        // Partitioning: how new partitions are made.
        "`SELECT public.ensure_partitions('billing.invoices', 'month', 3);` creates the partitions of the current month (UTC) and the next 2 if missing.",
        "`SELECT cron.schedule('partitions of billing.invoices', '0 3 * * *', 'SELECT public.ensure_partitions(''billing.invoices'', ''month'', 3)');`",
        "| `invoices_2026_01` | `FROM ('2026-01-01') TO ('2026-02-01')` |",
        "| `sessions_p3` | `WITH (MODULUS 4, REMAINDER 3)` |",
        // Views.
        "- **Refresh**: `REFRESH MATERIALIZED VIEW CONCURRENTLY public.post_stats;`",
        // Volume and retention, allows.
        "| `billing.invoices` | 50k rows/month | 10 years (tax law) | RANGE on `issued_on` |",
        "| `public.posts` | `wide-text-column` | post bodies are unbounded by design |",
        // Migration and monitoring.
        "psql -d blog -1 -v ON_ERROR_STOP=1 -f schema.sql",
        "psql -d blog -c \"SELECT version, description, applied_by, applied_at FROM public.schema_migrations ORDER BY applied_at;\"",
        "SELECT schemaname, relname AS table_name, indexrelname AS index_name, idx_scan,",
        // Caller's sections.
        "## Seed data\n\n- One admin account",
    ];
    for e in expect {
        assert!(md.contains(e), "missing:\n{e}\n\nin:\n{md}");
    }
    // The brief's mistakes are not copied.
    assert!(!md.contains("tablename, indexname"), "pg_stat_user_indexes has relname/indexrelname");
    assert!(!md.contains("psql -d blog -f"), "apply in one transaction, stopping at the first error");
}

#[test]
fn lint_summary_and_open_questions_slot_in() {
    let md = fixture::blog().to_markdown_with(&options());
    assert!(md.contains("## Design review\n\n### Lint summary\n\n0 errors, 1 warning, 1 note.\n"), "{md}");
    assert!(
        md.contains("| warning | `missing-timestamps` | `public.tags` | table has no created_at/updated_at<br>Help: call \\`.timestamps()\\` |"),
        "{md}"
    );
    assert!(md.contains("1. **Retention**: How long are page views kept before they are aggregated?\n"), "{md}");
    assert!(md.contains("- [Design review](#design-review)\n"), "{md}");

    let plain = fixture::blog().to_markdown_with(&MarkdownOptions::new());
    assert!(!plain.contains("Design review"), "no review section without review inputs");
    // `to_markdown()` runs the design review itself: the lint summary, the open
    // questions, and the decisions that answered the others.
    let reviewed = fixture::blog().to_markdown();
    assert!(reviewed.contains("### Lint summary\n"), "{reviewed}");
    let report = fixture::blog().lint();
    assert_eq!(reviewed.contains("No findings."), report.diagnostics.is_empty());
    let answered = fixture::blog().review().into_iter().filter(|q| !q.is_open()).count();
    assert_eq!(reviewed.contains("## Recorded decisions"), answered > 0, "{reviewed}");
    let none = fixture::blog().to_markdown_with(&MarkdownOptions::new().findings(vec![]));
    assert!(none.contains("### Lint summary\n\nNo findings.\n"), "{none}");
}

#[test]
fn table_ddl_snapshot() {
    let schema = fixture::blog();
    insta::assert_snapshot!(schema.table_ddl(&QualifiedName::public("posts")).unwrap());
    assert!(schema.table_ddl(&QualifiedName::public("missing")).is_none());
}

#[test]
fn table_ddl_is_the_table_part_of_the_script() {
    let schema = fixture::blog();
    let users = schema.table_ddl(&QualifiedName::public("users")).unwrap();
    assert!(users.starts_with("-- Table: public.users\nCREATE TABLE public.users ("), "{users}");
    let full = schema.to_ddl();
    let table_section = users.split("\n\n").next().unwrap();
    assert!(full.contains(table_section), "the table section is the one of the full script");
    for stmt in [
        "CREATE TRIGGER users_audit",
        "ALTER TABLE public.users ENABLE ROW LEVEL SECURITY;",
        "CREATE POLICY users_select_own",
        "GRANT UPDATE (first_name, last_name) ON TABLE public.users TO app_readwrite;",
    ] {
        assert!(users.contains(stmt), "{stmt} missing:\n{users}");
    }
    assert!(!users.contains("public.posts"), "{users}");
}

#[test]
fn assert_ddl_eq_ignores_indentation_and_shows_a_diff() {
    let schema = fixture::blog();
    let tags = schema.table_ddl(&QualifiedName::public("tags")).unwrap();
    assert_ddl_eq(
        "
        -- Table: public.tags
        CREATE TABLE public.tags (
            id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,
            slug varchar(40) NOT NULL,
            CONSTRAINT tags_pkey PRIMARY KEY (id),
            CONSTRAINT tags_slug_key UNIQUE (slug)
        );
        ",
        &tags,
    );
    let changed = tags.replace("varchar(40)", "varchar(80)");
    assert_eq!(
        ddl_diff(&tags, &changed).unwrap(),
        "@@ -1,7 +1,7 @@\n  -- Table: public.tags\n  CREATE TABLE public.tags (\n      id integer GENERATED BY DEFAULT AS IDENTITY NOT NULL,\n-     slug varchar(40) NOT NULL,\n+     slug varchar(80) NOT NULL,\n      CONSTRAINT tags_pkey PRIMARY KEY (id),\n      CONSTRAINT tags_slug_key UNIQUE (slug)\n  );\n"
    );
    let panic = std::panic::catch_unwind(|| assert_ddl_eq(&tags, &changed)).unwrap_err();
    let message = panic.downcast_ref::<String>().unwrap();
    assert!(message.contains("- expected, + actual") && message.contains("+     slug varchar(80) NOT NULL,"), "{message}");
}

#[test]
fn commands_and_queries_run_on_postgresql() {
    let Some(db) = support::pg::test_db() else { return };
    let schema = fixture::blog();
    db.apply_psql(&schema.to_ddl()).unwrap_or_else(|e| panic!("{e}"));
    let md = schema.to_markdown_with(&options());

    // The `psql -c "..."` lines of the deployment block.
    let commands: Vec<&str> = md.lines().filter_map(|l| l.strip_prefix("psql -d blog -c \"").and_then(|rest| rest.strip_suffix('"'))).collect();
    assert_eq!(commands.len(), 3, "verify, and ensure_partitions for two tables: {commands:?}");
    let mut client = db.client();
    for sql in commands {
        client.batch_execute(sql).unwrap_or_else(|e| panic!("{sql}: {}", support::pg::describe_error(&e)));
    }
    let versions = client.query("SELECT version FROM public.schema_migrations", &[]).unwrap();
    assert_eq!(versions.len(), 1);

    // The refresh the Views section gives.
    client.batch_execute("REFRESH MATERIALIZED VIEW CONCURRENTLY public.post_stats;").unwrap();

    // Monitoring: pg_stat_statements needs preloading to return rows, but the
    // query is checked against its view's columns by planning it.
    client.batch_execute("CREATE EXTENSION IF NOT EXISTS pg_stat_statements").unwrap();
    for q in monitoring_queries(&schema) {
        let sql = q.sql.trim_end_matches(';');
        let result = if q.needs_pg_stat_statements { client.query(&format!("EXPLAIN {sql}"), &[]) } else { client.query(sql, &[]) };
        result.unwrap_or_else(|e| panic!("{}:\n{sql}\n{}", q.title, support::pg::describe_error(&e)));
        assert!(md.contains(&q.sql), "the document shows {}", q.title);
    }
}

// ---- user review (session 2026-12-02) ----

/// The relationships table reads as English whatever the parent's name: it said
/// "a `organizations` row has any number of `invoices` rows".
#[test]
fn relationship_cardinality_reads_for_any_table_name() {
    use pgarchitect::model::{Column, ForeignKey, Table, UniqueConstraint};
    use pgarchitect::{Schema, SqlType};
    let key = |name: &str| Table::new(name).column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
    let schema = Schema::builder()
        .add_table(key("organizations"))
        .add_table(key("invoices").column(Column::new("organization_id", SqlType::BigInt)).foreign_key(ForeignKey::new(["organization_id"], QualifiedName::public("organizations"), ["id"])))
        .add_table(
            key("settings")
                .column(Column::new("organization_id", SqlType::BigInt))
                .unique(UniqueConstraint::new(["organization_id"]))
                .foreign_key(ForeignKey::new(["organization_id"], QualifiedName::public("organizations"), ["id"])),
        )
        .build()
        .unwrap();
    let md = schema.to_markdown();
    assert!(md.contains("many-to-one: each `organizations` row has any number of `invoices` rows"), "{md}");
    assert!(md.contains("one-to-one: each `organizations` row has at most one `settings` row"), "{md}");
    assert!(!md.contains("a `organizations` row"), "{md}");
}

// ---- tenant keys (session 2026-12-02) ----

/// `ON DELETE SET NULL (parent_id)` of a tenant-scoped key shows which column
/// it sets and which it keeps, in the constraint list and the relationships.
#[test]
fn set_null_column_list_is_shown() {
    use pgarchitect::model::{Column, ForeignKey, ReferentialAction, Table};
    use pgarchitect::{Schema, SqlType};
    let schema = Schema::builder()
        .add_table(Table::new("parents").column(Column::new("tenant_id", SqlType::BigInt)).column(Column::new("id", SqlType::BigInt)).primary_key(["tenant_id", "id"]))
        .add_table(
            Table::new("kids")
                .column(Column::new("id", SqlType::BigInt))
                .column(Column::new("tenant_id", SqlType::BigInt))
                .column(Column::new("parent_id", SqlType::BigInt).nullable())
                .primary_key(["id"])
                .foreign_key(
                    ForeignKey::new(["tenant_id", "parent_id"], QualifiedName::public("parents"), ["tenant_id", "id"])
                        .on_delete(ReferentialAction::SetNull)
                        .on_delete_set_columns(["parent_id"]),
                ),
        )
        .build()
        .unwrap();
    let md = schema.to_markdown();
    assert!(md.contains("ON DELETE SET NULL (`parent_id`; keeps `tenant_id`), ON UPDATE NO ACTION (default)"), "{md}");
    assert!(md.contains("| SET NULL (`parent_id`; keeps `tenant_id`) | NO ACTION (default) |"), "{md}");
}

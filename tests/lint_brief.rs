//! The brief's example schema (shared/spec/schema-design-brief.md, "Example Schema
//! Output"), modeled faithfully with the builders, defects included: `build()` and
//! the linter together must report each defect with the right rule. Then a clean,
//! well-designed schema that the linter passes.
//!
//! Uses the core crate directly (builders only), so it runs with
//! `--no-default-features` while the derive is in progress.

use std::collections::BTreeSet;

use pgarchitect_core::lint::{LintConfig, LintReport, Severity};
use pgarchitect_core::model::*;
use pgarchitect_core::review::{Question, QuestionCategory};
use pgarchitect_core::{Schema, SchemaBuilder, SchemaError, SqlType};

/// The date the brief's partitions are judged against.
fn today() -> CivilDate {
    CivilDate::new(2026, 11, 25).unwrap()
}

fn named(name: &str) -> SqlType {
    SqlType::Named(QualifiedName::public(name))
}

fn range(name: &str, from: &str, to: &str) -> Partition {
    Partition::new(name, PartitionBound::Range { from: vec![format!("'{from}'")], to: vec![format!("'{to}'")] })
}

/// The brief's schema, as written. `audit_logs_pk` is its primary key: `["id"]` as
/// written, which PostgreSQL rejects on a table partitioned by `created_at`.
fn brief(audit_logs_pk: &[&str]) -> SchemaBuilder {
    let users = Table::new("users")
        .comment("Core user accounts and authentication data")
        .column(Column::new("id", SqlType::BigSerial))
        .column(Column::new("uuid", SqlType::Uuid).default_expr("uuid_generate_v4()").comment("Public-facing unique identifier, use this in APIs"))
        .column(Column::new("email", named("email_address")))
        .column(Column::new("username", SqlType::Varchar(Some(50))))
        .column(Column::new("password_hash", SqlType::Varchar(Some(255))))
        .column(Column::new("first_name", SqlType::Varchar(Some(100))).nullable())
        .column(Column::new("last_name", SqlType::Varchar(Some(100))).nullable())
        .column(
            Column::new("full_name", SqlType::Varchar(Some(201)))
                .nullable()
                .generated(
                    "CASE WHEN first_name IS NOT NULL AND last_name IS NOT NULL THEN first_name || ' ' || last_name ELSE COALESCE(first_name, last_name, username) END",
                )
                .comment("Computed column combining first and last name"),
        )
        .column(Column::new("status", named("user_status")).default_expr("'active'"))
        .column(Column::new("role", named("user_role")).default_expr("'user'"))
        .column(Column::new("is_active", SqlType::Boolean).default_expr("true"))
        .column(Column::new("email_verified_at", SqlType::Timestamptz).nullable())
        .column(Column::new("last_login_at", SqlType::Timestamptz).nullable())
        .column(Column::new("login_count", SqlType::Integer).default_expr("0"))
        .column(Column::new("metadata", SqlType::Jsonb).default_expr("'{}'").comment("Flexible JSON storage for user preferences and settings"))
        .column(Column::new("created_at", SqlType::Timestamptz).default_expr("CURRENT_TIMESTAMP"))
        .column(Column::new("updated_at", SqlType::Timestamptz).default_expr("CURRENT_TIMESTAMP"))
        .column(Column::new("deleted_at", SqlType::Timestamptz).nullable())
        .primary_key(["id"])
        .unique(UniqueConstraint::new(["uuid"]))
        .unique(UniqueConstraint::new(["email"]))
        .unique(UniqueConstraint::new(["username"]))
        .check(CheckConstraint::new("email = LOWER(email)").named("users_email_lowercase"))
        .check(CheckConstraint::new("username = LOWER(username)").named("users_username_lowercase"))
        .index(Index::on(["email"]).named("idx_users_email").where_("deleted_at IS NULL"))
        .index(Index::on(["username"]).named("idx_users_username").where_("deleted_at IS NULL"))
        .index(Index::on(["status"]).named("idx_users_status").where_("deleted_at IS NULL"))
        .index(Index::with_keys([IndexKey::column("created_at").desc()]).named("idx_users_created_at"))
        .index(Index::on(["metadata"]).named("idx_users_metadata").using(IndexMethod::Gin))
        .index(Index::with_keys([IndexKey::column("full_name").opclass("gin_trgm_ops")]).named("idx_users_full_name_trgm").using(IndexMethod::Gin))
        // ALTER TABLE users ENABLE ROW LEVEL SECURITY; (not FORCE)
        .row_level_security(false)
        .policy(
            Policy::new("users_select_own")
                .command(PolicyCommand::Select)
                .using("id = current_setting('app.user_id')::BIGINT OR current_user = 'admin'"),
        )
        .policy(Policy::new("users_update_own").command(PolicyCommand::Update).using("id = current_setting('app.user_id')::BIGINT"))
        .trigger(Trigger::new(
            "users_updated_at",
            TriggerTiming::Before,
            [TriggerEvent::Update(vec![])],
            QualifiedName::public("update_updated_at_column"),
        ));

    let audit_logs = Table::new("audit_logs")
        .comment("Comprehensive audit trail for all data changes")
        .column(Column::new("id", SqlType::BigSerial))
        .column(Column::new("table_name", SqlType::Varchar(Some(100))))
        .column(Column::new("record_id", SqlType::BigInt))
        .column(Column::new("action", SqlType::Varchar(Some(20))))
        .column(Column::new("old_data", SqlType::Jsonb).nullable())
        .column(Column::new("new_data", SqlType::Jsonb).nullable())
        .column(Column::new("changed_fields", SqlType::Text.array()).nullable())
        .column(Column::new("user_id", SqlType::BigInt).nullable())
        .column(Column::new("ip_address", SqlType::Inet).nullable())
        .column(Column::new("user_agent", SqlType::Text).nullable())
        .column(Column::new("created_at", SqlType::Timestamptz).default_expr("CURRENT_TIMESTAMP"))
        .primary_key(audit_logs_pk.iter().copied())
        .check(CheckConstraint::on_column("action", "action IN ('INSERT', 'UPDATE', 'DELETE')"))
        .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]))
        .partition_by(
            Partitioning::range(["created_at"])
                .partition(range("audit_logs_2026_02", "2026-02-01", "2026-03-01"))
                .partition(range("audit_logs_2026_03", "2026-03-01", "2026-04-01")),
        )
        .index(Index::on(["table_name", "record_id"]).named("idx_audit_logs_table_record"))
        .index(Index::on(["user_id"]).named("idx_audit_logs_user_id"))
        .index(Index::with_keys([IndexKey::column("created_at").desc()]).named("idx_audit_logs_created_at"));

    let schema_migrations = Table::new("schema_migrations")
        .comment("Tracks database schema version and migration history")
        .column(Column::new("version", SqlType::Varchar(Some(50))))
        .column(Column::new("applied_at", SqlType::Timestamptz).default_expr("CURRENT_TIMESTAMP"))
        .column(Column::new("description", SqlType::Text).nullable())
        .column(Column::new("applied_by", SqlType::Varchar(Some(100))).nullable().default_expr("CURRENT_USER"))
        .primary_key(["version"]);

    let update_updated_at = Function::trigger(
        QualifiedName::public("update_updated_at_column"),
        "\nBEGIN\n    NEW.updated_at = CURRENT_TIMESTAMP;\n    RETURN NEW;\nEND;\n",
    );
    let audit_trigger = Function::trigger(
        QualifiedName::public("audit_trigger_function"),
        "\nBEGIN\n    IF (TG_OP = 'DELETE') THEN\n        INSERT INTO audit_logs (table_name, record_id, action, old_data)\n        VALUES (TG_TABLE_NAME, OLD.id, TG_OP, row_to_json(OLD));\n        RETURN OLD;\n    ELSIF (TG_OP = 'UPDATE') THEN\n        INSERT INTO audit_logs (table_name, record_id, action, old_data, new_data)\n        VALUES (TG_TABLE_NAME, NEW.id, TG_OP, row_to_json(OLD), row_to_json(NEW));\n        RETURN NEW;\n    ELSIF (TG_OP = 'INSERT') THEN\n        INSERT INTO audit_logs (table_name, record_id, action, new_data)\n        VALUES (TG_TABLE_NAME, NEW.id, TG_OP, row_to_json(NEW));\n        RETURN NEW;\n    END IF;\nEND;\n",
    );

    let all_tables = |s: &str| GrantTarget::AllTablesInSchema(s.into());
    let all_sequences = |s: &str| GrantTarget::AllSequencesInSchema(s.into());
    Schema::builder()
        .extension(Extension::new("uuid-ossp"))
        .extension(Extension::new("pg_trgm"))
        .extension(Extension::new("pgcrypto"))
        .extension(Extension::new("pg_stat_statements"))
        .add_table(schema_migrations)
        .domain(Domain::new("email_address", SqlType::Varchar(Some(255))).check(CheckConstraint::new(
            r"VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Z|a-z]{2,}$'",
        )))
        .domain(Domain::new("phone_number", SqlType::Varchar(Some(20))).check(CheckConstraint::new(r"VALUE ~ '^\+?[1-9]\d{1,14}$'")))
        .enum_type(EnumType::new("user_status", ["active", "inactive", "suspended", "deleted"]))
        .enum_type(EnumType::new("user_role", ["admin", "moderator", "user", "guest"]))
        .add_table(users)
        .add_table(audit_logs)
        .function(update_updated_at)
        .function(audit_trigger)
        .view(
            View::materialized(
                QualifiedName::public("user_statistics"),
                "SELECT DATE_TRUNC('day', created_at) AS date, status, COUNT(*) AS user_count, COUNT(*) FILTER (WHERE email_verified_at IS NOT NULL) AS verified_count FROM users WHERE deleted_at IS NULL GROUP BY DATE_TRUNC('day', created_at), status",
            )
            .depends_on(QualifiedName::public("users"))
            .index(Index::on(["date", "status"]).named("idx_user_statistics_date_status").unique())
            .comment("Aggregated user statistics, refresh daily"),
        )
        .role(Role::group("app_readonly"))
        .role(Role::group("app_readwrite"))
        .role(Role::group("app_admin"))
        .grant(Grant::new([Privilege::Select], all_tables("public"), ["app_readonly"]))
        .grant(Grant::new([Privilege::Select, Privilege::Insert, Privilege::Update], all_tables("public"), ["app_readwrite"]))
        .grant(Grant::new([Privilege::All], all_tables("public"), ["app_admin"]))
        .grant(Grant::new([Privilege::Usage, Privilege::Select], all_sequences("public"), ["app_readwrite"]))
        .grant(Grant::new([Privilege::All], all_sequences("public"), ["app_admin"]))
}

fn lint(schema: &Schema) -> LintReport {
    schema.lint_with(&LintConfig::new().today(today()))
}

/// `(rule, object)` of every finding.
fn findings(report: &LintReport) -> BTreeSet<(&'static str, String)> {
    report.diagnostics.iter().map(|d| (d.rule, d.object.clone())).collect()
}

#[test]
fn build_refuses_the_audit_log_primary_key_without_the_partition_key() {
    // Line "id BIGSERIAL PRIMARY KEY" of audit_logs, "PARTITION BY RANGE (created_at)":
    // PostgreSQL refuses a primary key that lacks the partition key.
    let errors = brief(&["id"]).build().expect_err("the brief's audit_logs cannot be created");
    let errors: Vec<&SchemaError> = errors.iter().collect();
    assert_eq!(errors.len(), 1, "{errors:#?}");
    assert!(
        matches!(errors[0], SchemaError::PartitionKeyNotInUniqueKey { table, missing, .. }
            if table == &QualifiedName::public("audit_logs") && missing == &["created_at".to_owned()]),
        "{errors:#?}"
    );
}

#[test]
fn linter_reports_every_remaining_defect_of_the_brief() {
    // Fix only what build() refuses: the partition key joins the primary key.
    let schema = brief(&["id", "created_at"]).build().unwrap_or_else(|e| panic!("{e}"));
    let report = lint(&schema);
    let o = |s: &str| s.to_owned();
    let expected: BTreeSet<(&str, String)> = [
        // -- Extensions --
        // CREATE EXTENSION "uuid-ossp" / "pg_trgm" / "pgcrypto": into public.
        ("extension-in-public", o("extension \"uuid-ossp\"")),
        ("extension-in-public", o("extension pg_trgm")),
        ("extension-in-public", o("extension pgcrypto")),
        // CREATE EXTENSION "pg_stat_statements": needs shared_preload_libraries.
        ("extension-requires-preload", o("extension pg_stat_statements")),
        // -- schema_migrations --
        // applied_by VARCHAR(100) DEFAULT CURRENT_USER: nullable with a default.
        ("default-without-not-null", o("public.schema_migrations.applied_by")),
        // No updated_at (applied_at records creation).
        ("missing-timestamps", o("public.schema_migrations")),
        // -- Domains --
        // CREATE DOMAIN email_address AS VARCHAR(255).
        ("varchar-255", o("domain public.email_address")),
        // CHECK (VALUE ~ '^...\.[A-Z|a-z]{2,}$'): `|` in brackets is a character, not alternation.
        ("regex-class-with-pipe", o("domain public.email_address")),
        // -- users --
        // id BIGSERIAL PRIMARY KEY.
        ("serial-column", o("public.users.id")),
        // uuid UUID DEFAULT uuid_generate_v4(): a column named after its type...
        ("generic-column-name", o("public.users.uuid")),
        // ...defaulting to uuid-ossp where gen_random_uuid() is built in.
        ("uuid-generate-v4", o("public.users.uuid")),
        // password_hash VARCHAR(255) NOT NULL: reflexive length...
        ("varchar-255", o("public.users.password_hash")),
        // ...and a secret with no protection recorded.
        ("sensitive-column-unprotected", o("public.users.password_hash")),
        // CREATE INDEX idx_users_email ON users(email) WHERE deleted_at IS NULL: email is UNIQUE already.
        ("redundant-index", o("index public.idx_users_email")),
        // CREATE INDEX idx_users_username ON users(username) WHERE ...: username is UNIQUE already.
        ("redundant-index", o("index public.idx_users_username")),
        // ALTER TABLE users ENABLE ROW LEVEL SECURITY: not FORCE.
        ("rls-not-forced", o("public.users")),
        // USING (id = current_setting('app.user_id')::BIGINT OR current_user = 'admin'): raises when unset.
        ("current-setting-without-missing-ok", o("policy users_select_own on public.users")),
        // ... OR current_user = 'admin': no role admin is declared (app_admin is), so it never holds.
        ("unknown-role-in-expression", o("policy users_select_own on public.users")),
        // USING (id = current_setting('app.user_id')::BIGINT): same.
        ("current-setting-without-missing-ok", o("policy users_update_own on public.users")),
        // -- audit_logs --
        // id BIGSERIAL PRIMARY KEY.
        ("serial-column", o("public.audit_logs.id")),
        // old_data JSONB, new_data JSONB, changed_fields TEXT[]: no comments.
        ("complex-column-without-comment", o("public.audit_logs.changed_fields")),
        ("complex-column-without-comment", o("public.audit_logs.new_data")),
        ("complex-column-without-comment", o("public.audit_logs.old_data")),
        // created_at only (an append-only log: allow it with that reason).
        ("missing-timestamps", o("public.audit_logs")),
        // PARTITION BY RANGE (created_at) with two partitions and no DEFAULT.
        ("partition-without-default", o("public.audit_logs")),
        // audit_logs_2026_02 / _2026_03 only: nothing covers today (2026-11-25).
        ("partition-not-covering-today", o("public.audit_logs")),
        // -- Functions & triggers --
        // CREATE FUNCTION audit_trigger_function(): never attached to a table.
        ("unused-trigger-function", o("function public.audit_trigger_function")),
        // -- Materialized view --
        // user_statistics reads users (RLS) with its owner's rights; GRANT ... ON ALL TABLES exposes it.
        ("view-bypasses-rls", o("materialized view public.user_statistics")),
        // -- Roles & permissions --
        // GRANT ... ON ALL TABLES / SEQUENCES IN SCHEMA public, and no ALTER DEFAULT PRIVILEGES.
        ("grant-without-default-privileges", o("grant SELECT ON ALL TABLES IN SCHEMA public TO app_readonly")),
        ("grant-without-default-privileges", o("grant SELECT, INSERT, UPDATE ON ALL TABLES IN SCHEMA public TO app_readwrite")),
        ("grant-without-default-privileges", o("grant ALL PRIVILEGES ON ALL TABLES IN SCHEMA public TO app_admin")),
        ("grant-without-default-privileges", o("grant USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO app_readwrite")),
        ("grant-without-default-privileges", o("grant ALL PRIVILEGES ON ALL SEQUENCES IN SCHEMA public TO app_admin")),
        // -- Infos (suggestions, not failures) --
        // email, first_name, last_name, full_name, ip_address, user_agent: personal data, not marked.
        ("unmarked-personal-data", o("public.users.email")),
        ("unmarked-personal-data", o("public.users.first_name")),
        ("unmarked-personal-data", o("public.users.last_name")),
        ("unmarked-personal-data", o("public.users.full_name")),
        ("unmarked-personal-data", o("public.audit_logs.ip_address")),
        ("unmarked-personal-data", o("public.audit_logs.user_agent")),
        // old_data / new_data JSONB: no GIN index (fine if never searched).
        ("jsonb-without-gin-index", o("public.audit_logs.new_data")),
        ("jsonb-without-gin-index", o("public.audit_logs.old_data")),
    ]
    .into_iter()
    .collect();
    let actual = findings(&report);
    let missing: Vec<_> = expected.difference(&actual).collect();
    let unexpected: Vec<_> = actual.difference(&expected).collect();
    assert!(missing.is_empty() && unexpected.is_empty(), "missing: {missing:#?}\nunexpected: {unexpected:#?}\n\n{report}");

    // Severities: what breaks at run time is an error.
    let errors: BTreeSet<&str> = report.diagnostics.iter().filter(|d| d.severity == Severity::Error).map(|d| d.rule).collect();
    assert_eq!(errors, ["current-setting-without-missing-ok", "partition-not-covering-today"].into_iter().collect());
    assert!(report.allowed.is_empty());
}

#[test]
fn review_asks_the_briefs_open_questions() {
    let schema = brief(&["id", "created_at"]).build().unwrap();
    let questions = schema.review();
    let asked: Vec<(&str, &str, bool)> = questions.iter().map(|q| (q.id, q.object.as_str(), q.is_open())).collect();
    assert_eq!(
        asked,
        [
            // audit_logs: range-partitioned, no volume or retention recorded.
            ("expected-volume", "public.audit_logs", true),
            ("retention", "public.audit_logs", true),
            // users uses RLS; audit_logs has per-user rows (user_id) and none.
            ("row-level-security", "public.audit_logs", true),
            // REFERENCES users(id) with no ON DELETE.
            ("on-delete-action", "public.audit_logs.user_id", true),
            // users is soft-deleted (deleted_at); its audit rows are not.
            ("soft-delete-children", "public.audit_logs.user_id", true),
            // users: email_verified_at, last_login_at are time-stamped rows.
            ("expected-volume", "public.users", true),
            // Partial indexes on deleted_at IS NULL answer the access-pattern question.
            ("live-row-indexes", "public.users", false),
            ("retention", "public.users", true),
        ]
    );
    let live = questions.iter().find(|q| q.id == "live-row-indexes").unwrap();
    assert_eq!(live.answered_by.as_deref(), Some("partial indexes on live rows: idx_users_email, idx_users_username, idx_users_status"));
    let categories: BTreeSet<QuestionCategory> = questions.iter().map(|q| q.category).collect();
    assert_eq!(categories.len(), 5, "every category of the brief is asked: {categories:?}");
}

/// A blog designed the way the brief asks: no errors or warnings, and each
/// deliberate exception allowed with its reason.
fn clean() -> Schema {
    let id = || Column::new("id", SqlType::BigInt).identity(Identity::Always).comment("Surrogate key");
    let by_user = |table: &str| Policy::isolate_by_setting(format!("{table}_own_rows"), "user_id", &SqlType::BigInt, "app.user_id");
    Schema::builder()
        .enum_type(EnumType::new("post_status", ["draft", "published", "archived"]).comment("Lifecycle of a post"))
        .role(Role::group("blog_app").comment("The application's role"))
        .add_table(
            Table::new("users")
                .comment("One row per registered author or reader")
                .column(id())
                .column(
                    Column::new("email", SqlType::Varchar(Some(320)))
                        .personal_data()
                        .protection("readable only by its owner through RLS; encrypted at rest (volume encryption)")
                        .comment("Login and contact address, lower case"),
                )
                .column(Column::new("display_name", SqlType::Varchar(Some(80))).comment("Shown next to posts and comments"))
                .column(Column::new("password_hash", SqlType::Text).protection("argon2id hash, computed by the application"))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["email"]))
                .check(CheckConstraint::on_column("email", "email = lower(email)"))
                .row_level_security(true)
                .policy(Policy::isolate_by_setting("users_own_row", "id", &SqlType::BigInt, "app.user_id"))
                .timestamps()
                .soft_delete()
                .volume("10k rows, +500/month")
                .retention("until account deletion, then 30 days")
                .allow("live-row-indexes", "looked up by primary key and unique email only"),
        )
        .add_table(
            Table::new("posts")
                .comment("A blog post written by one user")
                .column(id())
                .column(Column::new("user_id", SqlType::BigInt).comment("Author"))
                .column(Column::new("title", SqlType::Varchar(Some(200))))
                .column(Column::new("body", SqlType::Text))
                .column(Column::new("status", named("post_status")).default_text("draft"))
                .column(Column::new("published_at", SqlType::Timestamptz).nullable().comment("Set when status becomes published"))
                .column(Column::new("price", SqlType::Numeric(Some((10, Some(2))))).default_expr("0").comment("Price of a premium post, in EUR"))
                .primary_key(["id"])
                .foreign_key(ForeignKey::new(["user_id"], QualifiedName::public("users"), ["id"]).on_delete(ReferentialAction::Cascade))
                .index(Index::on(["user_id", "published_at"]))
                .allow("soft-delete-children", "a soft-deleted author's posts stay readable until the account is purged")
                .row_level_security(true)
                .policy(by_user("posts"))
                .timestamps()
                .volume("5k rows/year")
                .retention("kept while the author's account exists"),
        )
        .add_table(
            Table::new("tags")
                .comment("A keyword posts can be filed under")
                .column(id())
                .column(Column::new("slug", SqlType::Varchar(Some(64))).comment("URL form, lower case"))
                .primary_key(["id"])
                .unique(UniqueConstraint::new(["slug"]))
                .timestamps(),
        )
        .add_table(
            Table::new("post_tags")
                .comment("Which tags a post is filed under")
                .column(Column::new("post_id", SqlType::BigInt))
                .column(Column::new("tag_id", SqlType::BigInt))
                .primary_key(["post_id", "tag_id"])
                .foreign_key(ForeignKey::new(["post_id"], QualifiedName::public("posts"), ["id"]).on_delete(ReferentialAction::Cascade))
                .foreign_key(ForeignKey::new(["tag_id"], QualifiedName::public("tags"), ["id"]).on_delete(ReferentialAction::Restrict))
                .index(Index::on(["tag_id"]))
                .allow("missing-timestamps", "junction rows are inserted and deleted, never updated")
                .allow("row-level-security", "tags of a post are public once the post is"),
        )
        .grant(Grant::new([Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete], GrantTarget::AllTablesInSchema("public".into()), ["blog_app"]))
        .default_privileges(DefaultPrivileges::new(
            "public",
            DefaultObjects::Tables,
            [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete],
            ["blog_app"],
        ))
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

#[test]
fn a_well_designed_schema_is_clean() {
    let schema = clean();
    let report = lint(&schema);
    assert!(report.diagnostics.is_empty(), "{report}");
    let allowed: Vec<(&str, &str)> = report.allowed.iter().map(|a| (a.diagnostic.rule, a.reason.as_str())).collect();
    assert_eq!(allowed, [("missing-timestamps", "junction rows are inserted and deleted, never updated")]);

    let questions = schema.review();
    let open: Vec<&Question> = questions.iter().filter(|q| q.is_open()).collect();
    assert!(open.is_empty(), "{open:#?}");
}

#[test]
fn json_output_is_valid_json() {
    let schema = brief(&["id", "created_at"]).build().unwrap();
    let report = lint(&schema);
    let value: serde_json::Value = serde_json::from_str(&report.to_json()).expect("valid JSON");
    let diagnostics = value["diagnostics"].as_array().unwrap();
    assert_eq!(diagnostics.len(), report.diagnostics.len());
    let first = &diagnostics[0];
    assert_eq!(first["rule"], report.diagnostics[0].rule);
    assert_eq!(first["message"], report.diagnostics[0].message.as_str());
    // Objects with quotes survive escaping.
    let quoted = diagnostics.iter().find(|d| d["object"] == "extension \"uuid-ossp\"").expect("uuid-ossp finding");
    assert_eq!(quoted["severity"], "warning");
    assert_eq!(quoted["table"], serde_json::Value::Null);
    let one: serde_json::Value = serde_json::from_str(&report.diagnostics[0].to_json()).unwrap();
    assert_eq!(&one, first);

    // Allowed findings keep their reason.
    let clean: serde_json::Value = serde_json::from_str(&lint(&clean()).to_json()).unwrap();
    assert_eq!(clean["diagnostics"], serde_json::json!([]));
    assert_eq!(clean["allowed"][0]["rule"], "missing-timestamps");
    assert_eq!(clean["allowed"][0]["reason"], "junction rows are inserted and deleted, never updated");
}

/// Every registered rule has its doc page, rule file and index row; every page is a rule.
#[test]
fn every_rule_has_a_doc_page_and_every_page_a_rule() {
    let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR"));
    let docs = root.join("docs/lints");
    let index = std::fs::read_to_string(docs.join("README.md")).expect("docs/lints/README.md");
    let rules = pgarchitect_core::lint::rules();
    for rule in rules {
        let page = std::fs::read_to_string(root.join(rule.doc)).unwrap_or_else(|e| panic!("{}: {e}", rule.doc));
        assert!(page.starts_with(&format!("# `{}`\n", rule.id)), "{} must start with its id as title", rule.doc);
        assert!(page.contains(&format!("| {} | [`schema-core/src/lint/rules/", rule.default_severity)), "{}: severity row", rule.doc);
        for section in ["## Problem", "## Why it matters in PostgreSQL", "## Fix", "## Example", "## Allowing it"] {
            assert!(page.contains(section), "{} lacks {section}", rule.doc);
        }
        assert!(!page.contains("TODO"), "{} still has TODOs", rule.doc);
        let source = root.join("schema-core/src/lint/rules").join(format!("{}.rs", rule.id.replace('-', "_")));
        assert!(source.exists(), "{} has no rule file {}", rule.id, source.display());
        let row = format!("| [`{id}`]({id}.md) | {} | {} |", rule.default_severity, rule.summary, id = rule.id);
        assert!(index.contains(&row), "docs/lints/README.md lacks the row\n{row}");
    }
    let ids: BTreeSet<&str> = rules.iter().map(|r| r.id).collect();
    for entry in std::fs::read_dir(&docs).unwrap() {
        let name = entry.unwrap().file_name().into_string().unwrap();
        if name == "README.md" {
            continue;
        }
        let id = name.strip_suffix(".md").unwrap_or_else(|| panic!("docs/lints/{name} is not a Markdown page"));
        assert!(ids.contains(id), "docs/lints/{name} documents no registered rule");
    }
}

// ---- brownfield review (session 2026-12-02) ----

/// A legacy `addresses (customer_id)` whose only index on it is a partial
/// unique one (`WHERE is_default`: one default address per customer) was
/// told "no index starts with (customer_id)", which reads as a linter that
/// missed the index. It is right to report it (the partial index covers only
/// the default addresses, so deleting a customer still scans the table), and
/// now says why the index does not count.
#[test]
fn a_foreign_key_led_only_by_a_partial_index_says_so() {
    let customers = Table::new("customers").column(Column::new("id", SqlType::BigInt)).primary_key(["id"]);
    let addresses = Table::new("addresses")
        .column(Column::new("id", SqlType::BigInt))
        .column(Column::new("customer_id", SqlType::BigInt))
        .column(Column::new("is_default", SqlType::Boolean).default_expr("false"))
        .primary_key(["id"])
        .foreign_key(ForeignKey::new(["customer_id"], QualifiedName::public("customers"), ["id"]).on_delete(ReferentialAction::Cascade))
        .index(Index::on(["customer_id"]).unique().where_("is_default").named("addresses_one_default"));
    let schema = Schema::builder().add_table(customers).add_table(addresses).build().unwrap_or_else(|e| panic!("{e}"));
    let report = lint(&schema);
    let finding = report.diagnostics.iter().find(|d| d.rule == "foreign-key-without-index").unwrap_or_else(|| panic!("{report}"));
    assert!(
        finding.message.contains("only the partial index addresses_one_default (WHERE is_default) starts with (customer_id)"),
        "{}",
        finding.message
    );
    assert!(!finding.message.contains("no index starts with"), "{}", finding.message);
}

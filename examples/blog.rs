//! The design brief's example schema, declared as a user of pgarchitect would, with
//! its defects repaired.
//!
//! `cargo run --example blog` prints the DDL; `cargo run --example blog -- DIR`
//! writes `DIR/schema.sql`, `DIR/SCHEMA.md`, `DIR/schema.mmd` and `DIR/schema.dot`.
//!
//! What differs from the brief, and why:
//! - identity columns instead of `BIGSERIAL`; `gen_random_uuid()` (core since
//!   PostgreSQL 13) instead of the `uuid-ossp` extension;
//! - `audit_logs` keeps its partition key in its primary key (PostgreSQL refuses
//!   the brief's), gets a DEFAULT partition and the partitions of the current
//!   months when the DDL runs, and its trigger is attached to the tables;
//! - policies read `app.user_id` so that a missing, empty or malformed setting
//!   hides every row instead of raising;
//! - roles are created idempotently, with default privileges for later tables;
//! - `email`/`username` are unique among live rows (the brief's plain indexes
//!   beside UNIQUE constraints were redundant);
//! - `is_active` is derived from `status` instead of stored twice;
//! - `pg_trgm` lives in its own schema, `extensions`.

use chrono::{DateTime, Utc};
use pgarchitect::lint::LintConfig;
use pgarchitect::model::{
    CheckConstraint, DefaultObjects, DefaultPrivileges, Domain, Extension, Grant, GrantTarget, Index, IndexKey, Privilege,
    QualifiedName, Role, View,
};
use pgarchitect::{PgEnum, Schema, SqlType, Table};

/// Lifecycle of an account.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PgEnum)]
pub enum UserStatus {
    Active,
    Inactive,
    Suspended,
    Deleted,
}

/// What an account may do in the application.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PgEnum)]
pub enum UserRole {
    Admin,
    Moderator,
    User,
    Guest,
}

/// Core user accounts and authentication data.
#[derive(Table)]
#[table(
    name = "users",
    timestamps,
    soft_delete,
    audited,
    volume = "100k rows in year one, 1M at scale",
    retention = "deleted accounts are anonymised after 30 days",
    check(expr = "email = lower(email)", name = "users_email_lowercase"),
    check(expr = "username = lower(username)", name = "users_username_lowercase"),
    index(columns(email), unique, predicate = "deleted_at IS NULL", name = "idx_users_email_live",
          comment = "Login by e-mail; one live account per address"),
    index(columns(username), unique, predicate = "deleted_at IS NULL", name = "idx_users_username_live",
          comment = "Profile lookup by username; one live account per name"),
    index(columns(status), predicate = "deleted_at IS NULL", comment = "Admin lists by status"),
    index(columns(created_at), order = "desc", comment = "Newest accounts first"),
    index(columns(full_name), method = "gin", opclass = "extensions.gin_trgm_ops", name = "idx_users_full_name_trgm",
          comment = "Fuzzy search on names (similarity, ILIKE)"),
    row_level_security,
    allow(rule = "rls-not-forced", reason = "the owner role runs migrations and refreshes user_statistics; applications never connect as the owner"),
    isolate(column = id, setting = "app.user_id", name = "users_select_own", command = "select", roles("app_readwrite")),
    isolate(column = id, setting = "app.user_id", name = "users_update_own", command = "update", roles("app_readwrite")),
    policy(name = "users_admin_all", using = "true", with_check = "true", roles("app_admin"),
           comment = "Administrators see and change every account"),
    allow(rule = "policy-always-true", reason = "users_admin_all is the deliberate bypass for app_admin"),
)]
pub struct User {
    #[column(primary_key, identity)]
    pub id: i64,
    /// Public-facing unique identifier, use this in APIs.
    #[column(unique, default = "gen_random_uuid()", allow(rule = "generic-column-name", reason = "the brief's public identifier"))]
    pub uuid: uuid::Uuid,
    #[column(sql_type = "email_address", personal_data, protection = "visible to the account itself and app_admin only (RLS)")]
    pub email: String,
    #[column(varchar = 50)]
    pub username: String,
    #[column(personal_data, protection = "argon2id hash computed by the application; never the password")]
    pub password_hash: String,
    #[column(varchar = 100, personal_data, protection = "RLS: own row only")]
    pub first_name: Option<String>,
    #[column(varchar = 100, personal_data, protection = "RLS: own row only")]
    pub last_name: Option<String>,
    /// Computed column combining first and last name.
    #[column(
        generated = "CASE WHEN first_name IS NOT NULL AND last_name IS NOT NULL THEN first_name || ' ' || last_name ELSE COALESCE(first_name, last_name, username) END",
        personal_data,
        protection = "RLS: own row only"
    )]
    pub full_name: Option<String>,
    #[column(default_text = "active")]
    pub status: UserStatus,
    #[column(default_text = "user")]
    pub role: UserRole,
    /// Derived from status, so the two can never disagree.
    #[column(generated = "status = 'active'")]
    pub is_active: Option<bool>,
    pub email_verified_at: Option<DateTime<Utc>>,
    pub last_login_at: Option<DateTime<Utc>>,
    #[column(default = "0", check = "login_count >= 0")]
    pub login_count: i32,
    /// Flexible JSON storage for user preferences and settings.
    #[column(default = "'{}'", index(method = "gin", opclass = "jsonb_path_ops", comment = "Containment queries (@>) on preferences"))]
    pub metadata: serde_json::Value,
    #[column(default = "now()")]
    pub created_at: DateTime<Utc>,
    /// Moved by the set_updated_at trigger on every UPDATE.
    #[column(default = "now()")]
    pub updated_at: DateTime<Utc>,
    /// Soft delete: set instead of deleting the row.
    pub deleted_at: Option<DateTime<Utc>>,
}

/// Blog posts written by users.
#[derive(Table)]
#[table(
    name = "posts",
    timestamps,
    soft_delete,
    audited,
    volume = "10k posts/year",
    retention = "kept while the author's account exists",
    unique(columns(user_id, slug), name = "posts_user_slug_key"),
    index(columns(published_at), order = "desc", nulls = "last", predicate = "deleted_at IS NULL",
          comment = "Front page: newest published posts"),
    full_text(column = "search_vector", config = "english", source(title, weight = "A"), source(body, weight = "B")),
)]
pub struct Post {
    #[column(primary_key, identity)]
    pub id: i64,
    #[column(references = User, on_delete = "cascade", comment = "The author")]
    pub user_id: i64,
    #[column(varchar = 200)]
    pub title: String,
    #[column(varchar = 200)]
    pub slug: String,
    /// The post text (the brief's `content`; a name that says what it holds).
    pub body: String,
    /// Editorial flags (featured, pinned...).
    #[column(default = "'{}'", index(method = "gin", comment = "Filters on flags (@>, ?)"))]
    pub metadata: serde_json::Value,
    pub published_at: Option<DateTime<Utc>>,
}

/// Comments on posts, threaded through parent_id.
#[derive(Table)]
#[table(
    name = "comments",
    timestamps,
    soft_delete,
    volume = "100k comments/year",
    retention = "kept with their post",
)]
pub struct Comment {
    #[column(primary_key, identity)]
    pub id: i64,
    #[column(references = Post, on_delete = "cascade", index)]
    pub post_id: i64,
    /// NULL once the author's account is deleted: the comment stays.
    #[column(references = User, on_delete = "set_null", index)]
    pub user_id: Option<i64>,
    #[column(references = Self, on_delete = "cascade", index)]
    pub parent_id: Option<i64>,
    pub body: String,
}

/// Tags for classifying posts.
#[derive(Table)]
#[table(name = "tags", allow(rule = "missing-timestamps", reason = "a small curated vocabulary"))]
pub struct Tag {
    #[column(primary_key, identity)]
    pub id: i64,
    #[column(varchar = 50, unique)]
    pub name: String,
    #[column(varchar = 50, unique)]
    pub slug: String,
}

/// Which tags a post has.
#[derive(Table)]
#[table(
    name = "post_tags",
    primary_key(post_id, tag_id),
    allow(rule = "missing-timestamps", reason = "a pure link table")
)]
pub struct PostTag {
    #[column(references = Post, on_delete = "cascade")]
    pub post_id: i64,
    #[column(references = Tag, on_delete = "cascade", index)]
    pub tag_id: i64,
}

/// The whole schema: the tables above plus what is not a struct.
pub fn schema() -> Schema {
    let public = QualifiedName::public;
    Schema::builder()
        .extension(Extension::new("pg_trgm").in_schema("extensions"))
        .domain(
            Domain::new("email_address", SqlType::Text)
                .check(CheckConstraint::new(r"length(VALUE) <= 254 AND VALUE ~ '^[A-Za-z0-9._%+-]+@[A-Za-z0-9.-]+\.[A-Za-z]{2,}$'"))
                .comment("An e-mail address (RFC 5321 length limit)"),
        )
        .domain(
            Domain::new("phone_number", SqlType::Varchar(Some(16)))
                .check(CheckConstraint::new(r"VALUE ~ '^\+[1-9][0-9]{1,14}$'"))
                .comment("An E.164 phone number"),
        )
        .table::<User>()
        .table::<Post>()
        .table::<Comment>()
        .table::<Tag>()
        .table::<PostTag>()
        .view(
            View::materialized(
                public("user_statistics"),
                "SELECT date_trunc('day', created_at) AS day, status, count(*) AS user_count, \
                 count(*) FILTER (WHERE email_verified_at IS NOT NULL) AS verified_count \
                 FROM public.users WHERE deleted_at IS NULL GROUP BY 1, 2",
            )
            .depends_on(public("users"))
            .index(Index::with_keys([IndexKey::column("day"), IndexKey::column("status")]).unique())
            .comment("Aggregated user statistics; REFRESH MATERIALIZED VIEW CONCURRENTLY daily"),
        )
        .role(Role::group("app_readonly").comment("Reporting: read everything"))
        .role(Role::group("app_readwrite").comment("The application: read and write rows"))
        .role(Role::group("app_admin").comment("Administrators: every privilege, every row"))
        .role(Role::login("app_user").member_of("app_readwrite").comment("The application's login"))
        .grant(Grant::new([Privilege::Usage], GrantTarget::Schema("public".into()), ["app_readonly", "app_readwrite", "app_admin"]))
        .grant(Grant::new([Privilege::Select], GrantTarget::AllTablesInSchema("public".into()), ["app_readonly"]))
        .grant(Grant::new(
            [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete],
            GrantTarget::AllTablesInSchema("public".into()),
            ["app_readwrite"],
        ))
        .grant(Grant::new([Privilege::All], GrantTarget::AllTablesInSchema("public".into()), ["app_admin"]))
        .grant(Grant::new([Privilege::Usage, Privilege::Select], GrantTarget::AllSequencesInSchema("public".into()), ["app_readwrite", "app_admin"]))
        .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::Select], ["app_readonly"]))
        .default_privileges(DefaultPrivileges::new(
            "public",
            DefaultObjects::Tables,
            [Privilege::Select, Privilege::Insert, Privilege::Update, Privilege::Delete],
            ["app_readwrite"],
        ))
        .default_privileges(DefaultPrivileges::new("public", DefaultObjects::Tables, [Privilege::All], ["app_admin"]))
        .default_privileges(DefaultPrivileges::new(
            "public",
            DefaultObjects::Sequences,
            [Privilege::Usage, Privilege::Select],
            ["app_readwrite", "app_admin"],
        ))
        .version("2026.11.25", "Blog schema from the design brief, repaired")
        .build()
        .unwrap_or_else(|e| panic!("{e}"))
}

/// The lint configuration the blog is reviewed with: schema-wide allows, each with its reason.
pub fn lint_config() -> LintConfig {
    LintConfig::default()
        .allow("view-bypasses-rls", "user_statistics holds only per-day counts, no row of any user")
}

#[allow(dead_code)]
fn main() {
    let schema = schema();
    match std::env::args_os().nth(1) {
        None => print!("{}", schema.to_ddl()),
        Some(dir) => {
            let config = lint_config();
            let report = pgarchitect::build_support::Emitter::new(&schema)
                .out_dir(dir)
                .lint(move |s| s.lint_with(&config).to_findings())
                .print_directives(false)
                .emit()
                .unwrap_or_else(|e| {
                    eprintln!("{e}");
                    std::process::exit(1)
                });
            for file in report.written.iter() {
                eprintln!("wrote {}", file.display());
            }
        }
    }
}

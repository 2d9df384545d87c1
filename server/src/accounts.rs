//! `server admin create`: the first Admin (later ones are granted in `/admin/staff`).

use sqlx::AnyPool;

use app::account::ssr::{audit, create_user, hash_password, password_problem, NewUser};
use app::account::{Email, Role};

/// Makes `email` an Admin with `password`: creates the account, or promotes an existing
/// one and sets its password (an operator recovering access). Returns the account id.
pub async fn create_admin(
    db: &AnyPool,
    email: &str,
    password: &str,
    name: &str,
) -> Result<i64, String> {
    let email = Email::parse(email).ok_or("--email: not a valid email address")?;
    let name = if name.trim().is_empty() {
        "Admin"
    } else {
        name.trim()
    };
    if let Some(problem) = password_problem(password, email.as_str(), name) {
        return Err(format!("password: {problem}"));
    }
    let hash = hash_password(password.to_string())
        .await
        .map_err(|_| "hashing the password failed")?;
    let created = create_user(
        db,
        NewUser {
            email: &email,
            password_hash: hash.clone(),
            name,
            birthday: None,
            marketing: false,
            locale: "en",
            role: Role::Admin,
        },
    )
    .await
    .map_err(|e| format!("database: {e}"))?;
    let id = match created {
        Some(id) => id,
        None => {
            let id: i64 = sqlx::query_scalar(
                "UPDATE users SET role = 'admin', password_hash = $1 WHERE email = $2 RETURNING id",
            )
            .bind(hash)
            .bind(email.as_str())
            .fetch_one(db)
            .await
            .map_err(|e| format!("database: {e}"))?;
            // Sessions made with the old password end.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(db)
                .await
                .map_err(|e| format!("database: {e}"))?;
            id
        }
    };
    audit(db, None, "admin_create", Some(&format!("user:{id}")))
        .await
        .map_err(|e| format!("database: {e}"))?;
    Ok(id)
}

//! `server admin create`: the first Admin (later ones are granted in `/admin/staff`).

use sqlx::AnyPool;

use app::account::ssr::{create_user, hash_password, password_problem, NewUser};
use app::domain::Email;
use app::web::ssr::{audit, begin_write, Backend};
use app::web::Role;

/// Makes `email` an Admin with `password`: creates the account, or promotes an existing
/// one and sets its password (an operator recovering access). Returns the account id.
pub async fn create_admin(
    db: &AnyPool,
    backend: Backend,
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
    let db_err = |e: sqlx::Error| format!("database: {e}");
    let mut tx = begin_write(db, backend).await.map_err(db_err)?;
    let created = create_user(
        &mut tx,
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
            .fetch_one(&mut *tx)
            .await
            .map_err(db_err)?;
            // Sessions made with the old password end.
            sqlx::query("DELETE FROM sessions WHERE user_id = $1")
                .bind(id)
                .execute(&mut *tx)
                .await
                .map_err(db_err)?;
            id
        }
    };
    audit(&mut tx, None, "admin_create", Some(&format!("user:{id}")))
        .await
        .map_err(|e| format!("database: {e}"))?;
    tx.commit().await.map_err(db_err)?;
    Ok(id)
}

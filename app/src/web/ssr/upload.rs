//! A multipart form with one file (the CSV import, the media library, product photos):
//! its text fields and the file, read with a cap on the file's size while it streams in
//! (the body limit, `SHOP_UPLOAD_LIMIT_BYTES`, caps the whole request before this).

use std::collections::HashMap;

use leptos::server_fn::codec::MultipartData;

/// Text fields longer than this are cut (none of the upload forms has a long one).
const MAX_TEXT: usize = 4096;
/// At most this many text fields are read.
const MAX_FIELDS: usize = 32;

#[derive(Default)]
pub struct UploadForm {
    pub fields: HashMap<String, String>,
    /// The file's name (as the browser sent it), declared type and bytes; none when the
    /// form had no file or it was empty.
    pub file: Option<(String, String, Vec<u8>)>,
    /// Why reading stopped early, if it did (the fields before it are kept, so the
    /// page can come back to the right place with what was typed).
    pub problem: Option<UploadError>,
}

impl UploadForm {
    pub fn get(&self, name: &str) -> &str {
        self.fields.get(name).map_or("", String::as_str)
    }
}

/// Why an upload could not be read.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UploadError {
    /// Not a multipart form, or cut short.
    Unreadable,
    /// The file is larger than the cap.
    TooBig,
}

/// Reads `data`: the file in field `file_field` (up to `max_file` bytes), the other
/// fields as text; a problem stops the reading and is kept in `problem`.
pub async fn read_upload(data: MultipartData, file_field: &str, max_file: usize) -> UploadForm {
    let mut form = UploadForm::default();
    if let Err(e) = read_into(&mut form, data, file_field, max_file).await {
        form.problem = Some(e);
    }
    form
}

async fn read_into(
    form: &mut UploadForm,
    data: MultipartData,
    file_field: &str,
    max_file: usize,
) -> Result<(), UploadError> {
    let mut data = data.into_inner().ok_or(UploadError::Unreadable)?;
    while let Some(mut field) = data
        .next_field()
        .await
        .map_err(|_| UploadError::Unreadable)?
    {
        let name = field.name().unwrap_or_default().to_string();
        if name == file_field {
            let file_name = field.file_name().unwrap_or_default().to_string();
            let kind = field
                .content_type()
                .map(|m| m.essence_str().to_string())
                .unwrap_or_default();
            let mut bytes = Vec::new();
            while let Some(chunk) = field.chunk().await.map_err(|_| UploadError::Unreadable)? {
                if bytes.len() + chunk.len() > max_file {
                    return Err(UploadError::TooBig);
                }
                bytes.extend_from_slice(&chunk);
            }
            if !bytes.is_empty() {
                form.file = Some((file_name, kind, bytes));
            }
        } else if form.fields.len() < MAX_FIELDS {
            let mut text = field.text().await.map_err(|_| UploadError::Unreadable)?;
            if text.len() > MAX_TEXT {
                let mut cut = MAX_TEXT;
                while !text.is_char_boundary(cut) {
                    cut -= 1;
                }
                text.truncate(cut);
            }
            form.fields.insert(name, text);
        }
    }
    Ok(())
}

//! `upload.*`: file parts in, file bytes out.

use grammers_tl_types as tl;

use super::{Caller, RpcFail};
use crate::state::State;

/// Largest part Telegram accepts (512 KiB).
const MAX_PART: usize = 512 * 1024;

fn save_part(
    state: &mut State,
    caller: &Caller,
    file_id: i64,
    part: i32,
    bytes: Vec<u8>,
) -> Result<bool, RpcFail> {
    let me = caller.me()?;
    if !(0..4000).contains(&part) {
        return Err(RpcFail::bad_request("FILE_PART_INVALID"));
    }
    if bytes.len() > MAX_PART {
        return Err(RpcFail::bad_request("FILE_PART_TOO_BIG"));
    }
    state
        .uploads
        .entry((me, file_id))
        .or_default()
        .insert(part, bytes);
    Ok(true)
}

pub(super) fn save_file_part(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::upload::SaveFilePart,
) -> Result<bool, RpcFail> {
    save_part(
        state,
        caller,
        request.file_id,
        request.file_part,
        request.bytes,
    )
}

pub(super) fn save_big_file_part(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::upload::SaveBigFilePart,
) -> Result<bool, RpcFail> {
    save_part(
        state,
        caller,
        request.file_id,
        request.file_part,
        request.bytes,
    )
}

pub(super) fn get_file(
    state: &mut State,
    caller: &Caller,
    request: tl::functions::upload::GetFile,
) -> Result<tl::enums::upload::File, RpcFail> {
    caller.me()?;
    let (id, access_hash) = match &request.location {
        tl::enums::InputFileLocation::InputPhotoFileLocation(l) => (l.id, l.access_hash),
        tl::enums::InputFileLocation::InputDocumentFileLocation(l) => (l.id, l.access_hash),
        _ => return Err(RpcFail::bad_request("LOCATION_INVALID")),
    };
    let file = state
        .files
        .get(&id)
        .filter(|f| f.access_hash == access_hash)
        .ok_or_else(|| RpcFail::bad_request("FILE_REFERENCE_EXPIRED"))?;
    // "the file to be accessed is currently stored in a different data center"
    // (core.telegram.org/api/errors, 303 FILE_MIGRATE_X); grammers' download then asks that
    // DC, importing its authorization there first (`grammers-client` `files.rs`).
    if file.dc != caller.conn.dc {
        return Err(RpcFail::new(303, format!("FILE_MIGRATE_{}", file.dc)));
    }
    if request.offset < 0 || request.limit <= 0 {
        return Err(RpcFail::bad_request("LIMIT_INVALID"));
    }
    let start = (request.offset as usize).min(file.bytes.len());
    let end = (start + request.limit as usize).min(file.bytes.len());
    Ok(tl::enums::upload::File::File(tl::types::upload::File {
        r#type: tl::enums::storage::FileType::FileUnknown,
        mtime: file.date,
        bytes: file.bytes[start..end].to_vec(),
    }))
}
